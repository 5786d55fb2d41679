package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

func TestAccUserRoleList_query(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 2)
	auditorsName := e.name("Third-party auditors")
	auditors := e.createRole(client.RoleCreate{Name: auditorsName, Description: "made in the console",
		PermissionKeys: keys, AllowAPIKeyAssignment: true})
	e.createRole(client.RoleCreate{Name: e.name("Integrations"), PermissionKeys: keys[:1], AllowAPIKeyAssignment: true})
	roles, err := e.API.ListRoles(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	// Listed with include_predefined: the predefined roles and this test's two.
	every := 2
	for _, role := range roles {
		if role.Type != client.RoleTypeCustom {
			every++
		}
	}

	testAccQuery(t, e, []resource.TestStep{
		{
			Query: true,
			Config: `
list "visionone_user_role" "custom" {
  provider         = visionone
  include_resource = true
}

list "visionone_user_role" "every" {
  provider = visionone
  config {
    include_predefined = true
  }
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				e.expectOwnResults("visionone_user_role.custom", 2),
				querycheck.ExpectIdentity("visionone_user_role.custom", map[string]knownvalue.Check{"id": knownvalue.StringExact(auditors.ID)}),
				querycheck.ExpectResourceDisplayName("visionone_user_role.custom",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(auditors.ID)}),
					knownvalue.StringExact(auditorsName)),
				querycheck.ExpectResourceKnownValues("visionone_user_role.custom",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(auditors.ID)}),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact(auditorsName)},
						{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("made in the console")},
						{Path: tfjsonpath.New("permissions"), KnownValue: knownvalue.SetExact(knownStringValues(keys))},
						{Path: tfjsonpath.New("allow_api_key_assignment"), KnownValue: knownvalue.Bool(true)},
						{Path: tfjsonpath.New("allow_user_account_assignment"), KnownValue: knownvalue.Bool(false)},
						{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("custom")},
					}),
				// Predefined roles only when asked, marked as such.
				e.expectOwnResults("visionone_user_role.every", every),
				querycheck.ExpectResourceDisplayName("visionone_user_role.every",
					queryfilter.ByDisplayName(knownvalue.StringExact("Auditor (predefined, cannot be imported)")),
					knownvalue.StringExact("Auditor (predefined, cannot be imported)")),
			},
		},
	})
}

// TestAccUserRoleList_readsPages lists 250 custom roles: two listing pages (with the predefined
// roles), and no role read on its own.
func TestAccUserRoleList_readsPages(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	testAccListReadsPages(t, e, "visionone_user_role", "GET /v3.0/iam/roles", func(i int) {
		e.createRole(client.RoleCreate{Name: e.name(fmt.Sprintf("team %03d", i)), PermissionKeys: keys})
	})
}

// TestAccUserRoleList_readsPermissionsWhenAsked queries the custom roles of a tenant whose roles
// come without their permission keys (as Trend's Okta connector shows them): listing them reads
// the listing alone, and with include_resource, as -generate-config-out asks, each custom role's
// permissions are read once, the predefined roles' never.
func TestAccUserRoleList_readsPermissionsWhenAsked(t *testing.T) {
	testAccUserRoleListReads(t, emulator.Options{RolesOmitPermissionKeys: true}, true)
}

// TestAccUserRoleList_readsListingAlone: where the listing holds the roles' permission keys, the
// same queries read nothing but the listing, with include_resource too.
func TestAccUserRoleList_readsListingAlone(t *testing.T) {
	testAccUserRoleListReads(t, emulator.Options{}, false)
}

// testAccUserRoleListReads queries three custom roles, without and with include_resource, on an
// emulator started with opts, and counts the requests of each query: one listing, and with
// include_resource one read of permissions per custom role when readsPermissions, none otherwise.
func testAccUserRoleListReads(t *testing.T, opts emulator.Options, readsPermissions bool) {
	e := startEmulator(t, opts)
	e.requireEmulator("tenant of its own and exact request counts")
	const custom = 3
	keys := rolePermissionKeys(t, e, 2)
	first := e.createRole(client.RoleCreate{Name: e.name("team 0"), PermissionKeys: keys})
	for i := 1; i < custom; i++ {
		e.createRole(client.RoleCreate{Name: e.name(fmt.Sprintf("team %d", i)), PermissionKeys: keys[:1]})
	}
	withResources := 0
	if readsPermissions {
		withResources = custom
	}
	requests := &requestCounter{e: e}
	reads := func(what string, permissionReads int) querycheck.QueryResultCheck {
		return requests.expect(t, what, func(n map[string]int) error {
			if n[listRoles] != 1 || n[readRole] != 0 || n[readRolePermissions] != permissionReads {
				return fmt.Errorf("want one listing, no role read on its own and %d reads of permissions", permissionReads)
			}
			return nil
		}, listRoles, readRole, readRolePermissions)
	}
	query := func(includeResource bool) string {
		return fmt.Sprintf(`
list "visionone_user_role" "custom" {
  provider         = visionone
  include_resource = %t
}
`, includeResource)
	}
	testAccQuery(t, e, []resource.TestStep{
		{
			PreConfig: requests.start,
			Query:     true,
			Config:    query(false),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("visionone_user_role.custom", custom),
				reads("listing the custom roles", 0),
			},
		},
		{
			PreConfig: requests.start,
			Query:     true,
			Config:    query(true),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("visionone_user_role.custom", custom),
				querycheck.ExpectResourceKnownValues("visionone_user_role.custom",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(first.ID)}),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("permissions"), KnownValue: knownvalue.SetExact(knownStringValues(keys))},
					}),
				reads("listing the custom roles with their resource objects", withResources),
			},
		},
	})
}

// TestAccUserRoleList_generateConfig adopts console-made roles with `terraform query
// -generate-config-out`, one of them with no permissions and a name of any characters the console
// takes: nothing to change after the import.
func TestAccUserRoleList_generateConfig(t *testing.T) {
	w := newCLIWorkspace(t, featureQuery)
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("tenant of its own: -generate-config-out adopts every custom role the query finds")
	keys := rolePermissionKeys(t, e, 2)
	auditors, team := e.name("Third-party auditors"), e.name("Team #1 (ops)!")
	e.createRole(client.RoleCreate{Name: auditors, Description: "made in the console",
		PermissionKeys: keys, AllowAPIKeyAssignment: true})
	e.createRole(client.RoleCreate{Name: e.name("Integrations"), PermissionKeys: keys[:1], AllowUserAccountAssignment: true})
	e.createRole(client.RoleCreate{Name: team, PermissionKeys: []string{}})

	generated := w.adoptByQuery(e, `
list "visionone_user_role" "console" {
  provider = visionone
}
`, 3)
	for _, want := range []string{`name += "` + regexp.QuoteMeta(auditors) + `"`, `allow_user_account_assignment += false`,
		regexp.QuoteMeta(fmt.Sprintf("%q", keys[1])), `name += "` + regexp.QuoteMeta(team) + `"`, `permissions += \[\]`} {
		if !regexp.MustCompile(want).MatchString(generated) {
			t.Errorf("the generated configuration lacks %s:\n%s", want, generated)
		}
	}
	for _, unwanted := range []string{"type", "last_updated_at"} {
		if strings.Contains(generated, "  "+unwanted+" ") {
			t.Errorf("the generated configuration holds the computed %s:\n%s", unwanted, generated)
		}
	}
}

// TestUserRoleList_unreadableDateWarns lists, as `terraform query` with include_resource does, a
// role whose lastUpdatedDateTime the API writes in a form nobody documents: the role is listed
// with a null last_updated_at, and a warning names the role, the field and the value.
func TestUserRoleList_unreadableDateWarns(t *testing.T) {
	t.Parallel()
	odd := &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, regexp.MustCompile(`^/v3\.0/iam/roles$`)),
		rewrite: replaceField("lastUpdatedDateTime", "1738836000")}
	odd.armed.Store(true)
	e := startEmulatorBehind(t, odd.wrap)
	name := e.name("dated")
	role := e.createRole(client.RoleCreate{Name: name, PermissionKeys: rolePermissionKeys(t, e, 1)})
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}

	results := listDirectly(t, &userRoleListResource{data: newProviderData(api)}, &userRoleResource{},
		userRoleListModel{IncludePredefined: types.BoolNull()})
	listed := listedWithID(t, results, role.ID)
	if listed == nil {
		t.Fatalf("the role %s is not listed", role.ID)
	}
	expectUnreadableWarning(t, "list", listed.Diagnostics,
		fmt.Sprintf(`User role %s (%q): Vision One sent lastUpdatedDateTime as 1738836000`, role.ID, name), "last_updated_at is null")
	var model userRoleModel
	if diags := listed.Resource.Get(context.Background(), &model); diags.HasError() {
		t.Fatal(diags)
	}
	if model.Name.ValueString() != name || !model.LastUpdatedAt.IsNull() {
		t.Errorf("listed name %s, last_updated_at %s; want the role with a null last_updated_at", model.Name, model.LastUpdatedAt)
	}
}

// editRoles edits every role the API answers (a single GET or a listing's items) whose name ends
// in suffix.
func editRoles(suffix string, edit func(map[string]any)) func(any) any {
	named := func(role map[string]any) bool {
		name, _ := role["name"].(string)
		return strings.HasSuffix(name, suffix)
	}
	return func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		if named(m) {
			edit(m)
		}
		eachItem(func(item map[string]any) {
			if named(item) {
				edit(item)
			}
		})(m["items"])
		return v
	}
}

