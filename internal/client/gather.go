package client

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// # Gathering concurrent key writes into batches
//
// The API creates and deletes API keys in batches (API.md, "API keys: create"; API.md, "API keys:
// delete"), while Terraform calls the provider once per resource, up to -parallelism at a time.
// So the calls of CreateAPIKey (and of DeleteAPIKeys) that one Client receives at about the same
// time are gathered into one request, and each caller gets its own item of the 207 answer.
//
// Terraform does not start its calls together: it starts the next resource when one returns, and
// between them it plans the next resource and writes the state, which on a busy machine takes
// tens of milliseconds per resource. A fixed time window would cut each round of calls into
// several batches, and batches that went out at different times come back at different times, so
// the split would last. The gatherer therefore follows the rounds:
//
//   - The first call opens a batch. While no batch is in flight, the open batch is sent once
//     gatherQuiet has passed without another call joining it (or since the last batch came back).
//   - While a batch is in flight, the open batch waits for it: when it comes back, the callers
//     it answers make room in Terraform for the calls of the next round, which join the open one.
//   - Once a batch has come back, the open batch is sent as soon as it holds as many calls as the
//     most this client has seen under way at once (gathered and in flight): the whole round is
//     there, however slowly it came.
//   - A batch is sent at the latest gatherLongest after it opened, or at once when it holds
//     maxKeyBatch items.
//   - A caller whose context ends while its item waits in an open batch leaves the batch and is
//     never sent. Once the batch is sent, the caller waits for its item as long as its own
//     context allows (the grace period of beginWrite): the batch goes on for the
//     others, and its request ends only when every caller in it has stopped waiting.
//   - A batch whose send goes on after some items have their results (keys made, while others
//     wait to be sent again) answers those at once; they no longer count as in flight.

const (
	// maxKeyBatch bounds a batch. The API refuses bodies over 1 MB (API.md, "Limits"), and a key
	// to create can take about 14 kB of JSON at the lengths the API allows (a 2048-character
	// description of characters that JSON escapes as \uXXXX), so 50 of them stay well below it. It
	// also bounds what one failure touches: a refused request fails every caller in it, and a
	// lost answer costs the deletion and re-creation of every key it made.
	maxKeyBatch = 50
	// gatherQuiet is how long a batch waits for another call while no batch is in flight: what a
	// lone call waits, and what ends a round that does not fill up. It spans the pause Terraform
	// makes between two calls of one round on a busy machine (it writes the state after each
	// resource, which takes longer the larger the state), so that such a pause does not split the
	// round; against a round trip to the API it costs little.
	gatherQuiet = 150 * time.Millisecond
	// gatherLongest is how long a batch waits at most, for a batch in flight that takes long (a
	// slow answer, a retry after a 429) or for a round that never fills up.
	gatherLongest = time.Second
)

// gatherer coalesces concurrent calls of one kind into batches that send sends, each in a goroutine
// of its own. send returns one result per item, in order.
type gatherer[In, Out any] struct {
	what string // what is gathered, for the log: "API key creates"
	send func(ctx context.Context, batch []*pending[In, Out]) []result[Out]
	// logContext gives the batch's context the client's log subsystem.
	logContext func(context.Context) context.Context
	// max, quiet and longest are maxKeyBatch, gatherQuiet and gatherLongest (tests change them).
	max            int
	quiet, longest time.Duration

	mu         sync.Mutex
	open       *gathering[In, Out] // the batch being gathered, nil when none
	inFlight   int                 // items of the batches sent and not yet back
	round      int                 // the most items seen under way at once: gathered and in flight
	cameBack   time.Time           // when a batch last came back; zero before the first
	roundKnown bool                // a batch has come back, so round is a whole round
}

// result is what send gives one item.
type result[Out any] struct {
	out Out
	err error
}

// gathering is a batch being gathered.
type gathering[In, Out any] struct {
	items  []*pending[In, Out]
	opened time.Time
	last   time.Time // when the latest item joined
	timer  *time.Timer
}

// pending is one caller's item: its input, and its result once done is closed.
type pending[In, Out any] struct {
	in In
	// start ends the caller's interest before the item is sent: the item is then withdrawn.
	start context.Context
	// keep bounds the caller's wait once the item is sent; its end also counts for the batch
	// request's context (batchContext).
	keep context.Context

	batch *gathering[In, Out] // guarded by the gatherer's mu; nil once sent
	// answered is set, under the gatherer's mu, when p has its result before its batch is back.
	answered bool

	once sync.Once
	done chan struct{}
	out  Out
	err  error
}

func newGatherer[In, Out any](what string, logContext func(context.Context) context.Context,
	send func(ctx context.Context, batch []*pending[In, Out]) []result[Out],
) *gatherer[In, Out] {
	return &gatherer[In, Out]{what: what, logContext: logContext, send: send,
		max: maxKeyBatch, quiet: gatherQuiet, longest: gatherLongest}
}

// add puts in into the open batch, opening one when there is none.
func (g *gatherer[In, Out]) add(start, keep context.Context, in In) *pending[In, Out] {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	b := g.open
	if b == nil {
		b = &gathering[In, Out]{opened: now}
		b.timer = time.AfterFunc(g.quiet, func() { g.sendWhenDue(b) })
		g.open = b
	}
	b.last = now
	p := &pending[In, Out]{in: in, start: start, keep: keep, batch: b, done: make(chan struct{})}
	b.items = append(b.items, p)
	g.round = max(g.round, len(b.items)+g.inFlight)
	switch {
	case len(b.items) >= g.max:
		g.sendLocked(b, "full")
	case g.roundKnown && len(b.items) >= g.round:
		g.sendLocked(b, "round complete")
	}
	return p
}

