// Command terraform-provider-visionone is the Terraform provider for Trend Vision One identity and
// access management. Started as "terraform-provider-visionone emulator", it runs a local Vision One
// IAM emulator instead (as "vault server -dev" does), so that the provider, its examples and users'
// own modules can run without a tenant.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "emulator" {
		os.Exit(emulator.RunCommand(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}

	quietLogsUnlessRequested()
	limitMemoryUnlessSet()

	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/seed-ebba3aa9/visionone",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietLogsUnlessRequested turns the provider's and the plugin SDKs' loggers off when no TF_LOG*
// variable asks for logs. Terraform discards a provider's log output unless TF_LOG or
// TF_LOG_PROVIDER is set, but the SDKs log at TRACE by default and would still format every line as
// JSON for it to discard: at 500 resources that was a quarter of the provider's CPU time and most of
// its garbage (see BENCHMARKS.md). Any TF_LOG* variable leaves every logger as the SDKs set it.
func quietLogsUnlessRequested() {
	for _, kv := range os.Environ() {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") && value != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_VISIONONE",
		"TF_LOG_PROVIDER_VISIONONE_API"} {
		_ = os.Setenv(name, "off")
	}
}

// memoryLimit is the provider's soft memory limit (see limitMemoryUnlessSet).
const memoryLimit = 40 << 20

// limitMemoryUnlessSet sets a soft memory limit unless GOMEMLIMIT does. Terraform sends a provider
// its requests for hundreds of resources at once, and the plugin SDKs allocate a set of loggers and
// schema copies for each, so with Go's default GC pacing (the heap may double its live size) the
// provider's resident memory grew past 80 MB at 500 resources. With the limit the collector runs
// more often once the heap nears it, and only then (see BENCHMARKS.md for the cost in CPU).
func limitMemoryUnlessSet() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
