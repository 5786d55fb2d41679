package client

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestGathererFollowsRounds: calls that arrive while a batch is in flight wait for it, and once it
// is back they go out as soon as the round they belong to is whole: as many as were under way at
// once before. Only the round decides here: the quiet time and the longest wait are an hour.
func TestGathererFollowsRounds(t *testing.T) {
	t.Parallel()
	sent := make(chan []int)
	release := make(chan struct{})
	g := newGatherer("test items", func(ctx context.Context) context.Context { return ctx },
		func(_ context.Context, batch []*pending[int, int]) []result[int] {
			ins := make([]int, len(batch))
			results := make([]result[int], len(batch))
			for i, p := range batch {
				ins[i], results[i].out = p.in, -p.in
			}
			sent <- ins
			<-release
			return results
		})
	g.max, g.quiet, g.longest = 2, time.Hour, time.Hour
	ctx := context.Background()
	add := func(ins ...int) []*pending[int, int] {
		var ps []*pending[int, int]
		for _, in := range ins {
			ps = append(ps, g.add(ctx, ctx, in))
		}
		return ps
	}

	first := add(1, 2) // sent because it is full
	if got := <-sent; !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("first batch %v, want [1 2]", got)
	}
	g.mu.Lock()
	g.max = maxKeyBatch
	g.mu.Unlock()
	second := add(3, 4, 5) // under way with the first: 5 at once
	if n := gathered(g); n != 3 {
		t.Fatalf("%d items gathered while the first batch is in flight, want 3", n)
	}
	release <- struct{}{}
	for i, p := range first {
		if out, sent, err := g.wait(p); !sent || err != nil || out != -(i+1) {
			t.Errorf("item %d of the first batch: %d, %t, %v", i+1, out, sent, err)
		}
	}
	// The first batch is back: the round is 5, and the open batch waits for the rest of it.
	if n := gathered(g); n != 3 {
		t.Fatalf("%d items gathered once the first batch is back, want 3 still waiting", n)
	}
	second = append(second, add(6, 7)...)
	if got := <-sent; !slices.Equal(got, []int{3, 4, 5, 6, 7}) {
		t.Fatalf("second batch %v, want the whole round [3 4 5 6 7]", got)
	}
	close(release)
	for _, p := range second {
		if out, _, err := g.wait(p); err != nil || out != -p.in {
			t.Errorf("item %d: %d, %v", p.in, out, err)
		}
	}
}