// sendWhenDue sends b once it is due (see the rules above), or waits again for the time left.
func (g *gatherer[In, Out]) sendWhenDue(b *gathering[In, Out]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open != b {
		return // sent when it was full, or emptied by withdrawals
	}
	due, why := b.opened.Add(g.longest), "waited longest"
	if g.inFlight == 0 {
		quietSince := b.last
		if g.cameBack.After(quietSince) {
			quietSince = g.cameBack
		}
		if quiet := quietSince.Add(g.quiet); quiet.Before(due) {
			due, why = quiet, "quiet"
		}
	}
	if wait := time.Until(due); wait > 0 {
		b.timer.Reset(wait)
		return
	}
	g.sendLocked(b, why)
}

// sendLocked closes b and sends it; why says what made it due, for the log. g.mu is held.
func (g *gatherer[In, Out]) sendLocked(b *gathering[In, Out], why string) {
	if g.open == b {
		g.open = nil
	}
	b.timer.Stop()
	items := b.items
	for _, p := range items {
		p.batch = nil
	}
	tflog.SubsystemDebug(g.logContext(items[0].keep), LogSubsystem, "Sending a batch of "+g.what, map[string]any{
		"items": len(items), "in_flight": g.inFlight, "round": g.round, "gathered_ms": time.Since(b.opened).Milliseconds(), "why": why,
	})
	g.inFlight += len(items)
	go g.run(items)
}

// run sends a batch, and gives each caller its result once the gatherer knows the batch is back,
// so that the calls those callers make room for find it so; send may have answered some already.
func (g *gatherer[In, Out]) run(items []*pending[In, Out]) {
	ctx, done := batchContext(items)
	results := g.send(ctx, items)
	done()
	g.mu.Lock()
	for _, p := range items {
		if !p.answered {
			g.inFlight--
		}
	}
	g.cameBackLocked()
	g.mu.Unlock()
	for i, p := range items {
		if i < len(results) {
			p.finish(results[i].out, results[i].err)
		} else {
			var none Out
			p.finish(none, errNoResult) // never: send answers every item
		}
	}
}

// answer gives p, an item of a batch in flight, its result before the rest of the batch is back
// (a key made while others of its batch wait to be sent again): its caller need not wait for the
// others, and the item no longer counts as in flight, so that the call its caller makes room for
// is gathered as after a batch that came back.
func (g *gatherer[In, Out]) answer(p *pending[In, Out], out Out, err error) {
	g.mu.Lock()
	if !p.answered {
		p.answered = true
		g.inFlight--
		g.cameBackLocked()
	}
	g.mu.Unlock()
	p.finish(out, err)
}

// cameBackLocked notes that items in flight have come back. g.mu is held.
func (g *gatherer[In, Out]) cameBackLocked() {
	g.cameBack, g.roundKnown = time.Now(), true
	if g.open != nil {
		g.open.timer.Reset(0) // what it waits for may have changed
	}
}

// errNoResult is the result of an item its batch did not answer, which would be a bug.
var errNoResult = errors.New("the batch ended without a result for this item")

// withdraw takes p out of its batch if that batch has not been sent, and reports whether it did.
func (g *gatherer[In, Out]) withdraw(p *pending[In, Out]) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	b := p.batch
	if b == nil {
		return false
	}
	p.batch = nil
	b.items = slices.DeleteFunc(b.items, func(q *pending[In, Out]) bool { return q == p })
	if len(b.items) == 0 && g.open == b {
		g.open = nil
		b.timer.Stop()
	}
	return true
}

// wait returns p's result. When the caller's start context ends before the item is sent, the item
// is withdrawn and sent is false; when its keep context ends after it was sent, the error is that
// context's and sent is true.
func (g *gatherer[In, Out]) wait(p *pending[In, Out]) (out Out, sent bool, err error) {
	select {
	case <-p.done:
		return p.out, true, p.err
	case <-p.start.Done():
	}
	if g.withdraw(p) {
		return out, false, p.start.Err()
	}
	select {
	case <-p.done:
		return p.out, true, p.err
	case <-p.keep.Done():
	}
	select {
	case <-p.done: // finished at the same moment: the result wins
		return p.out, true, p.err
	default:
		return out, true, p.keep.Err()
	}
}

// finish gives p its result; only the first call counts.
func (p *pending[In, Out]) finish(out Out, err error) {
	p.once.Do(func() {
		p.out, p.err = out, err
		close(p.done)
	})
}

// gone reports whether the caller has stopped waiting for p.
func (p *pending[In, Out]) gone() bool { return p.keep.Err() != nil }

// batchContext is the context of a batch's requests: it keeps the values (the loggers) of the
// first caller's context, and ends once every caller's keep context has ended.
func batchContext[In, Out any](items []*pending[In, Out]) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(items[0].keep))
	var waiting atomic.Int64
	waiting.Store(int64(len(items)))
	stops := make([]func() bool, len(items))
	for i, p := range items {
		stops[i] = context.AfterFunc(p.keep, func() {
			if waiting.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}
