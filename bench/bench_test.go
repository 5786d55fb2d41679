package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// smokeConfig is a run of the given scenarios on a few objects without latency, with the provider
// TestMain built measured as both the provider and the before provider.
func smokeConfig(t *testing.T, names ...string) config {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1: the smoke runs build the provider and drive the terraform CLI")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Fatalf("the terraform CLI is not on PATH: %v", err)
		}
	}
	moduleDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return config{
		Scenarios: names, Sizes: []int{3}, Keys: 3, Accounts: 3, Imports: 3, PlanSizes: []int{3}, PlanRepeat: 2,
		LimitedSamples: 2, TenantLimit: 600, Parallelism: 10, Terraform: terraform, ModuleDir: moduleDir, WorkDir: t.TempDir(),
		ProviderBin: builtProvider, BeforeBin: builtProvider, BeforeLabel: "the same build", RequestsPerMinute: 100000, Log: t.Logf,
	}
}

// builtProvider is the provider TestMain builds, once for the smoke runs, when TF_ACC is set.
var builtProvider string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		if os.Getenv("TF_ACC") != "" {
			dir, err := os.MkdirTemp("", "visionone-bench-test-")
			if err != nil {
				panic(err)
			}
			defer func() { _ = os.RemoveAll(dir) }()
			moduleDir, err := filepath.Abs("..")
			if err == nil {
				builtProvider, err = buildUnlessGiven(context.Background(), config{Log: func(string, ...any) {}}, "", moduleDir, ".", dir)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "building the provider:", err)
				return 1
			}
		}
		return m.Run()
	}())
}

// TestSmoke runs every scenario on three objects without latency, with a before provider, so that
// `make bench` cannot rot: the provider and both floors build, Terraform runs them through
// dev_overrides, every phase succeeds, each plan that must be empty is (run fails otherwise), each
// destroy leaves nothing behind, every figure of the tables is measured, and the request counts
// hold what no optimisation may change: one write per account, none in a plan, none in an import.
func TestSmoke(t *testing.T) {
	t.Parallel()
	cfg := smokeConfig(t, scenarioNames...)
	rep, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]scenarioResult{}
	for _, res := range rep.Scenarios {
		ran[res.Scenario] = res
		for _, m := range res.Measurements {
			if m.Seconds <= 0 || m.ExitCode != 0 || m.Stderr != "" {
				t.Errorf("%s %s %s: %v s, exit %d, stderr %q", res.Scenario, m.Target, m.Phase, m.Seconds, m.ExitCode, m.Stderr)
			}
			if m.Target != "baseline" && m.PeakRSSKiB <= 0 {
				t.Errorf("%s %s %s: the binary's memory was not sampled", res.Scenario, m.Target, m.Phase)
			}
			if requests, _ := m.apiRequests(); usesAPI(m.Target) && m.Phase != "destroy" && requests == 0 {
				t.Errorf("%s %s %s: no request counted", res.Scenario, m.Target, m.Phase)
			}
		}
	}
	for _, name := range scenarioNames {
		if _, ok := ran[name]; !ok {
			t.Errorf("scenario %s did not run", name)
		}
	}

	const n = 3
	writes := func(scenario, target, phase string) int {
		s, ok := summarize(ran[scenario], target, phase)
		if !ok {
			t.Errorf("%s: no %s %s", scenario, target, phase)
		}
		return s.Writes
	}
	for _, p := range []string{"before", "provider"} {
		for _, c := range []struct {
			scenario, phase string
			least, most     int
		}{
			{"mixed", "apply", 1, n}, {"mixed", "plan", 0, 0}, {"mixed", "destroy", 1, n},
			{"keys", "apply", 1, n}, {"keys", "destroy", 1, n}, {"keys-ratelimit", "apply", 1, n},
			{"accounts", "apply", n, n}, {"accounts-ratelimit", "apply", n, n},
			{"import", "import plan", 0, 0}, {"import", "apply", 0, 0}, {"plan", "plan", 0, 0},
		} {
			if w := writes(c.scenario, p, c.phase); w < c.least || w > c.most {
				t.Errorf("%s %s %s: %d writes for %d objects, want %d to %d", c.scenario, p, c.phase, w, n, c.least, c.most)
			}
		}
	}
	for _, target := range []string{"baseline", "protocol", "floor"} {
		if _, ok := summarize(ran["mixed"], target, "plan"); !ok {
			t.Errorf("mixed: the %s was not measured", target)
		}
	}
	if s, _ := summarize(ran["plan"], "floor", "plan"); s.Runs != 2 || s.PeakMiB <= 0 {
		t.Errorf("plan: the framework floor's plans: %+v, want two, with memory", s)
	}
	// Each sample of a rate-limited scenario starts from nothing on a new tenant: it creates every
	// object again. The before provider takes the first sample only.
	for _, sc := range []string{"keys-ratelimit", "accounts-ratelimit"} {
		for target, runs := range map[string]int{"baseline": 2, "before": 1, "provider": 2} {
			if s, _ := summarize(ran[sc], target, "apply"); s.Runs != runs {
				t.Errorf("%s: the %s applied %d times, want %d", sc, target, s.Runs, runs)
			}
		}
		for _, m := range ran[sc].Measurements {
			if _, w := m.apiRequests(); m.Target == "provider" && w == 0 {
				t.Errorf("%s: a sample of the provider wrote nothing, want every object made again", sc)
			}
		}
	}
	// The floor planned the provider's own objects, not those of its own apply.
	providerIDs := stateIDs(t, filepath.Join(cfg.WorkDir, "plan-3", "provider"))
	if floorIDs := stateIDs(t, filepath.Join(cfg.WorkDir, "plan-3", "floor")); len(providerIDs) != n || !slices.Equal(floorIDs, providerIDs) {
		t.Errorf("plan: the floor planned the objects %v, the provider %v", floorIDs, providerIDs)
	}

	table, targets := markdown(rep), targetsMarkdown(rep)
	for _, want := range []string{"| 3 (1/1/1) | plan |", "**mixed**, before (the same build)", "| keys-ratelimit | 3 | apply (median of 2) | provider |",
		"| keys-ratelimit | 3 | apply | before |",
		"| plan | 3 | plan (median of 2) | before |", "tenant bound"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	if rows := strings.Count(targets, "\n| ") - 1; rows != len(goals) || strings.Contains(targets, "not measured") || strings.Contains(targets, "not run") {
		t.Errorf("the targets table has %d rows for %d goals, or a figure missing:\n%s", rows, len(goals), targets)
	}
}

