package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	date := time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"absent", http.Header{}, 0, false},
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second, true},
		{"zero", http.Header{"Retry-After": {"0"}}, 0, true},
		{"negative", http.Header{"Retry-After": {"-3"}}, 0, false},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"huge is capped", http.Header{"Retry-After": {"99999999999"}}, maxRetryAfter, true},
		{"date relative to the answer's Date", http.Header{
			"Retry-After": {date.Add(90 * time.Second).Format(http.TimeFormat)},
			"Date":        {date.Format(http.TimeFormat)},
		}, 90 * time.Second, true},
		{"date in the past", http.Header{
			"Retry-After": {date.Add(-time.Minute).Format(http.TimeFormat)},
			"Date":        {date.Format(http.TimeFormat)},
		}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := retryAfter(tt.header)
			if got != tt.want || ok != tt.ok {
				t.Errorf("retryAfter = %s, %v; want %s, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestTooManyIsRetriedForAWholeWindow: a call answered 429 is retried, whatever its attempts,
// until a window has passed since its first 429, so that a tenant whose window is merely full
// never fails it; then, as any other failure, once its retries are spent. With retries turned
// off, a 429 is not retried either.
func TestTooManyIsRetriedForAWholeWindow(t *testing.T) {
	tooMany := outcome{status: http.StatusTooManyRequests, header: http.Header{},
		body: []byte(`{"error":{"code":"TooManyRequests","message":"Too many requests"}}`)}
	failed := outcome{status: http.StatusServiceUnavailable, header: http.Header{},
		body: []byte(`{"error":{"code":"ServiceUnavailable","message":"try later"}}`)}
	newCall := func(c *Client, attempts int) *call {
		cl, err := c.prepare(request{method: http.MethodGet, path: connectivityPath})
		if err != nil {
			t.Fatal(err)
		}
		cl.attempts = attempts
		return cl
	}
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", APIKey: "k", MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}

	cl := newCall(c, 3)
	if v := c.classify(cl, tooMany); !v.retry {
		t.Errorf("a first 429 after the retries were spent: %+v, want a retry", v)
	}
	cl.throttledSince = time.Now().Add(-paceWindow + 10*time.Second)
	cl.attempts = 9
	if v := c.classify(cl, tooMany); !v.retry {
		t.Errorf("a 429 within a window of the call's first: %+v, want a retry", v)
	}
	cl.throttledSince = time.Now().Add(-paceWindow)
	if v := c.classify(cl, tooMany); v.retry || !hasStatus(v.err, http.StatusTooManyRequests) {
		t.Errorf("a 429 a window after the call's first, retries spent: %+v, want the 429", v)
	}
	if v := c.classify(newCall(c, 2), tooMany); !v.retry {
		t.Errorf("a 429 with retries left: %+v, want a retry", v)
	}
	cl = newCall(c, 3)
	cl.throttledSince = time.Now()
	if v := c.classify(cl, failed); v.retry || !hasStatus(v.err, http.StatusServiceUnavailable) {
		t.Errorf("a 503 after the retries were spent, a 429 just before: %+v, want the 503", v)
	}

	// Past its retries, a call is not sent again at once, even when a Retry-After says it may: it
	// waits for its backoff (at random up to its ceiling, here an hour, so that twenty waits are
	// not all zero).
	c, err = New(Config{Endpoint: "http://127.0.0.1:1", APIKey: "k", MaxRetries: 2, RetryBaseDelay: time.Hour, RetryMaxDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	retryAtOnce := outcome{status: tooMany.status, header: http.Header{"Retry-After": {"0"}}, body: tooMany.body}
	var longest time.Duration
	for range 20 {
		v := c.classify(newCall(c, 3), retryAtOnce)
		if !v.retry {
			t.Fatalf("a 429 with Retry-After: 0: %+v, want a retry", v)
		}
		longest = max(longest, v.wait)
	}
	if longest == 0 {
		t.Error("a 429 with Retry-After: 0 past the call's retries was retried at once, twenty times in twenty")
	}

	c, err = New(Config{Endpoint: "http://127.0.0.1:1", APIKey: "k", MaxRetries: NoRetries})
	if err != nil {
		t.Fatal(err)
	}
	if v := c.classify(newCall(c, 1), tooMany); v.retry {
		t.Errorf("a 429 with retries turned off: %+v, want no retry", v)
	}
}

func TestBackoffIsBoundedFullJitter(t *testing.T) {
	c := &Client{cfg: Config{RetryBaseDelay: 100 * time.Millisecond, RetryMaxDelay: time.Second}}
	for attempt, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond,
		4: 800 * time.Millisecond, 5: time.Second, 80: time.Second} {
		for range 200 {
			if d := c.backoff(attempt); d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %s, want within [0, %s]", attempt, d, ceiling)
			}
		}
	}
}

// TestHoldBegunWhileWaitingForTheSlot: a request that waits for its slot under the cap while a 429
// sets a hold does not go when its slot comes, but waits for the hold too; here the hold outlasts
// its deadline, so it is refused without being sent. At 60 a minute the first request goes at
// once and the second's slot about a second later; the first is answered 429 with Retry-After: 2
// once the second has taken its slot, and the second allows itself 1.5s.
func TestHoldBegunWhileWaitingForTheSlot(t *testing.T) {
	var c *Client
	var calls atomic.Int32
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 1 {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"status":"available"}`))
			return
		}
		taken := capNext(c)
		close(arrived)
		for deadline := time.Now().Add(5 * time.Second); capNext(c).Equal(taken); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Error("the second request never took its slot")
				break
			}
		}
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":{"code":"TooManyRequests","message":"Too many requests"}}`))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Endpoint: srv.URL, APIKey: "k", RequestsPerMinute: 60, MaxRetries: NoRetries})
	if err != nil {
		t.Fatal(err)
	}

	first := make(chan error, 1)
	go func() { first <- c.CheckConnectivity(context.Background()) }()
	select {
	case <-arrived:
	case err := <-first:
		t.Fatalf("the first request ended before it reached the server: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the first request never reached the server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	err = c.CheckConnectivity(ctx)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "waiting for the client-side rate limit: the wait of") ||
		!strings.Contains(err.Error(), "exceeds the operation's deadline") {
		t.Errorf("second request: %v; want a refusal to wait for the hold past its deadline", err)
	}
	if err := <-first; !hasStatus(err, http.StatusTooManyRequests) {
		t.Errorf("first request: %v, want its 429", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the server got %d requests, want only the first", n)
	}
}

// capNext is the earliest slot c's cap allows: it moves on each time a request takes a slot.
func capNext(c *Client) time.Time {
	c.pace.mu.Lock()
	defer c.pace.mu.Unlock()
	return c.pace.capNext
}
