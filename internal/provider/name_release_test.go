package provider

// The record of the names a run gives up (nameReleases) and the writes that wait for them: its
// rules, the plan of renames in either order, and the apply of rename chains against the emulator,
// behind a proxy that makes the write taking a name reach Vision One first.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// knownName is a planned name that is known.
func knownName(name string) types.String { return types.StringValue(name) }

func TestNameReleases_planRename(t *testing.T) {
	t.Parallel()
	var n nameReleases
	n.planRename("a", "c1", knownName("C1"))
	n.planRename("b", "c2", types.StringNull())
	n.planRename("d", "c4", knownName("c4"))
	if _, ok := n.givesUp("a"); ok {
		t.Error("a change of case only gives the name up")
	}
	if !n.renames("c1", "C1") {
		t.Error("a change of case only is not recorded as a rename, which the role's holders show")
	}
	if n.renames("c4", "c4") {
		t.Error("a name planned as it is is recorded as a rename")
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
	t.Run("a holder renamed in letter case only, which keeps its name", func(t *testing.T) {
		t.Parallel()
		// Not seen, and its change never begins: waited for, it would end as releaseNotBegun.
		var n nameReleases
		n.planRename("a", "c1", knownName("C1"))
		if got := n.await(ctx, "b", "a", seenNone); got != releaseUnknown {
			t.Errorf("got %v, want releaseUnknown", got)
		}
		if n.cycle("b", "a") {
			t.Error("a holder that keeps its name makes a cycle")
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

// TestNameReleases_awaitDelete waits for the delete of an object that blocks a write, and says how
// it ended, without reading the clock: each case ends the same whenever the delete runs.
func TestNameReleases_awaitDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	never := make(chan struct{}) // a bound that is not reached
	// Each delete runs in a goroutine, begun before the wait or not.
	for name, tc := range map[string]struct {
		delete func(n *nameReleases)
		want   releaseOutcome
	}{
		"begun before the wait": {want: releaseDone, delete: func(n *nameReleases) {
			end := n.beginDelete("k", "c1")
			go end(true)
		}},
		"begun after the refusal": {want: releaseDone, delete: func(n *nameReleases) {
			go func() { n.beginDelete("k", "c1")(true) }()
		}},
		"planned as a rename, then deleted": {want: releaseDone, delete: func(n *nameReleases) {
			n.planRename("k", "c1", knownName("c1-old"))
			go func() { n.beginDelete("k", "c1")(true) }()
		}},
		"the delete fails": {want: releaseFailed, delete: func(n *nameReleases) {
			go func() { n.beginDelete("k", "c1")(false) }()
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var n nameReleases
			tc.delete(&n)
			if got := n.awaitDelete(ctx, "k", never); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("no delete begins", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		late := make(chan struct{})
		close(late)
		if got := n.awaitDelete(ctx, "k", late); got != releaseNotBegun {
			t.Errorf("got %v, want releaseNotBegun", got)
		}
		n.planRename("k", "c1", knownName("c1-old"))
		n.beginUpdate("k")(true)
		if got := n.awaitDelete(ctx, "k", late); got != releaseNotBegun {
			t.Errorf("renamed, not deleted: got %v, want releaseNotBegun", got)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		t.Parallel()
		var n nameReleases
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if got := n.awaitDelete(canceled, "k", canceled.Done()); got != releaseInterrupted {
			t.Errorf("not begun: got %v, want releaseInterrupted", got)
		}
		n.beginDelete("k", "c1")
		if got := n.awaitDelete(canceled, "k", never); got != releaseInterrupted {
			t.Errorf("begun: got %v, want releaseInterrupted", got)
		}
	})
}

// TestAwaitDeletes waits for the deletes of several objects, of several records, under one bound:
// a delete that has begun is waited for to its end even once the bound has passed, and a failed
// delete stops the wait.
func TestAwaitDeletes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("all deleted, some begun after the refusal", func(t *testing.T) {
		t.Parallel()
		var keys, accounts nameReleases
		endKey := keys.beginDelete("k1", "c1")
		go func() {
			accounts.beginDelete("a@example.com", "a@example.com")(true)
			keys.beginDelete("k2", "c2")(true)
			endKey(true)
		}()
		got := awaitDeletes(ctx, time.Hour, []pendingDelete{{&keys, "k1"}, {&accounts, "a@example.com"}, {&keys, "k2"}})
		if !slices.Equal(got, []releaseOutcome{releaseDone, releaseDone, releaseDone}) {
			t.Errorf("got %v, want releaseDone for each", got)
		}
	})
	t.Run("one not of this run", func(t *testing.T) {
		t.Parallel()
		var keys nameReleases
		endKey := keys.beginDelete("k2", "c2")
		go endKey(true)
		got := awaitDeletes(ctx, time.Nanosecond, []pendingDelete{{&keys, "outside"}, {&keys, "k2"}})
		if !slices.Equal(got, []releaseOutcome{releaseNotBegun, releaseDone}) {
			t.Errorf("got %v, want [releaseNotBegun releaseDone]: a delete begun is waited for after the bound", got)
		}
	})
	t.Run("a delete fails", func(t *testing.T) {
		t.Parallel()
		var keys nameReleases
		keys.beginDelete("k1", "c1")(false)
		got := awaitDeletes(ctx, time.Hour, []pendingDelete{{&keys, "k1"}, {&keys, "k2"}})
		if !slices.Equal(got, []releaseOutcome{releaseFailed}) {
			t.Errorf("got %v, want [releaseFailed], the wait ended there", got)
		}
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
	t.Run("the holder is renamed in letter case only", func(t *testing.T) {
		t.Parallel()
		// Its rename ends as written, and it keeps the name all the same: nothing to write again.
		var n nameReleases
		n.planRename("a", "c1", knownName("C1"))
		n.beginUpdate("a")(true)
		writes := 0
		refusal, err := takeName(context.Background(), &n, "b", func() error { writes++; return refused },
			func() (*client.APIKey, string) { return holder, holder.ID }, seen)
		if !client.IsAlreadyExists(err) || refusal == nil || refusal.outcome != releaseUnknown || refusal.release.to != "" || writes != 1 {
			t.Errorf("got %v, %+v after %d writes; want the refusal, releaseUnknown, no release, after 1", err, refusal, writes)
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
	t.Run("a rename refused after an attempt without a clear answer waits for a holder not seen", func(t *testing.T) {
		t.Parallel()
		// The rename's first attempt gets a 502 and its retry is refused as a duplicate: for a
		// rename, unlike a create, the refusal cannot be about an object the write made itself,
		// so the holder's change, planned a moment later in this process, is waited for.
		patches := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPatch {
				http.NotFound(w, r)
				return
			}
			if patches++; patches == 1 {
				writeErrorAnswer(w, http.StatusBadGateway, "BadGateway")
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"code":"BadRequest","message":"An API key named \"c1\" already exists"}}`)
		}))
		t.Cleanup(srv.Close)
		c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "test-api-key-value", RetryBaseDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var n nameReleases
		writes := 0
		refusal, err := takeName(context.Background(), &n, "b", func() error {
			if writes++; writes > 1 {
				return nil
			}
			err := c.UpdateAPIKey(context.Background(), "b", "etag", client.APIKeyPatch{Name: pointerTo("c1")})
			go func() {
				n.planRename("a", "c1", knownName("c1-old"))
				n.beginUpdate("a")(true)
			}()
			return err
		}, func() (*client.APIKey, string) { return holder, holder.ID }, func(string) bool { return false })
		if err != nil || refusal != nil || writes != 2 {
			t.Errorf("got %v, %+v after %d writes; want success after 2", err, refusal, writes)
		}
	})
}

// TestAPIKey_modifyPlanRenameIntoTakenName calls ModifyPlan as Terraform plans renames, in each
// order, for what terraform-plugin-testing cannot see or order: a name that another key of the
// configuration gives up in this plan is not reported, one that it keeps or that a swap would need
// is, and an apply's own planning of a rename (the key not read by its process) reports nothing it
// cannot tell, as the update waits for the name or explains why it is still taken.
func TestAPIKey_modifyPlanRenameIntoTakenName(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	c1, c2, outside := e.name("c1"), e.name("c2"), e.name("outside")
	k1 := e.createAPIKey(client.APIKeyCreate{Name: c1, Role: "Auditor"})
	k2 := e.createAPIKey(client.APIKeyCreate{Name: c2, Role: "Auditor"})
	e.createAPIKey(client.APIKeyCreate{Name: outside, Role: "Auditor"})
	key := func(id, name string) apiKeyResourceModel {
		return apiKeyResourceModel{
			ID: types.StringValue(id), Name: types.StringValue(name), NamePrefix: types.StringNull(), Role: types.StringValue("Auditor"),
			Description: types.StringValue(""), Enabled: types.BoolValue(true), ExpiresInMonths: types.Int64Value(12),
			RotateBefore: timetypes.NewGoDurationNull(), Keepers: types.MapNull(types.StringType), Value: types.StringNull(),
			ExpiresAt: timetypes.NewRFC3339Null(), LastUsedAt: timetypes.NewRFC3339Null(), CreatedAt: timetypes.NewRFC3339Null(),
		}
	}
	// rename plans the key from its current name to name, and returns the summaries and details
	// of the plan's warnings.
	rename := func(data *providerData, k *client.CreatedAPIKey, name string) []string {
		t.Helper()
		resp := modifyPlanOfUpdate(t, &apiKeyResource{data: data}, key(k.ID, k.Name), key(k.ID, name))
		if resp.Diagnostics.HasError() {
			t.Fatalf("renaming %s to %s: %v", k.Name, name, resp.Diagnostics)
		}
		var warnings []string
		for _, w := range resp.Diagnostics.Warnings() {
			warnings = append(warnings, w.Summary()+": "+w.Detail())
		}
		return warnings
	}
	// refreshed is a provider process that has read the keys, as the refresh of a plan does.
	refreshed := func(keys ...*client.CreatedAPIKey) *providerData {
		data := newProviderData(e.API)
		for _, k := range keys {
			data.noteManaged(apiKeyType, k.ID)
		}
		return data
	}
	expectNone := func(what string, warnings []string) {
		t.Helper()
		if len(warnings) > 0 {
			t.Errorf("%s: want no warning, got %q", what, warnings)
		}
	}
	expectOne := func(what string, warnings []string, want ...string) {
		t.Helper()
		if len(warnings) != 1 || !regexpText(append([]string{"API Key Already Exists: "}, want...)...).MatchString(warnings[0]) {
			t.Errorf("%s: want one warning that says %q, got %q", what, want, warnings)
		}
	}

	data := refreshed(k1, k2)
	expectNone("the holder renamed away first", rename(data, k1, e.name("c1-old")))
	expectNone("the taker after it", rename(data, k2, c1))

	data = refreshed(k1, k2)
	expectNone("the taker first", rename(data, k2, c1))
	expectNone("the holder renamed away after it", rename(data, k1, e.name("c1-old")))

	data = refreshed(k1, k2)
	expectNone("the taker first, the holder keeping the name", rename(data, k2, c1))
	expectOne("the holder keeping the name", rename(data, k1, c1), "Give one of the two resources another name")

	data = refreshed(k1, k2)
	expectNone("a swap, the first", rename(data, k1, c2))
	expectOne("a swap, the second", rename(data, k2, c1), "the renames form a cycle")

	expectOne("a key outside the configuration", rename(refreshed(k1, k2), k2, outside),
		"has not seen that API key", "terraform state list -id=", "make this resource depend on that one instead",
		"may also belong to another Terraform configuration", "If the command names none", "terraform import")
	expectNone("a key outside the configuration, in the apply's own plan", rename(newProviderData(e.API), k2, outside))
}

// TestUserRole_modifyPlanRenameIntoTakenName: the rename of a role into the name of a role outside
// the configuration warns in a plan, whose refresh has read the role, and not in the apply's own
// planning of the change, which cannot tell that role from one of the configuration not started
// yet; a role of the configuration renamed away first is not reported.
func TestUserRole_modifyPlanRenameIntoTakenName(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	role := func(name string) *client.Role {
		return e.createRole(client.RoleCreate{Name: name, PermissionKeys: keys})
	}
	r1, r2, outside := role(e.name("c1")), role(e.name("c2")), role(e.name("outside"))
	model := func(r *client.Role, name string) userRoleModel {
		return userRoleModel{
			ID: types.StringValue(r.ID), Name: types.StringValue(name), Description: types.StringValue(""),
			Permissions:           types.SetValueMust(types.StringType, []attr.Value{types.StringValue(keys[0])}),
			AllowAPIKeyAssignment: types.BoolValue(false), AllowUserAccountAssignment: types.BoolValue(false),
			Type: types.StringValue(client.RoleTypeCustom), LastUpdatedAt: timetypes.NewRFC3339Null(),
		}
	}
	rename := func(data *providerData, r *client.Role, name string) diag.Diagnostics {
		t.Helper()
		return modifyPlanOfUpdate(t, &userRoleResource{data: data}, model(r, r.Name), model(r, name)).Diagnostics
	}
	refreshed := newProviderData(e.API)
	refreshed.noteManaged(userRoleType, r1.ID, r2.ID)
	expectOneWarning(t, rename(refreshed, r2, outside.Name), "User Role Already Exists",
		slices.Concat(wantLookFirst("user role", outside.ID, "make this resource depend on that one instead"),
			[]string{"terraform import"})...)
	if diags := rename(newProviderData(e.API), r2, outside.Name); len(diags) > 0 {
		t.Errorf("the apply's own plan: want no diagnostics, got %v", diags)
	}
	refreshed = newProviderData(e.API)
	refreshed.noteManaged(userRoleType, r1.ID, r2.ID)
	if diags := rename(refreshed, r1, e.name("c1-old")); len(diags) > 0 {
		t.Errorf("the holder renamed away: want no diagnostics, got %v", diags)
	}
	if diags := rename(refreshed, r2, r1.Name); len(diags) > 0 {
		t.Errorf("the taker after it: want no diagnostics, got %v", diags)
	}
}

// TestUserRole_modifyPlanAfterOwnWrites plans roles in one provider process, as an apply does
// between its writes, which the roles listed once for the process (roleNamed) do not show: a name
// that the process has renamed a role away from, or deleted with its role, is free, and one that it
// has renamed or created a role into is refused by the record of the names planned in the run. The
// roles are listed once however many roles the process plans.
func TestUserRole_modifyPlanAfterOwnWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	c1, c2, c3 := e.name("c1"), e.name("c2"), e.name("c3")
	renamed := e.createRole(client.RoleCreate{Name: c1, PermissionKeys: keys})
	deleted := e.createRole(client.RoleCreate{Name: c2, PermissionKeys: keys})
	model := func(id types.String, name string) userRoleModel {
		return userRoleModel{
			ID: id, Name: types.StringValue(name), Description: types.StringValue(""),
			Permissions:           types.SetValueMust(types.StringType, []attr.Value{types.StringValue(keys[0])}),
			AllowAPIKeyAssignment: types.BoolValue(false), AllowUserAccountAssignment: types.BoolValue(false),
			Type: types.StringValue(client.RoleTypeCustom), LastUpdatedAt: timetypes.NewRFC3339Null(),
		}
	}
	r := &userRoleResource{data: newProviderData(e.API)}
	planNew := func(name string) diag.Diagnostics {
		t.Helper()
		return modifyPlanOfCreate(t, r, model(types.StringUnknown(), name)).Diagnostics
	}
	expectNone := func(what string, diags diag.Diagnostics) {
		t.Helper()
		if len(diags) > 0 {
			t.Errorf("%s: want no diagnostics, got %v", what, diags)
		}
	}
	expectPlannedClash := func(what string, diags diag.Diagnostics) {
		t.Helper()
		errs := diags.Errors()
		if len(errs) != 1 || !strings.Contains(errs[0].Detail(), "another visionone_user_role of this configuration plans") {
			t.Errorf("%s: want the error of a name planned twice, got %v", what, diags)
		}
	}
	before := e.Stats()

	// The apply renames one role (the listing is read here) and deletes the other.
	away := e.name("c1-old")
	expectNone("the rename", modifyPlanOfUpdate(t, r, model(types.StringValue(renamed.ID), c1),
		model(types.StringValue(renamed.ID), away)).Diagnostics)
	if err := e.API.UpdateRole(ctx, renamed.ID, "", client.RolePatch{Name: &away}); err != nil {
		t.Fatal(err) // as the Update of this process writes it
	}
	var deleteResp fwresource.DeleteResponse
	r.Delete(ctx, fwresource.DeleteRequest{State: roleState(ctx, t, r, deleted)}, &deleteResp)
	expectNone("the delete", deleteResp.Diagnostics)
	// It creates a role.
	expectNone("a new role", planNew(c3))
	// As the Create of this process writes it and records it.
	r.data.noteManaged(userRoleType, e.createRole(client.RoleCreate{Name: c3, PermissionKeys: keys}).ID)

	expectNone("the name renamed away from", planNew(c1))
	expectNone("the name of the deleted role", planNew(c2))
	expectPlannedClash("the name renamed into", planNew(strings.ToUpper(away)))
	expectPlannedClash("the name of the created role", planNew(strings.ToUpper(c3)))
	if n := e.Stats().Requests[listRoles] - before.Requests[listRoles]; n != 1 {
		t.Errorf("the roles were listed %d times, want once", n)
	}
}

// nameHandover stands in front of the API and makes a rename chain run in the order that used to
// fail: it holds the write that gives a name up (the holder's PATCH to its new name) until a write
// that takes that name (a rename or a create) has been answered, so that the taker reaches Vision
// One while the holder still has the name, as it does when Terraform happens to run it first.
// Writes are told apart by the name their body sets.
type nameHandover struct {
	mu sync.Mutex
	// give is the body fragment of the holder's rename, take that of the write taking its name.
	give, take []byte
	taken      chan struct{}
	// takerRefused says, of each answer to a write that took the name, in order, whether it refused
	// the write as a duplicate; held says whether the holder's rename was held until the first of
	// them.
	takerRefused []bool
	held         bool
}

// handoverLimit bounds the hold, so that a provider that never sends the taker's write (one that
// waits before it) is not blocked for good: the test then fails on takerRefused.
const handoverLimit = 30 * time.Second

// arm makes the next write that renames to renamedTo wait for the first write that sets freed.
func (h *nameHandover) arm(renamedTo, freed string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.give, h.take = nameFragment(renamedTo), nameFragment(freed)
	h.taken, h.takerRefused, h.held = make(chan struct{}), nil, false
}

// takerFirst reports whether the taker was answered while the holder's rename was held, and which
// of the taker's writes were refused as duplicates.
func (h *nameHandover) takerFirst() (bool, []bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held, slices.Clone(h.takerRefused)
}

// nameFragment is how a JSON body sets the name: `"name":"..."`.
func nameFragment(name string) []byte {
	quoted, _ := json.Marshal(name)
	return append([]byte(`"name":`), quoted...)
}

func (h *nameHandover) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch && r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.mu.Lock()
		give, take, taken := h.give, h.take, h.taken
		h.mu.Unlock()
		switch {
		case give != nil && r.Method == http.MethodPatch && bytes.Contains(body, give):
			select {
			case <-taken:
				h.mu.Lock()
				h.held = len(h.takerRefused) > 0
				h.mu.Unlock()
			case <-time.After(handoverLimit):
			case <-r.Context().Done():
				return
			}
		case take != nil && bytes.Contains(body, take):
			rec := &answerRecorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			// A key's create answers 207 whatever becomes of it: its item says.
			refused := rec.status == http.StatusConflict || bytes.Contains(rec.body.Bytes(), []byte("DuplicateItem"))
			h.mu.Lock()
			h.takerRefused = append(h.takerRefused, refused)
			if len(h.takerRefused) == 1 {
				close(taken)
			}
			h.mu.Unlock()
			return
		}
		next.ServeHTTP(w, r)
	})
}

// expectTakerFirst is a check that the taker's first write was refused while the holder's rename
// was held, and a later one accepted: the order that failed before the provider waited for the
// holder.
func (h *nameHandover) expectTakerFirst() statecheck.StateCheck {
	return emulatorCheck(func(context.Context) error { return h.takerWentFirst() })
}

// takerWentFirst is expectTakerFirst's condition.
func (h *nameHandover) takerWentFirst() error {
	held, refused := h.takerFirst()
	if !held || len(refused) < 2 || !refused[0] || refused[len(refused)-1] {
		return fmt.Errorf("want the taker refused as a duplicate while the holder's rename was held, then accepted; "+
			"held: %t, the taker's writes refused: %v", held, refused)
	}
	return nil
}

// renameIntoFreedNameSteps are the steps of TestAccAPIKey_renameIntoFreedName and
// TestAccUserRole_renameIntoFreedName, for resources of typeName that config writes (address, name,
// address, name...): o1 named c1 and o2 named c2; then, in one apply, o1 renamed to old and o2 to
// c1; then o2 renamed back to c2 and a new o3 named c1. The proxy holds each rename away until the
// write taking its name has been refused. last are more checks of the last step.
func renameIntoFreedNameSteps(typeName string, h *nameHandover, config func(addressesAndNames ...string) string,
	c1, c2, old string, last ...statecheck.StateCheck,
) []resource.TestStep {
	expectActions := func(actions map[string]plancheck.ResourceActionType) []plancheck.PlanCheck {
		var checks []plancheck.PlanCheck
		for address, action := range actions {
			checks = append(checks, plancheck.ExpectResourceAction(typeName+"."+address, action))
		}
		return checks
	}
	return []resource.TestStep{
		{Config: config("o1", c1, "o2", c2)},
		{
			PreConfig: func() { h.arm(old, c1) },
			Config:    config("o1", old, "o2", c1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             expectActions(map[string]plancheck.ResourceActionType{"o1": plancheck.ResourceActionUpdate, "o2": plancheck.ResourceActionUpdate}),
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: append(expectNames(typeName, "o1", old, "o2", c1), h.expectTakerFirst()),
		},
		{
			PreConfig: func() { h.arm(c2, c1) },
			Config:    config("o1", old, "o2", c2, "o3", c1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             expectActions(map[string]plancheck.ResourceActionType{"o2": plancheck.ResourceActionUpdate, "o3": plancheck.ResourceActionCreate}),
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: slices.Concat(expectNames(typeName, "o1", old, "o2", c2, "o3", c1),
				[]statecheck.StateCheck{h.expectTakerFirst()}, last),
		},
	}
}

// expectNames checks the names of resources of typeName: address, name, address, name...
func expectNames(typeName string, addressesAndNames ...string) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for i := 0; i+1 < len(addressesAndNames); i += 2 {
		checks = append(checks, statecheck.ExpectKnownValue(typeName+"."+addressesAndNames[i], tfjsonpath.New("name"),
			knownvalue.StringExact(addressesAndNames[i+1])))
	}
	return checks
}

// answerRecorder keeps the status and the body of an answer as it passes them on.
type answerRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *answerRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *answerRecorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// nameChainType is a resource type whose objects a configuration renames in chains, for
// TestAccNameChain_cli.
type nameChainType struct {
	typeName, summary string
	// attributes are the other attributes of a resource; outside makes an object named name
	// outside the configuration, as in the console.
	attributes string
	outside    func(name string)
}

// TestAccNameChain_cli runs the CLI itself, for what terraform-plugin-testing cannot see: the
// warnings of a plan, and an apply without a saved plan. A plan that renames one object away from a
// name and another to it shows no warning that the name is taken, whichever of the two Terraform
// plans first (depends_on orders them); a name that another resource keeps, that an object outside
// the configuration has, or that two renames swap, still does. `terraform apply` without a plan
// file applies the chain, with the holder's rename held until the taker has been refused, and
// warns of nothing either.
func TestAccNameChain_cli(t *testing.T) {
	handover := &nameHandover{}
	e := startEmulatorBehind(t, handover.wrap)
	e.requireMasterAdministrator("create roles, whose control flags default to true")
	permissions := hclStringList(rolePermissionKeys(t, e, 1))
	for _, chain := range []nameChainType{
		{
			typeName: apiKeyType, summary: "API Key Already Exists", attributes: `role = "Auditor"`,
			outside: func(name string) { e.createAPIKey(client.APIKeyCreate{Name: name, Role: "Auditor"}) },
		},
		{
			typeName: userRoleType, summary: "User Role Already Exists", attributes: "permissions = " + permissions,
			outside: func(name string) {
				e.createRole(client.RoleCreate{Name: name, PermissionKeys: rolePermissionKeys(t, e, 1)})
			},
		},
	} {
		t.Run(chain.typeName, func(t *testing.T) { testAccNameChainCLI(t, e, handover, chain) })
	}
}

func testAccNameChainCLI(t *testing.T, e *testEmulator, handover *nameHandover, chain nameChainType) {
	w := newCLIWorkspace(t, featureNone)
	c1, c2, old, outside := e.name(chain.typeName+"-c1"), e.name(chain.typeName+"-c2"), e.name(chain.typeName+"-c1-old"),
		e.name(chain.typeName+"-outside")
	chain.outside(outside)
	// config names the two resources; first says which of them Terraform plans first, if any.
	config := func(first, n1, n2 string) string {
		dependsOn := map[string]string{"n1": "", "n2": ""}
		switch first {
		case "n1":
			dependsOn["n2"] = fmt.Sprintf("\n  depends_on = [%s.n1]", chain.typeName)
		case "n2":
			dependsOn["n1"] = fmt.Sprintf("\n  depends_on = [%s.n2]", chain.typeName)
		}
		return e.providerConfig() + fmt.Sprintf(`
resource %[1]q "n1" {
  name = %[2]q
  %[4]s%[5]s
}

resource %[1]q "n2" {
  name = %[3]q
  %[4]s%[6]s
}
`, chain.typeName, n1, n2, chain.attributes, dependsOn["n1"], dependsOn["n2"])
	}
	w.write("main.tf", config("", c1, c2))
	w.run([]int{0}, "init", "-input=false", "-no-color")
	w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")

	for _, tc := range []struct {
		name, first, n1, n2 string
		// want are what a warning of the plan says; no warning of a taken name when empty.
		want []string
	}{
		{name: "a chain", n1: old, n2: c1},
		{name: "a chain, the holder planned first", first: "n1", n1: old, n2: c1},
		// n1 depends on n2, so Terraform would rename n2 first, and Vision One refuse it.
		{name: "a chain in the wrong order", first: "n2", n1: old, n2: c1, want: []string{"make this resource depend on that one instead"}},
		{name: "a name kept, the holder planned first", first: "n1", n1: c1, n2: c1, want: []string{"Give one of the two resources another name"}},
		{name: "a name kept, the taker planned first", first: "n2", n1: c1, n2: c1, want: []string{"Give one of the two resources another name"}},
		{name: "the name of an object outside the configuration", n1: c1, n2: outside,
			want: []string{"has not seen that", "terraform state list -id=", "may also belong to another Terraform configuration",
				"If the command names none", "terraform import"}},
		{name: "a swap, n1 planned first", first: "n1", n1: c2, n2: c1, want: []string{"the renames form a cycle"}},
		{name: "a swap, n2 planned first", first: "n2", n1: c2, n2: c1, want: []string{"the renames form a cycle"}},
	} {
		w.write("main.tf", config(tc.first, tc.n1, tc.n2))
		warnings := w.planWarnings(chain.summary)
		if tc.want == nil {
			if len(warnings) > 0 {
				t.Errorf("%s: the plan warns of a taken name:\n%s", tc.name, strings.Join(warnings, "\n\n"))
			}
			continue
		}
		if !slices.ContainsFunc(warnings, func(warning string) bool { return regexpText(tc.want...).MatchString(warning) }) {
			t.Errorf("%s: no warning of the plan says %q; its warnings %s:\n%s", tc.name, tc.want, chain.summary,
				strings.Join(warnings, "\n\n"))
		}
	}

	handover.arm(old, c1)
	w.write("main.tf", config("", old, c1))
	if _, out := w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color"); strings.Contains(out, chain.summary) {
		t.Errorf("the apply of the chain warns of a taken name:\n%s", out)
	}
	if err := handover.takerWentFirst(); err != nil {
		t.Error(err)
	}
	if code, out := w.run([]int{0, 2}, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the plan after the apply is not empty:\n%s", out)
	}
	w.write("main.tf", e.providerConfig())
	w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
}

// planWarnings runs `plan -json` and returns the details of its warnings with this summary, each
// after the address of its resource. (The human output shows one of several similar warnings.)
func (w *cliWorkspace) planWarnings(summary string) []string {
	w.t.Helper()
	_, out := w.run([]int{0}, "plan", "-json", "-input=false")
	return jsonWarnings(out, summary)
}

// jsonWarnings returns the details of the warnings with this summary in out, the output of a
// command run with -json, each after the address of its resource.
func jsonWarnings(out, summary string) []string { return jsonDiagnostics(out, "warning", summary) }

// jsonDiagnostics returns the details of the diagnostics of this severity ("warning", "error") and
// summary in out, the output of a command run with -json, each after the address of its resource.
func jsonDiagnostics(out, severity, summary string) []string {
	var found []string
	for _, line := range strings.Split(out, "\n") {
		var message struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
				Detail   string `json:"detail"`
				Address  string `json:"address"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &message) != nil || message.Type != "diagnostic" {
			continue
		}
		if d := message.Diagnostic; d.Severity == severity && d.Summary == summary {
			found = append(found, d.Address+": "+d.Detail)
		}
	}
	return found
}