// TestSmokeCountsTooManyRequests runs the rate-limited keys scenario against a tenant that answers
// every request 429 (injected, with a Retry-After of one second, rather than the tenant limit,
// whose window is a minute): the 429s are counted, the error reaching the user is recorded
// instead of ending the run, and the targets table says the target is missed.
func TestSmokeCountsTooManyRequests(t *testing.T) {
	t.Parallel()
	cfg := smokeConfig(t, "keys-ratelimit")
	cfg.Keys, cfg.BeforeBin, cfg.LimitedSamples = 1, "", 1
	cfg.Faults = emulator.Faults{ErrorRate: 1, Statuses: []int{http.StatusTooManyRequests}, RetryAfter: time.Second}
	rep, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := summarize(rep.Scenarios[0], "provider", "apply")
	if !ok || s.TooMany == 0 || s.TooMany != s.Requests || s.ExitCode == 0 || s.userError() == "none" {
		t.Fatalf("apply against a tenant answering 429: %+v, want every request counted as a 429 and the error recorded", s)
	}
	targets := targetsMarkdown(rep)
	if !strings.Contains(targets, "100.0% ("+strconv.Itoa(s.TooMany)+" of "+strconv.Itoa(s.Requests)+"), error reaching the user: exit ") ||
		!strings.Contains(targets, "| **no** |") {
		t.Errorf("the targets table does not report the 429s and the error:\n%s", targets)
	}
}

func TestParseSizes(t *testing.T) {
	t.Parallel()
	got, err := parseSizes("500, 10 100")
	if err != nil || len(got) != 3 || got[0] != 10 || got[2] != 500 {
		t.Errorf("parseSizes: %v, %v", got, err)
	}
	for _, bad := range []string{"", "ten", "0", "-5"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) accepted", bad)
		}
	}
}

func TestParseScenarios(t *testing.T) {
	t.Parallel()
	got, err := parseScenarios("plan, keys mixed")
	if err != nil || strings.Join(got, ",") != "mixed,keys,plan" {
		t.Errorf("parseScenarios: %v, %v; want the run order", got, err)
	}
	if got, err := parseScenarios("all"); err != nil || len(got) != len(scenarioNames) {
		t.Errorf("parseScenarios(all): %v, %v", got, err)
	}
	for _, bad := range []string{"", "keys,nope"} {
		if _, err := parseScenarios(bad); err == nil {
			t.Errorf("parseScenarios(%q) accepted", bad)
		}
	}
}

func TestMixOf(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]mix{3: {1, 1, 1}, 10: {1, 5, 4}, 100: {1, 50, 49}, 500: {5, 248, 247}, 2000: {5, 998, 997}} {
		if got := mixOf(n); got != want {
			t.Errorf("mixOf(%d) = %+v, want %+v", n, got, want)
		}
		if m := mixOf(n); m.Roles+m.Accounts+m.APIKeys != n {
			t.Errorf("mixOf(%d) = %+v does not add up", n, m)
		}
	}
}

