package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// config is one benchmark run.
type config struct {
	Sizes       []int         // object counts, e.g. 10, 100, 500
	Latency     time.Duration // added by the emulator to every API request
	Parallelism int           // terraform -parallelism, for the provider and the baseline alike
	Terraform   string        // terraform CLI
	ProviderBin string        // a built provider; empty: build the module's main package
	FloorBin    string        // a built framework floor; empty: build bench/floorprovider
	ProtocolBin string        // a built protocol floor; empty: build bench/protocolfloor
	ModuleDir   string        // the provider module (for the build); this bench module is its bench/ folder
	WorkDir     string        // scratch space (configurations, CLI config, build); removed by the caller
	// RequestsPerMinute is the provider's client-side rate limit. The benchmark sets it high so that
	// it measures the provider and not the limit (the default, 300, would bound every phase).
	RequestsPerMinute int
	// ProfileDir, when set, builds the binaries with the profiling build tag (internal/profiling)
	// and has each provider process of each command record its memory in a directory of its own
	// under ProfileDir. Profiling costs CPU time: its figures do not compare with a plain run's.
	ProfileDir string
	Log        func(format string, args ...any)
}

// mix is how N objects divide into types: a few roles, many accounts and keys.
type mix struct{ Roles, Accounts, APIKeys int }

func mixOf(n int) mix {
	roles := min(max(1, n/100), 5)
	rest := max(n-roles, 0)
	return mix{Roles: roles, Accounts: (rest + 1) / 2, APIKeys: rest / 2}
}

// measurement is one terraform command.
type measurement struct {
	Target  string  `json:"target"` // "baseline", "protocol" (floor), "floor" (framework) or "provider"
	Phase   string  `json:"phase"`  // "apply", "plan" (no change, with refresh) or "destroy"
	Seconds float64 `json:"seconds"`
	// Requests counts the API requests of the phase per "METHOD /path/template" (provider only).
	Requests map[string]int `json:"requests,omitempty"`
	// PeakRSSKiB is the highest VmHWM of any provider process of the phase (provider only).
	PeakRSSKiB int64 `json:"peak_rss_kib,omitempty"`
	// ProviderCPUSeconds is the user and system time of the provider processes (provider only).
	ProviderCPUSeconds float64 `json:"provider_cpu_seconds,omitempty"`
	// Runtime is what the provider processes recorded of their memory (with ProfileDir only).
	Runtime *runtimeStats `json:"runtime,omitempty"`
}

// runtimeStats sums what internal/profiling recorded for the provider processes of one command.
type runtimeStats struct {
	Dir            string  `json:"dir"` // the stats-<pid>.json and heap-<pid>.pb.gz files
	GCCycles       uint64  `json:"gc_cycles"`
	AllocatedMB    float64 `json:"allocated_mb"`
	GCShareOfCPU   float64 `json:"gc_share_of_cpu"` // the runtime's estimate: GC CPU over CPU used
	PeakLiveHeapMB float64 `json:"peak_live_heap_mib"`
}

// sizeResult is every measurement of one object count.
type sizeResult struct {
	N            int           `json:"n"`
	Mix          mix           `json:"mix"`
	Measurements []measurement `json:"measurements"`
}

// report is the whole run, as written to JSON.
type report struct {
	Started     time.Time    `json:"started"`
	Machine     machine      `json:"machine"`
	LatencyMS   int64        `json:"latency_ms"`
	Parallelism int          `json:"parallelism"`
	Results     []sizeResult `json:"results"`
}

type machine struct {
	CPUs      int    `json:"nproc"`
	CPUModel  string `json:"cpu_model"`
	Go        string `json:"go"`
	Terraform string `json:"terraform"`
	OS        string `json:"os"`
}

