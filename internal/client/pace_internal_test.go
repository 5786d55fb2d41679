package client

import (
	"strings"
	"testing"
	"time"
)

// The pacer is tested on a fake clock: each test hands it the times at which requests become ready
// and answers arrive, and checks what it decides. Nothing here waits.

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// sendAll reserves n requests ready at now and returns the times they may go.
func sendAll(p *pacer, now time.Time, n int) []time.Time {
	slots := make([]time.Time, n)
	for i := range slots {
		slots[i], _ = p.reserve(now)
	}
	return slots
}

func TestPacerStartsWithoutAPace(t *testing.T) {
	p := newPacer(0)
	for i, at := range sendAll(p, t0, 1000) {
		if !at.Equal(t0) {
			t.Fatalf("request %d may go at %s, want at once: there is no pace before a 429", i, at.Sub(t0))
		}
	}
}

// Config.RequestsPerMinute is a token bucket: a burst at once, then one request per interval.
func TestPacerCapIsATokenBucket(t *testing.T) {
	for perMinute, burst := range map[int]int{1: 1, 60: 2, 300: 10, 6000: 20} {
		interval := time.Minute / time.Duration(perMinute)
		slots := sendAll(newPacer(perMinute), t0, burst+3)
		for i, at := range slots {
			want := t0
			if i >= burst {
				want = t0.Add(time.Duration(i-burst+1) * interval)
			}
			if !at.Equal(want) {
				t.Errorf("cap %d/min: request %d may go at +%s, want +%s (burst %d, then one per %s)",
					perMinute, i, at.Sub(t0), want.Sub(t0), burst, interval)
			}
		}
	}
}

// learnedWindow makes p accept n requests sent evenly over the first `over` of a window that begins
// at t0, and answers a 429 at t0+over with a Retry-After that ends the window.
func learnedWindow(t *testing.T, p *pacer, n int, over time.Duration) *paceChange {
	t.Helper()
	for i := range n {
		p.answered(t0.Add(over * time.Duration(i) / time.Duration(n)))
	}
	return p.throttled(t0.Add(over), time.Minute-over, true)
}

// After a burst that uses up a window, every request waits for the next window, and the pace is
// then a little under what the window accepted.
func TestPacerLearnsTheAllowanceOfAWindow(t *testing.T) {
	p := newPacer(0)
	change := learnedWindow(t, p, 600, 3*time.Second)
	if change == nil || change.perMinute != 570 || change.hold != 57*time.Second || !strings.Contains(change.reason, "accepted 600 requests") {
		t.Fatalf("change = %+v; want a pace of 570/min (95%% of the 600 accepted) and a hold of 57s", change)
	}
	// A request ready during the hold goes when the next window opens, and the ones after it at
	// the new pace: a burst of 19 (570/30), then one every 60s/570.
	slots := sendAll(p, t0.Add(4*time.Second), 21)
	next := t0.Add(time.Minute)
	rate := 570.0
	interval := time.Duration(float64(time.Minute) / rate)
	for i, at := range slots {
		want := next
		if i >= 19 {
			want = next.Add(time.Duration(i-18) * interval)
		}
		if !at.Equal(want) {
			t.Errorf("request %d may go at +%s, want +%s", i, at.Sub(t0), want.Sub(t0))
		}
	}
}

// The requests that were in flight with the first 429 meet the same limit: the pace is set once
// per window.
func TestPacerDecreasesOncePerWindow(t *testing.T) {
	p := newPacer(0)
	learnedWindow(t, p, 600, 3*time.Second)
	for range 9 {
		if change := p.throttled(t0.Add(3*time.Second+20*time.Millisecond), 57*time.Second, true); change != nil {
			t.Fatalf("a 429 of a request in flight changed the pace again: %+v", change)
		}
	}
	if got := p.perMinute(); got != 570 {
		t.Errorf("pace %v, want 570", got)
	}
}

