package provider

import (
	"slices"
	"testing"

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
			matched, ok := changesPlanned(prior, tc.current, tc.plan, userRoleManagedAttributes)
			if ok != tc.wantOK || !slices.Equal(matched, tc.wantMatched) {
				t.Errorf("changesPlanned = %v, %t; want %v, %t", matched, ok, tc.wantMatched, tc.wantOK)
			}
		})
	}
}
