package client

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// # Pacing learned from the tenant
//
// The API counts a tenant's requests in fixed 60-second windows and answers 429 beyond a limit
// that is not published and that every tool calling the tenant shares (API.md, "Limits"). So the
// client does not guess a pace; it learns one from the API, additive increase and multiplicative
// decrease:
//
//   - It starts without a pace: Terraform's -parallelism bounds how many requests are in flight.
//   - A 429 holds every request of the process until the tenant's next window opens, not only the
//     one that got it, so that the others do not each collect a 429 of their own. Its Retry-After,
//     when it has one, says when that is. Vision One documents none, so without it the 429 means
//     that the current window is closed, and the pacer estimates its end: a window opens with the
//     first request it accepts after the last one ended, so the window holding the first request
//     of this process accepted since the last estimated end began no later than that request
//     arrived, and ends no later than a window after it. The hold lasts a window from when that
//     request was sent, and windowSlack for the time it took to arrive, and up to holdJitter more
//     at random, so that processes held by the same window do not all start again at once. The
//     estimate may be long (another tool opened the window earlier), never short. A 429 when no
//     window is known to be open (nothing accepted yet, or nothing since the last window's
//     estimated end: someone else opened the window) holds a whole window from the 429, which has
//     then surely ended.
//   - The first 429 of a window sets the pace to a share (paceMargin) of what the tenant accepted
//     in that window: the requests of this process answered with anything but a 429 since the
//     window began (it ends at Retry-After, so it began a window's length earlier; without
//     Retry-After, the window is the one estimated). A window that began before this process's
//     first request (a previous Terraform command or another tool used part of it, or the 429 was
//     no rate limit at all) tells nothing of the allowance: then only the hold applies. Without
//     Retry-After, the window of the process's first request may be such a window, and any window
//     not known to be open is: neither sets the pace.
//   - One 429 never cuts the pace below a share (paceFloorShare) of the pace before it, or before
//     any pace, of the most the process had achieved in a window: a 429 early in a window, after a
//     request or two, may come of a gateway's burst limit or of another tool that shares the
//     tenant's window, and shows nothing like the tenant's limit. A real limit still brings the
//     pace down to it, halving it at each window's 429 until the window's count sets it.
//   - The best pace seen is what windows without a 429 return to: the highest the pace has been,
//     or before any pace, the most the process achieved in a window. A 429 whose window's count set
//     the pace measured the limit and brings it down to that pace. Below it, each window without a
//     429 adds a share (paceRecoverySteps) of it, so that a pace that a stray 429 halved is back in
//     a few windows; at it, 1/paceProbeSteps of the allowance last measured, so the pace probes
//     upward slowly and notices a limit that was raised or a tool that stopped. Against fixed
//     windows a probe beyond the allowance costs a 429 near a window's end and a short hold, as
//     Terraform's requests wait for the next window.
//   - Config.RequestsPerMinute, when set, is a hard cap: no 60 seconds hold more of this process's
//     requests than it, whatever the pace.
//
// Requests go out at the learned pace through a token bucket (as the generic cell rate algorithm:
// each request takes the next slot, and up to paceBurst slots may be taken at once after a pause).
// The cap is a bucket of its own without a burst: any cap+1 slots span a whole window and
// capSlack, so that the tenant, which counts requests as they arrive, sees no more than the cap
// in any of its windows however the time they take to arrive varies within capSlack. A request
// that finds a hold once its slot comes takes a new slot after the hold, so the requests that
// waited through it do not all go at once.
// The pacer decides with the times it is given and keeps no clock of its own, so its tests run on
// a fake clock.

const (
	// paceWindow is the API's counting window (API.md, "Limits").
	paceWindow = time.Minute
	// paceMargin is the share of a window's measured allowance that the pace is set to after a
	// 429, so that the next windows are not overrun before the pace probes upward again.
	paceMargin = 0.95
	// paceProbeSteps: each window without a 429 adds 1/paceProbeSteps of the measured allowance
	// once the pace is back at the best it has been.
	paceProbeSteps = 20
	// paceRecoverySteps: below the best pace, each window without a 429 adds 1/paceRecoverySteps
	// of the best, so that a pace that one 429 halved is back within a few windows.
	paceRecoverySteps = 4
	// paceFloorShare is the least share of the pace that one 429 leaves (of what the process
	// achieved in a window, before any pace).
	paceFloorShare = 0.5
	// minPace is the slowest pace, in requests per minute, that a 429 can set.
	minPace = 1.0
	// windowSlack is how far the start of a window derived from Retry-After may be off: the header
	// is whole seconds, rounded up, and answers take time to arrive. Without Retry-After, it is how
	// much later than its first request was sent a window may have opened, as that request took
	// time to arrive.
	windowSlack = 2 * time.Second
	// holdJitter is the most that a hold until a window's estimated end (a 429 without Retry-After)
	// is lengthened at random.
	holdJitter = 2 * time.Second
	// capSlack is what the cap adds to a window: how much the time requests take to reach the
	// tenant may vary without a window of the tenant holding one request more than the cap. Paced
	// at exactly the cap, that variation alone would put the cap's next request into the window
	// of the first about every other window.
	capSlack = time.Second
)