// A 429 in a window that began before the process's first request (a previous Terraform command
// used it, or the 429 was injected) says nothing of the limit: every request waits for its end,
// and the process goes on unpaced.
func TestPacerLearnsNothingFromAWindowItDidNotSee(t *testing.T) {
	p := newPacer(0)
	for i := range 50 {
		p.answered(t0.Add(time.Duration(i) * 100 * time.Millisecond))
	}
	change := p.throttled(t0.Add(5*time.Second), time.Second, true)
	if change == nil || change.perMinute != 0 || change.hold != time.Second || !strings.Contains(change.reason, "pace unchanged") {
		t.Fatalf("change = %+v; want a hold of 1s and no pace", change)
	}
	if at, _ := p.reserve(t0.Add(5 * time.Second)); !at.Equal(t0.Add(6 * time.Second)) {
		t.Errorf("a request during the hold may go at +%s, want +6s", at.Sub(t0))
	}
	for i, at := range sendAll(p, t0.Add(7*time.Second), 100) {
		if !at.Equal(t0.Add(7 * time.Second)) {
			t.Fatalf("request %d after the hold may go at +%s, want at once", i, at.Sub(t0))
		}
	}
}

// A 429 without Retry-After holds nobody (the request itself backs off), and the pace is learned
// from the last window's length of answers.
func TestPacerWithoutRetryAfter(t *testing.T) {
	p := newPacer(0)
	for i := range 200 {
		p.answered(t0.Add(time.Duration(i) * 400 * time.Millisecond)) // 150 a minute for 80s
	}
	now := t0.Add(80 * time.Second)
	change := p.throttled(now, 0, false)
	if change == nil || change.hold != 0 || change.perMinute < 142 || change.perMinute > 145 {
		t.Fatalf("change = %+v; want no hold and 95%% of the ~150 answered in the last minute", change)
	}
	if at, _ := p.reserve(now); !at.Equal(now) {
		t.Errorf("a request may go at +%s, want at once: nothing holds it", at.Sub(now))
	}
}

// Each window without a 429 raises the pace by a twentieth of the allowance measured, up to the
// cap when there is one.
func TestPacerProbesUpward(t *testing.T) {
	for _, tt := range []struct {
		limit int
		want  []float64 // the pace after 1, 2, 3 and 4 windows without a 429
	}{
		{0, []float64{600, 630, 660, 690}},
		{620, []float64{600, 620, 620, 620}},
	} {
		p := newPacer(tt.limit)
		learnedWindow(t, p, 600, 3*time.Second)
		open := t0.Add(time.Minute) // the hold ends, the next window opens
		if _, change := p.reserve(open.Add(59 * time.Second)); change != nil {
			t.Errorf("cap %d: the pace rose before a whole window had passed: %+v", tt.limit, change)
		}
		for i, want := range tt.want {
			p.reserve(open.Add(time.Duration(i+1) * time.Minute))
			if got := p.perMinute(); got != want {
				t.Errorf("cap %d: after %d windows without a 429 the pace is %v, want %v", tt.limit, i+1, got, want)
			}
		}
	}
}

// A cap is never exceeded, whatever the 429s teach: a 429 lowers the pace under it, and the
// probes stop at it.
func TestPacerNeverExceedsTheCap(t *testing.T) {
	p := newPacer(60)
	change := learnedWindow(t, p, 600, 30*time.Second)
	if change.perMinute != 60 {
		t.Fatalf("pace %v after a window of 600, want the cap of 60", change.perMinute)
	}
	p = newPacer(60)
	if change := learnedWindow(t, p, 40, 30*time.Second); change.perMinute != 38 {
		t.Fatalf("pace %v after a window of 40, want 38", change.perMinute)
	}
}

// fixedWindowTenant counts requests as the API does (API.md, "Limits") and as the emulator's
// rate limit does: at most allowance in a 60-second window that opens with the first request
// after the last one closed; beyond it a 429 whose Retry-After, in whole seconds rounded up, is
// the rest of the window.
type fixedWindowTenant struct {
	allowance int
	start     time.Time
	count     int
}

func (f *fixedWindowTenant) arrive(t time.Time) (retryAfter time.Duration, ok bool) {
	if f.start.IsZero() || t.Sub(f.start) >= time.Minute {
		f.start, f.count = t, 0
	}
	if f.count >= f.allowance {
		rest := f.start.Add(time.Minute).Sub(t)
		return max(time.Second, (rest + time.Second - 1).Truncate(time.Second)), false
	}
	f.count++
	return 0, true
}

// paceRun is what a simulated run against a tenant came to.
type paceRun struct {
	requests, tooMany int
	elapsed           time.Duration
}

