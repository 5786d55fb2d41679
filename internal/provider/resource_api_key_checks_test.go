package provider

// The checks of a visionone_api_key's name and role, at plan and at apply: lengths counted in
// characters, names unique regardless of case among the keys of the tenant and of the
// configuration, the closest role names for one that does not exist, and checks of a key that
// exists, which only warn so that terraform destroy is never blocked. Name clashes with the key's
// own replacement are in resource_api_key_rotation_test.go.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
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

// TestAccAPIKey_characterLimits counts lengths in characters, as the API does: a name, name_prefix,
// role and description at their limits in a script of three bytes a character plan and apply, and
// a key that already holds such values imports with an empty plan.
func TestAccAPIKey_characterLimits(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role with allow_api_key_assignment")
	// Each name is the test's prefix (ASCII, one byte a character) and characters up to the limit.
	fill := func(char string, limit int) string { return e.name(strings.Repeat(char, limit-len(e.prefix))) }
	role := fill("査", apiKeyNameMaxLength)
	e.createRole(client.RoleCreate{Name: role, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	name := fill("鍵", apiKeyNameMaxLength)
	prefix := fill("前", apiKeyNameMaxLength-nameSuffixLength)
	description := strings.Repeat("説", 2048)
	existingName := e.name(strings.Repeat("既", 100))
	existing := e.createAPIKey(client.APIKeyCreate{Name: existingName, Role: role, Description: description})
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name        = %[1]q
  role        = %[3]q
  description = %[4]q
}

resource "visionone_api_key" "prefixed" {
  name_prefix = %[2]q
  role        = %[3]q
}

resource "visionone_api_key" "existing" {
  name        = %[5]q
  role        = %[3]q
  description = %[4]q
}

import {
  to = visionone_api_key.existing
  id = %[6]q
}
`, name, prefix, role, description, existingName, existing.ID)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				ResourceName:           "visionone_api_key.existing",
				ImportState:            true,
				ImportStateKind:        resource.ImportBlockWithID,
				ImportStateId:          existing.ID,
				Config:                 config,
				ImportStateConfigExact: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("visionone_api_key.existing", plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("description"), knownvalue.StringExact(description)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("role"), knownvalue.StringExact(role)),
					statecheck.ExpectKnownValue("visionone_api_key.prefixed", tfjsonpath.New("name"),
						knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(prefix)+`\d{14}[0-9a-f]{8}$`))),
					statecheck.ExpectKnownValue("visionone_api_key.existing", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
					e.expectAPIKeyCount(3),
				},
			},
		},
	})
}

// TestAccAPIKey_roleSuggestions names the closest roles, of the tenant and of this configuration,
// when a key's role does not exist; nothing is written.
func TestAccAPIKey_roleSuggestions(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	integration := e.name("Splunk integration")
	key := func(role string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "integration" {
  name        = %[1]q
  permissions = [%[2]q]
}

resource "visionone_api_key" "test" {
  name       = %[3]q
  role       = %[4]q
  depends_on = [visionone_user_role.integration]
}
`, integration, keys[0], e.name("k"), role)
	}
	typo := e.name("Splunk integraton")
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"wrong case": {
			config:    key("siem"),
			wantError: regexpText("Role Not Found", `No role named "siem" exists`, "Did you mean", `"SIEM"`),
		},
		"typo of a role this configuration plans": {
			config:    key(typo),
			wantError: regexpText("Role Not Found", fmt.Sprintf("No role named %q exists", typo), "Did you mean", fmt.Sprintf("%q", integration)),
		},
	})
}