// pacer holds the requests of one Client to the pace the tenant allows. It is safe for concurrent
// use.
type pacer struct {
	mu sync.Mutex
	// limit is Config.RequestsPerMinute; zero: no cap.
	limit float64
	// capInterval is the least time between two slots under the cap: a window and capSlack
	// divided by limit, rounded up so that limit of them never fall short of it.
	capInterval time.Duration
	// capNext is the earliest slot the cap allows: the last slot taken, plus capInterval.
	capNext time.Time
	// learned is the pace learned from 429 answers, in requests per minute; zero until the first.
	learned float64
	// step is the additive increase per window without a 429, once the pace is back at best.
	step float64
	// best is the best pace seen: the highest the pace has been, or before any pace, what the
	// process achieved in a window. A window without a 429 raises a pace below it by a share of
	// it; a 429 that measured the tenant's limit lowers it (see the comment at the top of this file).
	best float64
	// rampFrom starts the current stretch without a 429, in whole windows of which the pace rises.
	rampFrom time.Time
	// decreasedAt is when a 429 last set the pace: one decrease per window.
	decreasedAt time.Time
	// holdUntil is the end of the tenant's window that a 429 closed: no request is sent before it.
	holdUntil time.Time
	// nextSlot is the token bucket's theoretical arrival time: the slot after the last one taken.
	nextSlot time.Time
	accepted acceptLog
	// jitter returns a random duration up to its argument (tests fix it).
	jitter func(time.Duration) time.Duration
}

// paceChange is what a decision of the pacer changed, for the debug log.
type paceChange struct {
	perMinute float64       // the pace now in force; zero: none
	hold      time.Duration // how long every request now waits for the tenant's next window
	reason    string
}

func newPacer(limit int) *pacer {
	p := &pacer{jitter: func(d time.Duration) time.Duration { return rand.N(d + 1) }}
	if limit > 0 {
		p.limit = float64(limit)
		p.capInterval = (paceWindow + capSlack + time.Duration(limit) - 1) / time.Duration(limit)
	}
	return p
}

// perMinute is the pace in force: the learned one, under the cap; zero when there is neither.
func (p *pacer) perMinute() float64 {
	switch {
	case p.learned == 0:
		return p.limit
	case p.limit == 0:
		return p.learned
	}
	return min(p.learned, p.limit)
}

// paceBurst is how many requests may go at once after a pause under the learned pace: a short
// refresh of a few objects goes at once, while a long run settles at the pace.
func paceBurst(perMinute float64) int {
	return min(max(int(perMinute)/30, 1), 20)
}

// reserve takes the slot of a request that is ready at now and returns when it may be sent. It
// first raises the pace by what the windows without a 429 since the last change have earned, and
// reports that change.
func (p *pacer) reserve(now time.Time) (time.Time, *paceChange) {
	p.mu.Lock()
	defer p.mu.Unlock()
	change := p.probe(now)
	return p.reserveLocked(now), change
}

// reserveLocked takes the first slot at or after now that the hold, the learned pace and the cap
// allow. p.mu is held.
func (p *pacer) reserveLocked(now time.Time) time.Time {
	at := later(now, p.holdUntil)
	var interval time.Duration
	if p.learned > 0 {
		interval = time.Duration(float64(paceWindow) / p.learned)
		at = later(at, p.nextSlot.Add(-time.Duration(paceBurst(p.learned)-1)*interval))
	}
	if p.limit > 0 {
		at = later(at, p.capNext)
		p.capNext = at.Add(p.capInterval)
	}
	if interval > 0 {
		p.nextSlot = later(p.nextSlot, at).Add(interval)
	}
	return at
}

