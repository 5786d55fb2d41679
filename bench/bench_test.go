package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSmoke runs the whole benchmark on three objects (one of each type) without latency, so that
// `make bench` cannot rot: the provider and both floors build, Terraform runs them through
// dev_overrides, every
// phase succeeds, the plan after apply is empty (run fails otherwise), the destroy leaves nothing
// behind, and the request counts meet the targets: one write per object to create and one to
// destroy, and a refresh of at most one read per object.
func TestSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1: the smoke run builds the provider and drives the terraform CLI")
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
	const n = 3
	rep, err := run(context.Background(), config{
		Sizes: []int{n}, Parallelism: 10, Terraform: terraform, ModuleDir: moduleDir, WorkDir: t.TempDir(),
		RequestsPerMinute: 100000, Log: t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Mix != (mix{Roles: 1, Accounts: 1, APIKeys: 1}) {
		t.Fatalf("results %+v", rep.Results)
	}
	for _, ps := range summarize(rep.Results[0]) {
		if ps.Wall <= 0 || ps.Baseline <= 0 {
			t.Errorf("%s: no wall time measured (provider %v, baseline %v)", ps.Phase, ps.Wall, ps.Baseline)
		}
		if ps.PeakMiB <= 0 {
			t.Errorf("%s: the provider's memory was not sampled", ps.Phase)
		}
		if ps.Protocol <= 0 {
			t.Errorf("%s: the protocol floor was not measured", ps.Phase)
		}
		if ps.Floor <= 0 || ps.FloorPeakMiB <= 0 {
			t.Errorf("%s: the framework floor was not measured (%v s, %v MiB)", ps.Phase, ps.Floor, ps.FloorPeakMiB)
		}
		switch ps.Phase {
		case "apply", "destroy":
			if ps.Writes != n {
				t.Errorf("%s: %d write requests for %d objects, want one each", ps.Phase, ps.Writes, n)
			}
		case "plan":
			if ps.Writes != 0 || ps.Requests > n {
				t.Errorf("plan: %d requests (%d writes) for %d objects, want at most one read each", ps.Requests, ps.Writes, n)
			}
		}
	}
	table := markdown(rep)
	if !strings.Contains(table, "| 3 (1/1/1) | plan |") {
		t.Errorf("the table lacks the plan row:\n%s", table)
	}
	doc, err := spliceMarkdown("intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n", table)
	if err != nil || !strings.Contains(doc, table) || strings.Contains(doc, "old") || !strings.HasSuffix(doc, "after\n") {
		t.Errorf("splicing the table: %v\n%s", err, doc)
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
	want := runtimeStats{Dir: dir, GCCycles: 40, AllocatedMB: 200, GCShareOfCPU: 0.25, PeakLiveHeapMB: 8}
	if *got != want {
		t.Errorf("readRuntimeStats = %+v, want %+v", *got, want)
	}
}
