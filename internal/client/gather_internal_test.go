package client

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

// testGatherer is a gatherer of ints whose batches are published on sent, in the order of their
// items, and come back each when release is sent to. Each result is the item negated. At the end of
// the test every batch, in flight or sent later, comes back at once.
func testGatherer(t *testing.T) (g *gatherer[int, int], sent chan []int, release chan struct{}) {
	sent, release = make(chan []int), make(chan struct{})
	ended := make(chan struct{})
	t.Cleanup(func() { close(ended) })
	g = newGatherer("test items", func(ctx context.Context) context.Context { return ctx },
		func(_ context.Context, batch []*pending[int, int]) []result[int] {
			ins := make([]int, len(batch))
			results := make([]result[int], len(batch))
			for i, p := range batch {
				ins[i], results[i].out = p.in, -p.in
			}
			select {
			case sent <- ins:
				select {
				case <-release:
				case <-ended:
				}
			case <-ended:
			}
			return results
		})
	return g, sent, release
}

// receive returns the next batch sent, and fails the test if none is sent within a few seconds:
// a batch that is never due must not hang the test.
func receive(t *testing.T, sent <-chan []int) []int {
	t.Helper()
	select {
	case got := <-sent:
		return got
	case <-time.After(5 * time.Second):
		t.Fatal("no batch was sent")
		return nil
	}
}

// addAll adds ins to g, each in a call of its own.
func addAll(g *gatherer[int, int], ins ...int) []*pending[int, int] {
	ctx := context.Background()
	var ps []*pending[int, int]
	for _, in := range ins {
		ps = append(ps, g.add(ctx, ctx, in))
	}
	return ps
}

// expectResults checks that every item got its own result.
func expectResults(t *testing.T, g *gatherer[int, int], ps []*pending[int, int]) {
	t.Helper()
	for _, p := range ps {
		if out, sent, err := g.wait(p); !sent || err != nil || out != -p.in {
			t.Errorf("item %d: %d, sent %t, %v; want %d", p.in, out, sent, err, -p.in)
		}
	}
}

// TestGathererFollowsRounds: calls that arrive while a batch is in flight wait for it, and once it
// is back they go out as soon as the round they belong to is whole: as many as were under way at
// once before. Only the round decides here: the quiet time and the longest wait are an hour, so
// the call that completes the round sends the batch itself.
func TestGathererFollowsRounds(t *testing.T) {
	t.Parallel()
	g, sent, release := testGatherer(t)
	g.max, g.quiet, g.longest = 2, time.Hour, time.Hour

	first := addAll(g, 1, 2) // sent because it is full
	if got := receive(t, sent); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("first batch %v, want [1 2]", got)
	}
	g.mu.Lock()
	g.max = maxKeyBatch
	g.mu.Unlock()
	second := addAll(g, 3, 4, 5) // under way with the first: 5 at once
	if n := gathered(g); n != 3 {
		t.Fatalf("%d items gathered while the first batch is in flight, want 3", n)
	}
	release <- struct{}{}
	expectResults(t, g, first)
	// The first batch is back: the round is 5, and the open batch waits for the rest of it.
	if n := gathered(g); n != 3 {
		t.Fatalf("%d items gathered once the first batch is back, want 3 still waiting", n)
	}
	second = append(second, addAll(g, 6, 7)...)
	if n := gathered(g); n != 0 {
		t.Fatalf("%d items still gathered after the call that completes the round, want none: it sends them", n)
	}
	if got := receive(t, sent); !slices.Equal(got, []int{3, 4, 5, 6, 7}) {
		t.Fatalf("second batch %v, want the whole round [3 4 5 6 7]", got)
	}
	release <- struct{}{}
	expectResults(t, g, second)
}