// probe is the additive increase: each whole window since rampFrom adds a share of the best pace
// while the pace is below it, and a step beyond.
func (p *pacer) probe(now time.Time) *paceChange {
	if p.learned == 0 || now.Before(p.rampFrom) || (p.limit > 0 && p.learned >= p.limit) {
		return nil
	}
	windows := int64(now.Sub(p.rampFrom) / paceWindow)
	if windows == 0 {
		return nil
	}
	p.rampFrom = p.rampFrom.Add(time.Duration(windows) * paceWindow)
	reason := "a window passed without a 429: probing upward"
	for ; windows > 0 && p.learned < p.best; windows-- {
		p.learned = min(p.learned+p.best/paceRecoverySteps, p.best)
		reason = "a window passed without a 429: back toward the best pace seen"
	}
	p.learned += float64(windows) * p.step
	if p.limit > 0 {
		p.learned = min(p.learned, p.limit)
	}
	p.best = max(p.best, p.learned)
	return &paceChange{perMinute: p.perMinute(), reason: reason}
}

// recheck is asked when a request's slot has come, at now: when a 429 has since set a hold that
// lasts past now, the slot is void and recheck returns a new one after the hold; otherwise the
// zero time, and the request goes.
func (p *pacer) recheck(now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !now.Before(p.holdUntil) {
		return time.Time{}
	}
	return p.reserveLocked(now)
}

// holdLeft is how long from now the hold of every request lasts; zero when there is none.
func (p *pacer) holdLeft(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(p.holdUntil.Sub(now), 0)
}

// answered records that a request sent at sentAt was answered, not with a 429: the tenant counted
// it in its window.
func (p *pacer) answered(sentAt time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accepted.add(sentAt)
}

// throttled records a 429 that arrived at now, with its Retry-After when it had one (hasWait), and
// reports the change it makes: a hold of every request until the tenant's next window, and the
// first time in a window, the pace (see the comment at the top of this file).
func (p *pacer) throttled(now time.Time, wait time.Duration, hasWait bool) *paceChange {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.closedWindow(now, wait, hasWait)
	newHold := !p.holdUntil.After(now) && w.end.After(now)
	if p.holdUntil.Before(w.end) {
		p.holdUntil = w.end
		if w.estimated {
			p.holdUntil = w.end.Add(p.jitter(holdJitter))
		}
	}
	hold := p.holdUntil.Sub(now)

	if !p.decreasedAt.IsZero() && now.Sub(p.decreasedAt) < paceWindow {
		// The requests that were in flight meet the limit this window's first 429 taught.
		if newHold {
			return &paceChange{perMinute: p.perMinute(), hold: hold, reason: "429 again in the window of the last one: holding every request"}
		}
		return nil
	}
	if w.unseen != "" {
		return &paceChange{perMinute: p.perMinute(), hold: hold, reason: w.unseen}
	}
	n := p.accepted.since(w.countFrom)
	how := p.decrease(n)
	p.decreasedAt = now
	p.rampFrom = later(now, p.holdUntil)
	return &paceChange{perMinute: p.perMinute(), hold: hold,
		reason: fmt.Sprintf("%s: the tenant accepted %d requests of this process in its window; %s, "+
			"holding every request until %s", w.what, n, how, w.until)}
}

// decrease sets the pace after the first 429 of a window that accepted n requests of this process,
// and says how, for the debug log. The pace goes to a share (paceMargin) of n, but never below a
// share (paceFloorShare) of the pace before, or before any pace, of the most the process achieved
// in a window: a 429 early in a window may come of a gateway's burst limit or of another tool, and
// a real limit brings the pace down in a few windows all the same, halving it at each. The best
// pace, to which windows without a 429 bring the pace back quickly, stays where it was after such
// a 429; when n set the pace (it measured the limit), it comes down to that pace. p.mu is held.
func (p *pacer) decrease(n int) string {
	before := p.learned
	if before == 0 {
		before = float64(p.accepted.most)
	}
	if p.limit > 0 {
		before = min(before, p.limit)
	}
	measured, floor := float64(n)*paceMargin, before*paceFloorShare
	how := fmt.Sprintf("pacing at %.0f%% of that", paceMargin*100)
	if measured >= floor {
		p.best = measured
		p.step = float64(n) / paceProbeSteps
	} else {
		how = fmt.Sprintf("pacing at %.0f%% of the pace before, as a 429 this early in a window need not show the tenant's limit",
			paceFloorShare*100)
		p.best = max(p.best, before)
	}
	p.learned = max(measured, floor, minPace)
	if p.limit > 0 {
		p.learned = min(p.learned, p.limit)
	}
	p.step = max(p.step, p.best/paceProbeSteps, minPace)
	return how
}

// window is what a 429 tells of the tenant's window that it closed.
type window struct {
	// end is when the next window opens, at the latest; estimated: without Retry-After.
	end       time.Time
	estimated bool
	// countFrom is the sending time from which the accepted requests of this process were in it.
	countFrom time.Time
	// unseen, when set, says why the window tells nothing of the allowance, for the debug log.
	unseen string
	// what names the 429 and until the end of its hold, for the debug log.
	what, until string
}

