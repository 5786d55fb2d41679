package reliability

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// errorLine is a Terraform error line: "Error: <summary>".
var errorLine = regexp.MustCompile(`(?m)^Error: (.+)$`)

// TestReliability_faults applies 36 objects (12 roles, 12 accounts, 12 API keys) while the emulator fails
// about 20% of requests (15% answered 500, 503 or 429, 5% dropped connections) and answers each
// after 20ms. The first apply may fail, but only with clear errors; a second apply, faults still
// on, must finish the job; then, with the faults off, the plan is empty and the emulator holds
// exactly the objects of the state: no duplicate, no orphan, and every key value authenticates.
func TestReliability_faults(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	emu := startEmulator(t, nil)
	w := newWorkspace(t, emu)
	const n = 12
	w.writeConfig("", objectsConfig("faults", n, n, n, emu.permissionKeys(t, 2)))
	baseline := emu.apiObjects(t)

	emu.SetFaults(emulator.Faults{
		ErrorRate: 0.15,
		Statuses:  []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests},
		DropRate:  0.05,
		Latency:   20 * time.Millisecond,
	})
	started := time.Now()
	applies := 0
	for succeeded := false; !succeeded; {
		applies++
		ok, out := w.apply()
		if ok {
			succeeded = true
			continue
		}
		// A failed apply must say what failed, in Terraform's own error format.
		errs := errorLine.FindAllStringSubmatch(out, -1)
		if len(errs) == 0 {
			t.Fatalf("apply %d failed without an error:\n%s", applies, out)
		}
		for _, e := range errs {
			t.Logf("apply %d error: %s", applies, e[1])
		}
		if applies == 2 {
			t.Fatalf("the second apply under faults failed too:\n%s", out)
		}
	}
	faulted := emu.Stats()
	emu.SetFaults(emulator.Faults{})
	w.expectConverged()
	res := w.expectStateMatchesAPI(baseline, map[string]int{
		"visionone_user_role": n, "visionone_account": n, "visionone_api_key": n,
	})
	t.Logf("faults: %d apply run(s) under faults in %s; %d requests, %d faults injected (%.1f%%), responses %s",
		applies, time.Since(started).Round(time.Second), requestTotal(faulted), faulted.FaultsInjected,
		100*float64(faulted.FaultsInjected)/float64(max(requestTotal(faulted), 1)), responsesSummary(faulted))
	t.Logf("faults: %d objects checked against the state (%v), %d key values authenticated",
		res.objects, res.perType, res.keysVerified)
	w.destroy()
}
