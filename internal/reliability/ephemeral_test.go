package reliability

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// ephemeralKeyPrefix is the name prefix of the ephemeral keys of TestReliability_ephemeralKeyLeftovers.
const ephemeralKeyPrefix = "reliability-ephemeral-"

// ephemeralKeyConfig opens an ephemeral visionone_api_key with role, hands its value to a second
// provider configuration and reads accounts through it; then is appended, for what uses the read.
func ephemeralKeyConfig(endpoint, role, then string) string {
	return fmt.Sprintf(`
ephemeral "visionone_api_key" "k" {
  name_prefix = %[1]q
  role        = %[2]q
}

provider "visionone" {
  alias    = "key"
  endpoint = %[3]q
  api_key  = ephemeral.visionone_api_key.k.value
}

data "visionone_accounts" "all" {
  provider = visionone.key
}
%[4]s`, ephemeralKeyPrefix, role, endpoint, then)
}

// TestReliability_ephemeralKeyLeftovers runs the commands after which Terraform does not close an
// ephemeral visionone_api_key (it skips Close once anything that uses the key failed, and when it
// is interrupted): a plan whose read with the key is refused, and an apply interrupted while the
// key is open. After each, the emulator must hold no key of the ephemeral name prefix: the
// provider deletes what it opened and did not close when Terraform stops it.
func TestReliability_ephemeralKeyLeftovers(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()

	failedPlans := []struct {
		name, role, then string
		want             string // in the plan's output
	}{
		// SIEM may not list accounts: the read with the key is refused (403).
		{name: "refused read", role: "SIEM", want: "Error Listing Accounts"},
		{name: "failed precondition", role: "Auditor", want: "Too few accounts.", then: `
resource "terraform_data" "checked" {
  input = length(data.visionone_accounts.all.accounts)
  lifecycle {
    precondition {
      condition     = length(data.visionone_accounts.all.accounts) > 1000
      error_message = "Too few accounts."
    }
  }
}
`},
	}
	for _, tc := range failedPlans {
		t.Run(tc.name, func(t *testing.T) {
			emu := startEmulator(t, nil)
			w := newWorkspace(t, emu)
			w.writeConfig("", ephemeralKeyConfig(emu.URL, tc.role, tc.then))
			code, out := w.run("plan", "-input=false", "-no-color")
			if code == 0 || !strings.Contains(out, tc.want) {
				t.Fatalf("the plan did not fail with %q (exit code %d):\n%s", tc.want, code, out)
			}
			emu.expectNoEphemeralKeys(t, "after the failed plan", out)
		})
	}

	t.Run("interrupted apply", func(t *testing.T) {
		emu := startEmulator(t, nil)
		w := newWorkspace(t, emu)
		w.writeConfig("", ephemeralKeyConfig(emu.URL, "Auditor", `
resource "terraform_data" "slow" {
  input = length(data.visionone_accounts.all.accounts)
  provisioner "local-exec" {
    command = "sleep 60"
  }
}
`))
		// A saved plan: the apply opens the key once, and keeps it open while the provisioner runs.
		if code, out := w.run("plan", "-input=false", "-no-color", "-out=tfplan"); code != 0 {
			t.Fatalf("terraform plan failed:\n%s", out)
		}
		emu.expectNoEphemeralKeys(t, "after the plan", "")
		opened := func() int { return len(emu.ephemeralKeys(t)) }
		interruptWhen(t, w, "apply", func() bool { return opened() > 0 }, opened, "tfplan")
		emu.expectNoEphemeralKeys(t, "after the interrupted apply", "")
	})
}

// ephemeralKeys lists the keys of the ephemeral name prefix that the emulator holds.
func (e *testEmulator) ephemeralKeys(t *testing.T) []string {
	t.Helper()
	keys, err := e.API.ListAPIKeys(context.Background(), "")
	if err != nil {
		t.Fatalf("listing API keys: %v", err)
	}
	var names []string
	for _, k := range keys {
		if strings.HasPrefix(k.Name, ephemeralKeyPrefix) {
			names = append(names, fmt.Sprintf("%s (%s)", k.Name, k.ID))
		}
	}
	return names
}

// expectNoEphemeralKeys fails the test when the emulator holds a key of the ephemeral name prefix.
func (e *testEmulator) expectNoEphemeralKeys(t *testing.T, when, out string) {
	t.Helper()
	if left := e.ephemeralKeys(t); len(left) > 0 {
		t.Errorf("%s, the tenant holds %d ephemeral key(s) that the run made and left behind: %s\n%s",
			when, len(left), strings.Join(left, ", "), out)
	}
}
