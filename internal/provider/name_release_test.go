package provider

// The record of the names a run gives up (nameReleases) and the writes that wait for them.

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// knownName is a planned name that is known.
func knownName(name string) types.String { return types.StringValue(name) }

func TestNameReleases_planRename(t *testing.T) {
	t.Parallel()
	var n nameReleases
	n.planRename("a", "c1", knownName("C1"))
	n.planRename("b", "c2", types.StringNull())
	if _, ok := n.givesUp("a"); ok {
		t.Error("a change of case only gives the name up")
	}
	if _, ok := n.givesUp("b"); ok {
		t.Error("a name no longer configured is given up")
	}
	n.planRename("a", "c1", knownName("c1-old"))
	n.planRename("b", "c2", types.StringUnknown())
	if r, ok := n.givesUp("a"); !ok || r.from != "c1" || r.to != "c1-old" || r.deleted {
		t.Errorf("a: got %+v, %t", r, ok)
	}
	if r, ok := n.givesUp("b"); !ok || r.to != "" || r.deleted {
		t.Errorf("b, renamed to a generated name: got %+v, %t", r, ok)
	}
	end := n.beginDelete("c", "c3")
	if r, ok := n.givesUp("c"); !ok || !r.deleted || r.from != "c3" {
		t.Errorf("c, deleted: got %+v, %t", r, ok)
	}
	end(true)
	end(false) // once only
	if got := n.await(context.Background(), "", "c", seenAll); got != releaseDone {
		t.Errorf("a delete that succeeded: got %v", got)
	}
}

// TestNameReleases_cycle tells a chain of renames from renames that lead back to where they began.
func TestNameReleases_cycle(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		renames      [][3]string // id, from, to
		self, holder string
		wantCycle    bool
	}{
		"a chain":           {renames: [][3]string{{"a", "c1", "c1-old"}, {"b", "c2", "c1"}}, self: "b", holder: "a"},
		"a swap":            {renames: [][3]string{{"a", "c1", "c2"}, {"b", "c2", "c1"}}, self: "b", holder: "a", wantCycle: true},
		"a swap, in case":   {renames: [][3]string{{"a", "c1", "C2"}, {"b", "c2", "C1"}}, self: "b", holder: "a", wantCycle: true},
		"three in a circle": {renames: [][3]string{{"a", "c1", "c2"}, {"b", "c2", "c3"}, {"c", "c3", "c1"}}, self: "c", holder: "a", wantCycle: true},
		"three in a row":    {renames: [][3]string{{"a", "c1", "c2"}, {"b", "c2", "c3"}, {"c", "c4", "c1"}}, self: "c", holder: "a"},
		"a new object":      {renames: [][3]string{{"a", "c1", "c2"}}, self: "", holder: "a"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var n nameReleases
			for _, r := range tc.renames {
				n.planRename(r[0], r[1], knownName(r[2]))
			}
			if got := n.cycle(tc.self, tc.holder); got != tc.wantCycle {
				t.Errorf("cycle = %t, want %t", got, tc.wantCycle)
			}
		})
	}
}

