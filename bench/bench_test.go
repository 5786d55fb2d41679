package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
		TenantLimit: 600, Parallelism: 10, Terraform: terraform, ModuleDir: moduleDir, WorkDir: t.TempDir(),
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

	table := markdown(rep)
	for _, want := range []string{"| 3 (1/1/1) | plan |", "**mixed**, before (the same build)", "| keys-ratelimit | 3 | apply | provider |",
		"| plan | 3 | plan (median of 2) | before |", "tenant bound"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
}

// TestSmokeCountsTooManyRequests runs the rate-limited keys scenario against a tenant that answers
// every request 429 (injected, with a Retry-After of one second, rather than the tenant limit,
// whose window is a minute): the 429s are counted, and the error reaching the user is recorded
// instead of ending the run.
func TestSmokeCountsTooManyRequests(t *testing.T) {
	t.Parallel()
	cfg := smokeConfig(t, "keys-ratelimit")
	cfg.Keys, cfg.BeforeBin = 1, ""
	cfg.Faults = emulator.Faults{ErrorRate: 1, Statuses: []int{http.StatusTooManyRequests}, RetryAfter: time.Second}
	rep, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := summarize(rep.Scenarios[0], "provider", "apply")
	if !ok || s.TooMany == 0 || s.TooMany != s.Requests || s.ExitCode == 0 || s.userError() == "none" {
		t.Fatalf("apply against a tenant answering 429: %+v, want every request counted as a 429 and the error recorded", s)
	}
	if table := markdown(rep); !strings.Contains(table, fmt.Sprintf("| %d | %d | exit ", s.Writes, s.TooMany)) {
		t.Errorf("the table does not report the 429s and the error:\n%s", table)
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

func TestSpliceMarkdown(t *testing.T) {
	t.Parallel()
	doc, err := spliceMarkdown("intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n", benchMarkers, "new\n")
	want := "intro\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nafter\n"
	if err != nil || doc != want {
		t.Errorf("splicing: %v\n%s", err, doc)
	}
	if _, err := spliceMarkdown("no markers\n", benchMarkers, "x"); err == nil {
		t.Error("splicing into a document without markers succeeded")
	}
}