// TestAccAPIKey_destroyAfterRoleDeleted deletes, outside Terraform, the role a key names by a plain
// string (the key was given another role first, as Vision One requires): terraform destroy still
// works, although Terraform plans the configuration before destroying it, because the role check of
// a key that exists only warns. Applying the configuration fails before anything is written.
func TestAccAPIKey_destroyAfterRoleDeleted(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role with allow_api_key_assignment")
	ctx := context.Background()
	roleName := e.name("team integrations")
	role := e.createRole(client.RoleCreate{Name: roleName, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	config := e.providerConfig() + testAccAPIKeyConfig(e.name("k"), roleName, "", true)
	var id string
	var before emulator.Stats

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				PreConfig: func() {
					siem := "SIEM"
					if err := e.API.UpdateAPIKey(ctx, id, "", client.APIKeyPatch{Role: &siem}); err != nil {
						t.Fatalf("giving the key another role outside Terraform: %v", err)
					}
					if err := e.API.DeleteRole(ctx, role.ID); err != nil {
						t.Fatalf("deleting the role outside Terraform: %v", err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig:   func() { before = e.Stats() },
				Config:      config,
				ExpectError: regexpText("Role Not Found", fmt.Sprintf("No role named %q exists", roleName), "the API key is not written"),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the refused role change was written: %v", err)
					}
				},
				Config:  config,
				Destroy: true,
			},
		},
	})
}

// TestAccAPIKey_applyAfterRoleRenamed renames, outside Terraform (another configuration, or the
// console), the role that a key names by a plain string, and applies the configuration still naming
// the old one. The plan's refresh finds the key with the new name, and Terraform applies in another
// provider process, which did not refresh the key: the error of the apply, as the plan's warning,
// says that the key holds the role under its new name and how to name it, not "Did you mean", nor
// "run terraform plan again", which a role this configuration manages calls for. The error says so
// again on the next apply, whose refresh finds the role name unchanged. A mistyped role on a key
// whose role was never renamed still gets "Did you mean". Nothing is written until the
// configuration names the roles right.
func TestAccAPIKey_applyAfterRoleRenamed(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role with allow_api_key_assignment")
	ctx := context.Background()
	before, after := e.name("team-analyst"), e.name("team-analyst-v2")
	role := e.createRole(client.RoleCreate{Name: before, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	config := func(renamedKeyRole, otherKeyRole string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "renamed" {
  name = %[1]q
  role = %[2]q
}

resource "visionone_api_key" "other" {
  name = %[3]q
  role = %[4]q
}
`, e.name("k_renamed"), renamedKeyRole, e.name("k_other"), otherKeyRole)
	}
	// The whole of the error's detail, to its end: nothing follows the advice.
	renamedAdvice := regexp.MustCompile(regexpText("Role Not Found", "with visionone_api_key.renamed",
		fmt.Sprintf("The API key holds the role now named %q (renamed outside this configuration, in the console or by the "+
			"configuration that manages it), and no role named %q exists in the Vision One tenant, so the API key is not "+
			"written: set role = %q, or refer to the role by its id through the visionone_user_role data source, which "+
			"follows later renames:", after, before, after),
		`data "visionone_user_role" "<name>" {`, fmt.Sprintf("id = %q", role.ID), "}",
		"with role = data.visionone_user_role.<name>.name.").String() + `\s*$`)
	var writes emulator.Stats

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{Config: config(before, "SIEM")},
			{
				PreConfig: func() {
					if err := e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{Name: &after}); err != nil {
						t.Fatalf("renaming the role outside Terraform: %v", err)
					}
					writes = e.Stats()
				},
				Config:      config(before, "SIEM"),
				ExpectError: renamedAdvice,
			},
			{
				// The state holds the new name since the last apply, whose refresh found it.
				Config:      config(before, "SIEM"),
				ExpectError: renamedAdvice,
			},
			{
				Config: config(after, "SEIM"),
				ExpectError: regexpText("Role Not Found", "with visionone_api_key.other", `No role named "SEIM" exists`,
					`Did you mean "SIEM"`, "run terraform plan again"),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(writes)(nil); err != nil {
						t.Fatalf("a refused role change was written: %v", err)
					}
				},
				Config: config(after, "SIEM"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccAPIKey_importExpiredKeyWithRetiredRole adopts an expired console key whose role new keys
// may no longer have (its allow_api_key_assignment was switched off after the key was made, as
// Master Administrator was for all keys in October 2025): the import plans the key's replacement,
// and the role check of the new key fails. The error says that the replacement is the cause and how
// to leave the key alone. Given a role new keys may have, the key is replaced; as the API does not
// report its creation time, its validity was null, and the new key gets the default of 12 months.
func TestAccAPIKey_importExpiredKeyWithRetiredRole(t *testing.T) {
	e := startEmulatorBehind(t, undatedAPIKeys().wrap)
	e.requireMasterAdministrator("create a role with allow_api_key_assignment")
	ctx := context.Background()
	roleName := e.name("legacy integrations")
	role := e.createRole(client.RoleCreate{Name: roleName, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	name := e.name("legacy")
	key := e.createAPIKey(client.APIKeyCreate{Name: name, Role: roleName, MonthsToExpiration: pointerTo[int64](1)})
	if err := e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{AllowAPIKeyAssignment: pointerTo(false)}); err != nil {
		t.Fatalf("retiring the role for new keys: %v", err)
	}
	e.AdvanceClock(32 * 24 * time.Hour)
	before := e.Stats()

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: testAccImportedAPIKeyConfig(e, key.ID, name, roleName, ""),
				ExpectError: regexpText("Role Not Assignable to API Keys", strconv.Quote(roleName), "does not allow API key assignment",
					"API key "+key.ID+" is planned for replacement", `"API Key Will Be Replaced"`,
					"a new key cannot be given it", "remove its import block", "delete it in Administration → API Keys"),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the refused replacement was written: %v", err)
					}
				},
				Config: testAccImportedAPIKeyConfig(e, key.ID, name, "SIEM", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
						if id == key.ID {
							return fmt.Errorf("the expired key %s was kept", id)
						}
						return nil
					})),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Int64Exact(12)),
					e.expectAPIKeyCount(1),
					emulatorCheck(func(ctx context.Context) error {
						replacement, err := e.API.FindAPIKeyByName(ctx, name)
						if err != nil {
							return err
						}
						if months := monthsToExpirationOf(replacement); !months.Equal(types.Int64Value(12)) {
							return fmt.Errorf("the replacement key is valid for %s months, want 12", months)
						}
						return nil
					}),
				},
			},
		},
	})
}

// TestAccAPIKey_namesDifferingInCase refuses at plan, with nothing written, two keys of one
// configuration whose names differ only in case, as Vision One keeps key names unique regardless
// of case.
func TestAccAPIKey_namesDifferingInCase(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"two new keys": {
			config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "upper" {
  name = %[1]q
  role = "SIEM"
}

resource "visionone_api_key" "lower" {
  name = %[2]q
  role = "SIEM"
}
`, e.name("Splunk"), e.name("splunk")),
			wantError: regexpText("API Key Already Exists", "another visionone_api_key of this configuration plans", "for a new API key",
				"API key names are unique regardless of case, so only one of them can have it"),
		},
	})
}

