// Command bench measures the provider at scale against the emulator (`make bench`).
//
// For each object count N it writes two configurations in a scratch directory: N objects managed by
// the provider (a few visionone_user_role, then visionone_account and visionone_api_key in equal
// parts, each naming a role) and the same graph of N terraform_data resources, the baseline of what
// Terraform itself costs. It then runs, for the baseline and the provider back to back, terraform
// apply, a no-change terraform plan (with its refresh) and terraform destroy, all at the same
// -parallelism. Two more copies of the provider's configuration run against two floors. The
// protocol floor (bench/protocolfloor) answers every call for an object through terraform-plugin-go
// with no work: what Terraform and its plugin protocol cost for any external provider. The
// framework floor (bench/floorprovider) serves the same schemas as the provider is served, through
// terraform-plugin-framework, with resources that do nothing: it tells the provider's own cost from
// the cost of its stack. Terraform runs each binary just built, through dev_overrides in a CLI
// configuration of the scratch directory (TF_CLI_CONFIG_FILE): the user's own configuration is
// neither read nor changed, and nothing is downloaded.
//
// The emulator runs in this process with a latency added to every API request. For each phase the
// report gives the wall time and its ratio to the baseline, the API requests the emulator counted
// (total, per object, writes per object, per type), and the provider's peak memory: the highest
// VmHWM (peak resident set, kept by the kernel) of any provider process, polled from
// /proc/<pid>/status while the phase runs.
//
// It writes results.json and results.md into -out and, with -benchmarks, replaces the table between
// the bench markers of that file (BENCHMARKS.md).
//
// It is a Go module of its own, so that the provider's module does not carry it, and runs from its
// folder (the provider's module is the parent folder), as `make bench` runs it:
//
//	cd bench && go run . -n "10 100 500" -latency 50ms -out ../.build/bench -benchmarks ../BENCHMARKS.md
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	sizes := flag.String("n", "10 100 500", "object counts to measure, separated by spaces or commas")
	latency := flag.Duration("latency", 50*time.Millisecond, "latency the emulator adds to every API request")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism (Terraform's default is 10)")
	terraform := flag.String("terraform", "", "terraform CLI (default: terraform on PATH)")
	providerBin := flag.String("provider", "", "a provider binary to measure instead of building this module")
	floorBin := flag.String("floor", "", "a framework floor binary to measure instead of building bench/floorprovider")
	protocolBin := flag.String("protocol-floor", "", "a protocol floor binary to measure instead of building bench/protocolfloor")
	out := flag.String("out", "../.build/bench", "directory for results.json and results.md")
	benchmarks := flag.String("benchmarks", "", "a markdown file whose bench markers receive the table (e.g. BENCHMARKS.md)")
	rpm := flag.Int("requests-per-minute", 100000, "the provider's client-side rate limit")
	keep := flag.Bool("keep", false, "keep the scratch directory (configurations, states) for inspection")
	profile := flag.String("profile", "", "build with the profiling tag and have each provider process write heap profiles and runtime statistics under this directory (internal/profiling); its figures do not compare with a plain run's")
	flag.Parse()

	if err := mainErr(*sizes, *latency, *parallelism, *terraform, *providerBin, *floorBin, *protocolBin, *out, *benchmarks, *rpm, *keep, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func mainErr(sizes string, latency time.Duration, parallelism int, terraform, providerBin, floorBin, protocolBin, out, benchmarks string, rpm int, keep bool, profile string) error {
	ns, err := parseSizes(sizes)
	if err != nil {
		return err
	}
	if terraform == "" {
		if terraform, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("the terraform CLI is not on PATH (or pass -terraform): %w", err)
		}
	}
	moduleDir, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	if profile != "" {
		// The provider processes run in Terraform's working directory, not this one.
		if profile, err = filepath.Abs(profile); err != nil {
			return err
		}
	}
	work, err := os.MkdirTemp("", "visionone-bench-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "bench: scratch directory", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	started := time.Now()
	rep, err := run(ctx, config{
		Sizes: ns, Latency: latency, Parallelism: parallelism, Terraform: terraform, ProviderBin: providerBin, FloorBin: floorBin, ProtocolBin: protocolBin,
		ModuleDir: moduleDir, WorkDir: work, RequestsPerMinute: rpm, ProfileDir: profile,
		Log: func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "bench [%5.0fs] %s\n", time.Since(started).Seconds(), fmt.Sprintf(format, args...))
		},
	})
	if err != nil {
		return err
	}

	table := markdown(rep)
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "results.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "results.md"), []byte(table), 0o644); err != nil {
		return err
	}
	fmt.Print(table)
	fmt.Fprintf(os.Stderr, "bench: wrote %s and %s\n", filepath.Join(out, "results.json"), filepath.Join(out, "results.md"))
	if benchmarks == "" {
		return nil
	}
	doc, err := os.ReadFile(benchmarks)
	if err != nil {
		return err
	}
	updated, err := spliceMarkdown(string(doc), table)
	if err != nil {
		return fmt.Errorf("%s: %w", benchmarks, err)
	}
	if !strings.HasSuffix(updated, "\n") {
		updated += "\n"
	}
	return os.WriteFile(benchmarks, []byte(updated), 0o644)
}