// oddRoles answers, in single GETs and listings alike, the roles whose names end in "capitalised"
// with the type "Custom", those whose names end in "repeated" with their first permission key
// twice, and those whose names end in "untyped" without a type.
func oddRoles() *hostileAnswer {
	edit := func(v any) any {
		v = editRoles("capitalised", func(role map[string]any) { role["type"] = "Custom" })(v)
		v = editRoles("repeated", func(role map[string]any) {
			if keys, _ := role["permissionKeys"].([]any); len(keys) > 0 {
				role["permissionKeys"] = append(keys, keys[0])
			}
		})(v)
		return editRoles("untyped", func(role map[string]any) { delete(role, "type") })(v)
	}
	odd := &hostileAnswer{passThrough: true, rewrite: editJSON(edit),
		match: func(r *http.Request) bool {
			return r.URL.Path == "/v3.0/iam/roles" && r.Method == http.MethodGet || roleRead(r)
		}}
	odd.armed.Store(true)
	return odd
}

// TestUserRoleList_oddTypesAndRepeatedKeys lists console roles the API describes loosely: one of
// type "Custom" and one with a permission key twice are listed as the custom roles they are, with
// each key once, and one without a type is listed (not left out with nothing said) with a warning
// that says it has none.
func TestUserRoleList_oddTypesAndRepeatedKeys(t *testing.T) {
	t.Parallel()
	e := startEmulatorBehind(t, oddRoles().wrap)
	keys := rolePermissionKeys(t, e, 2)
	untypedName := e.name("untyped")
	untyped := e.createRole(client.RoleCreate{Name: untypedName, PermissionKeys: keys[:1]})
	custom := map[string]*client.Role{}
	for _, name := range []string{e.name("capitalised"), e.name("repeated")} {
		custom[name] = e.createRole(client.RoleCreate{Name: name, PermissionKeys: keys})
	}
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}

	results := listDirectly(t, &userRoleListResource{data: newProviderData(api)}, &userRoleResource{},
		userRoleListModel{IncludePredefined: types.BoolNull()})
	for name, role := range custom {
		listed := listedWithID(t, results, role.ID)
		if listed == nil {
			t.Fatalf("the role %s is not listed", name)
		}
		var model userRoleModel
		if diags := listed.Resource.Get(context.Background(), &model); diags.HasError() || len(listed.Diagnostics) > 0 {
			t.Fatalf("listing the role %s: %v %v", name, listed.Diagnostics, diags)
		}
		if listed.DisplayName != name || model.Type.ValueString() != client.RoleTypeCustom || len(model.Permissions.Elements()) != len(keys) {
			t.Errorf("listed %q, type %s, permissions %s; want %q, custom, %v", listed.DisplayName, model.Type, model.Permissions, name, keys)
		}
	}

	listed := listedWithID(t, results, untyped.ID)
	if listed == nil {
		t.Fatalf("the role without a type %s is not listed", untyped.ID)
	}
	if want := untypedName + " (no type, cannot be imported)"; listed.DisplayName != want {
		t.Errorf("listed as %q, want %q", listed.DisplayName, want)
	}
	expectOneWarning(t, listed.Diagnostics, "User Role of Unknown Type",
		fmt.Sprintf("The role %q (id %s) has no type", untypedName, untyped.ID), "import is refused")
}

