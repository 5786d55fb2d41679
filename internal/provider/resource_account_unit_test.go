package provider

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// awaitRecordWaiter returns once a call waits for the next change of the record n (nextChange), or
// once stop is closed: for a test that changes the record only after the code under test has
// looked at it.
func awaitRecordWaiter(n *nameReleases, stop <-chan struct{}) {
	for {
		n.mu.Lock()
		waiting := n.recorded != nil
		n.mu.Unlock()
		if waiting {
			return
		}
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// pendingAccountRoleRename returns a client of a new emulator, the state of an account with the
// role "Auditors" that Vision One accepts no change to for now (a SAML group account, or one still
// invited: see pendingReason), and the same account with its role named renamed.
func pendingAccountRoleRename(t *testing.T, authType, status, renamed string) (*client.Client, accountResourceModel, accountResourceModel) {
	t.Helper()
	e := startEmulator(t, emulator.Options{})
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	state := accountResourceModel{
		ID: types.StringValue("tmp-1"), Email: types.StringValue("a@example.com"), AuthType: types.StringValue(authType),
		Role: types.StringValue("Auditors"), Description: types.StringValue(""), Enabled: types.BoolValue(true),
		Status: types.StringValue(status), Name: types.StringValue(""),
	}
	plan := state
	plan.Role = types.StringValue(renamed)
	return api, state, plan
}

// TestAccount_planFollowsRoleRenameRecordedLater plans the change of an invited account to the new
// name of its role, which this run renames, before the role's plan has recorded the rename in this
// process, as the apply plans the two again when the account names the role by a literal name. The
// apply's plan of the account (which this process did not refresh) waits for the record and
// follows the rename, as the plan being applied did: planning the deferral there failed the apply
// with "Provider produced inconsistent final plan". A plan after a refresh of the account does not
// wait: it defers the change with a warning, and then changes nothing, which Terraform does not
// plan again.
func TestAccount_planFollowsRoleRenameRecordedLater(t *testing.T) {
	t.Parallel()
	api, state, renamed := pendingAccountRoleRename(t, client.AuthTypeLocal, client.StatusInvited, "Auditors (external)")

	for name, refreshed := range map[string]bool{"planned again by the apply": false, "planned after a refresh": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := &accountResource{data: newProviderData(api)}
			if refreshed {
				r.data.noteManaged(accountType, state.ID.ValueString()) // as Read does
			}
			planned := make(chan struct{})
			go func() {
				awaitRecordWaiter(&r.data.roleReleases, planned)
				r.data.roleReleases.planRename("role-1", state.Role.ValueString(), renamed.Role)
			}()
			resp := modifyPlanOfUpdate(t, r, state, renamed)
			close(planned)

			var got accountResourceModel
			if diags := resp.Plan.Get(context.Background(), &got); diags.HasError() {
				t.Fatal(diags)
			}
			if !refreshed {
				if got.Role != renamed.Role || len(resp.Diagnostics) != 0 {
					t.Errorf("planned the role %s with %v; want the new name %s and no diagnostics", got.Role, resp.Diagnostics, renamed.Role)
				}
				return
			}
			deferred := false
			for _, w := range resp.Diagnostics.Warnings() {
				deferred = deferred || w.Summary() == "Account Change Deferred"
			}
			if got.Role != state.Role || resp.Diagnostics.HasError() || !deferred {
				t.Errorf("planned the role %s with %v; want %s kept with the warning Account Change Deferred", got.Role, resp.Diagnostics, state.Role)
			}
		})
	}
}

// TestAccount_planFollowsRoleRenameInCase plans a SAML group account, refreshed by this process, to
// the new spelling of its role, which this run renames in letter case only ("Auditors" to
// "AUDITORS"): that is the role's rename, which Vision One shows on the account by itself, not a
// change of the account to defer. It used to be deferred with the warning Account Change Deferred,
// and the state kept the old spelling until a later refresh.
func TestAccount_planFollowsRoleRenameInCase(t *testing.T) {
	t.Parallel()
	api, state, renamed := pendingAccountRoleRename(t, client.AuthTypeSAMLGroup, client.StatusEnabled, "AUDITORS")
	r := &accountResource{data: newProviderData(api)}
	r.data.noteManaged(accountType, state.ID.ValueString()) // as Read does
	r.data.roleReleases.planRename("role-1", state.Role.ValueString(), renamed.Role)

	resp := modifyPlanOfUpdate(t, r, state, renamed)
	var got accountResourceModel
	if diags := resp.Plan.Get(context.Background(), &got); diags.HasError() {
		t.Fatal(diags)
	}
	if got.Role != renamed.Role || len(resp.Diagnostics) != 0 {
		t.Errorf("planned the role %s with %v; want the new spelling %s and no diagnostics", got.Role, resp.Diagnostics, renamed.Role)
	}
}