// simulatePacing plays Terraform's workers against the tenant on a fake clock, as the transport
// drives the pacer: a worker reserves a slot, waits for it and for any hold, sends, and on a 429
// tells the pacer and sends again after Retry-After. Each worker starts its next object as soon as
// the last is done, until `work` requests have been accepted.
func simulatePacing(p *pacer, tenant *fixedWindowTenant, workers, work int, latency time.Duration) paceRun {
	type step int
	const (
		ready step = iota
		check
		answer
	)
	type worker struct {
		next       time.Time
		step       step
		sentAt     time.Time
		retryAfter time.Duration
		accepted   bool
		idle       bool
	}
	ws := make([]worker, workers)
	for i := range ws {
		ws[i].next = t0
	}
	var run paceRun
	started, done := 0, 0
	for done < work {
		w := -1
		for i := range ws {
			if !ws[i].idle && (w < 0 || ws[i].next.Before(ws[w].next)) {
				w = i
			}
		}
		if w < 0 {
			break
		}
		cur := &ws[w]
		now := cur.next
		switch cur.step {
		case ready:
			cur.next, _ = p.reserve(now)
			cur.step = check
		case check:
			if hold := p.heldUntil(); now.Before(hold) {
				cur.next = hold
				continue
			}
			run.requests++
			cur.sentAt = now
			cur.retryAfter, cur.accepted = tenant.arrive(now.Add(latency / 2))
			cur.next, cur.step = now.Add(latency), answer
		case answer:
			if !cur.accepted {
				run.tooMany++
				p.throttled(now, cur.retryAfter, true)
				cur.next, cur.step = now.Add(cur.retryAfter), ready
				continue
			}
			p.answered(cur.sentAt)
			done++
			run.elapsed = now.Sub(t0)
			if started >= work {
				cur.idle = true
				continue
			}
			started++
			cur.step = ready
		}
	}
	return run
}

// Against a tenant with fixed windows the default settings keep 429 answers to a few per cent at
// most, and come within 1.2 times of the time the allowance itself needs for the work (the
// targets of `make bench`, where terraform runs these requests for real). A window already partly
// used by an earlier process, and a hard cap at the allowance, keep within the same bounds.
func TestPacerAgainstAFixedWindowTenant(t *testing.T) {
	for _, tt := range []struct {
		name                 string
		allowance, limit     int
		usedBefore           int // requests of an earlier process in the window open at the start
		work                 int
		maxTooManyPercent    float64
		maxTimeOverAllowance float64
	}{
		{name: "600 a minute, 2100 requests", allowance: 600, work: 2100, maxTooManyPercent: 2, maxTimeOverAllowance: 1.2},
		{name: "600 a minute, window half used by the plan", allowance: 600, usedBefore: 300, work: 2100,
			maxTooManyPercent: 2, maxTimeOverAllowance: 1.2},
		{name: "60 a minute, 420 requests", allowance: 60, work: 420, maxTooManyPercent: 5, maxTimeOverAllowance: 1.2},
		{name: "60 a minute, capped at 60", allowance: 60, limit: 60, work: 420, maxTooManyPercent: 5, maxTimeOverAllowance: 1.2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tenant := &fixedWindowTenant{allowance: tt.allowance}
			if tt.usedBefore > 0 {
				tenant.start, tenant.count = t0.Add(-10*time.Second), tt.usedBefore
			}
			run := simulatePacing(newPacer(tt.limit), tenant, 10, tt.work, 50*time.Millisecond)
			tooMany := 100 * float64(run.tooMany) / float64(run.requests)
			// The work needs work/allowance windows; the first may hold less when an earlier process used it.
			needs := time.Duration(float64(tt.work+tt.usedBefore) / float64(tt.allowance) * float64(time.Minute))
			over := float64(run.elapsed) / float64(needs)
			t.Logf("%d requests, %d answered 429 (%.2f%%), %s (%.2f times the %s the allowance needs)",
				run.requests, run.tooMany, tooMany, run.elapsed.Round(time.Second), over, needs.Round(time.Second))
			if tooMany > tt.maxTooManyPercent {
				t.Errorf("%.2f%% of the requests were answered 429, want at most %v%%", tooMany, tt.maxTooManyPercent)
			}
			if over > tt.maxTimeOverAllowance {
				t.Errorf("the work took %.2f times what the allowance needs, want at most %v", over, tt.maxTimeOverAllowance)
			}
		})
	}
}
