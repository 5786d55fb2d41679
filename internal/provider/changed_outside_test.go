package provider

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestChangesPlanned covers the rule that decides whether an update refused with a 412 is sent
// again: only when every managed attribute changed since the refresh has, in the plan, a known
// value equal to the one it has now.
func TestChangesPlanned(t *testing.T) {
	t.Parallel()
	permissions := func(keys ...string) types.Set {
		values := make([]attr.Value, len(keys))
		for i, k := range keys {
			values[i] = types.StringValue(k)
		}
		return types.SetValueMust(types.StringType, values)
	}
	prior := userRoleModel{
		Name: types.StringValue("auditors"), Description: types.StringValue("first"), Permissions: permissions("a", "b"),
		AllowAPIKeyAssignment: types.BoolValue(true), AllowUserAccountAssignment: types.BoolValue(true),
		Type: types.StringValue("custom"),
	}
	with := func(m userRoleModel, change func(*userRoleModel)) userRoleModel {
		change(&m)
		return m
	}
	renamed := func(m *userRoleModel) { m.Name = types.StringValue("auditors (renamed)") }
	described := func(m *userRoleModel) { m.Description = types.StringValue("second") }

	tests := map[string]struct {
		current, plan userRoleModel
		wantMatched   []string
		wantOK        bool
	}{
		"unchanged":                      {current: prior, plan: with(prior, described), wantOK: true},
		"unmanaged attribute changed":    {current: with(prior, func(m *userRoleModel) { m.Type = types.StringValue("x") }), plan: prior, wantOK: true},
		"changed as planned":             {current: with(prior, renamed), plan: with(with(prior, renamed), described), wantMatched: []string{"name"}, wantOK: true},
		"set in another order":           {current: with(prior, func(m *userRoleModel) { m.Permissions = permissions("c", "a") }), plan: with(prior, func(m *userRoleModel) { m.Permissions = permissions("a", "c") }), wantMatched: []string{"permissions"}, wantOK: true},
		"changed, not planned":           {current: with(prior, renamed), plan: with(prior, described)},
		"changed otherwise than planned": {current: with(prior, renamed), plan: with(prior, func(m *userRoleModel) { m.Name = types.StringValue("other") })},
		"one as planned, one not":        {current: with(with(prior, renamed), described), plan: with(prior, renamed)},
		"planned value unknown":          {current: with(prior, renamed), plan: with(prior, func(m *userRoleModel) { m.Name = types.StringUnknown() })},
		"planned null, now set":          {current: with(prior, described), plan: with(prior, func(m *userRoleModel) { m.Description = types.StringNull() })},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			matched, ok := changesPlanned(prior, tc.current, tc.plan, userRoleManagedAttributes, nil)
			if ok != tc.wantOK || !slices.Equal(matched, tc.wantMatched) {
				t.Errorf("changesPlanned = %v, %t; want %v, %t", matched, ok, tc.wantMatched, tc.wantOK)
			}
		})
	}
}

// TestChangesPlanned_ownChange covers an attribute changed since the refresh by this run, as
// ownChange says, to a value the plan does not give it: a holder of a role renamed by this run that
// the plan moves to another role. Only the change ownChange vouches for is not a conflict.
func TestChangesPlanned_ownChange(t *testing.T) {
	t.Parallel()
	prior := apiKeyResourceModel{
		Name: types.StringValue("key"), Role: types.StringValue("role-a"), Description: types.StringValue(""),
		Enabled: types.BoolValue(true),
	}
	with := func(change func(*apiKeyResourceModel)) apiKeyResourceModel {
		m := prior
		change(&m)
		return m
	}
	roleIs := func(role string) func(*apiKeyResourceModel) {
		return func(m *apiKeyResourceModel) { m.Role = types.StringValue(role) }
	}
	moved := with(roleIs("role-b"))
	// This run renamed role-a to role-a-renamed, and nothing else.
	own := func(name string, was, is attr.Value) bool {
		return name == "role" && was.Equal(types.StringValue("role-a")) && is.Equal(types.StringValue("role-a-renamed"))
	}

	tests := map[string]struct {
		current     apiKeyResourceModel
		own         func(string, attr.Value, attr.Value) bool
		wantMatched []string
		wantOK      bool
	}{
		"role renamed by this run": {current: with(roleIs("role-a-renamed")), own: own, wantMatched: []string{"role"}, wantOK: true},
		"no record of this run":    {current: with(roleIs("role-a-renamed"))},
		"role changed outside":     {current: with(roleIs("role-c")), own: own},
		"renamed, and described outside": {current: with(func(m *apiKeyResourceModel) {
			m.Role, m.Description = types.StringValue("role-a-renamed"), types.StringValue("console")
		}), own: own},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			matched, ok := changesPlanned(prior, tc.current, moved, apiKeyManagedAttributes, tc.own)
			if ok != tc.wantOK || !slices.Equal(matched, tc.wantMatched) {
				t.Errorf("changesPlanned = %v, %t; want %v, %t", matched, ok, tc.wantMatched, tc.wantOK)
			}
		})
	}
}