// TestTargetsMarkdown computes the targets table from made-up measurements: the figures of the
// provider before the work on rate-limited tenants as Before, and figures that meet every target
// as After.
func TestTargetsMarkdown(t *testing.T) {
	t.Parallel()
	get := func(n int) map[string]int { return map[string]int{"GET /v3.0/iam/apiKeys/{id}": n} }
	post := func(path string, n int) map[string]int { return map[string]int{"POST " + path: n} }
	m := func(target, phase string, seconds float64, requests map[string]int, tooMany int, peakKiB int64) measurement {
		return measurement{Target: target, Phase: phase, Seconds: seconds, Requests: requests,
			Responses: map[string]int{"429": tooMany}, PeakRSSKiB: peakKiB}
	}
	rep := &report{Providers: map[string]string{"provider": "after", "before": "before"}, Scenarios: []scenarioResult{
		{Scenario: "keys", N: 500, Measurements: []measurement{
			m("before", "apply", 10, post("/v3.0/iam/apiKeys", 1005), 0, 0), m("provider", "apply", 3, post("/v3.0/iam/apiKeys", 5), 0, 0),
			m("before", "destroy", 10, post("/v3.0/iam/apiKeys/delete", 505), 0, 0), m("provider", "destroy", 3, post("/v3.0/iam/apiKeys/delete", 5), 0, 0),
		}},
		{Scenario: "keys-ratelimit", N: 500, TenantLimit: 600, Measurements: []measurement{
			m("baseline", "apply", 2.2, nil, 0, 0), m("before", "apply", 200, get(1005), 0, 0), m("provider", "apply", 6, get(100), 2, 0),
		}},
		{Scenario: "accounts-ratelimit", N: 1000, TenantLimit: 600, Measurements: []measurement{
			m("before", "apply", 400, get(2000), 0, 0), m("provider", "apply", 110, get(1000), 0, 0),
		}},
		{Scenario: "plan", N: 500, Measurements: []measurement{m("before", "plan", 1, get(6), 0, 0), m("provider", "plan", 1, get(5), 0, 0)}},
		{Scenario: "plan", N: 1000, Measurements: []measurement{
			m("floor", "plan", 4, nil, 0, 80<<10), m("floor", "plan", 6, nil, 0, 80<<10), m("floor", "plan", 5, nil, 0, 80<<10),
			m("before", "plan", 6.3, get(11), 0, 133<<10), m("provider", "plan", 5.5, get(11), 0, 88<<10),
		}},
	}}
	got := targetsMarkdown(rep)
	for _, want := range []string{
		"| requests per key, create of 500 keys | 2.010 (1005 requests) | 0.010 (5 requests) | <= 0.15 | yes |",
		"| requests per key, destroy of 500 keys | 1.010 (505 requests) | 0.010 (5 requests) | <= 0.15 | yes |",
		"| apply of 500 keys, tenant limit 600/min, default settings, ÷ terraform_data | 90.9x (200.0 s ÷ 2.2 s) | 2.7x (6.0 s ÷ 2.2 s) | <= 3x | yes |",
		"| 429 answers during that apply | 0.0% (0 of 1005), error reaching the user: none | 2.0% (2 of 100), error reaching the user: none |",
		// 1,000 accepted requests at 600 a minute take 100 s.
		"| apply of 1000 accounts, tenant limit 600/min, default settings, ÷ (requests ÷ 600 per min) | 2.00 (400 s ÷ 200 s) | 1.10 (110 s ÷ 100 s) | <= 1.2 | yes |",
		// The requests of the smallest plan, the floor ratios of the largest (the floor's median, 5 s).
		"| requests per object, no-change plan of 500 keys | 0.012 (6 requests) | 0.010 (5 requests) | <= 0.02 | yes |",
		"| no-change plan of 1000 keys ÷ framework floor, time | 1.26 (6.3 s ÷ 5.0 s) | 1.10 (5.5 s ÷ 5.0 s) | <= 1.2 | yes |",
		"| no-change plan of 1000 keys ÷ framework floor, peak RSS | 1.66 (133 MiB ÷ 80 MiB) | 1.10 (88 MiB ÷ 80 MiB) | <= 1.2 | yes |",
		"| (scenario import not run) |", "| (scenario accounts not run) |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the targets table lacks\n%s\n%s", want, got)
		}
	}
}

