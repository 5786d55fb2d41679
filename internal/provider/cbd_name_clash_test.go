package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// modifyPlanOfDestroy calls r's ModifyPlan as Terraform plans the destroy of the object in state,
// and returns the response.
func modifyPlanOfDestroy[M any](t *testing.T, r fwresource.ResourceWithModifyPlan, state M) *fwresource.ModifyPlanResponse {
	t.Helper()
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	null := tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)
	prior := tfsdk.State{Schema: schemaResp.Schema, Raw: null}
	if diags := prior.Set(ctx, &state); diags.HasError() {
		t.Fatal(diags)
	}
	planned := tfsdk.Plan{Schema: schemaResp.Schema, Raw: null}
	req := withPrivateState(&fwresource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: null}, Plan: planned, State: prior,
	})
	resp := withPrivateState(&fwresource.ModifyPlanResponse{Plan: planned})
	r.ModifyPlan(ctx, *req, resp)
	return resp
}

// expectOneWarningOf fails t unless the plans together hold no error and exactly one warning, with
// this summary and a detail that says each of want: a clash that two plans of one run see is
// reported by whichever of them comes second.
func expectOneWarningOf(t *testing.T, what, summary string, want []string, plans ...diag.Diagnostics) {
	t.Helper()
	var all diag.Diagnostics
	for _, d := range plans {
		all.Append(d...)
	}
	warnings := all.Warnings()
	if all.HasError() || len(warnings) != 1 || warnings[0].Summary() != summary {
		t.Fatalf("%s: want one warning %s, got %v", what, summary, all)
	}
	for _, text := range want {
		if !strings.Contains(warnings[0].Detail(), text) {
			t.Errorf("%s: the warning does not say %q:\n%s", what, text, warnings[0].Detail())
		}
	}
}

// TestUserRole_modifyPlanCreateIntoDestroyedName: a new role that takes the name of a role that
// the same plan destroys (a for_each key renamed, count to for_each without moved blocks) warns
// once, whichever of the two Terraform plans first, that create_before_destroy would make the apply
// fail and that a moved block keeps the role; so does a replacement that keeps its role's name.
func TestUserRole_modifyPlanCreateIntoDestroyedName(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	old := e.createRole(client.RoleCreate{Name: e.name("Workbench triage"), PermissionKeys: keys})
	model := func(id types.String, name string) userRoleModel {
		return userRoleModel{
			ID: id, Name: types.StringValue(name), Description: types.StringValue(""),
			Permissions:           types.SetValueMust(types.StringType, []attr.Value{types.StringValue(keys[0])}),
			AllowAPIKeyAssignment: types.BoolValue(false), AllowUserAccountAssignment: types.BoolValue(false),
			Type: types.StringValue(client.RoleTypeCustom), LastUpdatedAt: timetypes.NewRFC3339Null(),
		}
	}
	want := []string{fmt.Sprintf("%q (id %s)", old.Name, old.ID), "the create waits for the destroy",
		"Vision One refuses to delete it", "If create_before_destroy applies", "moved block", "another name"}
	for _, name := range []string{old.Name, e.name("Workbench Triage")} {
		refreshed := func() *userRoleResource {
			data := newProviderData(e.API)
			data.noteManaged(userRoleType, old.ID)
			return &userRoleResource{data: data}
		}
		r := refreshed()
		destroy := modifyPlanOfDestroy(t, r, model(types.StringValue(old.ID), old.Name)).Diagnostics
		create := modifyPlanOfCreate(t, r, model(types.StringUnknown(), name)).Diagnostics
		expectOneWarningOf(t, "destroy first, "+name, roleRecreatedSummary, want, destroy, create)

		r = refreshed()
		create = modifyPlanOfCreate(t, r, model(types.StringUnknown(), name)).Diagnostics
		destroy = modifyPlanOfDestroy(t, r, model(types.StringValue(old.ID), old.Name)).Diagnostics
		expectOneWarningOf(t, "create first, "+name, roleRecreatedSummary, want, destroy, create)

		// With -refresh=false nothing is read: the create, planned first, waits for the destroy's
		// plan to show the role as this configuration's, as a refresh would.
		r = &userRoleResource{data: newProviderData(e.API)}
		planned := make(chan diag.Diagnostics)
		go func() { planned <- modifyPlanOfCreate(t, r, model(types.StringUnknown(), name)).Diagnostics }()
		time.Sleep(50 * time.Millisecond) // let the create's plan begin to wait
		destroy = modifyPlanOfDestroy(t, r, model(types.StringValue(old.ID), old.Name)).Diagnostics
		expectOneWarningOf(t, "create first without refresh, "+name, roleRecreatedSummary, want, destroy, <-planned)
	}

	// A replacement (-replace) keeps the name: its create knows the id of the role it replaces.
	r := &userRoleResource{data: newProviderData(e.API)}
	r.data.noteManaged(userRoleType, old.ID)
	replaced := modifyPlanWith(t, r, nil, model(types.StringUnknown(), old.Name), model(types.StringUnknown(), old.Name),
		func(req *fwresource.ModifyPlanRequest, _ *fwresource.ModifyPlanResponse) {
			if diags := notePlannedFrom(context.Background(), req.Private, old.ID); diags.HasError() {
				t.Fatal(diags)
			}
		}).Diagnostics
	expectOneWarningOf(t, "a replacement", "User Role Replaced Under the Same Name", []string{"if create_before_destroy applies",
		"rename the role in place", "another name"}, replaced)

	// A replacement that changes the name in letter case only, which Terraform plans first as an
	// update of the role (recorded as a rename that keeps the name), then as the create.
	r = &userRoleResource{data: newProviderData(e.API)}
	r.data.noteManaged(userRoleType, old.ID)
	upper := strings.ToUpper(old.Name)
	prior := model(types.StringValue(old.ID), old.Name)
	modifyPlanWith(t, r, &prior, model(types.StringNull(), upper), model(types.StringValue(old.ID), upper), nil)
	replaced = modifyPlanWith(t, r, nil, model(types.StringUnknown(), upper), model(types.StringUnknown(), upper),
		func(req *fwresource.ModifyPlanRequest, _ *fwresource.ModifyPlanResponse) {
			if diags := notePlannedFrom(context.Background(), req.Private, old.ID); diags.HasError() {
				t.Fatal(diags)
			}
		}).Diagnostics
	expectOneWarningOf(t, "a replacement renaming in letter case", "User Role Replaced Under the Same Name",
		[]string{"if create_before_destroy applies", "rename the role in place"}, replaced)
}

