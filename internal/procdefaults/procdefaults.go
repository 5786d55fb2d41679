// Package procdefaults sets the process-wide defaults of a provider process before it serves
// Terraform: quiet SDK loggers unless logs were asked for, and a soft memory limit unless one was
// set. The provider's main and the benchmark's framework floor (bench/floorprovider) both apply
// them, so that the two are measured alike.
package procdefaults

import (
	"os"
	"runtime/debug"
	"strings"
)

// MemoryLimit is the default soft memory limit of a provider process (see Apply).
const MemoryLimit = 40 << 20

// Apply sets both defaults.
func Apply() {
	QuietLogsUnlessRequested()
	LimitMemoryUnlessSet()
}

// QuietLogsUnlessRequested turns the provider's and the plugin SDKs' loggers off when no TF_LOG*
// variable asks for logs. Terraform discards a provider's log output unless TF_LOG or
// TF_LOG_PROVIDER is set, but the SDKs log at TRACE by default and would still format every line as
// JSON for it to discard, a large share of the provider's CPU time and garbage in a plan of many
// resources (BENCHMARKS.md has the figures). Any TF_LOG* variable leaves every logger as the SDKs
// set it.
func QuietLogsUnlessRequested() {
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

// LimitMemoryUnlessSet sets a soft memory limit unless GOMEMLIMIT does. Terraform sends a provider
// its requests for hundreds of resources at once, and the plugin SDKs allocate a set of loggers and
// schema copies for each, so with Go's default GC pacing (the heap may double its live size) the
// provider's resident memory grows with the number of resources, though little of the heap is
// live. With the limit the collector runs more often once the heap nears it, and only then
// (BENCHMARKS.md has the figures, and the cost in CPU).
func LimitMemoryUnlessSet() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}