// run builds the provider, serves the emulator and measures every size.
func run(ctx context.Context, cfg config) (*report, error) {
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	rep := &report{Started: time.Now().UTC(), LatencyMS: cfg.Latency.Milliseconds(), Parallelism: cfg.Parallelism,
		Machine: describeMachine(ctx, cfg.Terraform)}

	// Both binaries serve the same provider address, so each gets a CLI configuration of its own.
	bins, cliConfigs := map[string]string{}, map[string]string{}
	// The provider builds in its own module, as it ships; the floors in this one.
	benchDir := filepath.Join(cfg.ModuleDir, "bench")
	for target, built := range map[string]struct{ bin, moduleDir, pkg string }{
		"provider": {cfg.ProviderBin, cfg.ModuleDir, "."},
		"floor":    {cfg.FloorBin, benchDir, "./floorprovider"},
		"protocol": {cfg.ProtocolBin, benchDir, "./protocolfloor"},
	} {
		bin, err := buildUnlessGiven(ctx, cfg, built.bin, built.moduleDir, built.pkg, filepath.Join(cfg.WorkDir, target, "bin"))
		if err != nil {
			return nil, fmt.Errorf("building the %s: %w", target, err)
		}
		bins[target] = bin
		if cliConfigs[target], err = writeCLIConfig(filepath.Join(cfg.WorkDir, target), filepath.Dir(bin)); err != nil {
			return nil, err
		}
	}

	srv, err := emulator.New(emulator.Options{Faults: emulator.Faults{Latency: cfg.Latency}})
	if err != nil {
		return nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer func() { _ = hs.Close() }()

	envOf := func(target string) []string {
		cliConfig := cliConfigs[target]
		if target == "baseline" {
			cliConfig = cliConfigs["provider"]
		}
		return append(os.Environ(),
			"TF_CLI_CONFIG_FILE="+cliConfig,
			"CHECKPOINT_DISABLE=1",
			"TF_IN_AUTOMATION=1",
			"TF_INPUT=0",
			"VISIONONE_ENDPOINT=http://"+ln.Addr().String(),
			"VISIONONE_API_KEY="+srv.AdminKey(),
		)
	}
	for _, n := range cfg.Sizes {
		res := sizeResult{N: n, Mix: mixOf(n)}
		dirs := map[string]string{}
		for target, text := range map[string]string{
			"provider": providerConfig(res.Mix, cfg.RequestsPerMinute),
			"floor":    providerConfig(res.Mix, cfg.RequestsPerMinute),
			"protocol": providerConfig(res.Mix, cfg.RequestsPerMinute),
			"baseline": baselineConfig(res.Mix),
		} {
			dir := filepath.Join(cfg.WorkDir, fmt.Sprintf("n%d", n), target)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(text), 0o600); err != nil {
				return nil, err
			}
			dirs[target] = dir
		}
		// Each phase runs for the baseline, the two floors and the provider, back to back, so that all
		// four see the same machine load.
		for _, phase := range []string{"apply", "plan", "destroy"} {
			for _, target := range []string{"baseline", "protocol", "floor", "provider"} {
				cfg.Log("N=%d %s %s", n, target, phase)
				env, profileDir := envOf(target), ""
				if cfg.ProfileDir != "" && target != "baseline" {
					profileDir = filepath.Join(cfg.ProfileDir, fmt.Sprintf("n%d", n), target+"-"+phase)
					if err := os.MkdirAll(profileDir, 0o755); err != nil {
						return nil, err
					}
					env = append(env, "VISIONONE_PROFILE_DIR="+profileDir)
				}
				m, err := measure(ctx, cfg, srv, bins[target], env, dirs[target], target, phase)
				if err != nil {
					return nil, fmt.Errorf("%d objects, %s %s: %w", n, target, phase, err)
				}
				if profileDir != "" {
					if m.Runtime, err = readRuntimeStats(profileDir); err != nil {
						return nil, fmt.Errorf("%d objects, %s %s: %w", n, target, phase, err)
					}
				}
				res.Measurements = append(res.Measurements, m)
			}
		}
		if objects := srv.Stats().Objects; objects["accounts"]+objects["apiKeys"]+objects["roles"] != 0 {
			return nil, fmt.Errorf("%d objects: the destroy left objects behind: %v", n, objects)
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// measure runs one terraform command and collects its wall time, its API requests (the emulator's
// counters before and after) and the peak memory of the provider processes it started.
func measure(ctx context.Context, cfg config, srv *emulator.Server, bin string, env []string, dir, target, phase string) (measurement, error) {
	args := []string{"-chdir=" + dir}
	switch phase {
	case "apply":
		args = append(args, "apply", "-auto-approve")
	case "plan":
		args = append(args, "plan", "-detailed-exitcode")
	case "destroy":
		args = append(args, "destroy", "-auto-approve")
	}
	args = append(args, "-input=false", "-no-color", "-parallelism="+strconv.Itoa(cfg.Parallelism))
	cmd := exec.CommandContext(ctx, cfg.Terraform, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	before := srv.Stats()
	sampler := startSampler(bin)
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	peak, cpu := sampler.stop()
	after := srv.Stats()

	if err != nil {
		var exit *exec.ExitError
		if phase == "plan" && errors.As(err, &exit) && exit.ExitCode() == 2 {
			return measurement{}, fmt.Errorf("the plan after apply is not empty:\n%s", tail(out.String(), 60))
		}
		return measurement{}, fmt.Errorf("terraform %s: %w\n%s", phase, err, tail(out.String(), 60))
	}
	m := measurement{Target: target, Phase: phase, Seconds: elapsed.Seconds()}
	if target != "baseline" {
		m.PeakRSSKiB = peak
		m.ProviderCPUSeconds = cpu
	}
	if target == "provider" {
		m.Requests = map[string]int{}
		for k, v := range after.Requests {
			if d := v - before.Requests[k]; d > 0 {
				m.Requests[k] = d
			}
		}
	}
	return m, nil
}

// buildUnlessGiven returns bin, or builds the module's package pkg into dir when bin is empty. It
// builds as .goreleaser.yml builds releases: a static binary without symbol tables maps less memory
// than a default build, and the peak measured is then the one users see.
func buildUnlessGiven(ctx context.Context, cfg config, bin, moduleDir, pkg, dir string) (string, error) {
	if bin == "" {
		bin = filepath.Join(dir, "terraform-provider-visionone")
		cfg.Log("building %s into %s", pkg, bin)
		args := []string{"build", "-trimpath", "-ldflags", "-s -w", "-o", bin}
		if cfg.ProfileDir != "" {
			args = append(args, "-tags", "profiling")
		}
		build := exec.CommandContext(ctx, "go", append(args, pkg)...)
		build.Dir = moduleDir
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			return "", fmt.Errorf("%w\n%s", err, out)
		}
	}
	return filepath.Abs(bin)
}

// readRuntimeStats sums the last stats-<pid>.json of every provider process that wrote into dir
// (internal/profiling rewrites it every 100 ms, so the last 100 ms of a process are missing and a
// process that lived less leaves none: the floors of a run without latency).
func readRuntimeStats(dir string) (*runtimeStats, error) {
	files, err := filepath.Glob(filepath.Join(dir, "stats-*.json"))
	if err != nil {
		return nil, err
	}
	rs := &runtimeStats{Dir: dir}
	var gcCPU, usedCPU float64
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var s map[string]float64
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		rs.GCCycles += uint64(s["/gc/cycles/total:gc-cycles"])
		rs.AllocatedMB += s["/gc/heap/allocs:bytes"] / 1e6
		gcCPU += s["/cpu/classes/gc/total:cpu-seconds"]
		usedCPU += s["/cpu/classes/total:cpu-seconds"] - s["/cpu/classes/idle:cpu-seconds"]
		rs.PeakLiveHeapMB = max(rs.PeakLiveHeapMB, s["peak_live_bytes"]/(1<<20))
	}
	rs.GCShareOfCPU = ratio(gcCPU, usedCPU)
	return rs, nil
}

// writeCLIConfig writes a CLI configuration that runs the provider from binDir (dev_overrides) and
// can install nothing else: the user's own configuration is never read or written.
func writeCLIConfig(workDir, binDir string) (string, error) {
	mirror := filepath.Join(workDir, "empty-mirror")
	if err := os.MkdirAll(mirror, 0o755); err != nil {
		return "", err
	}
	p := filepath.Join(workDir, "terraformrc")
	text := fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  dev_overrides {
    "seed-ebba3aa9/visionone" = %q
  }
  filesystem_mirror {
    path = %q
  }
}
`, binDir, mirror)
	return p, os.WriteFile(p, []byte(text), 0o600)
}

// providerConfig manages m with the provider: accounts and keys take the roles in turn.
func providerConfig(m mix, requestsPerMinute int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    visionone = { source = "seed-ebba3aa9/visionone" }
  }
}

provider "visionone" {
  requests_per_minute = %d
}

resource "visionone_user_role" "r" {
  count                         = %d
  name                          = "bench-role-${count.index}"
  description                   = "benchmark role"
  permissions                   = ["platform.apiKeys.view"]
  allow_api_key_assignment      = true
  allow_user_account_assignment = true
}

resource "visionone_account" "a" {
  count = %d
  email = "bench-${count.index}@example.com"
  role  = visionone_user_role.r[count.index %% length(visionone_user_role.r)].name
}

resource "visionone_api_key" "k" {
  count = %d
  name  = "bench-key-${count.index}"
  role  = visionone_user_role.r[count.index %% length(visionone_user_role.r)].name
}
`, requestsPerMinute, m.Roles, m.Accounts, m.APIKeys)
}

