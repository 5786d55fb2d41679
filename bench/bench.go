package main

import (
	"bufio"
	"bytes"
	"cmp"
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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// config is one benchmark run.
type config struct {
	Scenarios []string // scenario names (scenarioNames), in the order they run
	Sizes     []int    // object counts of the mixed scenario, e.g. 10, 100, 500
	// Keys, Accounts and Imports are the object counts of the keys and keys-ratelimit, the accounts
	// and accounts-ratelimit, and the import scenarios; PlanSizes those of the plan scenario.
	Keys, Accounts, Imports int
	PlanSizes               []int
	PlanRepeat              int           // no-change plans per target in the plan scenario (the median is reported)
	TenantLimit             int           // the emulator's requests per minute in the rate-limited scenarios
	LimitedSamples          int           // runs of each rate-limited scenario, each on new tenants (the median is reported)
	Latency                 time.Duration // added by the emulator to every API request
	Parallelism             int           // terraform -parallelism, for every target alike
	Terraform               string        // terraform CLI
	ProviderBin             string        // a built provider; empty: build the module's main package
	BeforeBin               string        // a built older provider, measured beside the provider; empty: none
	BeforeLabel             string        // what BeforeBin is, e.g. "main at 8d57467"; empty: its path
	FloorBin                string        // a built framework floor; empty: build bench/floorprovider
	ProtocolBin             string        // a built protocol floor; empty: build bench/protocolfloor
	ModuleDir               string        // the provider module (for the build); this bench module is its bench/ folder
	WorkDir                 string        // scratch space (configurations, CLI configs, builds); removed by the caller
	// RequestsPerMinute is the provider's requests_per_minute in every scenario but the
	// rate-limited ones, which keep the provider's default pacing. It is set high so that those
	// scenarios measure the provider and not a client-side limit.
	RequestsPerMinute int
	// Faults are injected by every emulator on top of the latency. TestSmoke uses them to make 429
	// answers without waiting for the tenant limit's minute; a benchmark injects none.
	Faults emulator.Faults
	// ProfileDir, when set, builds the binaries with the profiling build tag (internal/profiling)
	// and has each provider process of each command record its memory in a directory of its own
	// under ProfileDir. Profiling costs CPU time: its figures do not compare with a plain run's.
	ProfileDir string
	Log        func(format string, args ...any)
}

// target is one binary a scenario runs Terraform with. Target names: "baseline" (terraform_data,
// built into Terraform), "protocol" (bench/protocolfloor), "floor" (bench/floorprovider),
// "before" (an older provider given with -before-provider) and "provider".
type target struct {
	Name      string
	Bin       string // the binary's resolved path, which the sampler looks for in /proc; empty for the baseline
	CLIConfig string // a CLI configuration whose dev_overrides run Bin
}

// usesAPI reports whether a target sends API requests: the two providers do, the floors and the
// baseline do not.
func usesAPI(name string) bool { return name == "before" || name == "provider" }

// measurement is one terraform command.
type measurement struct {
	Target  string  `json:"target"` // see target
	Phase   string  `json:"phase"`  // "apply", "plan" (no change, with refresh), "import plan" or "destroy"
	Seconds float64 `json:"seconds"`
	// Load1 is the machine's one-minute load average when the command started.
	Load1 float64 `json:"load1"`
	// ExitCode and Stderr are terraform's; a failing command ends the run unless its phase
	// tolerates failure (the rate-limited applies, where an error reaching the user is a result).
	ExitCode int    `json:"exit_code"`
	Stderr   string `json:"stderr,omitempty"`
	// Requests counts the API requests of the command per "METHOD /path/template", Responses the
	// answers per HTTP status (the emulator's counters before and after; API targets only).
	Requests  map[string]int `json:"requests,omitempty"`
	Responses map[string]int `json:"responses,omitempty"`
	// PeakRSSKiB is the highest VmHWM of any provider process of the command.
	PeakRSSKiB int64 `json:"peak_rss_kib,omitempty"`
	// ProviderCPUSeconds is the user and system time of the provider processes.
	ProviderCPUSeconds float64 `json:"provider_cpu_seconds,omitempty"`
	// Runtime is what the provider processes recorded of their memory (with ProfileDir only).
	Runtime *runtimeStats `json:"runtime,omitempty"`
}

// runtimeStats sums what internal/profiling recorded for the provider processes of one command.
type runtimeStats struct {
	Dir string `json:"dir"` // the stats-<pid>.json and heap-<pid>.pb.gz files
	// Processes is how many processes left statistics: none for a binary built without the
	// profiling tag (-before-provider, or one given with -provider).
	Processes      int     `json:"processes"`
	GCCycles       uint64  `json:"gc_cycles"`
	AllocatedMB    float64 `json:"allocated_mb"`
	GCShareOfCPU   float64 `json:"gc_share_of_cpu"` // the runtime's estimate: GC CPU over CPU used
	PeakLiveHeapMB float64 `json:"peak_live_heap_mib"`
}

// apiRequests is the number of requests under /v3.0, and how many of them wrote.
func (m measurement) apiRequests() (requests, writes int) {
	for key, n := range m.Requests {
		method, path, _ := strings.Cut(key, " ")
		if !strings.HasPrefix(path, "/v3.0/") {
			continue
		}
		requests += n
		if method != http.MethodGet {
			writes += n
		}
	}
	return requests, writes
}

// tooMany is the number of 429 answers.
func (m measurement) tooMany() int { return m.Responses[strconv.Itoa(http.StatusTooManyRequests)] }

// report is the whole run, as written to JSON.
type report struct {
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	Machine     machine   `json:"machine"`
	LatencyMS   int64     `json:"latency_ms"`
	Parallelism int       `json:"parallelism"`
	TenantLimit int       `json:"tenant_limit_per_minute"`
	// Providers says what the "provider" and "before" targets ran.
	Providers map[string]string `json:"providers"`
	Scenarios []scenarioResult  `json:"scenarios"`
}

type machine struct {
	CPUs      int    `json:"nproc"`
	CPUModel  string `json:"cpu_model"`
	Go        string `json:"go"`
	Terraform string `json:"terraform"`
	OS        string `json:"os"`
}

// run builds what it must, then runs every scenario, each against emulators of its own.
func run(ctx context.Context, cfg config) (*report, error) {
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	cfg.PlanRepeat = max(cfg.PlanRepeat, 1)
	specs, err := scenarios(cfg)
	if err != nil {
		return nil, err
	}
	targets, providers, err := prepareTargets(ctx, cfg, specs)
	if err != nil {
		return nil, err
	}
	rep := &report{Started: time.Now().UTC(), LatencyMS: cfg.Latency.Milliseconds(), Parallelism: cfg.Parallelism,
		TenantLimit: cfg.TenantLimit, Providers: providers, Machine: describeMachine(ctx, cfg.Terraform)}
	for _, sc := range specs {
		res, err := runScenario(ctx, cfg, targets, sc)
		if err != nil {
			return nil, fmt.Errorf("scenario %s, %d objects: %w", sc.Name, sc.N, err)
		}
		rep.Scenarios = append(rep.Scenarios, res)
	}
	rep.Finished = time.Now().UTC()
	return rep, nil
}

// prepareTargets builds the binaries the scenarios need (unless given) and gives each a CLI
// configuration of its own: all serve the same provider address. It returns the targets and what
// the two providers are.
func prepareTargets(ctx context.Context, cfg config, specs []scenario) (map[string]target, map[string]string, error) {
	needed := map[string]bool{"provider": true}
	for _, sc := range specs {
		for _, t := range sc.Targets {
			needed[t] = true
		}
	}
	benchDir := filepath.Join(cfg.ModuleDir, "bench")
	builds := map[string]struct{ bin, moduleDir, pkg string }{
		// The provider builds in its own module, as it ships; the floors in this one.
		"provider": {cfg.ProviderBin, cfg.ModuleDir, "."},
		"floor":    {cfg.FloorBin, benchDir, "./floorprovider"},
		"protocol": {cfg.ProtocolBin, benchDir, "./protocolfloor"},
	}
	if cfg.BeforeBin != "" {
		needed["before"] = true
		builds["before"] = struct{ bin, moduleDir, pkg string }{cfg.BeforeBin, "", ""}
	}
	targets := map[string]target{"baseline": {Name: "baseline"}}
	for name, b := range builds {
		if !needed[name] {
			continue
		}
		binDir := filepath.Join(cfg.WorkDir, name, "bin")
		bin, err := buildUnlessGiven(ctx, cfg, b.bin, b.moduleDir, b.pkg, binDir)
		if err != nil {
			return nil, nil, fmt.Errorf("building the %s: %w", name, err)
		}
		cliConfig, err := writeCLIConfig(filepath.Join(cfg.WorkDir, name), binDir)
		if err != nil {
			return nil, nil, err
		}
		targets[name] = target{Name: name, Bin: bin, CLIConfig: cliConfig}
	}
	// The baseline runs no provider; any CLI configuration that downloads nothing will do.
	targets["baseline"] = target{Name: "baseline", CLIConfig: targets["provider"].CLIConfig}

	providers := map[string]string{"provider": describeProvider(ctx, cfg.ModuleDir, cfg.ProviderBin)}
	if cfg.BeforeBin != "" {
		providers["before"] = cmp.Or(cfg.BeforeLabel, cfg.BeforeBin)
	}
	return targets, providers, nil
}

// describeProvider says what the provider target runs: the given binary, or this module at its
// commit (with "+changes" when the worktree differs from it).
func describeProvider(ctx context.Context, moduleDir, bin string) string {
	if bin != "" {
		return bin
	}
	out, err := exec.CommandContext(ctx, "git", "-C", moduleDir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "this module"
	}
	desc := "this module at " + strings.TrimSpace(string(out))
	if status, err := exec.CommandContext(ctx, "git", "-C", moduleDir, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(status)) > 0 {
		desc += "+changes"
	}
	return desc
}

// emu is an emulator served on a loopback port for one target of one scenario: its objects, its
// counters and its rate limit window are that target's alone.
type emu struct {
	srv *emulator.Server
	url string
	hs  *http.Server
}

// startEmulator serves an emulator for one target of one scenario. It writes a date with no value
// (a never-used key's last use, a never-expiring key's expiry) as null: the emulator's default, "",
// is a spelling the provider reads only since 0896d5b, and a -before-provider binary built
// earlier, such as 8d57467's, fails on it.
func startEmulator(ctx context.Context, cfg config, perMinute int) (*emu, error) {
	faults := cfg.Faults
	faults.Latency = cfg.Latency
	srv, err := emulator.New(emulator.Options{Faults: faults, RequestsPerMinute: perMinute, AbsentDates: emulator.AbsentDatesNull})
	if err != nil {
		return nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e := &emu{srv: srv, url: "http://" + ln.Addr().String(), hs: &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = e.hs.Serve(ln) }()
	return e, nil
}

func (e *emu) close() { _ = e.hs.Close() }

// env is the environment of a terraform command of target t against e. The user's own CLI
// configuration is neither read nor changed, and nothing is downloaded.
func (e *emu) env(t target) []string {
	return append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+t.CLIConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"VISIONONE_ENDPOINT="+e.url,
		"VISIONONE_API_KEY="+e.srv.AdminKey(),
	)
}

// measure runs one terraform command and collects its wall time, its API requests and answers
// (the emulator's counters before and after) and the peak memory and CPU time of the provider
// processes it started. With profileDir, those processes record their memory there
// (internal/profiling, in binaries built with the profiling tag), and measure reads it back.
func measure(ctx context.Context, cfg config, e *emu, t target, dir string, ph phase, profileDir string) (measurement, error) {
	args := []string{"-chdir=" + dir}
	switch ph.Command {
	case "apply", "destroy":
		args = append(args, ph.Command, "-auto-approve")
	case "plan":
		args = append(args, "plan")
		if ph.NoChange {
			args = append(args, "-detailed-exitcode")
		}
	default:
		return measurement{}, fmt.Errorf("unknown terraform command %q", ph.Command)
	}
	args = append(args, "-input=false", "-no-color", "-parallelism="+strconv.Itoa(cfg.Parallelism))
	cmd := exec.CommandContext(ctx, cfg.Terraform, args...)
	cmd.Env = e.env(t)
	if profileDir != "" {
		if err := os.MkdirAll(profileDir, 0o755); err != nil {
			return measurement{}, err
		}
		cmd.Env = append(cmd.Env, "VISIONONE_PROFILE_DIR="+profileDir)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	m := measurement{Target: t.Name, Phase: ph.Name, Load1: loadAverage()}
	before := e.srv.Stats()
	var smp *sampler
	if t.Bin != "" {
		smp = startSampler(t.Bin)
	}
	start := time.Now()
	err := cmd.Run()
	m.Seconds = time.Since(start).Seconds()
	if smp != nil {
		m.PeakRSSKiB, m.ProviderCPUSeconds = smp.stop()
	}
	after := e.srv.Stats()

	if s := strings.TrimSpace(stderr.String()); s != "" {
		m.Stderr = tail(s, 20)
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		m.ExitCode = exit.ExitCode()
	default:
		return measurement{}, fmt.Errorf("terraform %s: %w", ph.Command, err)
	}
	if m.ExitCode != 0 && !ph.Tolerate {
		if ph.NoChange && m.ExitCode == 2 {
			return measurement{}, fmt.Errorf("the plan after apply is not empty:\n%s", tail(stdout.String(), 60))
		}
		return measurement{}, fmt.Errorf("terraform %s: exit status %d\n%s\n%s", ph.Command, m.ExitCode,
			tail(stdout.String(), 40), m.Stderr)
	}
	if usesAPI(t.Name) {
		m.Requests, m.Responses = delta(before.Requests, after.Requests), delta(before.Responses, after.Responses)
	}
	if profileDir != "" {
		if m.Runtime, err = readRuntimeStats(profileDir); err != nil {
			return measurement{}, err
		}
	}
	return m, nil
}

// delta is after - before, per key, without the keys that did not grow.
func delta(before, after map[string]int) map[string]int {
	d := map[string]int{}
	for k, v := range after {
		if n := v - before[k]; n > 0 {
			d[k] = n
		}
	}
	return d
}

// buildUnlessGiven builds the module's package pkg into dir/terraform-provider-visionone, or, when
// bin is given, links it there, so that dev_overrides finds it under the name Terraform looks
// for. It returns the binary's resolved path, the one /proc/<pid>/exe shows. It builds as
// .goreleaser.yml builds releases: a static binary without symbol tables maps less memory than a
// default build, and the peak measured is then the one users see. With cfg.ProfileDir it adds the
// profiling build tag.
func buildUnlessGiven(ctx context.Context, cfg config, bin, moduleDir, pkg, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dest := filepath.Join(dir, "terraform-provider-visionone")
	if bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return "", err
		}
		if err := os.Symlink(abs, dest); err != nil {
			return "", err
		}
	} else {
		cfg.Log("building %s into %s", pkg, dest)
		args := []string{"build", "-trimpath", "-ldflags", "-s -w", "-o", dest}
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
	return filepath.EvalSymlinks(dest)
}

// readRuntimeStats sums the last stats-<pid>.json of every provider process that wrote into dir
// (internal/profiling rewrites it every 100 ms, so the last 100 ms of a process are missing and a
// process that lived less leaves none: the floors of a run without latency).
func readRuntimeStats(dir string) (*runtimeStats, error) {
	files, err := filepath.Glob(filepath.Join(dir, "stats-*.json"))
	if err != nil {
		return nil, err
	}
	rs := &runtimeStats{Dir: dir, Processes: len(files)}
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

// loadAverage is the one-minute load average (/proc/loadavg), or 0 where it cannot be read.
func loadAverage() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(raw))
	if len(fields) == 0 {
		return 0
	}
	load, _ := strconv.ParseFloat(fields[0], 64)
	return load
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
