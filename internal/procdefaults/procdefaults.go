// Package procdefaults sets the process-wide defaults of a provider process before it serves
// Terraform: quiet SDK loggers unless logs were asked for. The provider's main and the benchmark's
// floor providers (bench/floorprovider, bench/protocolfloor) all apply them, so that the three are
// measured alike.
//
// It sets no memory limit: Go's default pacing keeps a provider process small once finished calls
// no longer stay reachable (internal/contextrelease), and a soft limit changed nothing measurable
// (BENCHMARKS.md). GOMEMLIMIT in Terraform's environment still sets one, as for any Go program.
package procdefaults

import (
	"os"
	"strings"
)

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
