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

// QuietLogsUnlessRequested turns the provider's and the plugin SDKs' loggers off unless logs were
// asked for. Terraform discards a provider's log output unless its provider level is on, but the
// SDKs log at TRACE by default and would still format every line as JSON for it to discard, a large
// share of the provider's CPU time and garbage in a plan of many resources (BENCHMARKS.md has the
// figures). When logs were asked for, every logger stays as the SDKs set it.
func QuietLogsUnlessRequested() {
	if logsRequested(os.Environ()) {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_VISIONONE",
		"TF_LOG_PROVIDER_VISIONONE_API"} {
		_ = os.Setenv(name, "off")
	}
}

// logsRequested says whether environ asks for the provider's logs. Terraform takes the provider's
// level from TF_LOG_PROVIDER, else from TF_LOG, and keeps nothing when that level is empty or OFF;
// TF_LOG_PATH and TF_LOG_CORE alone ask for nothing from a provider. A level set for the SDKs or for
// one of the provider's subsystems (TF_LOG_SDK*, TF_LOG_PROVIDER_*) counts as a request too: it is
// how a provider run in a test process is told what to log.
func logsRequested(environ []string) bool {
	levels := map[string]string{}
	for _, kv := range environ {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") {
			levels[name] = value
		}
	}
	on := func(level string) bool { return level != "" && !strings.EqualFold(level, "off") }
	provider := levels["TF_LOG_PROVIDER"]
	if provider == "" {
		provider = levels["TF_LOG"]
	}
	if on(provider) {
		return true
	}
	for name, level := range levels {
		if (strings.HasPrefix(name, "TF_LOG_SDK") || strings.HasPrefix(name, "TF_LOG_PROVIDER_")) && on(level) {
			return true
		}
	}
	return false
}
