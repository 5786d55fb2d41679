package client

import (
	"math/rand/v2"
	"slices"
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

// Config.RequestsPerMinute is a hard cap: no 60 seconds hold more slots than it, nor a window
// and capSlack, whether the requests come all at once, in groups after pauses, or under a learned
// pace just below the cap, whose own bucket allows a burst.
func TestPacerCapHoldsInEveryWindow(t *testing.T) {
	for _, perMinute := range []int{1, 7, 60, 600, 6000} {
		for _, tt := range []struct {
			name  string
			ready func(i int) time.Time // when request i is ready
			learn bool
		}{
			{name: "all at once", ready: func(int) time.Time { return t0 }},
			{name: "in groups after pauses", ready: func(i int) time.Time {
				return t0.Add(time.Duration(i/max(perMinute/3, 1)) * 45 * time.Second)
			}},
			{name: "under a learned pace", ready: func(int) time.Time { return t0 }, learn: true},
		} {
			p := newPacer(perMinute)
			if tt.learn {
				p.learned = float64(perMinute) * 0.98
			}
			slots := make([]time.Time, 3*perMinute)
			for i := range slots {
				slots[i], _ = p.reserve(tt.ready(i))
			}
			if at := windowOverCap(slots, perMinute, paceWindow+capSlack); at >= 0 {
				t.Errorf("cap %d/min, %s: the %s from request %d (+%s) hold %d requests or more",
					perMinute, tt.name, paceWindow+capSlack, at, slots[at].Sub(t0), perMinute+1)
			}
		}
	}
}

// windowOverCap returns the first request of times (in order) that begins a window of the given
// length holding more than perMinute of them, or -1 when none does.
func windowOverCap(times []time.Time, perMinute int, window time.Duration) int {
	for i := range len(times) - perMinute {
		if times[i+perMinute].Sub(times[i]) < window {
			return i
		}
	}
	return -1
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

// Without Retry-After, which Vision One does not document, a 429 says that the tenant's window is
// closed: every request waits until the window's estimated end (it opened with the first request
// accepted after the last window's end), with slack for the time requests take to arrive and a
// random lengthening. The process's first window may have been opened by another process, so its
// 429 holds but teaches no pace; a later window's 429 sets the pace as one with Retry-After does.
// The 429s of the requests that were in flight do not lengthen the hold.
func TestPacerWithoutRetryAfter(t *testing.T) {
	for _, jitter := range []time.Duration{0, holdJitter} {
		p := newPacer(0)
		p.jitter = func(limit time.Duration) time.Duration {
			if limit != holdJitter {
				t.Errorf("jitter asked for up to %s, want %s", limit, holdJitter)
			}
			return jitter
		}
		for i := range 120 {
			p.answered(t0.Add(time.Duration(i) * 10 * time.Second / 120))
		}
		now := t0.Add(10 * time.Second)
		end := t0.Add(paceWindow + windowSlack + jitter)
		change := p.throttled(now, 0, false)
		if change == nil || change.hold != end.Sub(now) || change.perMinute != 0 || !strings.Contains(change.reason, "pace unchanged") {
			t.Fatalf("jitter %s: change = %+v; want a hold of %s until the first window's end, and no pace", jitter, change, end.Sub(now))
		}
		for i := range 9 {
			if c := p.throttled(now.Add(time.Duration(i)*20*time.Millisecond), 0, false); c != nil && c.hold != end.Sub(now.Add(time.Duration(i)*20*time.Millisecond)) {
				t.Errorf("jitter %s: a 429 of a request in flight moved the hold: %+v", jitter, c)
			}
		}
		for i, at := range sendAll(p, now.Add(time.Second), 20) {
			if !at.Equal(end) {
				t.Fatalf("jitter %s: request %d during the hold may go at +%s, want +%s", jitter, i, at.Sub(t0), end.Sub(t0))
			}
		}

		// The second window opens with the first request after the hold; 100 are accepted in 20s.
		open := end.Add(time.Second)
		for i := range 100 {
			p.answered(open.Add(time.Duration(i) * 200 * time.Millisecond))
		}
		now = open.Add(20 * time.Second)
		end = open.Add(paceWindow + windowSlack + jitter)
		change = p.throttled(now, 0, false)
		if change == nil || change.hold != end.Sub(now) || change.perMinute != 95 || !strings.Contains(change.reason, "accepted 100 requests") {
			t.Fatalf("jitter %s: change = %+v; want a hold of %s and a pace of 95/min (95%% of the 100 accepted)", jitter, change, end.Sub(now))
		}
		if at, _ := p.reserve(now); !at.Equal(end) {
			t.Errorf("jitter %s: a request during the second hold may go at +%s, want +%s", jitter, at.Sub(t0), end.Sub(t0))
		}
	}
}

// Answers arrive in any order: the window opens with the earliest accepted request sent after the
// last one's end, whichever answer came first.
func TestPacerWindowOpensWithTheEarliestRequestAfterTheLast(t *testing.T) {
	p := newPacer(0)
	p.jitter = func(time.Duration) time.Duration { return 0 }
	p.answered(t0)
	p.answered(t0.Add(59 * time.Second))
	p.answered(t0.Add(61 * time.Second))
	p.answered(t0.Add(59500 * time.Millisecond)) // the first window's, answered late
	p.answered(t0.Add(60500 * time.Millisecond)) // the second window's first, answered late
	now := t0.Add(70 * time.Second)
	change := p.throttled(now, 0, false)
	if want := 60500*time.Millisecond + paceWindow + windowSlack - 70*time.Second; change == nil || change.hold != want {
		t.Fatalf("change = %+v; want a hold of %s, until a window after +60.5s", change, want)
	}
	if change.perMinute != 1.9 || !strings.Contains(change.reason, "accepted 2 requests") {
		t.Errorf("change = %+v; want the pace set from the 2 requests of the second window", change)
	}
}

// A 429 without Retry-After when the process knows of no open window (it has no request accepted
// yet, or none since the estimated end of the last window) comes of a window someone else opened
// at an unknown time: every request waits a whole window, which has then surely ended, and the
// pace stays as it is.
func TestPacerWithoutRetryAfterInAnUnknownWindow(t *testing.T) {
	p := newPacer(0)
	p.jitter = func(limit time.Duration) time.Duration { return limit }
	change := p.throttled(t0, 0, false)
	if want := paceWindow + holdJitter; change == nil || change.hold != want || change.perMinute != 0 ||
		!strings.Contains(change.reason, "pace unchanged") {
		t.Fatalf("before any accepted request: change = %+v; want a hold of %s and no pace", change, want)
	}

	p = newPacer(0)
	p.jitter = func(time.Duration) time.Duration { return 0 }
	learnedWindow(t, p, 100, 10*time.Second)
	p.answered(t0.Add(time.Minute))
	now := t0.Add(3 * time.Minute)
	change = p.throttled(now, 0, false)
	if change == nil || change.hold != paceWindow || change.perMinute != 95 || !strings.Contains(change.reason, "pace unchanged") {
		t.Fatalf("two windows after the last accepted request: change = %+v; want a hold of a window and the pace kept", change)
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
// the rest of the window, unless the tenant omits it.
// With faults, it also answers that share of the requests 429 at random, whatever its count, as
// the emulator's fault injection does (Faults{Statuses: [429]}); those answers never carry Retry-After, which the tenant cannot give for a window that is not
// full. An allowance of zero is no limit.
type fixedWindowTenant struct {
	allowance      int
	omitRetryAfter bool
	faults         float64
	draws          *rand.Rand
	start          time.Time
	count          int
}

func (f *fixedWindowTenant) arrive(t time.Time) (retryAfter time.Duration, ok bool) {
	if f.faults > 0 {
		if f.draws == nil {
			f.draws = rand.New(rand.NewPCG(3, 4))
		}
		if f.draws.Float64() < f.faults {
			return 0, false
		}
	}
	if f.allowance == 0 {
		return 0, true
	}
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
	maxTooManyPerCall int
	lowestPace        float64 // the lowest pace that a 429 set; zero: none
	elapsed           time.Duration
	sent              []time.Time // when each request was sent, in order
}

// simulatePacing plays Terraform's workers against the tenant on a fake clock, as the transport
// drives the pacer (awaitPace): a worker reserves a slot, waits for it and, should a hold have
// begun meanwhile, for a new slot after it, sends, and on a 429
// tells the pacer and sends again after Retry-After, or without one, once the hold the pacer set
// ends. Each worker starts its next object as soon as
// the last is done, until `work` requests have been accepted. A request reaches the tenant half
// the latency after it was sent, and up to jitter later (the same draws in every run, which also
// draw the pacer's jitter).
func simulatePacing(p *pacer, tenant *fixedWindowTenant, workers, work int, latency, jitter time.Duration) paceRun {
	draws := rand.New(rand.NewPCG(1, 2))
	p.jitter = func(limit time.Duration) time.Duration { return time.Duration(draws.Int64N(int64(limit) + 1)) }
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
		tooMany    int // the 429s of the current call
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
			if at := p.recheck(now); !at.IsZero() {
				cur.next = at
				continue
			}
			run.requests++
			run.sent = append(run.sent, now)
			cur.sentAt = now
			travel := latency/2 + time.Duration(draws.Int64N(int64(jitter)+1))
			cur.retryAfter, cur.accepted = tenant.arrive(now.Add(travel))
			cur.next, cur.step = now.Add(latency), answer
		case answer:
			if !cur.accepted {
				run.tooMany++
				cur.tooMany++
				run.maxTooManyPerCall = max(run.maxTooManyPerCall, cur.tooMany)
				var change *paceChange
				if tenant.omitRetryAfter || cur.retryAfter == 0 {
					change = p.throttled(now, 0, false)
					cur.step = ready
				} else {
					change = p.throttled(now, cur.retryAfter, true)
					cur.next, cur.step = now.Add(cur.retryAfter), ready
				}
				if change != nil && change.perMinute > 0 && (run.lowestPace == 0 || change.perMinute < run.lowestPace) {
					run.lowestPace = change.perMinute
				}
				continue
			}
			cur.tooMany = 0
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
// used by an earlier process, and a hard cap at the allowance, keep within the same bounds; a cap
// at the allowance gets no 429 of its own, even when the time requests take to arrive varies. A
// tenant that sends no Retry-After keeps within the same bounds: the pacer holds every request
// until its estimate of the window's end; learning the pace costs one more window's 429s, as the
// process's first window teaches it none.
func TestPacerAgainstAFixedWindowTenant(t *testing.T) {
	for _, tt := range []struct {
		name                 string
		allowance, limit     int
		usedBefore           int           // requests of an earlier process in the window open at the start
		jitter               time.Duration // how much the time a request takes to arrive varies
		omitRetryAfter       bool
		work                 int
		maxTooManyPercent    float64
		maxTimeOverAllowance float64
	}{
		{name: "600 a minute, 2100 requests", allowance: 600, work: 2100, maxTooManyPercent: 2, maxTimeOverAllowance: 1.2},
		{name: "600 a minute, window half used by the plan", allowance: 600, usedBefore: 300, work: 2100,
			maxTooManyPercent: 2, maxTimeOverAllowance: 1.2},
		{name: "60 a minute, 420 requests", allowance: 60, work: 420, maxTooManyPercent: 5, maxTimeOverAllowance: 1.2},
		{name: "60 a minute, capped at 60", allowance: 60, limit: 60, jitter: 200 * time.Millisecond, work: 420,
			maxTooManyPercent: 0, maxTimeOverAllowance: 1.2},
		{name: "600 a minute, capped at 600", allowance: 600, limit: 600, jitter: 200 * time.Millisecond, work: 2100,
			maxTooManyPercent: 0, maxTimeOverAllowance: 1.2},
		// The first window's 429 comes of the earlier process's requests.
		{name: "60 a minute, capped at 60, window half used", allowance: 60, limit: 60, usedBefore: 30,
			jitter: 200 * time.Millisecond, work: 420, maxTooManyPercent: 0.5, maxTimeOverAllowance: 1.2},
		{name: "600 a minute without Retry-After", allowance: 600, omitRetryAfter: true, jitter: 200 * time.Millisecond,
			work: 2100, maxTooManyPercent: 2, maxTimeOverAllowance: 1.2},
		{name: "600 a minute without Retry-After, window half used by the plan", allowance: 600, usedBefore: 300,
			omitRetryAfter: true, jitter: 200 * time.Millisecond, work: 2100, maxTooManyPercent: 2, maxTimeOverAllowance: 1.2},
		{name: "60 a minute without Retry-After", allowance: 60, omitRetryAfter: true, jitter: 200 * time.Millisecond,
			work: 420, maxTooManyPercent: 6, maxTimeOverAllowance: 1.2},
		{name: "60 a minute without Retry-After, capped at 60, window half used", allowance: 60, limit: 60, usedBefore: 30,
			omitRetryAfter: true, jitter: 200 * time.Millisecond, work: 420, maxTooManyPercent: 0.5, maxTimeOverAllowance: 1.2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tenant := &fixedWindowTenant{allowance: tt.allowance, omitRetryAfter: tt.omitRetryAfter}
			if tt.usedBefore > 0 {
				tenant.start, tenant.count = t0.Add(-10*time.Second), tt.usedBefore
			}
			run := simulatePacing(newPacer(tt.limit), tenant, 10, tt.work, 50*time.Millisecond, tt.jitter)
			tooMany := 100 * float64(run.tooMany) / float64(run.requests)
			// The work needs work/allowance windows; the first may hold less when an earlier process used it.
			needs := time.Duration(float64(tt.work+tt.usedBefore) / float64(tt.allowance) * float64(time.Minute))
			over := float64(run.elapsed) / float64(needs)
			t.Logf("%d requests, %d answered 429 (%.2f%%, at most %d for one call), %s (%.2f times the %s the allowance needs)",
				run.requests, run.tooMany, tooMany, run.maxTooManyPerCall, run.elapsed.Round(time.Second), over, needs.Round(time.Second))
			if tooMany > tt.maxTooManyPercent {
				t.Errorf("%.2f%% of the requests were answered 429, want at most %v%%", tooMany, tt.maxTooManyPercent)
			}
			if over > tt.maxTimeOverAllowance {
				t.Errorf("the work took %.2f times what the allowance needs, want at most %v", over, tt.maxTimeOverAllowance)
			}
			// Every request waits for the window a 429 closed to end, so no call meets two.
			if run.maxTooManyPerCall > 1 {
				t.Errorf("a call was answered 429 %d times in a row, want at most once", run.maxTooManyPerCall)
			}
			// The requests held by a 429 go at the cap when the hold ends, not all at once.
			if i := windowOverCap(run.sent, tt.limit, time.Minute); tt.limit > 0 && i >= 0 {
				t.Errorf("the 60s from request %d (+%s) hold more than the cap of %d", i, run.sent[i].Sub(t0), tt.limit)
			}
		})
	}
}

// playWindow makes p accept n requests sent evenly over the first `over` of a tenant window that
// opens at open, then answers a 429 at open+over: with a Retry-After that ends the window, or
// without one, as Vision One may. It returns the change that the 429 made and the end of the hold.
func playWindow(p *pacer, open time.Time, n int, over time.Duration, withRetryAfter bool) (*paceChange, time.Time) {
	for i := range n {
		p.answered(open.Add(over * time.Duration(i) / time.Duration(n)))
	}
	if withRetryAfter {
		return p.throttled(open.Add(over), paceWindow-over, true), open.Add(paceWindow)
	}
	return p.throttled(open.Add(over), 0, false), open.Add(paceWindow + windowSlack)
}

// pacedByAWindow returns a pacer whose pace a window that accepted n requests over `over` set, and
// the end of that window's hold. Without Retry-After the process's first window teaches nothing, so
// one is played before.
func pacedByAWindow(n int, over time.Duration, withRetryAfter bool) (*pacer, time.Time) {
	p := newPacer(0)
	p.jitter = func(time.Duration) time.Duration { return 0 }
	open := t0
	if !withRetryAfter {
		_, end := playWindow(p, open, 100, 10*time.Second, false)
		open = end.Add(time.Second)
	}
	_, end := playWindow(p, open, n, over, withRetryAfter)
	return p, end
}

// quietWindows lets the windows from `from` pass without a 429, each accepting as many requests of
// this process as the pace allows, and returns the pace after each of them and when the next opens.
func quietWindows(p *pacer, from time.Time, windows int) ([]float64, time.Time) {
	paces := make([]float64, windows)
	for k := range paces {
		open := from.Add(time.Duration(k) * paceWindow)
		n := int(p.perMinute())
		for i := range n {
			p.answered(open.Add(50 * time.Second * time.Duration(i) / time.Duration(n)))
		}
		p.reserve(open.Add(paceWindow))
		paces[k] = p.perMinute()
	}
	return paces, from.Add(time.Duration(windows) * paceWindow)
}

// A 429 early in a window (a gateway's burst limit, or another tool that shares the tenant's
// window) says little of the tenant's limit: it may cut the pace to half of what it was, never to
// the few requests that window happened to accept, and the quiet windows after it bring the pace
// back near where it was within a few windows. With and without Retry-After.
func TestPacerOneEarly429KeepsMostOfThePace(t *testing.T) {
	for _, withRetryAfter := range []bool{true, false} {
		p, end := pacedByAWindow(200, 20*time.Second, withRetryAfter)
		_, open := quietWindows(p, end, 3)
		before := p.perMinute()

		change, end := playWindow(p, open, 1, time.Second, withRetryAfter)
		if change == nil || change.perMinute < before/2 {
			t.Fatalf("Retry-After %v: one 429 after 1 accepted request cut the pace from %v to %+v, want at least half of it",
				withRetryAfter, before, change)
		}
		paces, _ := quietWindows(p, end, 3)
		if paces[2] < 0.9*before {
			t.Errorf("Retry-After %v: after the 429 the pace went %v over three quiet windows, want back near %v",
				withRetryAfter, paces, before)
		}
	}
}

// From a fresh start, before any pace: a 429 after 1 accepted request in the first window that
// teaches one sets the pace to no less than half of what the process had achieved in a window,
// and the pace is back near that within a few quiet windows.
func TestPacerOneEarly429FromAFreshStart(t *testing.T) {
	p := newPacer(0)
	p.jitter = func(time.Duration) time.Duration { return 0 }
	_, end := playWindow(p, t0, 30, 5*time.Second, false) // the first window: a hold, no pace
	change, end := playWindow(p, end.Add(time.Second), 1, time.Second, false)
	if change == nil || change.perMinute < 15 || !strings.Contains(change.reason, "accepted 1 requests") {
		t.Fatalf("change = %+v; want a pace of at least 15/min, half of the 30 the first window accepted", change)
	}
	if paces, _ := quietWindows(p, end, 3); paces[2] < 27 {
		t.Errorf("after the 429 the pace went %v over three quiet windows, want back near 30", paces)
	}
}

// Repeated 429s still bring the pace down to a real limit, geometrically: a tenant whose limit
// fell from about 600 to 20 a minute (or another tool that took the rest) accepts 20 in every
// window. The pace halves at each window's 429 until the count of the window sets it, and then
// stays near the limit: once there, the windows end in a 429 no more often than the probes upward
// of a pace learned at that limit make them.
func TestPacerFollowsALimitThatFell(t *testing.T) {
	for _, withRetryAfter := range []bool{true, false} {
		p, end := pacedByAWindow(632, 50*time.Second, withRetryAfter)
		if got := p.perMinute(); got != 600.4 {
			t.Fatalf("Retry-After %v: pace %v, want 600.4", withRetryAfter, got)
		}
		var paces []float64
		tooManyWindows := 0
		for range 30 {
			open := end.Add(time.Second)
			p.reserve(open)
			pace := p.perMinute()
			if pace <= 20 {
				// Paced at or under the limit the window accepts all it sends.
				for i := range int(pace) {
					p.answered(open.Add(50 * time.Second * time.Duration(i) / time.Duration(int(pace))))
				}
				end = open.Add(paceWindow)
				paces = append(paces, pace)
				continue
			}
			tooManyWindows++
			var change *paceChange
			change, end = playWindow(p, open, 20, time.Duration(float64(20*time.Minute)/pace), withRetryAfter)
			if change == nil || change.perMinute < pace/2 {
				t.Fatalf("Retry-After %v: a 429 cut the pace from %v to %+v, want at least half of it", withRetryAfter, pace, change)
			}
			paces = append(paces, change.perMinute)
		}
		t.Logf("Retry-After %v: the paces of 30 windows after the limit fell: %v", withRetryAfter, paces)
		if i := slices.IndexFunc(paces, func(v float64) bool { return v <= 20 }); i < 0 || i > 6 {
			t.Errorf("Retry-After %v: the pace came to the limit of 20 after %d windows, want within 6", withRetryAfter, i+1)
		}
		// Halving from 600 to 20 takes five windows, one quick return toward the pace before costs
		// four more, and then the probes upward at the limit end every third window in a 429.
		if tooManyWindows > 18 {
			t.Errorf("Retry-After %v: %d of 30 windows ended in a 429, want at most 18", withRetryAfter, tooManyWindows)
		}
	}
}

// Injected 429s without Retry-After on 15% of the requests, as the emulator's
// Faults{ErrorRate: 0.15, Statuses: [429], OmitRetryAfter: true} sends them: each holds every
// request until its window's estimated end, so a window accepts a handful of requests, but the
// pace never falls to a request a minute, and a small run (a destroy of a few dozen objects at
// -parallelism=30, or its requests a few at a time as dependencies let them go) needs few windows
// more than the holds themselves cost.
func TestPacerUnderInjected429s(t *testing.T) {
	for _, tt := range []struct {
		name          string
		workers, work int
		maxRequests   int
		maxWindows    int
		minPace       float64
	}{
		{name: "a destroy of 43 objects", workers: 30, work: 43, maxRequests: 80, maxWindows: 3, minPace: 5},
		// Repeated 429s halve the pace at each window, as a real limit would, but not below what
		// the holds let through.
		{name: "86 requests, 4 at a time", workers: 4, work: 86, maxRequests: 120, maxWindows: 24, minPace: 1.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tenant := &fixedWindowTenant{faults: 0.15, omitRetryAfter: true}
			p := newPacer(0)
			run := simulatePacing(p, tenant, tt.workers, tt.work, 200*time.Millisecond, 200*time.Millisecond)
			windows := int(run.elapsed/paceWindow) + 1
			t.Logf("%d requests, %d answered 429, %d windows (%s), the lowest pace %v, at the end %v",
				run.requests, run.tooMany, windows, run.elapsed.Round(time.Second), run.lowestPace, p.perMinute())
			if run.requests > tt.maxRequests {
				t.Errorf("%d requests for %d accepted, want at most %d", run.requests, tt.work, tt.maxRequests)
			}
			if windows > tt.maxWindows {
				t.Errorf("the work took %d windows, want at most %d", windows, tt.maxWindows)
			}
			if run.lowestPace > 0 && run.lowestPace < tt.minPace {
				t.Errorf("a 429 set the pace to %v a minute, want at least %v", run.lowestPace, tt.minPace)
			}
		})
	}
}
