package client_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestServerNow(t *testing.T) {
	serverTime := time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)
	var probes atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3.0/healthcheck/connectivity" {
			probes.Add(1)
		}
		w.Header().Set("Date", serverTime.Format(http.TimeFormat))
		writeJSON(w, 200, available)
	})
	ctx := context.Background()
	first, err := c.ServerNow(ctx)
	if err != nil {
		t.Fatalf("ServerNow: %v", err)
	}
	if probes.Load() != 1 {
		t.Errorf("ServerNow without any answer yet made %d probes, want 1", probes.Load())
	}
	second, err := c.ServerNow(ctx)
	if err != nil || probes.Load() != 1 {
		t.Fatalf("the second ServerNow made a request (%d probes) or failed: %v", probes.Load(), err)
	}
	// The server's clock is years ahead of the local one: ServerNow follows the server, and moves on.
	if first.Before(serverTime) || second.Before(first) || second.Sub(serverTime) > time.Minute {
		t.Errorf("ServerNow = %s then %s, want the server's %s plus the little time elapsed", first, second, serverTime)
	}
}

func TestServerNowWithoutDateHeader(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // net/http adds one unless told not to
		writeJSON(w, 200, available)
	})
	if _, err := c.ServerNow(context.Background()); err == nil {
		t.Error("ServerNow without a Date header gave no error")
	}
}
