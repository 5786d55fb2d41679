package reliability

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestReliability_rateLimit applies 100 roles against an emulator that allows 60 requests per
// minute (fixed 60-second windows, as the API counts: API.md, "Limits"), with the provider's own
// limiter at requests_per_minute = 60. The apply must succeed (no 429 reaches the user: the client
// waits Retry-After and retries), and the limiter must keep the emulator's 429 answers to a
// handful, reported in the test log. Roles are the objects that cost the fewest requests (about
// four each: the plan's and the apply's name checks, the create and its read-back), which keeps the
// run near the 7 minutes that 100 objects need at this rate; TestReliability_faults covers the
// other resource types.
func TestReliability_rateLimit(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	const objects, perMinute = 100, 60
	emu := startEmulator(t, emulator.Options{}, nil)
	w := newWorkspace(t, emu)
	body := objectsConfig("limited", objects, 0, 0, emu.permissionKeys(t, 1))
	w.writeConfig(fmt.Sprintf("  requests_per_minute = %d", perMinute), body)
	baseline := emu.apiObjects(t)

	emu.SetRateLimit(perMinute)
	started := time.Now()
	ok, out := w.apply()
	elapsed := time.Since(started)
	limited := emu.Stats()
	emu.SetRateLimit(0)
	if !ok {
		t.Fatalf("the apply failed under the rate limit:\n%s", out)
	}
	// Retried 429s are logged at debug level only; one that reached the user would be an error
	// diagnostic or a warning naming the status.
	if strings.Contains(out, "Too Many Requests") || strings.Contains(out, "HTTP 429") {
		t.Errorf("a 429 reached the user:\n%s", out)
	}

	requests, tooMany := requestTotal(limited), limited.Responses["429"]
	// The limiter's burst may overrun a window by a request or two; more means it does not work.
	if maxTooMany := requests / 20; tooMany > maxTooMany {
		t.Errorf("the emulator answered %d of %d requests with 429, want at most %d: the provider's limiter does not hold the rate", tooMany, requests, maxTooMany)
	}
	rate := float64(requests) / elapsed.Minutes()
	t.Logf("rate limit: %d objects, %d requests in %s (%.1f requests/minute against a limit of %d); 429 answers: %d; responses %s",
		objects, requests, elapsed.Round(time.Second), rate, perMinute, tooMany, responsesSummary(limited))

	// The convergence check reads the 100 roles back without the provider's limiter, which would
	// only slow it down now that the emulator's limit is off.
	w.writeConfig("", body)
	w.expectConverged()
	res := w.expectStateMatchesAPI(baseline, map[string]int{"visionone_user_role": objects})
	t.Logf("rate limit: %d objects checked against the state", res.objects)
}
