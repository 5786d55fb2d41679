package client

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// # Gathering concurrent key writes into batches
//
// The API creates and deletes API keys in batches (API.md, "API keys: create"; API.md, "API keys:
// delete"), while Terraform calls the provider once per resource, up to -parallelism at a time.
// So the calls of CreateAPIKey (and of DeleteAPIKeys) that one Client receives at about the same
// time are gathered into one request, and each caller gets its own item of the 207 answer:
//
//   - The first call opens a batch. The batch is sent once gatherQuiet has passed without another
//     call joining it, gatherLongest after it opened, or as soon as it holds maxKeyBatch items,
//     whichever comes first. Terraform starts its next creates as soon as the previous ones
//     return, all within a few milliseconds, so a short quiet time gathers them all, and a lone
//     create waits no longer than that.
//   - Calls that arrive while a batch is in flight open the next one: batches overlap as single
//     requests did.
//   - A caller whose context ends while its item waits in an open batch leaves the batch and is
//     never sent. Once the batch is sent, the caller waits for its item as long as its own
//     context allows (for a create, the grace period of beginCreate): the batch goes on for the
//     others, and its request ends only when every caller in it has stopped waiting.

const (
	// maxKeyBatch bounds a batch. The API refuses bodies over 1 MB (API.md, "Limits"), and a key
	// to create can take about 14 kB of JSON at the lengths the API allows (a 2048-character
	// description of characters that JSON escapes as \uXXXX), so 50 of them stay well below it. It
	// also bounds what one failure touches: a refused request fails every caller in it, and a
	// lost answer costs the deletion and re-creation of every key it made.
	maxKeyBatch = 50
	// gatherQuiet is how long a batch waits for another call before it is sent.
	gatherQuiet = 5 * time.Millisecond
	// gatherLongest is how long a batch that keeps being joined waits at most.
	gatherLongest = 50 * time.Millisecond
)

// gatherer coalesces concurrent calls of one kind into batches that send sends, each in a goroutine
// of its own. send must finish every item it is given.
type gatherer[In, Out any] struct {
	send func(ctx context.Context, batch []*pending[In, Out])
	// max, quiet and longest are maxKeyBatch, gatherQuiet and gatherLongest (tests change them).
	max            int
	quiet, longest time.Duration

	mu   sync.Mutex
	open *gathering[In, Out] // the batch being gathered, nil when none
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

	once sync.Once
	done chan struct{}
	out  Out
	err  error
}

func newGatherer[In, Out any](send func(ctx context.Context, batch []*pending[In, Out])) *gatherer[In, Out] {
	return &gatherer[In, Out]{send: send, max: maxKeyBatch, quiet: gatherQuiet, longest: gatherLongest}
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
	if len(b.items) >= g.max {
		g.sendLocked(b)
	}
	return p
}

// sendWhenDue sends b once it is due, or waits again for the time left.
func (g *gatherer[In, Out]) sendWhenDue(b *gathering[In, Out]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open != b {
		return // sent when it was full, or emptied by withdrawals
	}
	due := b.last.Add(g.quiet)
	if longest := b.opened.Add(g.longest); longest.Before(due) {
		due = longest
	}
	if wait := time.Until(due); wait > 0 {
		b.timer.Reset(wait)
		return
	}
	g.sendLocked(b)
}

// sendLocked closes b and sends it. g.mu is held.
func (g *gatherer[In, Out]) sendLocked(b *gathering[In, Out]) {
	if g.open == b {
		g.open = nil
	}
	b.timer.Stop()
	items := b.items
	for _, p := range items {
		p.batch = nil
	}
	go g.run(items)
}

func (g *gatherer[In, Out]) run(items []*pending[In, Out]) {
	ctx, done := batchContext(items)
	defer done()
	g.send(ctx, items)
	var none Out
	for _, p := range items {
		p.finish(none, errNoResult) // never: send finishes every item
	}
}

// errNoResult is the result of an item its batch did not finish, which would be a bug.
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