// baselineConfig is the same graph of terraform_data resources: what Terraform itself costs.
func baselineConfig(m mix) string {
	return fmt.Sprintf(`resource "terraform_data" "r" {
  count = %d
  input = "bench-role-${count.index}"
}

resource "terraform_data" "a" {
  count = %d
  input = { email = "bench-${count.index}@example.com", role = terraform_data.r[count.index %% length(terraform_data.r)].output }
}

resource "terraform_data" "k" {
  count = %d
  input = { name = "bench-key-${count.index}", role = terraform_data.r[count.index %% length(terraform_data.r)].output }
}
`, m.Roles, m.Accounts, m.APIKeys)
}

// sampler polls /proc for processes running the provider binary and keeps the highest VmHWM (the
// kernel's own peak resident set of a process) seen, and the CPU time of each. Terraform starts a
// provider process per graph walk; each lives for its walk, and VmHWM only grows, so polling loses
// at most the last poll interval of a process's life.
type sampler struct {
	done  chan struct{}
	wg    sync.WaitGroup
	peak  int64
	ticks map[string]int64 // CPU clock ticks by pid, as last seen
}

func startSampler(bin string) *sampler {
	s := &sampler{done: make(chan struct{}), ticks: map[string]int64{}}
	s.wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			s.sample(bin)
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	})
	return s
}