// TestAPIKey_modifyPlanCreateIntoDestroyedName: as for roles, a new key with the fixed name of a
// key that the same plan destroys warns once.
func TestAPIKey_modifyPlanCreateIntoDestroyedName(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	old := e.createAPIKey(client.APIKeyCreate{Name: e.name("ci"), Role: "Auditor"})
	key := func(id types.String, name string) apiKeyResourceModel {
		return apiKeyResourceModel{
			ID: id, Name: types.StringValue(name), NamePrefix: types.StringNull(), Role: types.StringValue("Auditor"),
			Description: types.StringValue(""), Enabled: types.BoolValue(true), ExpiresInMonths: types.Int64Value(12),
			RotateBefore: timetypes.NewGoDurationNull(), Keepers: types.MapNull(types.StringType), Value: types.StringNull(),
			ExpiresAt: timetypes.NewRFC3339Null(), LastUsedAt: timetypes.NewRFC3339Null(), CreatedAt: timetypes.NewRFC3339Null(),
		}
	}
	want := []string{fmt.Sprintf("%q (id %s)", old.Name, old.ID), "the create waits for the destroy", "a new value",
		"If create_before_destroy applies", "moved block"}
	for _, destroyFirst := range []bool{true, false} {
		r := &apiKeyResource{data: newProviderData(e.API)}
		r.data.noteManaged(apiKeyType, old.ID)
		var plans []diag.Diagnostics
		for _, destroy := range []bool{destroyFirst, !destroyFirst} {
			if destroy {
				plans = append(plans, modifyPlanOfDestroy(t, r, key(types.StringValue(old.ID), old.Name)).Diagnostics)
			} else {
				plans = append(plans, modifyPlanOfCreate(t, r, key(types.StringUnknown(), old.Name)).Diagnostics)
			}
		}
		expectOneWarningOf(t, fmt.Sprintf("destroy first: %v", destroyFirst), apiKeyRecreatedSummary, want, plans...)
	}
}