// accountReads stands in front of the API and, once armed, closes read when an account has been
// read by id.
type accountReads struct {
	armed atomic.Bool
	read  chan struct{}
	once  sync.Once
}

func (a *accountReads) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if a.armed.Load() && r.Method == http.MethodGet && accountByID.MatchString(r.URL.Path) {
			a.once.Do(func() { close(a.read) })
		}
	})
}

// TestAccount_updateAwaitsRoleRename applies the plan of an invited account that follows the rename
// of its role by this run (deferPendingChanges), as Terraform does when the account names the role
// by a literal name: the role's rename may still be running. The update sends the account nothing,
// waits for the rename to end and reads the account back: with the new name when Vision One shows
// it, where it used to read the old name before the rename was written and fail the apply with
// "Provider produced inconsistent result after apply". When the account still shows the old name
// (the rename failed, did not begin, or Vision One did not pass it on), the update fails with an
// error that says so and what to do, with what Vision One holds as the state, which Terraform
// keeps without comparing it with the plan.
func TestAccount_updateAwaitsRoleRename(t *testing.T) {
	t.Parallel()
	// What becomes of the rename, given its end (nil when it never begins) and the rename itself.
	tests := map[string]struct {
		rename func(end func(bool), write func() error, read <-chan struct{})
		want   []string // what the error says; none when the update succeeds
	}{
		"renamed after the update began": {
			rename: func(end func(bool), write func() error, read <-chan struct{}) {
				// After the account was read back, or a while, as an update that waits reads nothing.
				select {
				case <-read:
				case <-time.After(time.Second):
				}
				end(write() == nil)
			},
		},
		"the rename fails": {
			rename: func(end func(bool), _ func() error, _ <-chan struct{}) { end(false) },
			want:   []string{"failed in this run", "Apply again once the role's rename succeeds"},
		},
		"Vision One does not pass the rename on": {
			rename: func(end func(bool), _ func() error, _ <-chan struct{}) { end(true) },
			want:   []string{"did not pass the new name on to the account", "the account is still invited"},
		},
		"the rename does not begin": {
			want: []string{"did not begin in this run", "Apply again"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			reads := &accountReads{read: make(chan struct{})}
			e := startEmulatorBehind(t, reads.wrap)
			e.requireMasterAdministrator("create a role that accounts may have, and invite an account")
			role := e.createRole(client.RoleCreate{Name: e.name("before"), PermissionKeys: rolePermissionKeys(t, e, 1),
				AllowUserAccountAssignment: true})
			email := e.email("invited")
			account := e.inviteAccount(client.AccountInvite{Email: email, Role: role.Name, AuthType: client.AuthTypeLocal})
			api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
			if err != nil {
				t.Fatal(err)
			}
			r := &accountResource{data: newProviderData(api)}
			newName := e.name("after")
			r.data.roleReleases.planRename(role.ID, role.Name, types.StringValue(newName))
			if tc.rename == nil {
				r.data.roleReleases.startLimit = time.Nanosecond
			} else {
				end := r.data.roleReleases.beginUpdate(role.ID)
				write := func() error { return e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{Name: &newName}) }
				go tc.rename(end, write, reads.read)
			}

			state := accountResourceModel{Email: types.StringValue(email)}
			state.readFromAPI(account)
			plan := state
			plan.Role = types.StringValue(newName)
			schema := accountSchemaForTest(t).Schema
			prior := accountStateHolding(t, state)
			planned := tfsdk.Plan{Schema: schema, Raw: accountStateHolding(t, plan).Raw}
			resp := withPrivateState(&resource.UpdateResponse{State: prior})
			reads.armed.Store(true)
			r.Update(ctx, *withPrivateState(&resource.UpdateRequest{Plan: planned, State: prior}), resp)

			var got accountResourceModel
			if diags := resp.State.Get(ctx, &got); diags.HasError() {
				t.Fatal(diags)
			}
			shown := e.account(t, email)
			if got.Role.ValueString() != shown.Role || got.Status.ValueString() != client.StatusInvited {
				t.Errorf("the state gives the account the role %s, status %s; Vision One the role %q, status %s",
					got.Role, got.Status, shown.Role, shown.Status)
			}
			if len(tc.want) == 0 {
				if resp.Diagnostics.HasError() || got.Role.ValueString() != newName {
					t.Errorf("state role %s, diagnostics %v; want the new name %q and no error", got.Role, resp.Diagnostics, newName)
				}
				return
			}
			errs := resp.Diagnostics.Errors()
			if len(errs) != 1 || errs[0].Summary() != "Account Role Not Renamed" || got.Role.ValueString() != role.Name {
				t.Fatalf("state role %s, diagnostics %v; want the old name %q and the error Account Role Not Renamed",
					got.Role, resp.Diagnostics, role.Name)
			}
			for _, text := range append(tc.want, email, `has the role "`+role.Name+`" in Vision One, not "`+newName+`"`) {
				if !strings.Contains(errs[0].Detail(), text) {
					t.Errorf("the error does not say %q:\n%s", text, errs[0].Detail())
				}
			}
		})
	}
}

