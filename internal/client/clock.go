package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// serverClock remembers the API's Date header of the latest response and when it arrived, so the
// server's time can be told later without a request. The elapsed part uses the monotonic clock,
// so changes of the local wall clock do not move it.
type serverClock struct {
	mu      sync.Mutex
	date    time.Time // Date header of the latest response
	arrived time.Time // local time (with monotonic reading) at which it arrived
}

func (sc *serverClock) observe(h http.Header) {
	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	now := time.Now()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.date, sc.arrived = date, now
}

func (sc *serverClock) now() (time.Time, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.arrived.IsZero() {
		return time.Time{}, false
	}
	return sc.date.Add(time.Since(sc.arrived)), true
}

// ServerNow returns the API's current time: the Date header of the latest response plus the time
// elapsed since it arrived (monotonic). When no response has been seen yet it makes one cheap request
// (the connectivity check) to learn it. Expiry decisions use this, never the local clock.
//
// The Date header has one-second precision and is truncated, so the result may lag the server
// by up to a second; it is never ahead of it by more than the network delay.
func (c *Client) ServerNow(ctx context.Context) (time.Time, error) {
	if now, ok := c.clock.now(); ok {
		return now, nil
	}
	// Any answer carries a Date header, even an error (a bad key still tells the time).
	err := c.CheckConnectivity(ctx)
	if now, ok := c.clock.now(); ok {
		return now, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return time.Time{}, errors.New("the API's answers carry no Date header, so its time is unknown")
}
