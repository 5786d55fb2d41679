package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