// TestAccount_planWithoutRefreshWaitsOnlyForPossibleRename plans, without a refresh, a held-back
// change of role of an invited account (as terraform plan -refresh=false does, and the apply's plan):
// the plan waits for this process to record the rename of the account's role to the new name only
// while this run may still plan it. It used to wait releaseStartLimit for every such account, for a
// predefined role too, which is never renamed, and for a role named from whose plan was seen
// already. Whether the plan waited is whether it asked for the next change of the record
// (nextChange), and every case defers the change with the warning Account Change Deferred.
func TestAccount_planWithoutRefreshWaitsOnlyForPossibleRename(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create roles that accounts may have")
	permissions := rolePermissionKeys(t, e, 1)
	custom := func(name string) *client.Role {
		return e.createRole(client.RoleCreate{Name: e.name(name), PermissionKeys: permissions, AllowUserAccountAssignment: true})
	}
	held, other, third := custom("held"), custom("other"), custom("third")
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}

	tests := map[string]struct {
		from, to string
		// before records what this process knows before the account's plan.
		before func(d *providerData)
		waits  bool
	}{
		"from a predefined role":   {from: "Auditor", to: other.Name},
		"to a predefined role":     {from: held.Name, to: "SIEM"},
		"between predefined roles": {from: "Auditor", to: "SIEM"},
		"the role named from was planned keeping its name": {from: held.Name, to: other.Name,
			before: func(d *providerData) { d.noteManaged(userRoleType, held.ID) }},
		"the role named from was planned as replaced": {from: held.Name, to: e.name("held-v2"),
			before: func(d *providerData) {
				d.roleReleases.planRename(held.ID, held.Name, types.StringValue(e.name("held-v2")))
				d.noteManaged(userRoleType, held.ID)
				d.roleReleases.planReplace(held.ID)
			}},
		"the role named to was planned keeping its name": {from: held.Name, to: other.Name,
			before: func(d *providerData) { d.noteManaged(userRoleType, other.ID) }},
		// The rename may still be planned: the plan waits.
		"neither role was planned": {from: held.Name, to: other.Name, waits: true},
		"to a name no role has":    {from: held.Name, to: e.name("new"), waits: true},
		"the role named to gives its name up": {from: held.Name, to: other.Name, waits: true,
			before: func(d *providerData) {
				d.roleReleases.planRename(other.ID, other.Name, types.StringValue(third.Name+"-x"))
				d.noteManaged(userRoleType, other.ID)
			}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := &accountResource{data: newProviderData(api)}
			r.data.roleReleases.startLimit = time.Nanosecond
			if tc.before != nil {
				tc.before(r.data)
			}
			state := accountResourceModel{
				ID: types.StringValue("acc-1"), Email: types.StringValue(e.email("invited")), AuthType: types.StringValue(client.AuthTypeLocal),
				Role: types.StringValue(tc.from), Description: types.StringValue(""), Enabled: types.BoolValue(true),
				Status: types.StringValue(client.StatusInvited), Name: types.StringValue(""),
			}
			plan := state
			plan.Role = types.StringValue(tc.to)
			resp := modifyPlanOfUpdate(t, r, state, plan)

			r.data.roleReleases.mu.Lock()
			waited := r.data.roleReleases.recorded != nil
			r.data.roleReleases.mu.Unlock()
			if waited != tc.waits {
				t.Errorf("the plan waited for a rename: %t, want %t", waited, tc.waits)
			}
			var got accountResourceModel
			if diags := resp.Plan.Get(context.Background(), &got); diags.HasError() {
				t.Fatal(diags)
			}
			deferred := false
			for _, w := range resp.Diagnostics.Warnings() {
				deferred = deferred || w.Summary() == "Account Change Deferred"
			}
			if got.Role != state.Role || resp.Diagnostics.HasError() || !deferred {
				t.Errorf("planned the role %s with %v; want %s kept with the warning Account Change Deferred", got.Role, resp.Diagnostics, state.Role)
			}
		})
	}
}
