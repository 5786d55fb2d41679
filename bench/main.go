// Command bench measures the provider at scale against the emulator (`make bench`).
//
// It runs scenarios (-scenarios, all by default; BENCHMARKS.md describes each and how each figure
// is computed). A scenario is a configuration and a few terraform commands (apply, a no-change
// plan, an import plan, destroy), each run for every target back to back, so that all see the same
// machine load: the provider; with -before-provider, an older provider binary, for the Before
// column of the targets table; a baseline of the same number of terraform_data resources, what
// Terraform itself costs; and, in the mixed and plan scenarios, two floors. The protocol floor
// (bench/protocolfloor) answers every call for an object through terraform-plugin-go with no work:
// what Terraform and its plugin protocol cost for any external provider. The framework floor
// (bench/floorprovider) serves the same schemas as the provider is served, through
// terraform-plugin-framework, with resources that do nothing: it tells the provider's own cost from
// the cost of its stack. Terraform runs each binary through dev_overrides in a CLI configuration of
// the scratch directory (TF_CLI_CONFIG_FILE): the user's own configuration is neither read nor
// changed, and nothing is downloaded.
//
// Each target of a scenario has an emulator of its own, served by this process, with a latency
// added to every API request and, in the rate-limited scenarios, the tenant's limit. For each
// command the report gives the wall time and its ratios (to the baseline, a floor, or the least
// time the tenant's limit allows), the API requests and the 429 answers the emulator counted,
// whether an error reached the user (terraform's exit code and stderr), the provider's peak memory
// (the highest VmHWM, the peak resident set kept by the kernel, of any provider process, polled
// from /proc/<pid>/status while the command runs) and CPU time, and the load average. With
// -profile DIR the binaries are built with the profiling tag: each provider process writes its
// runtime statistics and a heap profile into DIR/<scenario>-<N>/<target>-<phase>, and results.json
// gains their garbage collection figures.
//
// It writes results.json and results.md into -out and, with -benchmarks, replaces the tables
// between the bench and bench-targets markers of that file (BENCHMARKS.md).
//
// It is a Go module of its own, so that the provider's module does not carry it, and runs from its
// folder (the provider's module is the parent folder), as `make bench` runs it:
//
//	cd bench && go run . -latency 50ms -out ../.build/bench -benchmarks ../BENCHMARKS.md
//	cd bench && go run . -scenarios keys -keys 100   # one scenario, smaller
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	var cfg config
	var out options
	scenarioList := flag.String("scenarios", "all", "scenarios to run, separated by commas or spaces: all, "+strings.Join(scenarioNames, ", "))
	sizes := flag.String("n", "10 100 500", "object counts of the mixed scenario, separated by spaces or commas")
	flag.IntVar(&cfg.Keys, "keys", 500, "API keys of the keys and keys-ratelimit scenarios")
	flag.IntVar(&cfg.Accounts, "accounts", 1000, "accounts of the accounts and accounts-ratelimit scenarios")
	flag.IntVar(&cfg.Imports, "imports", 200, "API keys the import scenario adopts")
	planSizes := flag.String("plan", "500 1000", "key counts of the no-change plan scenario (the targets read the requests of the smallest, the floor ratios of the largest)")
	flag.IntVar(&cfg.PlanRepeat, "plan-repeat", 5, "no-change plans per target in the plan scenario; the median is reported")
	flag.IntVar(&cfg.LimitedSamples, "limited-samples", 3, "runs of each rate-limited scenario, each on new tenants; the median is reported (the -before-provider runs once: its paced applies take minutes)")
	flag.IntVar(&cfg.TenantLimit, "tenant-limit", 600, "the emulator's limit in requests per minute in the rate-limited scenarios")
	flag.DurationVar(&cfg.Latency, "latency", 50*time.Millisecond, "latency the emulator adds to every API request")
	flag.IntVar(&cfg.Parallelism, "parallelism", 10, "terraform -parallelism (Terraform's default is 10)")
	flag.StringVar(&cfg.Terraform, "terraform", "", "terraform CLI (default: terraform on PATH)")
	flag.StringVar(&cfg.ProviderBin, "provider", "", "a provider binary to measure instead of building this module")
	flag.StringVar(&cfg.BeforeBin, "before-provider", "", "an older provider binary to measure too, back to back with the provider in every scenario (the Before column of the targets)")
	flag.StringVar(&cfg.BeforeLabel, "before-label", "", "what the -before-provider binary is, e.g. \"main at 8d57467\" (default: its path)")
	flag.StringVar(&cfg.FloorBin, "floor", "", "a framework floor binary to measure instead of building bench/floorprovider")
	flag.StringVar(&cfg.ProtocolBin, "protocol-floor", "", "a protocol floor binary to measure instead of building bench/protocolfloor")
	flag.IntVar(&cfg.RequestsPerMinute, "requests-per-minute", 100000, "the provider's requests_per_minute (a hard cap on its pace), except in the rate-limited scenarios (which keep the provider's default pacing)")
	flag.StringVar(&out.Dir, "out", "../.build/bench", "directory for results.json and results.md")
	flag.StringVar(&out.Benchmarks, "benchmarks", "", "a markdown file whose bench and bench-targets markers receive the tables (e.g. BENCHMARKS.md)")
	flag.BoolVar(&out.Keep, "keep", false, "keep the scratch directory (configurations, states) for inspection")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "build with the profiling tag and have each provider process write heap profiles and runtime statistics under this directory (internal/profiling); its figures do not compare with a plain run's")
	flag.Parse()

	err := func() error {
		var err error
		if cfg.Scenarios, err = parseScenarios(*scenarioList); err != nil {
			return err
		}
		if cfg.Sizes, err = parseSizes(*sizes); err != nil {
			return err
		}
		if cfg.PlanSizes, err = parseSizes(*planSizes); err != nil {
			return err
		}
		if min(cfg.Keys, cfg.Accounts, cfg.Imports, cfg.PlanRepeat, cfg.LimitedSamples, cfg.TenantLimit) < 1 {
			return errors.New("-keys, -accounts, -imports, -plan-repeat, -limited-samples and -tenant-limit must be at least 1")
		}
		return mainErr(cfg, out)
	}()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options says where the results go.
