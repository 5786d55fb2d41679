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

func TestQuietLogsWhenOnlyAPathOrOffIsSet(t *testing.T) {
	for _, set := range [][2]string{{"TF_LOG_PATH", "/tmp/terraform.log"}, {"TF_LOG", "off"}, {"TF_LOG_CORE", "TRACE"}} {
		t.Run(set[0]+"="+set[1], func(t *testing.T) {
			clearLogVariables(t)
			t.Setenv(set[0], set[1])
			QuietLogsUnlessRequested()
			if got := os.Getenv("TF_LOG_SDK_FRAMEWORK"); got != "off" {
				t.Errorf("with only %s=%s, TF_LOG_SDK_FRAMEWORK = %q, want off: Terraform keeps none of the provider's logs", set[0], set[1], got)
			}
		})
	}
}

// TestLogsRequested follows Terraform's rule for the provider's level (TF_LOG_PROVIDER, else
// TF_LOG; empty or OFF keeps nothing; an unknown level is TRACE) and counts any SDK or subsystem
// level that is on.
func TestLogsRequested(t *testing.T) {
	for _, c := range []struct {
		environ []string
		want    bool
	}{
		{nil, false},
		{[]string{"PATH=/bin", "HOME=/root"}, false},
		{[]string{"TF_LOG=TRACE"}, true},
		{[]string{"TF_LOG=json"}, true},
		{[]string{"TF_LOG=verbose"}, true},
		{[]string{"TF_LOG="}, false},
		{[]string{"TF_LOG=off"}, false},
		{[]string{"TF_LOG=OFF", "TF_LOG_PATH=/tmp/terraform.log"}, false},
		{[]string{"TF_LOG_PATH=/tmp/terraform.log"}, false},
		{[]string{"TF_LOG_CORE=TRACE"}, false},
		{[]string{"TF_LOG_PROVIDER=DEBUG"}, true},
		{[]string{"TF_LOG=TRACE", "TF_LOG_PROVIDER=off"}, false},
		{[]string{"TF_LOG=off", "TF_LOG_PROVIDER=debug"}, true},
		{[]string{"TF_LOG_SDK_FRAMEWORK=trace"}, true},
		{[]string{"TF_LOG_PROVIDER_VISIONONE_API=debug"}, true},
		{[]string{"TF_LOG_PROVIDER_VISIONONE=off", "TF_LOG_SDK=OFF"}, false},
	} {
		if got := logsRequested(c.environ); got != c.want {
			t.Errorf("logsRequested(%q) = %v, want %v", c.environ, got, c.want)
		}
	}
}
