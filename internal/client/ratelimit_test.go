package client_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// TestEmulatorRateLimitPaceIsLearned sends 300 requests from 8 goroutines through one client with
// the default settings (no requests_per_minute) to an emulator that allows 120 requests a minute,
// in fixed 60-second windows as the API counts. No error reaches a caller, and the emulator's 429
// answers stay few: the first window's burst costs one per goroutine in flight, then the client
// waits for the next window and paces just under the 120 it saw accepted, so a later window costs
// at most one, when the pace probes upward. Without the learned pace every window would end in a
// 429 for each goroutine in flight. Each change of pace is in the debug log, with the new rate and
// why.
// This test takes the three minutes that 300 requests need at this rate; it asserts counts, never
// times.
func TestEmulatorRateLimitPaceIsLearned(t *testing.T) {
	t.Parallel()
	const goroutines, requests, perMinute = 8, 300, 120
	e := startEmulator(t, nil)
	e.srv.SetRateLimit(perMinute)
	tooMany, paces := callUnderRateLimit(t, e, goroutines, requests)
	// One 429 per goroutine in the first window, and a few per cent of the requests for probes.
	if maxTooMany := goroutines + requests/50; tooMany > maxTooMany {
		t.Errorf("the emulator answered %d requests with 429, want at most %d", tooMany, maxTooMany)
	}

	// The first window teaches the pace: 95% of what it accepted, as far as the answers had come
	// back when its first 429 did (a request still in flight is counted only once answered). A
	// later window, without a 429, raises it.
	if len(paces) < 2 {
		t.Fatalf("want a debug line that sets the pace, then one that probes upward; got %v", paces)
	}
	m := regexp.MustCompile(`accepted (\d+) requests`).FindStringSubmatch(fmt.Sprint(paces[0]["reason"]))
	if m == nil || paces[0]["@level"] != "debug" {
		t.Fatalf("the first change of pace does not say what the window accepted: %v", paces[0])
	}
	accepted, _ := strconv.Atoi(m[1])
	if accepted > perMinute || accepted < perMinute-goroutines ||
		paces[0]["requests_per_minute"] != math.Round(float64(accepted)*0.95*10)/10 {
		t.Errorf("the pace was set to %v a minute after %d accepted requests, want 95%% of between %d and %d: %v",
			paces[0]["requests_per_minute"], accepted, perMinute-goroutines, perMinute, paces[0])
	}
	if !strings.Contains(fmt.Sprint(paces[1]["reason"]), "probing upward") {
		t.Errorf("the second change of pace is no probe upward: %v", paces[1])
	}
}

// TestEmulatorRateLimitWithoutRetryAfter sends 30 requests from 10 goroutines through one client
// with the default settings to an emulator that allows 20 requests a minute and answers its 429s
// without Retry-After, which Vision One does not document. The first 20 fill the window at once;
// the 429s of the others close it, and every request waits until the window's estimated end, so
// no error reaches a caller though the rest of the window outlasts a call's backoff. Each
// goroutine meets one 429 at most (the one in flight when the window closed), and the hold is in
// the debug log with why.
// This test takes the minute of the window it waits for; it asserts counts, never times.
func TestEmulatorRateLimitWithoutRetryAfter(t *testing.T) {
	t.Parallel()
	const goroutines, requests, perMinute = 10, 30, 20
	e := startEmulator(t, nil)
	e.srv.SetRateLimitOmitRetryAfter(true)
	e.srv.SetRateLimit(perMinute)
	tooMany, paces := callUnderRateLimit(t, e, goroutines, requests)
	if tooMany < 1 || tooMany > goroutines {
		t.Errorf("the emulator answered %d requests with 429, want between 1 and %d: one per goroutine in flight", tooMany, goroutines)
	}
	for _, pace := range paces {
		if pace["@level"] == "debug" && pace["hold_ms"] != nil && strings.Contains(fmt.Sprint(pace["reason"]), "429 without Retry-After") {
			return
		}
	}
	t.Errorf("no debug line says that a 429 without Retry-After holds every request; the changes of pace: %v", paces)
}

// callUnderRateLimit makes `requests` connectivity checks from `goroutines` goroutines through one
// client with the default settings, against e's rate limit. Each check must succeed, and each
// request the emulator answered 429 must have been sent again, once. It returns how many requests
// the emulator answered 429, and the debug lines of the client's changes of pace.
func callUnderRateLimit(t *testing.T, e *emulated, goroutines, requests int) (int, []map[string]any) {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: e.url, APIKey: e.srv.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var logMu sync.Mutex
	ctx := tflogtest.RootLogger(context.Background(), lockedWriter{&logs, &logMu})
	before := e.srv.Stats()

	work := make(chan int)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range work {
				if err := c.CheckConnectivity(ctx); err != nil {
					t.Errorf("a request failed under the rate limit: %v", err)
				}
			}
		})
	}
	for i := range requests {
		work <- i
	}
	close(work)
	wg.Wait()

	after := e.srv.Stats()
	const endpoint = "GET /v3.0/healthcheck/connectivity"
	sent := after.Requests[endpoint] - before.Requests[endpoint]
	tooMany := after.Responses["429"] - before.Responses["429"]
	t.Logf("%d requests sent for %d calls, %d answered 429", sent, requests, tooMany)
	if sent != requests+tooMany {
		t.Errorf("%d requests sent, want the %d calls and a retry for each of the %d 429s", sent, requests, tooMany)
	}

	logMu.Lock()
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	logMu.Unlock()
	if err != nil {
		t.Fatalf("decoding the log: %v", err)
	}
	var paces []map[string]any
	for _, entry := range entries {
		if entry["@message"] == "Vision One API pace changed" {
			paces = append(paces, entry)
		}
	}
	return tooMany, paces
}

// lockedWriter lets the loggers of concurrent requests write to one buffer.
type lockedWriter struct {
	buf *bytes.Buffer
	mu  *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}