// TestAccAPIKey_nameTakenInConfiguration adds a key whose name differs only in case from a key this
// configuration already manages: the plan fails, names the existing key's id, and does not suggest
// importing it.
func TestAccAPIKey_nameTakenInConfiguration(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	shared := e.name("shared")
	existing := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "existing" {
  name = %q
  role = "SIEM"
}
`, shared)
	var before emulator.Stats
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{Config: existing},
			{
				PreConfig: func() { before = e.Stats() },
				// depends_on makes Terraform plan the existing key first, so that the provider has
				// seen it when it plans the new one.
				Config: existing + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name       = %q
  role       = "SIEM"
  depends_on = [visionone_api_key.existing]
}
`, strings.ToUpper(shared)),
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)API Key Already Exists.*This resource plans the name `+
					regexp.QuoteMeta(fmt.Sprintf("%q", strings.ToUpper(shared)))+`, and another visionone_api_key of this configuration plans `+
					regexp.QuoteMeta(fmt.Sprintf("%q", shared))+` for the API key with id [0-9a-f-]{36}: API key names are unique `+
					`regardless of case, so only one of them can have it\. Give one of the two resources another name\.`, " ", `\s+`)),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the refused key was written: %v", err)
					}
				},
				Config: existing,
			},
		},
	})
}

// TestAccAPIKey_nameTakenInTenantPlans plans, beside a new role, a key whose name a key made in the
// console has, spelled the same: the plan succeeds, with the warning that
// TestAPIKey_modifyPlanNameTakenWarns asserts (in an apply, that key may be this resource's own
// current one under create_before_destroy, see checkName), and nothing is written. (For a new key, a
// name that differs in case only fails the plan: TestAccAPIKey_duplicateName.)
func TestAccAPIKey_nameTakenInTenantPlans(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	taken := e.name("dup-key")
	e.createAPIKey(client.APIKeyCreate{Name: taken, Role: "SIEM"})
	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(taken, "SIEM", "", true) + fmt.Sprintf(`
