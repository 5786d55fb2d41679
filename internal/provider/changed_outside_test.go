package provider

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