// closedWindow is the window that a 429 at now closed: from its Retry-After, or estimated from the
// requests accepted without one (see the comment at the top of this file). p.mu is held.
func (p *pacer) closedWindow(now time.Time, wait time.Duration, hasWait bool) window {
	if hasWait {
		end := now.Add(wait)
		start := end.Add(-paceWindow)
		w := window{end: end, countFrom: start.Add(-windowSlack / 2), what: "429", until: "its next window"}
		if p.accepted.first.IsZero() || p.accepted.first.After(start.Add(windowSlack)) {
			w.unseen = "429 in a window that began before this process's first request, which tells nothing of the tenant's limit: " +
				"holding every request, pace unchanged"
		}
		return w
	}
	opened := p.accepted.window
	end := opened.Add(paceWindow + windowSlack)
	if opened.IsZero() || now.After(end) {
		return window{end: now.Add(paceWindow), estimated: true,
			unseen: "429 without Retry-After in a window that no request of this process is known to have opened, " +
				"which tells nothing of the tenant's limit: holding every request for a whole window, pace unchanged"}
	}
	w := window{end: end, estimated: true, countFrom: opened, what: "429 without Retry-After",
		until: "the estimated end of the window, which opened with the first of them"}
	if opened.Equal(p.accepted.first) {
		w.unseen = "429 without Retry-After in the window of this process's first request, which another process may have " +
			"opened and used, so it tells nothing of the tenant's limit: holding every request until the window's estimated end, " +
			"pace unchanged"
	}
	return w
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// acceptLog counts the accepted requests of the last window, per second of their sending, and
// estimates when the tenant's window opened.
type acceptLog struct {
	first time.Time // the first accepted request of the process
	// count is how many accepted requests were sent in the current window, and most the most in
	// any window of the process.
	count, most int
	// window and previous are when the tenant's current and previous windows opened, as far as
	// this process can tell: the sending of the first request accepted a window or more after
	// the last one opened.
	window, previous time.Time
	buckets          [64]struct {
		second int64
		n      int
	}
}

func (l *acceptLog) add(t time.Time) {
	if l.first.IsZero() || t.Before(l.first) {
		l.first = t
	}
	switch {
	case l.window.IsZero() || !t.Before(l.window.Add(paceWindow)):
		l.previous, l.window, l.count = l.window, t, 0
	case t.Before(l.window) && (l.previous.IsZero() || !t.Before(l.previous.Add(paceWindow))):
		// Answered after a later request of the same window.
		l.window = t
	}
	if !t.Before(l.window) {
		l.count++
		l.most = max(l.most, l.count)
	}
	s := t.Unix()
	b := &l.buckets[uint64(s)%uint64(len(l.buckets))]
	if b.second != s {
		b.second, b.n = s, 0
	}
	b.n++
}

// since counts the accepted requests sent in the second of from or later. It sees one bucket's
// worth of seconds back, more than a window and its slack.
func (l *acceptLog) since(from time.Time) int {
	n := 0
	for _, b := range l.buckets {
		if b.second >= from.Unix() {
			n += b.n
		}
	}
	return n
}

// awaitPace waits for the request's slot under the pace and the cap, and, when a 429 set a hold
// for every request while it waited, for a new slot after the hold.
func (c *Client) awaitPace(ctx context.Context) error {
	at, change := c.pace.reserve(time.Now())
	logPace(ctx, change)
	for !at.IsZero() {
		if err := pause(ctx, time.Until(at)); err != nil {
			return err
		}
		at = c.pace.recheck(time.Now())
	}
	return nil
}

// paceAnswer tells the pacer how the API answered a request sent at sentAt: rateLimited is a 429
// of the rate limit, not a refusal at a tenant's cap on objects, which says nothing of the pace.
func (c *Client) paceAnswer(ctx context.Context, sentAt time.Time, rateLimited bool, header http.Header) {
	if !rateLimited {
		c.pace.answered(sentAt)
		return
	}
	wait, ok := retryAfter(header)
	logPace(ctx, c.pace.throttled(time.Now(), wait, ok))
}

// logPace writes a pace change at debug level.
func logPace(ctx context.Context, change *paceChange) {
	if change == nil {
		return
	}
	fields := map[string]any{"reason": change.reason, "requests_per_minute": "no limit"}
	if change.perMinute > 0 {
		fields["requests_per_minute"] = math.Round(change.perMinute*10) / 10
	}
	if change.hold > 0 {
		fields["hold_ms"] = change.hold.Milliseconds()
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "Vision One API pace changed", fields)
}
