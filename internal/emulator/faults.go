package emulator

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// faultsJSON is the wire form of Faults, with the latency as a Go duration string.
type faultsJSON struct {
	ErrorRate          float64 `json:"error_rate"`
	Statuses           []int   `json:"statuses"`
	DropRate           float64 `json:"drop_rate"`
	Latency            string  `json:"latency,omitempty"`
	AfterWriteDropRate float64 `json:"drop_after_write_rate"`
	RetryAfter         string  `json:"retry_after,omitempty"`
	OmitRetryAfter     bool    `json:"omit_retry_after"`
}

// MarshalJSON writes the latency as a Go duration string ("50ms").
func (f Faults) MarshalJSON() ([]byte, error) {
	j := faultsJSON{ErrorRate: f.ErrorRate, Statuses: f.Statuses, DropRate: f.DropRate, AfterWriteDropRate: f.AfterWriteDropRate,
		OmitRetryAfter: f.OmitRetryAfter}
	if f.Latency > 0 {
		j.Latency = f.Latency.String()
	}
	if f.RetryAfter > 0 {
		j.RetryAfter = f.RetryAfter.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form POST /_emulator/faults accepts and checks it.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	out := Faults{ErrorRate: j.ErrorRate, Statuses: j.Statuses, DropRate: j.DropRate, AfterWriteDropRate: j.AfterWriteDropRate,
		OmitRetryAfter: j.OmitRetryAfter}
	for _, d := range []struct {
		name, value string
		into        *time.Duration
	}{{"latency", j.Latency, &out.Latency}, {"retry_after", j.RetryAfter, &out.RetryAfter}} {
		if d.value == "" {
			continue
		}
		v, err := time.ParseDuration(d.value)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		*d.into = v
	}
	if err := validateFaults(out); err != nil {
		return err
	}
	*f = out
	return nil
}

func validateFaults(f Faults) error {
	for name, rate := range map[string]float64{"error_rate": f.ErrorRate, "drop_rate": f.DropRate, "drop_after_write_rate": f.AfterWriteDropRate} {
		if rate < 0 || rate > 1 {
			return fmt.Errorf("%s must be between 0 and 1, not %v", name, rate)
		}
	}
	for _, st := range f.Statuses {
		if st < 400 || st > 599 {
			return fmt.Errorf("statuses must be HTTP error codes (400-599), not %d", st)
		}
	}
	if f.Latency < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("latency and retry_after must not be negative")
	}
	return nil
}

func clampRate(r float64) float64 { return min(max(r, 0), 1) }

// retryAfterSeconds renders a wait as a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int((d+time.Second-1)/time.Second)))
}

// chance reports true with probability rate.
func chance(rate float64) bool {
	return rate > 0 && (rate >= 1 || rand.Float64() < rate) //nolint:gosec // fault injection needs no cryptographic randomness
}

func pickStatus(statuses []int) int {
	if len(statuses) == 0 {
		return 500
	}
	return statuses[rand.IntN(len(statuses))] //nolint:gosec // as above
}

// windowLimiter is the server-side rate limit: at most perMinute requests per fixed 60-second
// window of real time, as the API counts (API.md, "Limits").
type windowLimiter struct {
	perMinute int
	// omitRetryAfter answers the limit's 429s without Retry-After, which Vision One does not
	// document (API.md, "Decision: Retry-After").
	omitRetryAfter bool
	start          time.Time
	count          int
}

// allow takes one request from the budget, or refuses it with the Retry-After to send: how long
// until the next window opens, or "" when the limit sends none.
func (s *Server) allow() (retryAfter string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &s.limiter
	if l.perMinute <= 0 {
		return "", true
	}
	now := time.Now()
	if l.start.IsZero() || now.Sub(l.start) >= time.Minute {
		l.start, l.count = now, 0
	}
	if l.count >= l.perMinute {
		if l.omitRetryAfter {
			return "", false
		}
		return retryAfterSeconds(l.start.Add(time.Minute).Sub(now)), false
	}
	l.count++
	return "", true
}