// TestAccount_modifyPlanInviteOfDestroyedEmail: a new account with the email of an account that the
// same plan destroys (its resource address changed) warns once that the account is deleted and
// invited again, and that a moved block keeps it.
func TestAccount_modifyPlanInviteOfDestroyedEmail(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	email := e.email("kept")
	old := e.inviteAccount(client.AccountInvite{Email: email, Role: "Auditor", AuthType: client.AuthTypeLocal})
	account := func(id types.String, status types.String) accountResourceModel {
		return accountResourceModel{ID: id, Email: types.StringValue(email), AuthType: types.StringValue("local"),
			Role: types.StringValue("Auditor"), Description: types.StringValue(""), Enabled: types.BoolValue(true),
			Status: status, Name: types.StringNull()}
	}
	want := []string{fmt.Sprintf("deletes the account %s (id %s) and invites it again", email, old.ID), "moved block",
		"before the delete has ended", "always if create_before_destroy applies", "applying again invites the person"}
	for _, destroyFirst := range []bool{true, false} {
		r := &accountResource{data: newProviderData(e.API)}
		r.data.noteManaged(accountType, old.ID)
		var plans []diag.Diagnostics
		for _, destroy := range []bool{destroyFirst, !destroyFirst} {
			if destroy {
				plans = append(plans, modifyPlanOfDestroy(t, r, account(types.StringValue(old.ID), types.StringValue("enabled"))).Diagnostics)
			} else {
				plans = append(plans, modifyPlanOfCreate(t, r, account(types.StringUnknown(), types.StringUnknown())).Diagnostics)
			}
		}
		expectOneWarningOf(t, fmt.Sprintf("destroy first: %v", destroyFirst), "Account Deleted and Invited Again", want, plans...)
	}
}

// TestAccUserRole_createBeforeDestroyIntoOwnName applies what the plan warns of: a role with
// create_before_destroy whose resource address changes (as a for_each key would) while its name
// stays is created before the old one is destroyed, which waits for the API key that refers
// to it to move to the new one, so Vision One refuses the create, and the error says to use a
// moved block. A replacement that keeps the exact name fails alike, and the error says that the
// role is probably the resource's own.
func TestAccUserRole_createBeforeDestroyIntoOwnName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("Workbench triage")
	config := func(key, roleName string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" %[1]q {
  name        = %[2]q
  permissions = %[3]s
  lifecycle {
    create_before_destroy = true
  }
}

resource "visionone_api_key" "team" {
  name_prefix = %[4]q
  role        = visionone_user_role.%[1]s.name
}
`, key, roleName, hclStringList(keys), e.name("team-"))
	}
	spaced := func(s string) *regexp.Regexp { return regexp.MustCompile(strings.ReplaceAll(s, " ", `\s+`)) }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{Config: config("triage", name)},
			{
				// The address changes (as a for_each key would) with the name's letter case: the apply's plan of the create refuses it.
				Config:      config("Triage", e.name("Workbench Triage")),
				ExpectError: spaced(`(?s)User Role Already Exists.*create_before_destroy applies.*moved block`),
			},
			{
				// Replaced with create_before_destroy, keeping the name: Vision One refuses the create,
				// and the error says that the role is probably the resource's own.
				Config:      config("triage", name),
				Taint:       []string{"visionone_user_role.triage"},
				ExpectError: spaced(`(?s)User Role Already Exists.*Creating the user role.*probably its own current user role`),
			},
		},
	})
}

// TestAccUserRole_replacedInUse: a role replaced without create_before_destroy (here tainted) that an
// API key refers to is deleted before its replacement is created and the key moved, which Vision One
// refuses; the error says to rename the role in place instead, or to use create_before_destroy with
// a new name.
func TestAccUserRole_replacedInUse(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}

resource "visionone_api_key" "test" {
  name = %[3]q
  role = visionone_user_role.test.name
}
`, e.name("replaced"), hclStringList(keys), e.name("holder"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config: config,
				Taint:  []string{"visionone_user_role.test"},
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)User Role In Use.*replaces the role.*rename the role in `+
					`place instead of replacing it.*create_before_destroy.*new name`, " ", `\s+`)),
			},
		},
	})
}