// stop ends the sampling and returns the peak VmHWM in KiB and the CPU seconds of the processes.
func (s *sampler) stop() (int64, float64) {
	close(s.done)
	s.wg.Wait()
	var ticks int64
	for _, t := range s.ticks {
		ticks += t
	}
	return s.peak, float64(ticks) / clockTicks
}

// clockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on every Linux ABI.
const clockTicks = 100

// sample reads VmHWM and the CPU time of every running process of bin.
func (s *sampler) sample(bin string) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || exe != bin {
			continue
		}
		s.peak = max(s.peak, statusKiB(filepath.Join("/proc", e.Name(), "status"), "VmHWM:"))
		if t, ok := cpuTicks(filepath.Join("/proc", e.Name(), "stat")); ok {
			s.ticks[e.Name()] = t
		}
	}
}

// cpuTicks returns utime + stime from /proc/<pid>/stat (fields 14 and 15, counted after the
// command name, which may hold spaces and is closed by the last parenthesis).
func cpuTicks(path string) (int64, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(raw[i+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime, err1 == nil && err2 == nil
}

func statusKiB(path, field string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib
		}
	}
	return 0
}

func describeMachine(ctx context.Context, terraform string) machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(raw)) {
			if rest, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				break
			}
		}
	}
	cmd := exec.CommandContext(ctx, terraform, "version")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
	if out, err := cmd.Output(); err == nil {
		m.Terraform = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	return m
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// phaseStats summarises the provider's measurement of one phase against its baseline and the two
// floors.
type phaseStats struct {
	Phase                           string
	Baseline, Protocol, Floor, Wall float64
	Requests, Writes                int
	ByType                          map[string]int // requests per type: roles, accounts, apiKeys
	PeakMiB, FloorPeakMiB           float64
	CPU, FloorCPU                   float64 // CPU seconds of the provider processes, and of the floor's
}

func summarize(res sizeResult) []phaseStats {
	var out []phaseStats
	for _, phase := range []string{"apply", "plan", "destroy"} {
		ps := phaseStats{Phase: phase, ByType: map[string]int{}}
		for _, m := range res.Measurements {
			if m.Phase != phase {
				continue
			}
			switch m.Target {
			case "baseline":
				ps.Baseline = m.Seconds
				continue
			case "protocol":
				ps.Protocol = m.Seconds
				continue
			case "floor":
				ps.Floor, ps.FloorPeakMiB, ps.FloorCPU = m.Seconds, float64(m.PeakRSSKiB)/1024, m.ProviderCPUSeconds
				continue
			}
			ps.Wall = m.Seconds
			ps.PeakMiB = float64(m.PeakRSSKiB) / 1024
			ps.CPU = m.ProviderCPUSeconds
			for key, n := range m.Requests {
				method, path, _ := strings.Cut(key, " ")
				if !strings.HasPrefix(path, "/v3.0/") {
					continue
				}
				ps.Requests += n
				if method != http.MethodGet {
					ps.Writes += n
				}
				for _, t := range []string{"roles", "accounts", "apiKeys"} {
					if strings.HasPrefix(path, "/v3.0/iam/"+t) {
						ps.ByType[t] += n
					}
				}
			}
		}
		out = append(out, ps)
	}
	return out
}

// markdown renders the report as the table BENCHMARKS.md carries.
func markdown(rep *report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s on %d CPUs (%s), %s, %s, %s. Emulator latency %d ms per request, "+
		"terraform -parallelism=%d.\n\n",
		rep.Started.Format("2006-01-02 15:04 MST"), rep.Machine.CPUs, rep.Machine.CPUModel, rep.Machine.OS,
		rep.Machine.Go, rep.Machine.Terraform, rep.LatencyMS, rep.Parallelism)
	b.WriteString("| N (roles/accounts/keys) | phase | baseline s | protocol floor s | framework floor s | provider s | ratio | bound s | requests | per object | writes per object | requests by type (roles/accounts/keys) | provider peak MiB | floor peak MiB | provider CPU s | floor CPU s |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
	for _, res := range rep.Results {
		for _, ps := range summarize(res) {
			// The lower bound of a phase: its requests, latency each, parallelism at a time, on top of
			// what Terraform itself costs (the baseline).
			bound := ps.Baseline + float64(ps.Requests)*float64(rep.LatencyMS)/1000/float64(rep.Parallelism)
			fmt.Fprintf(&b, "| %d (%d/%d/%d) | %s | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f | %d | %.2f | %.2f | %d/%d/%d | %.0f | %.0f | %.1f | %.1f |\n",
				res.N, res.Mix.Roles, res.Mix.Accounts, res.Mix.APIKeys, ps.Phase, ps.Baseline, ps.Protocol, ps.Floor, ps.Wall,
				ratio(ps.Wall, ps.Baseline), bound, ps.Requests, float64(ps.Requests)/float64(res.N),
				float64(ps.Writes)/float64(res.N), ps.ByType["roles"], ps.ByType["accounts"], ps.ByType["apiKeys"],
				ps.PeakMiB, ps.FloorPeakMiB, ps.CPU, ps.FloorCPU)
		}
	}
	b.WriteString("\nprotocol floor = the same configuration served by bench/protocolfloor: this provider's schemas, " +
		"every call for an object answered by terraform-plugin-go with no work, the least an external provider costs. " +
		"framework floor (floor) = the same configuration served by bench/floorprovider: this provider's schemas, served as the provider is, " +
		"with resources that do nothing, what the stack costs before any of the provider's own work. " +
		"ratio = provider ÷ baseline wall time. bound = baseline + requests × latency ÷ parallelism, " +
		"the reference of the apply and destroy targets (Terraform's own time overlaps the waits, so a phase can beat " +
		"it). Requests are those the emulator counted under /v3.0.\n")
	return b.String()
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// spliceMarkdown replaces the text between the bench markers of doc with table.
func spliceMarkdown(doc, table string) (string, error) {
	const startMark, endMark = "<!-- bench:start -->", "<!-- bench:end -->"
	i, j := strings.Index(doc, startMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		return "", fmt.Errorf("the markers %s and %s are missing", startMark, endMark)
	}
	return doc[:i+len(startMark)] + "\n" + table + doc[j:], nil
}

// parseSizes reads "10 100 500" (spaces or commas).
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive object count", f)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) == 0 {
		return nil, errors.New("no object count given")
	}
	slices.Sort(sizes)
	return sizes, nil
}