type options struct {
	Dir        string // results.json and results.md
	Benchmarks string // a markdown file with the bench and bench-targets markers; empty: none
	Keep       bool   // keep the scratch directory
}

func mainErr(cfg config, out options) error {
	var err error
	if cfg.Terraform == "" {
		if cfg.Terraform, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("the terraform CLI is not on PATH (or pass -terraform): %w", err)
		}
	}
	if cfg.ModuleDir, err = filepath.Abs(".."); err != nil {
		return err
	}
	if cfg.ProfileDir != "" {
		// The provider processes run in Terraform's working directory, not this one.
		if cfg.ProfileDir, err = filepath.Abs(cfg.ProfileDir); err != nil {
			return err
		}
	}
	if cfg.WorkDir, err = os.MkdirTemp("", "visionone-bench-"); err != nil {
		return err
	}
	if out.Keep {
		fmt.Fprintln(os.Stderr, "bench: scratch directory", cfg.WorkDir)
	} else {
		defer func() { _ = os.RemoveAll(cfg.WorkDir) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	started := time.Now()
	cfg.Log = func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "bench [%5.0fs] %s\n", time.Since(started).Seconds(), fmt.Sprintf(format, args...))
	}
	rep, err := run(ctx, cfg)
	if err != nil {
		return err
	}

	table, targets := markdown(rep), targetsMarkdown(rep)
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out.Dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out.Dir, "results.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out.Dir, "results.md"), []byte(table+"\n"+targets), 0o644); err != nil {
		return err
	}
	fmt.Print(table + "\n" + targets)
	fmt.Fprintf(os.Stderr, "bench: wrote %s and %s\n", filepath.Join(out.Dir, "results.json"), filepath.Join(out.Dir, "results.md"))
	if out.Benchmarks == "" {
		return nil
	}
	doc, err := os.ReadFile(out.Benchmarks)
	if err != nil {
		return err
	}
	updated, err := spliceMarkdown(string(doc), benchMarkers, table)
	if err == nil {
		updated, err = spliceMarkdown(updated, targetsMarkers, targets)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", out.Benchmarks, err)
	}
	return os.WriteFile(out.Benchmarks, []byte(updated), 0o644)
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