// TestProviderData_ownRoleRename covers what vouches for a role changed by this run: a rename of
// the role from the state's name to the one shown, recorded in this process, before or while the
// holder's update reads it, and written. A rename that failed, one that is not this run's, and any
// other attribute are changes made outside Terraform.
func TestProviderData_ownRoleRename(t *testing.T) {
	t.Parallel()
	// record records this run's rename of role-a to role-a-renamed and begins it.
	record := func(n *nameReleases) (end func(written bool)) {
		n.planRename("a", "role-a", types.StringValue("role-a-renamed"))
		return n.beginUpdate("a")
	}
	later := func(f func()) {
		go func() {
			time.Sleep(10 * time.Millisecond)
			f()
		}()
	}
	tests := map[string]struct {
		rename    func(n *nameReleases) // this run's renames, given the record
		attribute string                // "role" unless set
		shown     string                // "role-a-renamed" unless set
		wantOwn   bool
	}{
		"renamed":                    {rename: func(n *nameReleases) { record(n)(true) }, wantOwn: true},
		"rename ends after the read": {rename: func(n *nameReleases) { end := record(n); later(func() { end(true) }) }, wantOwn: true},
		"rename recorded after the read": {
			rename: func(n *nameReleases) { later(func() { record(n)(true) }) }, wantOwn: true,
		},
		"rename failed": {rename: func(n *nameReleases) { record(n)(false) }},
		"another role": {
			rename: func(n *nameReleases) { record(n)(true); n.startLimit = time.Nanosecond }, shown: "role-c",
		},
		"not the role": {rename: func(n *nameReleases) { record(n)(true) }, attribute: "description"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			attribute, shown := cmp.Or(tc.attribute, "role"), cmp.Or(tc.shown, "role-a-renamed")
			d := newProviderData(nil)
			tc.rename(&d.roleReleases)
			got := d.ownRoleRename(context.Background())(attribute, types.StringValue("role-a"), types.StringValue(shown))
			if got != tc.wantOwn {
				t.Errorf("ownRoleRename(%s: role-a to %s) = %t, want %t", attribute, shown, got, tc.wantOwn)
			}
		})
	}
}

// TestProviderData_keepRoleShown covers the role an API key or account shows after an update that
// did not set it: the planned name, or another normal form of it, is no rename (the state keeps the
// plan's spelling); a new name is an error on role that says who renamed the role and what to do,
// and the state keeps the new name.
func TestProviderData_keepRoleShown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := map[string]struct {
		planned   types.String
		shown     string
		ownRename bool     // this run renames role-a to the name shown
		want      string   // the role the state keeps
		summary   string   // of the error; Role Renamed During Apply when empty
		wantError []string // texts of the error, in order; none when empty
		// recorded is the rename the private state records for the next plan (privateRoleRenamedKey).
		recorded roleRename
	}{
		"unchanged":   {planned: types.StringValue("role-a"), shown: "role-a", want: "role-a"},
		"normal form": {planned: types.StringValue("\u00c9quipe"), shown: "E\u0301quipe", want: "\u00c9quipe"},
		"renamed outside": {planned: types.StringValue("role-a"), shown: "role-b", want: "role-b", wantError: []string{
			`The API key k was updated, but its role "role-a" was renamed to "role-b" after the plan was made, outside this configuration`,
			`The state records the role as Vision One shows it. Set role = "role-b"`, "visionone_user_role data source",
		}, recorded: roleRename{From: "role-a", To: "role-b"}},
		"renamed by this run": {planned: types.StringValue("role-a"), shown: "role-b", ownRename: true, want: "role-b", wantError: []string{
			`The API key k was updated, but its role "role-a" was renamed to "role-b" by this apply`,
			"Refer to the role instead (role = visionone_user_role.<name>.name)",
		}},
		"renamed in letter case": {planned: types.StringValue("role-a"), shown: "Role-A", want: "Role-A", wantError: []string{
			`renamed to "Role-A" after the plan was made`,
		}, recorded: roleRename{From: "role-a", To: "Role-A"}},
		// Vision One shows no role on the holders of a role deleted in the console, which role = "" cannot name.
		"deleted": {planned: types.StringValue("role-a"), shown: "", want: "", summary: "No Role", wantError: []string{
			`The API key k was updated, but its role "role-a" is gone since the plan was made`,
			"has no role in Vision One", "must set role to a role that exists",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := newProviderData(nil)
			if tc.ownRename {
				d.roleReleases.planRename("a", "role-a", types.StringValue(tc.shown))
			}
			var diags diag.Diagnostics
			state := types.StringValue(tc.shown)
			private := memoryPrivateState{}
			d.keepRoleShown(ctx, "The API key k", tc.planned, &state, private, &diags)
			if state.ValueString() != tc.want {
				t.Errorf("the state keeps %s, want %q", state, tc.want)
			}
			summary := cmp.Or(tc.summary, "Role Renamed During Apply")
			switch {
			case len(tc.wantError) == 0 && diags.HasError():
				t.Errorf("unexpected diagnostics: %v", diags)
			case len(tc.wantError) > 0 && (diags.ErrorsCount() != 1 || diags.Errors()[0].Summary() != summary):
				t.Errorf("diagnostics %v, want the error %s", diags, summary)
			case len(tc.wantError) > 0 && !regexpText(tc.wantError...).MatchString(diags.Errors()[0].Detail()):
				t.Errorf("error detail %q, want %q in order", diags.Errors()[0].Detail(), tc.wantError)
			}
			recorded, _, err := getPrivate[roleRename](ctx, private, privateRoleRenamedKey)
			if err != nil || recorded != tc.recorded {
				t.Errorf("the private state records the rename %+v (%v), want %+v", recorded, err, tc.recorded)
			}
		})
	}
}
