package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestCheckRoleAssignable covers the cases the plan decides without asking the tenant: a provider
// without a client here makes any tenant lookup panic, so each case proves it asks nothing.
func TestCheckRoleAssignable(t *testing.T) {
	t.Parallel()
	data := newProviderData(nil)
	data.notePlannedRole("refuses", "", plannedRole{AllowAPIKeyAssignment: types.BoolValue(false), AllowUserAccountAssignment: types.BoolValue(false)})
	data.notePlannedRole("allows", "", plannedRole{AllowAPIKeyAssignment: types.BoolValue(true), AllowUserAccountAssignment: types.BoolValue(true)})
	data.notePlannedRole("undecided", "", plannedRole{AllowAPIKeyAssignment: types.BoolUnknown(), AllowUserAccountAssignment: types.BoolUnknown()})

	tests := map[string]struct {
		data *providerData
		use  roleAssignment
		role types.String
		want string // the error's detail contains it; "" means no diagnostic at all
	}{
		"unknown name":                  {data: data, use: apiKeyRoleAssignment, role: types.StringUnknown()},
		"null name":                     {data: data, use: accountRoleAssignment, role: types.StringNull()},
		"provider not configured":       {data: nil, use: accountRoleAssignment, role: types.StringValue("refuses")},
		"planned, allows":               {data: data, use: apiKeyRoleAssignment, role: types.StringValue("allows")},
		"planned, flag unknown":         {data: data, use: accountRoleAssignment, role: types.StringValue("undecided")},
		"planned, refuses API keys":     {data: data, use: apiKeyRoleAssignment, role: types.StringValue("refuses"), want: `"refuses" does not allow API key assignment: this configuration sets its allow_api_key_assignment to false. Set it to true, or choose another role. Only a Master Administrator may change that flag`},
		"planned, refuses accounts":     {data: data, use: accountRoleAssignment, role: types.StringValue("refuses"), want: `"refuses" does not allow user account assignment: this configuration sets its allow_user_account_assignment to false`},
		"Master Administrator, API key": {data: data, use: apiKeyRoleAssignment, role: types.StringValue("master administrator"), want: `"master administrator" cannot be assigned to API keys`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			tc.data.checkRoleAssignable(context.Background(), tc.use, tc.role, &diags)
			switch {
			case tc.want == "" && len(diags) != 0:
				t.Errorf("unexpected diagnostics: %v", diags)
			case tc.want != "" && (len(diags) != 1 || diags[0].Severity() != diag.SeverityError || !strings.Contains(diags[0].Detail(), tc.want)):
				t.Errorf("want one error containing %q, got %v", tc.want, diags)
			}
		})
	}
}

// TestRoleReferenceValidators: role = "", which configuration generated from an object whose role
// was deleted in the console holds, gets one error, which says so and what to write, and not the
// length validator's "character count must be between 1 and 128, got: 0"; the length limit stands.
func TestRoleReferenceValidators(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]string{
		"":                       "Attribute role is empty, so it names no role",
		strings.Repeat("x", 129): "Attribute role UTF-8 character count must be at most 128, got: 129",
		"  ":                     "Attribute role must not be blank (whitespace only)",
		"SIEM":                   "",
	} {
		var diags diag.Diagnostics
		for _, v := range roleReferenceValidators() {
			var resp validator.StringResponse
			v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("role"), ConfigValue: types.StringValue(value)}, &resp)
			diags.Append(resp.Diagnostics...)
		}
		switch {
		case want == "" && len(diags) != 0:
			t.Errorf("role = %q: unexpected diagnostics %v", value, diags)
		case want != "" && (len(diags) != 1 || !strings.Contains(diags[0].Detail(), want)):
			t.Errorf("role = %q: want one error containing %q, got %v", value, want, diags)
		}
	}
}

// TestRoleNamesWithoutPermissionKeys: against a tenant whose roles come without permissionKeys
// (API.md, "Decision: role bodies"), what needs a role's name, id or type only reads one listing of
// the roles and nothing of their permissions: the suggestions for a role not found (closestRoles),
// a role named in another letter case for an import or a name taken (rolesNamedAnyCase), and the
// plan-time check of a role's new name (roleNamed).
func TestRoleNamesWithoutPermissionKeys(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{RolesOmitPermissionKeys: true})
	keys := rolePermissionKeys(t, e, 1)
	for i := range 20 {
		e.createRole(client.RoleCreate{Name: e.name(fmt.Sprintf("r%02d", i)), PermissionKeys: keys})
	}
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	data := newProviderData(api)
	ctx := context.Background()
	wanted := e.name("r07")
	for name, call := range map[string]func() error{
		"closestRoles": func() error {
			if got := data.closestRoles(ctx, wanted+"x"); !strings.Contains(got, wanted) {
				return fmt.Errorf("suggests %q, want %q among its names", got, wanted)
			}
			return nil
		},
		"rolesNamedAnyCase": func() error {
			if got := (&userRoleResource{data: data}).rolesNamedAnyCase(ctx, strings.ToUpper(wanted)); len(got) != 1 || got[0].Name != wanted {
				return fmt.Errorf("found %v, want %q", got, wanted)
			}
			return nil
		},
		"roleNamed": func() error {
			if got, err := data.roleNamed(ctx, strings.ToUpper(wanted)); err != nil || got == nil || got.Name != wanted {
				return fmt.Errorf("found %v, %v, want %q", got, err, wanted)
			}
			return nil
		},
	} {
		const list, permissions = "GET /v3.0/iam/roles", "GET /v3.0/iam/roles/{id}/permissions"
		before := e.Stats().Requests
		if err := call(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		after := e.Stats().Requests
		if lists, reads := after[list]-before[list], after[permissions]-before[permissions]; lists != 1 || reads != 0 {
			t.Errorf("%s: %d listings of roles and %d reads of a role's permissions, want one listing and no read", name, lists, reads)
		}
	}
}