func TestSpliceMarkdown(t *testing.T) {
	t.Parallel()
	doc := "intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nmiddle\n<!-- bench-targets:start -->\nold targets\n<!-- bench-targets:end -->\nafter\n"
	doc, err := spliceMarkdown(doc, benchMarkers, "new\n")
	if err == nil {
		doc, err = spliceMarkdown(doc, targetsMarkers, "new targets\n")
	}
	want := "intro\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nmiddle\n<!-- bench-targets:start -->\nnew targets\n<!-- bench-targets:end -->\nafter\n"
	if err != nil || doc != want {
		t.Errorf("splicing: %v\n%s", err, doc)
	}
	if _, err := spliceMarkdown("no markers\n", targetsMarkers, "x"); err == nil {
		t.Error("splicing into a document without markers succeeded")
	}
}

// TestSmokeProfile runs the plan scenario with -profile: the provider and the framework floor are
// built with the profiling tag, each command of each of them gets a directory of its own (the
// repeated plans too), and the statistics their processes wrote there reach results.json.
func TestSmokeProfile(t *testing.T) {
	t.Parallel()
	cfg := smokeConfig(t, "plan")
	// Built here with the profiling tag; the latency keeps every command's provider process alive
	// past the first of internal/profiling's writes, 100 ms after it starts.
	cfg.ProviderBin, cfg.BeforeBin, cfg.Latency = "", "", 100*time.Millisecond
	cfg.ProfileDir = t.TempDir()
	rep, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	for _, m := range rep.Scenarios[0].Measurements {
		if m.Target == "baseline" {
			if m.Runtime != nil {
				t.Errorf("baseline %s: runtime statistics %+v of a command that runs no provider", m.Phase, *m.Runtime)
			}
			continue
		}
		if m.Runtime == nil {
			t.Errorf("%s %s: no runtime statistics", m.Target, m.Phase)
			continue
		}
		if dirs[m.Runtime.Dir] {
			t.Errorf("%s %s: %s serves another command too", m.Target, m.Phase, m.Runtime.Dir)
		}
		dirs[m.Runtime.Dir] = true
		if m.Target == "provider" && (m.Runtime.Processes == 0 || m.Runtime.AllocatedMB <= 0) {
			t.Errorf("provider %s: %+v, want the statistics of its processes", m.Phase, *m.Runtime)
		}
	}
	if want := 2 * (1 + cfg.PlanRepeat); len(dirs) != want {
		t.Errorf("%d profile directories, want %d (provider and floor, apply and %d plans): %v", len(dirs), want, cfg.PlanRepeat, dirs)
	}
}

func TestReadRuntimeStats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, text := range map[string]string{
		// Two provider processes of one command, as internal/profiling writes them.
		"stats-101.json": `{"/gc/heap/live:bytes":1048576,"/gc/cycles/total:gc-cycles":10,"/gc/heap/allocs:bytes":50000000,` +
			`"/cpu/classes/total:cpu-seconds":4,"/cpu/classes/idle:cpu-seconds":2,"/cpu/classes/gc/total:cpu-seconds":0.5,"peak_live_bytes":2097152}`,
		"stats-102.json": `{"/gc/heap/live:bytes":1048576,"/gc/cycles/total:gc-cycles":30,"/gc/heap/allocs:bytes":150000000,` +
			`"/cpu/classes/total:cpu-seconds":10,"/cpu/classes/idle:cpu-seconds":4,"/cpu/classes/gc/total:cpu-seconds":1.5,"peak_live_bytes":8388608}`,
		"heap-102.pb.gz": "not read",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := readRuntimeStats(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := runtimeStats{Dir: dir, Processes: 2, GCCycles: 40, AllocatedMB: 200, GCShareOfCPU: 0.25, PeakLiveHeapMB: 8}
	if *got != want {
		t.Errorf("readRuntimeStats = %+v, want %+v", *got, want)
	}
}

// TestEmulatorWritesAbsentDatesAsNull: the harness's emulators write a never-used key's last use as
// null, the one spelling of a date with no value that a -before-provider binary older than the
// provider's tolerant dates (such as 8d57467's) can read.
func TestEmulatorWritesAbsentDatesAsNull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := startEmulator(ctx, config{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	ids, err := createKeysInConsole(ctx, e, 1)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.url+"/v3.0/iam/apiKeys/"+ids[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.srv.AdminKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var key map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&key); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reading the key: HTTP %d, %v", resp.StatusCode, err)
	}
	if v, ok := key["lastUsedDateTime"]; !ok || v != nil {
		t.Errorf("lastUsedDateTime = %#v (present: %v), want null", v, ok)
	}
}

// stateIDs gives the id of every resource instance in the state of a Terraform directory.
func stateIDs(t *testing.T, dir string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Instances []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	var ids []string
	for _, r := range state.Resources {
		for _, i := range r.Instances {
			ids = append(ids, i.Attributes.ID)
		}
	}
	return ids
}