// TestAccUserRole_importOddTypesAndRepeatedKeys imports console roles, one of type "Custom" and
// one with a permission key twice: nothing to change, and refreshes read them as they are. A role
// without a type is refused, the error saying so.
func TestAccUserRole_importOddTypesAndRepeatedKeys(t *testing.T) {
	e := startEmulatorBehind(t, oddRoles().wrap)
	keys := rolePermissionKeys(t, e, 2)
	untypedName := e.name("untyped")
	untyped := e.createRole(client.RoleCreate{Name: untypedName, PermissionKeys: keys[:1]})
	config := e.providerConfig()
	var checks []plancheck.PlanCheck
	for _, name := range []string{"capitalised", "repeated"} {
		role := e.createRole(client.RoleCreate{Name: e.name(name), PermissionKeys: keys, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
		config += fmt.Sprintf(`
resource "visionone_user_role" %[1]q {
  name        = %[2]q
  permissions = %[3]s
}

import {
  to = visionone_user_role.%[1]s
  id = %[4]q
}
`, name, role.Name, hclStringList(keys), role.ID)
		checks = append(checks, plancheck.ExpectResourceAction("visionone_user_role."+name, plancheck.ResourceActionNoop))
	}
	untypedConfig := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "untyped" {
  name        = %[1]q
  permissions = %[2]s
}

import {
  to = visionone_user_role.untyped
  id = %[3]q
}
`, untypedName, hclStringList(keys[:1]), untyped.ID)
	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(checks, plancheck.ExpectEmptyPlan())},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_user_role.capitalised", tfjsonpath.New("type"), knownvalue.StringExact(client.RoleTypeCustom)),
				},
				Check: e.noWritesSince(before),
			},
			refreshStep(config),
			{
				Config:      untypedConfig,
				ExpectError: regexpText("User Role of Unknown Type Cannot Be Imported", fmt.Sprintf("The role %q (id %s) has no type", untypedName, untyped.ID)),
			},
		},
	})
}
