package procdefaults

import (
	"os"
	"strings"
	"testing"
)

// clearLogVariables empties every TF_LOG* variable for the test (an empty one counts as unset).
func clearLogVariables(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") {
			t.Setenv(name, "")
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		t.Setenv(name, "")
	}
}

func TestQuietLogsUnlessRequested(t *testing.T) {
	clearLogVariables(t)
	QuietLogsUnlessRequested()
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_VISIONONE_API"} {
		if got := os.Getenv(name); got != "off" {
			t.Errorf("without TF_LOG, %s = %q, want off", name, got)
		}
	}
}

func TestQuietLogsLeavesRequestedLogsAlone(t *testing.T) {
	for _, requested := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK_PROTO"} {
		t.Run(requested, func(t *testing.T) {
			clearLogVariables(t)
			t.Setenv(requested, "DEBUG")
			QuietLogsUnlessRequested()
			if got := os.Getenv("TF_LOG_SDK_FRAMEWORK"); got != "" {
				t.Errorf("with %s set, TF_LOG_SDK_FRAMEWORK = %q, want it untouched", requested, got)
			}
		})
	}
}