// TestNameReleases_await waits for the change that gives a name up, and says how it ended, without
// reading the clock: each case ends the same whenever the holder's change runs.
func TestNameReleases_await(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("renamed", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		n.planRename("a", "c1", knownName("c1-old"))
		go func() { n.beginUpdate("a")(true) }()
		if got := n.await(ctx, "b", "a", seenAll); got != releaseDone {
			t.Errorf("got %v, want releaseDone", got)
		}
	})
	t.Run("rename failed", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		n.planRename("a", "c1", knownName("c1-old"))
		go func() { n.beginUpdate("a")(false) }()
		if got := n.await(ctx, "b", "a", seenAll); got != releaseFailed {
			t.Errorf("got %v, want releaseFailed", got)
		}
	})
	t.Run("a holder this process sees, which keeps its name", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		if got := n.await(ctx, "b", "a", seenAll); got != releaseUnknown {
			t.Errorf("got %v, want releaseUnknown", got)
		}
	})
	t.Run("a holder whose change is recorded after the refusal", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		go func() {
			n.planRename("a", "c1", knownName("c1-old"))
			n.beginUpdate("a")(true)
		}()
		if got := n.await(ctx, "b", "a", seenNone); got != releaseDone {
			t.Errorf("got %v, want releaseDone", got)
		}
	})
	t.Run("a holder whose change never comes", func(t *testing.T) {
		t.Parallel()
		n := nameReleases{startLimit: time.Nanosecond}
		if got := n.await(ctx, "b", "a", seenNone); got != releaseUnknown {
			t.Errorf("got %v, want releaseUnknown", got)
		}
		n.planRename("a", "c1", knownName("c1-old"))
		if got := n.await(ctx, "b", "a", seenNone); got != releaseNotBegun {
			t.Errorf("planned, not begun: got %v, want releaseNotBegun", got)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		n.planRename("a", "c1", knownName("c1-old"))
		n.beginUpdate("a")
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if got := n.await(canceled, "b", "a", seenAll); got != releaseInterrupted {
			t.Errorf("got %v, want releaseInterrupted", got)
		}
	})
	t.Run("a swap", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		n.planRename("a", "c1", knownName("c2"))
		n.planRename("b", "c2", knownName("c1"))
		endA, endB := n.beginUpdate("a"), n.beginUpdate("b")
		// a's rename is refused and waits for b ...
		outcomeA := make(chan releaseOutcome)
		go func() { outcomeA <- n.await(ctx, "a", "b", seenAll) }()
		for !n.isWaiting("a") {
			runtime.Gosched()
		}
		// ... whose rename, refused too, must not wait for a.
		if got := n.await(ctx, "b", "a", seenAll); got != releaseCycle {
			t.Fatalf("b: got %v, want releaseCycle", got)
		}
		endB(false)
		if got := <-outcomeA; got != releaseFailed {
			t.Errorf("a: got %v, want releaseFailed", got)
		}
		endA(false)
	})
}

// seenAll and seenNone say that this process has seen every holder, or none.
func seenAll() bool { return true }

func seenNone() bool { return false }

// isWaiting reports whether the write of self waits for a holder.
func (n *nameReleases) isWaiting(self string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	_, ok := n.waiting[self]
	return ok
}

// TestTakeName writes again once the holder of the name has given it up, and otherwise returns the
// refusal with what became of the wait.
func TestTakeName(t *testing.T) {
	t.Parallel()
	refused := &client.APIError{StatusCode: http.StatusBadRequest, Message: "An API key named \"c1\" already exists"}
	holder := &client.APIKey{ID: "a", Name: "c1"}
	seen := func(string) bool { return true }
	t.Run("the holder renames away", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		n.planRename("a", "c1", knownName("c1-old"))
		end := n.beginUpdate("a")
		writes := 0
		refusal, err := takeName(context.Background(), &n, "b", func() error {
			writes++
			if writes == 1 {
				go end(true)
				return refused
			}
			return nil
		}, func() (*client.APIKey, string) { return holder, holder.ID }, seen)
		if err != nil || refusal != nil || writes != 2 {
			t.Errorf("got %v, %+v after %d writes; want success after 2", err, refusal, writes)
		}
	})
	t.Run("the holder keeps the name", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		writes := 0
		refusal, err := takeName(context.Background(), &n, "b", func() error { writes++; return refused },
			func() (*client.APIKey, string) { return holder, holder.ID }, seen)
		if !client.IsAlreadyExists(err) || refusal == nil || refusal.holder != holder || refusal.outcome != releaseUnknown || writes != 1 {
			t.Errorf("got %v, %+v after %d writes; want the refusal, releaseUnknown, after 1", err, refusal, writes)
		}
	})
	t.Run("the name is free by the time the holder is looked up", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		writes := 0
		refusal, err := takeName(context.Background(), &n, "b", func() error {
			if writes++; writes == 1 {
				return refused
			}
			return nil
		}, func() (*client.APIKey, string) { return nil, "" }, seen)
		if err != nil || refusal != nil || writes != 2 {
			t.Errorf("got %v, %+v after %d writes; want success after 2", err, refusal, writes)
		}
	})
}