resource "visionone_user_role" "unrelated" {
  name        = %q
  permissions = [%q]
}
`, e.name("unrelated"), rolePermissionKeys(t, e, 1)[0]),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("visionone_user_role.unrelated", plancheck.ResourceActionCreate),
				}},
			},
			{
				Config: e.providerConfig(),
				Check:  e.noWritesSince(before),
			},
		},
	})
}

// TestAPIKey_modifyPlanNameTakenWarns calls ModifyPlan as Terraform plans a new key whose name a key
// of the tenant has, spelled the same: the plan warns, naming the key, its id and how to import it,
// and leaves the refusal to the apply (see checkName); terraform-plugin-testing cannot see
// warnings. A key the provider has seen in this configuration's state, such as the tainted one this
// plan replaces, is not reported.
func TestAPIKey_modifyPlanNameTakenWarns(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	taken := e.name("dup-key")
	existing := e.createAPIKey(client.APIKeyCreate{Name: taken, Role: "SIEM"})
	planNew := func(r *apiKeyResource) *fwresource.ModifyPlanResponse {
		t.Helper()
		return modifyPlanOfCreate(t, r, apiKeyResourceModel{
			ID: types.StringUnknown(), Name: types.StringValue(taken), NamePrefix: types.StringNull(), Role: types.StringValue("SIEM"),
			Description: types.StringValue(""), Enabled: types.BoolValue(true), ExpiresInMonths: types.Int64Value(12),
			RotateBefore: timetypes.NewGoDurationNull(), Keepers: types.MapNull(types.StringType), Value: types.StringUnknown(),
			ExpiresAt: timetypes.NewRFC3339Unknown(), LastUsedAt: timetypes.NewRFC3339Unknown(), CreatedAt: timetypes.NewRFC3339Unknown(),
		})
	}

	expectOneWarning(t, planNew(&apiKeyResource{data: newProviderData(e.API)}).Diagnostics, "API Key Already Exists",
		slices.Concat([]string{fmt.Sprintf("Vision One already has the API key %q (id %s)", taken, existing.ID)},
			wantLookFirst("API key", existing.ID), wantImportHint(apiKeyType, existing.ID),
			[]string{"cannot recover the key's value", "create_before_destroy", "use name_prefix instead of name",
				"applying this plan fails"})...)

	seen := newProviderData(e.API)
	seen.noteManaged(apiKeyType, existing.ID)
	if resp := planNew(&apiKeyResource{data: seen}); len(resp.Diagnostics) != 0 {
		t.Errorf("a key seen in the state: want no diagnostics, got %v", resp.Diagnostics)
	}
}

// testAccAPIKeysConfig is one key with role Auditor for each address and name of names, in the
// order given: address, name, address, name...
func testAccAPIKeysConfig(e *testEmulator, names ...string) string {
	config := e.providerConfig()
	for i := 0; i+1 < len(names); i += 2 {
		config += fmt.Sprintf(`
resource "visionone_api_key" %q {
  name = %q
  role = "Auditor"
}
`, names[i], names[i+1])
	}
	return config
}

// TestAccAPIKey_renameIntoFreedName renames a key away from its name and, in the same apply, renames
// another key to that name, then creates a key with a name a third rename frees. Terraform may run
// the two changes in either order; the proxy holds the rename away until the taker has been refused,
// the order that used to fail. The taker waits for the rename of this apply that frees its name, and
// the apply succeeds with every name as configured.
func TestAccAPIKey_renameIntoFreedName(t *testing.T) {
	handover := &nameHandover{}
	e := startEmulatorBehind(t, handover.wrap)
	c1, c2, old := e.name("c1"), e.name("c2"), e.name("c1-old")
	config := func(addressesAndNames ...string) string { return testAccAPIKeysConfig(e, addressesAndNames...) }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps:                    renameIntoFreedNameSteps(apiKeyType, handover, config, c1, c2, old, e.expectAPIKeyCount(3)),
	})
}
