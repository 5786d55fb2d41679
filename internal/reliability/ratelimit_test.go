package reliability

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReliability_rateLimit applies 100 roles against an emulator that allows 60 requests per
// minute (fixed 60-second windows, as the API counts: API.md, "Limits"), twice side by side: with
// the default settings, which learn the pace from the emulator's 429 answers, and with
// requests_per_minute = 60, a hard cap at the limit. Each apply must succeed (no 429 reaches the
// user: every request waits for Retry-After and is retried); the emulator's 429 answers must stay
// few with the default settings, and there must be none under the cap. Both are reported in the
// test log. Roles are objects whose creates cannot be batched (a request or two each, and a few
// listings for the name checks), so every create meets the limit, while the run stays within
// minutes at this rate; TestReliability_faults covers the other resource types.
func TestReliability_rateLimit(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	const objects, perMinute = 100, 60
	for _, tt := range []struct {
		name         string
		providerArgs string
		// maxTooMany bounds the emulator's 429 answers in a run of that many requests.
		maxTooMany func(requests int) int
	}{
		// At the learned pace a window overruns by a request or two at most, and learning the pace
		// costs one per request in flight (terraform's -parallelism) when a window this process saw
		// from its start fills up for the first time. The plan's process opens the first window,
		// which teaches the apply's process nothing but to wait for the next.
		{name: "default settings", maxTooMany: func(requests int) int { return requests/20 + 10 }},
		// The cap keeps every 60 seconds to the limit.
		{name: "requests_per_minute at the limit", providerArgs: fmt.Sprintf("  requests_per_minute = %d", perMinute),
			maxTooMany: func(int) int { return 0 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			emu := startEmulator(t, nil)
			w := newWorkspace(t, emu)
			body := objectsConfig("limited", objects, 0, 0, emu.permissionKeys(t, 1))
			w.writeConfig(tt.providerArgs, body)
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
			// Retried 429s are logged at debug level only; one that reached the user would be an
			// error diagnostic or a warning naming the status.
			if strings.Contains(out, "Too Many Requests") || strings.Contains(out, "HTTP 429") {
				t.Errorf("a 429 reached the user:\n%s", out)
			}

			requests, tooMany := requestTotal(limited), limited.Responses["429"]
			if maxTooMany := tt.maxTooMany(requests); tooMany > maxTooMany {
				t.Errorf("the emulator answered %d of %d requests with 429, want at most %d: the provider does not keep to the rate",
					tooMany, requests, maxTooMany)
			}
			rate := float64(requests) / elapsed.Minutes()
			t.Logf("rate limit, %s: %d objects, %d requests in %s (%.1f requests/minute against a limit of %d); 429 answers: %d; responses %s",
				tt.name, objects, requests, elapsed.Round(time.Second), rate, perMinute, tooMany, responsesSummary(limited))

			// The convergence check reads the 100 roles back without the rate limit.
			w.writeConfig("", body)
			w.expectConverged()
			res := w.expectStateMatchesAPI(baseline, map[string]int{"visionone_user_role": objects})
			t.Logf("rate limit, %s: %d objects checked against the state", tt.name, res.objects)
		})
	}
}