// TestGathererItemAnsweredEarly: an item given its result while its batch is still in flight (a key
// made while others of its batch wait to be sent again) reaches its caller at once and no longer
// counts as in flight, so that the call its caller makes room for does not make the round look
// larger than it is: the round is whole again once the rest of the batch is back.
func TestGathererItemAnsweredEarly(t *testing.T) {
	t.Parallel()
	g, sent, release := testGatherer(t)
	g.max, g.quiet, g.longest = 2, time.Hour, time.Hour

	first := addAll(g, 1, 2)
	if got := receive(t, sent); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("first batch %v, want [1 2]", got)
	}
	g.mu.Lock()
	g.max = maxKeyBatch
	g.mu.Unlock()
	g.answer(first[0], -1, nil)
	select {
	case <-first[0].done:
	default:
		t.Fatal("the item answered early has no result while its batch is in flight")
	}
	expectResults(t, g, first[:1])
	second := addAll(g, 3) // the call that the answer made room for
	g.mu.Lock()
	round, inFlight := g.round, g.inFlight
	g.mu.Unlock()
	if round != 2 || inFlight != 1 {
		t.Errorf("round %d with %d items in flight, want 2 and 1: the item answered early is not under way", round, inFlight)
	}
	release <- struct{}{}
	expectResults(t, g, first[1:])
	second = append(second, addAll(g, 4)...)
	if got := receive(t, sent); !slices.Equal(got, []int{3, 4}) {
		t.Fatalf("second batch %v, want the round of 2 [3 4]", got)
	}
	release <- struct{}{}
	expectResults(t, g, second)
}

// TestGathererHoldsTheOpenBatchWhileOneIsInFlight: with a quiet time of a millisecond, calls that
// arrive while a batch is in flight stay gathered however many quiet times pass, and go out once
// it is back.
func TestGathererHoldsTheOpenBatchWhileOneIsInFlight(t *testing.T) {
	t.Parallel()
	g, sent, release := testGatherer(t)
	g.quiet, g.longest = time.Millisecond, time.Hour

	first := addAll(g, 1)
	if got := receive(t, sent); !slices.Equal(got, []int{1}) {
		t.Fatalf("first batch %v, want [1] after the quiet time", got)
	}
	second := addAll(g, 2, 3)
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	// Ten quiet times pass, then the batch is asked whether it is due, as its timer does.
	time.Sleep(10 * g.quiet)
	for range 3 {
		g.sendWhenDue(open)
		if n := gathered(g); n != 2 {
			t.Fatalf("%d items gathered while the first batch is in flight, want 2: the open batch did not wait for it", n)
		}
	}
	release <- struct{}{}
	expectResults(t, g, first)
	if got := receive(t, sent); !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("second batch %v, want [2 3] once the first is back", got)
	}
	release <- struct{}{}
	expectResults(t, g, second)
}

// TestGathererSendsAfterLongest: a batch goes out at the latest gatherLongest after it opened, both
// behind a batch in flight that does not come back and when calls keep coming within the quiet
// time of each other.
func TestGathererSendsAfterLongest(t *testing.T) {
	t.Parallel()
	t.Run("behind a batch in flight", func(t *testing.T) {
		t.Parallel()
		g, sent, _ := testGatherer(t)
		g.quiet, g.longest = time.Millisecond, 20*time.Millisecond
		addAll(g, 1)
		if got := receive(t, sent); !slices.Equal(got, []int{1}) {
			t.Fatalf("first batch %v, want [1]", got)
		}
		addAll(g, 2)
		if got := receive(t, sent); !slices.Equal(got, []int{2}) {
			t.Fatalf("second batch %v, want [2] while the first is still in flight", got)
		}
	})
	t.Run("a steady trickle", func(t *testing.T) {
		t.Parallel()
		g, sent, _ := testGatherer(t)
		// A call every millisecond comes well within the quiet time of the last, and no batch
		// fills up.
		g.max, g.quiet, g.longest = math.MaxInt, 50*time.Millisecond, 100*time.Millisecond
		stop := make(chan struct{})
		trickled := make(chan struct{})
		go func() {
			defer close(trickled)
			for in := 1; ; in++ {
				select {
				case <-stop:
					return
				default:
				}
				addAll(g, in)
				time.Sleep(time.Millisecond)
			}
		}()
		got := receive(t, sent)
		close(stop)
		<-trickled
		if len(got) == 0 || got[0] != 1 || !slices.IsSorted(got) {
			t.Fatalf("first batch %v, want the calls from the first on, in order", got)
		}
	})
}
