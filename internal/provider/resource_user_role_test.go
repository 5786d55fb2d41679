package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

const userRoleAddr = "visionone_user_role.test"

func TestAccUserRole_basic(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 2)
	name := e.name("Third-party auditors")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, name, hclStringList(keys)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidPattern)),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("permissions"), knownvalue.SetExact(knownStringValues(keys))),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_api_key_assignment"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_user_account_assignment"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("type"), knownvalue.StringExact(client.RoleTypeCustom)),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("last_updated_at"), knownvalue.NotNull()),
					expectRoleInEmulator(e, name, roleWithDefaults(keys)),
				},
			},
			{
				// terraform import visionone_user_role.test <id>
				ResourceName:      userRoleAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// terraform import visionone_user_role.test "<prefix>Third-party auditors"
				ResourceName:      userRoleAddr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
			{
				// terraform import visionone_user_role.test "<PREFIX>THIRD-PARTY AUDITORS": names that
				// differ in case only name one role (API.md, "Decision: role limits"), and the state
				// holds the name as Vision One spells it.
				ResourceName:      userRoleAddr,
				ImportState:       true,
				ImportStateId:     strings.ToUpper(name),
				ImportStateVerify: true,
			},
			{
				// import { to = visionone_user_role.test, id = "<id>" }
				ResourceName:    userRoleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// import { to = ..., id = "<prefix>Third-party auditors" }, by name
				ResourceName:    userRoleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   name,
			},
			{
				// import { to = ..., id = "<prefix>third-party auditors" }: a no-op import too.
				ResourceName:    userRoleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   strings.ToLower(name),
			},
			{
				// terraform plan -generate-config-out: the generated resource block must plan as a
				// no-op import, so the Optional+Computed attributes and defaults round-trip.
				ResourceName:    userRoleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				GenerateConfig:  true,
			},
		},
	})
}

// TestAccUserRole_updateInPlace changes every argument in turn and proves each is an
// in-place update of the same role, and that removing description and the flags from the
// configuration restores their defaults.
func TestAccUserRole_updateInPlace(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 2)
	name, external := e.name("auditors"), e.name("auditors (external)")
	sameID := statecheck.CompareValue(compare.ValuesSame())

	step := func(body string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			Config: e.providerConfig() + "\nresource \"visionone_user_role\" \"test\" {\n" + body + "\n}\n",
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: append(checks, sameID.AddStateValue(userRoleAddr, tfjsonpath.New("id"))),
		}
	}
	create := step(fmt.Sprintf(`  name = %[1]q
  permissions = %[2]s`, name, hclStringList(keys[:1])))
	create.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionCreate)}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			create,
			step(fmt.Sprintf(`  name = %[1]q
  permissions = %[2]s`, external, hclStringList(keys[:1])),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("name"), knownvalue.StringExact(external)),
				expectRoleInEmulator(e, external, roleWithDefaults(keys[:1]))),
			step(fmt.Sprintf(`  name = %[1]q
  description = "Read-only access for the external auditor"
  permissions = %[2]s`, external, hclStringList(keys[:1])),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("Read-only access for the external auditor"))),
			step(fmt.Sprintf(`  name = %[1]q
  description = "Read-only access for the external auditor"
  permissions = %[2]s`, external, hclStringList(keys)),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("permissions"), knownvalue.SetExact(knownStringValues(keys))),
				expectRoleInEmulator(e, external, roleInAPI{description: "Read-only access for the external auditor", permissions: keys,
					allowAPIKeyAssignment: true, allowUserAccountAssignment: true})),
			step(fmt.Sprintf(`  name = %[1]q
  description = "Read-only access for the external auditor"
  permissions = %[2]s
  allow_api_key_assignment = false`, external, hclStringList(keys)),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_api_key_assignment"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_user_account_assignment"), knownvalue.Bool(true))),
			step(fmt.Sprintf(`  name = %[1]q
  description = "Read-only access for the external auditor"
  permissions = %[2]s
  allow_api_key_assignment = false
  allow_user_account_assignment = false`, external, hclStringList(keys)),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_user_account_assignment"), knownvalue.Bool(false))),
			step(fmt.Sprintf(`  name = %[1]q
  permissions = %[2]s`, external, hclStringList(keys)),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_api_key_assignment"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_user_account_assignment"), knownvalue.Bool(true))),
		},
	})
}

// TestAccUserRole_bodiesWithoutPermissionKeys manages a role on a tenant whose roles come without
// permissionKeys (API.md, "Decision: role bodies"), whose keys the provider then reads from
// /roles/{id}/permissions: the role is created and updated with no change left to plan, and
// imported with its permissions by id and by its name in another letter case.
func TestAccUserRole_bodiesWithoutPermissionKeys(t *testing.T) {
	e := startEmulator(t, emulator.Options{RolesOmitPermissionKeys: true})
	keys := rolePermissionKeys(t, e, 2)
	name := e.name("auditors")
	step := func(keys []string) resource.TestStep {
		return resource.TestStep{
			Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, name, hclStringList(keys)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("permissions"), knownvalue.SetExact(knownStringValues(keys))),
				expectRoleInEmulator(e, name, roleWithDefaults(keys)),
			},
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			step(keys[:1]),
			step(keys),
			{ResourceName: userRoleAddr, ImportState: true, ImportStateVerify: true},
			{ResourceName: userRoleAddr, ImportState: true, ImportStateId: strings.ToUpper(name), ImportStateVerify: true},
		},
	})
}

// TestAccUserRole_noPermissions manages a role with no permissions, which Vision One allows (API.md,
// "Decision: role limits"), under a name with characters outside letters, digits and common
// punctuation: created empty, given permissions, emptied again (which the API must then hold),
// renamed to a name that ends in a space, and imported.
func TestAccUserRole_noPermissions(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 2)
	name, spaced := e.name("Team #1 (ops)!"), e.name("Team #1 (ops)! ")
	step := func(name string, permissions []string, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, name, hclStringList(permissions)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(userRoleAddr, action)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("permissions"), knownvalue.SetExact(knownStringValues(permissions))),
			},
			Check: expectRolePermissionsInAPI(e, permissions),
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			step(name, nil, plancheck.ResourceActionCreate),
			step(name, keys, plancheck.ResourceActionUpdate),
			step(name, nil, plancheck.ResourceActionUpdate),
			step(spaced, nil, plancheck.ResourceActionUpdate),
			{
				ResourceName:      userRoleAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// terraform plan -generate-config-out: `permissions = []` round-trips.
				ResourceName:    userRoleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				GenerateConfig:  true,
			},
		},
	})
}

// expectRolePermissionsInAPI checks the permission keys of the role in the state as the API holds
// them, with a GET of the role (never served from a listing the test client may hold).
func expectRolePermissionsInAPI(e *testEmulator, want []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[userRoleAddr]
		if !ok {
			return fmt.Errorf("%s is not in the state", userRoleAddr)
		}
		role, err := e.API.GetRole(context.Background(), rs.Primary.ID)
		if err != nil {
			return fmt.Errorf("reading the role %s: %w", rs.Primary.ID, err)
		}
		if got := slices.Sorted(slices.Values(role.PermissionKeys)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			return fmt.Errorf("the role %s holds the permissions %v in Vision One, want %v", rs.Primary.ID, got, want)
		}
		return nil
	}
}

// TestAccUserRole_deletedOutside deletes the role behind Terraform's back: the refresh
// removes it from state (with a warning) and the plan creates it again.
func TestAccUserRole_deletedOutside(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, name, hclStringList(keys))
	newID := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(userRoleAddr, tfjsonpath.New("id"))},
			},
			{
				PreConfig: func() {
					role := findRole(t, e, name)
					if err := e.API.DeleteRole(context.Background(), role.ID); err != nil {
						t.Fatalf("deleting the role outside Terraform: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(userRoleAddr, tfjsonpath.New("id")),
					expectRoleInEmulator(e, name, roleWithDefaults(keys)),
				},
			},
		},
	})
}

// TestAccUserRole_changedOutside changes every field of the role behind Terraform's back: the
// refresh reads each change, and the plan is an in-place update that puts the configuration back in
// Vision One.
func TestAccUserRole_changedOutside(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 2)
	name := e.name("auditors")
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  description = "managed by Terraform"
  permissions = %[2]s
}
`, name, hclStringList(keys[:1]))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					role := findRole(t, e, name)
					err := e.API.UpdateRole(context.Background(), role.ID, "", client.RolePatch{
						Description:                pointerTo("changed in the console"),
						PermissionKeys:             pointerTo(keys[1:]),
						AllowAPIKeyAssignment:      pointerTo(false),
						AllowUserAccountAssignment: pointerTo(false),
					})
					if err != nil {
						t.Fatalf("changing the role outside Terraform: %v", err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(userRoleAddr, "description", "changed in the console"),
					resource.TestCheckResourceAttr(userRoleAddr, "permissions.#", "1"),
					resource.TestCheckTypeSetElemAttr(userRoleAddr, "permissions.*", keys[1]),
					resource.TestCheckResourceAttr(userRoleAddr, "allow_api_key_assignment", "false"),
					resource.TestCheckResourceAttr(userRoleAddr, "allow_user_account_assignment", "false"),
				),
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("managed by Terraform")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("managed by Terraform")),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("permissions"), knownvalue.SetExact(knownStringValues(keys[:1]))),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_api_key_assignment"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("allow_user_account_assignment"), knownvalue.Bool(true)),
					expectRoleInEmulator(e, name, roleInAPI{description: "managed by Terraform", permissions: keys[:1],
						allowAPIKeyAssignment: true, allowUserAccountAssignment: true}),
				},
			},
		},
	})
}

// roleHolders is how many API keys and how many accounts TestAccUserRole_renameWithHolders gives
// the role: more than the client reads one by one, so that some holders are refreshed from the
// shared listing and carry a fingerprint, which names the role, rather than an ETag.
const roleHolders = 3

// TestAccUserRole_renameWithHolders renames a role that keys and accounts of the same
// configuration name by reference. The role is renamed first, and the API then reports the new
// name on its holders: that is a change since their refresh, but the one their plan makes, so
// their updates go through rather than fail as changed outside Terraform.
func TestAccUserRole_renameWithHolders(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	permissions := hclStringList(rolePermissionKeys(t, e, 1))
	name, renamed := e.name("holders"), e.name("holders-renamed")
	emails := make([]string, roleHolders)
	for i := range emails {
		emails[i] = e.email(fmt.Sprintf("holder-%d", i))
	}
	config := func(role string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}

resource "visionone_api_key" "holder" {
  count = %[3]d
  name  = "%[4]sholder-${count.index}"
  role  = visionone_user_role.test.name
}

resource "visionone_account" "holder" {
  count = %[3]d
  email = "%[4]sholder-${count.index}@example.com"
  role  = visionone_user_role.test.name
}
`, role, permissions, roleHolders, e.prefix)
	}
	var holdersRenamed []statecheck.StateCheck
	for i := range roleHolders {
		for _, holder := range []string{"visionone_api_key.holder", "visionone_account.holder"} {
			holdersRenamed = append(holdersRenamed, statecheck.ExpectKnownValue(fmt.Sprintf("%s[%d]", holder, i),
				tfjsonpath.New("role"), knownvalue.StringExact(renamed)))
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(testAccCheckUserRoleDestroyed(e), e.apiKeysGone,
			e.checkAccountsGone(emails...)),
		Steps: []resource.TestStep{
			{Config: config(name)},
			{
				// An invited account's role change waits for its acceptance (deferPendingChanges).
				PreConfig: func() {
					for _, email := range emails {
						e.acceptInvitation(t, email)
					}
				},
				Config: config(renamed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("visionone_api_key.holder[0]", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("visionone_account.holder[0]", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(holdersRenamed,
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("name"), knownvalue.StringExact(renamed))),
			},
		},
	})
}

// startPatchRace starts an emulator behind a roleRace on the PATCHes of roles, and returns them
// with the name of the role the tests create and its configuration with a description.
func startPatchRace(t *testing.T) (*roleRace, *testEmulator, string, func(description string) string) {
	t.Helper()
	race := &roleRace{method: http.MethodPatch}
	e := startEmulatorBehind(t, race.wrap)
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")
	return race, e, name, func(description string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  description = %[2]q
  permissions = %[3]s
}
`, name, description, hclStringList(keys))
	}
}

// TestAccUserRole_changedBetweenPlanAndApply has someone change the role after Terraform's
// refresh and before its PATCH: a proxy in front of the emulator applies a console change just
// before it forwards Terraform's PATCH, whose If-Match then carries the ETag read by the refresh.
// The apply must fail with the concurrent-change error and not overwrite the change; the next run
// plans the update again from the role as it now is and applies it.
func TestAccUserRole_changedBetweenPlanAndApply(t *testing.T) {
	race, e, name, config := startPatchRace(t)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{Config: config("first")},
			{
				PreConfig: func() {
					race.arm(func(id string) error {
						return e.API.UpdateRole(context.Background(), id, "", client.RolePatch{Description: pointerTo("changed in the console")})
					})
				},
				Config: config("second"),
				ExpectError: regexpText("User Role Changed Outside Terraform", fmt.Sprintf(`the user role %q`, name), "(HTTP 412)",
					"nothing was changed", `Changed outside Terraform: description (was "first", is "changed in the console")`,
					"Run terraform plan again: the new plan shows this change"),
			},
			{
				PreConfig: func() {
					if !race.fired() {
						t.Fatal("the console change was never injected before a PATCH")
					}
					// The failed apply did not overwrite the console's change.
					if role := findRole(t, e, name); role.Description != "changed in the console" {
						t.Fatalf("description after the refused update = %q, want the console's change", role.Description)
					}
				},
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// The refused update stored the role as it is: the refresh finds nothing new.
						expectNoDrift(userRoleAddr),
						plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionUpdate),
						expectPlannedFrom(userRoleAddr, "description", "changed in the console"),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
				},
			},
		},
	})
}

// TestAccUserRole_changedAgainAfterRetry has the role changed in the console before each PATCH,
// both times to what the plan makes: the first 412 conflicts with nothing and the update is sent
// again, but only once, so the second 412 is reported. The state then holds the role as it is,
// which is what the configuration says.
func TestAccUserRole_changedAgainAfterRetry(t *testing.T) {
	race, e, name, config := startPatchRace(t)
	var changes atomic.Int32
	asPlanned := func(id string) error {
		changes.Add(1)
		return e.API.UpdateRole(context.Background(), id, "", client.RolePatch{Description: pointerTo("second")})
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{Config: config("first")},
			{
				PreConfig: func() {
					race.arm(func(id string) error {
						race.arm(asPlanned) // before the PATCH sent again
						return asPlanned(id)
					})
				},
				Config: config("second"),
				ExpectError: regexpText("User Role Changed Outside Terraform", fmt.Sprintf(`the user role %q`, name), "(HTTP 412)",
					`Changed outside Terraform: description (was "first", is "second")`),
			},
			{
				PreConfig: func() {
					if n := changes.Load(); n != 2 {
						t.Fatalf("the role was changed before %d PATCHes, want 2 (the update and the one retry)", n)
					}
				},
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectNoDrift(userRoleAddr),
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccUserRole_deletedBeforeDestroy has someone delete the role after Terraform's
// refresh and before its DELETE: the API answers 404, which counts as deleted, so the destroy
// succeeds instead of failing on an object that is already gone.
func TestAccUserRole_deletedBeforeDestroy(t *testing.T) {
	race := &roleRace{method: http.MethodDelete}
	e := startEmulatorBehind(t, race.wrap)
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, name, hclStringList(keys)),
			},
			{
				PreConfig: func() {
					race.arm(func(id string) error { return e.API.DeleteRole(context.Background(), id) })
				},
				// The role leaves the configuration: Terraform plans and applies its deletion.
				Config: e.providerConfig(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionDestroy)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					emulatorCheck(func(context.Context) error {
						if !race.fired() {
							return fmt.Errorf("the role was not deleted behind Terraform's back before its DELETE")
						}
						return nil
					}),
				},
			},
		},
	})
}

// TestAccUserRole_invalidInput proves that every bad argument fails at plan, with a message
// that says what is wrong, before any request writes anything.
func TestAccUserRole_invalidInput(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	key := keys[0]
	// A typo in the middle of a real key: the error must suggest the real one.
	typo := key[:len(key)/2] + key[len(key)/2+1:]
	console := e.name("made in the console")
	existing := e.createRole(client.RoleCreate{Name: console, PermissionKeys: keys})
	auditing := catalogPermission(t, e, func(p client.Permission) bool {
		return p.Name == "Third-party auditing (API only)"
	})
	role := func(arguments string) string {
		return e.providerConfig() + "\nresource \"visionone_user_role\" \"test\" {\n" + strings.ReplaceAll(arguments, "; ", "\n") + "\n}\n"
	}

	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"empty name": {
			config:    role(fmt.Sprintf(`name = ""; permissions = [%[1]q]`, key)),
			wantError: regexpText("Attribute name UTF-8 character count must be between 1 and 128, got: 0"),
		},
		"name too long": {
			config:    role(fmt.Sprintf(`name = %[1]q; permissions = [%[2]q]`, strings.Repeat("a", 129), key)),
			wantError: regexpText("Attribute name UTF-8 character count must be between 1 and 128, got: 129"),
		},
		"unknown permission with a suggestion": {
			config:    role(fmt.Sprintf(`name = "auditors"; permissions = [%[1]q]`, typo)),
			wantError: regexpText("Unknown Permission Key", fmt.Sprintf("%q is not a permission key", typo), fmt.Sprintf("Did you mean %q", key)),
		},
		"unknown permission without a close match": {
			config:    role(`name = "auditors"; permissions = ["zzzz.nothing.like.this"]`),
			wantError: regexpText(`"zzzz.nothing.like.this" is not a permission key of this Vision One tenant. The visionone_permissions data source lists every key`),
		},
		"permission keys differing only in case": {
			config:    role(fmt.Sprintf(`name = "auditors"; permissions = [%[1]q, %[2]q]`, key, strings.ToUpper(key))),
			wantError: regexpText("Duplicate Permission Key"),
		},
		"predefined role name": {
			config:    role(fmt.Sprintf(`name = "auditor"; permissions = [%[1]q]`, key)),
			wantError: regexpText("Predefined Role Name", `"auditor" is the name of the predefined Vision One role "Auditor"`, `data "visionone_user_role"`),
		},
		"name of an existing custom role": {
			config: role(fmt.Sprintf(`name = %[1]q; permissions = [%[2]q]`, strings.ToUpper(console), key)),
			wantError: regexpText(slices.Concat([]string{"User Role Already Exists",
				fmt.Sprintf(`Vision One already has the user role %q (id %s)`, console, existing.ID)},
				wantLookFirst("user role", existing.ID), wantImportHint(userRoleType, existing.ID), []string{"give this resource another name"})...),
		},
		"description too long": {
			config:    role(fmt.Sprintf(`name = "auditors"; description = %[1]q; permissions = [%[2]q]`, strings.Repeat("d", 2049), key)),
			wantError: regexpText("Attribute description UTF-8 character count must be at most 2048, got: 2049"),
		},
		"console name instead of a key": {
			config:    role(fmt.Sprintf(`name = "auditors"; permissions = [%[1]q]`, auditing.Name)),
			wantError: regexpText(fmt.Sprintf("It is the console name of the permission whose key is %q; use the key.", auditing.Key)),
		},
	})
}

// TestAccUserRole_catalogUnavailable serves a tenant whose permission-key endpoint is
// missing (role endpoints are recent and may not be enabled everywhere: API.md, "Endpoints"). The
// plan goes on, and the API decides at apply: a real key is created, an unknown key fails the apply
// with the API's own message.
func TestAccUserRole_catalogUnavailable(t *testing.T) {
	e := startEmulatorBehind(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v3.0/iam/roles/permissionKeys" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"error":{"code":"NotFound","message":"Not found"}}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")
	config := func(permission string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = [%[2]q]
}
`, name, permission)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config:      config("platform.no.such.key"),
				ExpectError: regexpText("Error Creating User Role", fmt.Sprintf("Creating the user role %q", name), "400"),
			},
			{
				Config:            config(keys[0]),
				ConfigStateChecks: []statecheck.StateCheck{expectRoleInEmulator(e, name, roleWithDefaults(keys))},
			},
		},
	})
}

// retiredPermissionKey is a permission key that the tenant's catalog does not list: a role made in
// the console years ago may still hold a key that Trend has since retired.
const retiredPermissionKey = "legacy.reportManagement.thirdPartyAuditing"

// startEmulatorWithConsoleRole starts an emulator whose tenant already holds a custom role named
// name with these permission keys, as a role made in the console, and returns it with the role's
// id: the API refuses to create a role holding a key that its catalog does not list.
func startEmulatorWithConsoleRole(t *testing.T, name string, keys []string) (*testEmulator, string) {
	t.Helper()
	const id = "5b0c6a9e-2f4d-4c1e-9a7b-3d2e1f0a9b8c"
	return startEmulatorWithState(t, map[string]any{"version": 1, "sequence": 1, "roles": []map[string]any{{
		"id": id, "name": name, "type": client.RoleTypeCustom, "permissionKeys": keys,
		"allowApiKeyAssignment": true, "allowUserAccountAssignment": true, "lastUpdated": "2019-05-01T10:00:00Z", "version": 1,
	}}}), id
}

// TestAccUserRole_retiredPermissionKey adopts a console role that holds a permission key the
// tenant's catalog no longer lists, beside one it does. The import plans nothing. Adding a
// permission sends the whole set, which Vision One refuses for the retired key: the apply's error
// names that key as one the role already had, which the configuration must drop, rather than
// blaming a value the configuration got wrong. Dropping it in the same change applies.
func TestAccUserRole_retiredPermissionKey(t *testing.T) {
	const name, view, export = "Legacy Auditor", "platform.auditLogs.view", "platform.auditLogs.export"
	e, id := startEmulatorWithConsoleRole(t, name, []string{retiredPermissionKey, view})
	config := func(permissions ...string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}

import {
  to = visionone_user_role.test
  id = %[3]q
}
`, name, hclStringList(permissions), id)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: config(retiredPermissionKey, view),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: config(retiredPermissionKey, view, export),
				ExpectError: regexpText("Error Updating User Role", strconv.Quote(retiredPermissionKey),
					"the role had it already", "a change of permissions sends every key the role keeps",
					"Remove "+strconv.Quote(retiredPermissionKey)+" from permissions"),
			},
			{
				Config: config(view, export),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					expectRoleInEmulator(e, name, roleWithDefaults([]string{export, view})),
				},
			},
		},
	})
}

// TestUserRole_modifyPlanRetiredPermissionKeyWarns calls ModifyPlan as Terraform plans changes of a
// role that holds a permission key the catalog no longer lists, to assert the warnings
// terraform-plugin-testing cannot see: a change of permissions that keeps the key warns, naming it,
// that it must be removed before the permissions can change; a change that drops it, or leaves the
// permissions alone (the update does not send them), says nothing and reads no catalog.
func TestUserRole_modifyPlanRetiredPermissionKeyWarns(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 2)
	role := func(description string, permissions ...string) userRoleModel {
		values := make([]attr.Value, len(permissions))
		for i, p := range permissions {
			values[i] = types.StringValue(p)
		}
		return userRoleModel{
			ID:                         types.StringValue("5b0c6a9e-2f4d-4c1e-9a7b-3d2e1f0a9b8c"),
			Name:                       types.StringValue(e.name("legacy auditors")),
			Description:                types.StringValue(description),
			Permissions:                types.SetValueMust(types.StringType, values),
			AllowAPIKeyAssignment:      types.BoolValue(true),
			AllowUserAccountAssignment: types.BoolValue(true),
			Type:                       types.StringValue(client.RoleTypeCustom),
			LastUpdatedAt:              timetypes.NewRFC3339Null(),
		}
	}
	state := role("", retiredPermissionKey, keys[0])
	plan := func(r *userRoleResource, planned userRoleModel) *fwresource.ModifyPlanResponse {
		t.Helper()
		return modifyPlanOfUpdate(t, r, state, planned)
	}

	resp := plan(&userRoleResource{data: newProviderData(e.API)}, role("", retiredPermissionKey, keys[0], keys[1]))
	expectOneWarning(t, resp.Diagnostics, "Retired Permission Key",
		fmt.Sprintf("This plan changes the permissions of the user role %q (id %s). The role keeps the permission key %q, "+
			"which the tenant's permission catalog does not list", state.Name.ValueString(), state.ID.ValueString(), retiredPermissionKey),
		"A change of permissions sends every key the role keeps",
		fmt.Sprintf("Before the role's permissions can change, remove %q from permissions", retiredPermissionKey))

	before := e.Stats()
	for what, planned := range map[string]userRoleModel{
		"dropping the retired key": role("", keys[0], keys[1]),
		"leaving the permissions":  role("changed", retiredPermissionKey, keys[0]),
	} {
		if resp := plan(&userRoleResource{data: newProviderData(e.API)}, planned); len(resp.Diagnostics) != 0 {
			t.Errorf("%s: want no diagnostics, got %v", what, resp.Diagnostics)
		}
	}
	if reads := e.Stats().Requests["GET /v3.0/iam/roles/permissionKeys"] - before.Requests["GET /v3.0/iam/roles/permissionKeys"]; reads != 1 {
		t.Errorf("the plans read the catalog %d times, want once (for the key the plan that drops the retired one adds)", reads)
	}
}

// TestAccUserRole_catalogInAnotherShape serves a permission catalog whose items name the key
// otherwise (permissionKey), as a tenant may: the catalog's body is not published (API.md, "Roles:
// permission catalog"). Read as it is, every key would be unknown and no configuration could pass
// the plan. The plan warns once that it could not check the keys and goes on; the apply creates
// the role, and Vision One checks its keys.
func TestAccUserRole_catalogInAnotherShape(t *testing.T) {
	renamed := &hostileAnswer{passThrough: true, rewrite: editJSON(func(v any) any {
		body, _ := v.(map[string]any)
		items, _ := body["items"].([]any)
		for _, item := range items {
			if permission, ok := item.(map[string]any); ok {
				permission["permissionKey"] = permission["key"]
				delete(permission, "key")
			}
		}
		return v
	}), match: func(r *http.Request) bool { return r.URL.Path == "/v3.0/iam/roles/permissionKeys" }}
	renamed.armed.Store(true)
	e := startEmulatorBehind(t, renamed.wrap)
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")
	w := newCLIWorkspace(t, featureNone)
	w.write("main.tf", e.providerConfig()+fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = [%[2]q]
}
`, name, keys[0]))
	w.run([]int{0}, "init", "-input=false", "-no-color")

	warnings := w.planWarnings("Permission Keys Not Checked")
	if len(warnings) != 1 || !strings.Contains(warnings[0], "/v3.0/iam/roles/permissionKeys: the 200 answer could not be used: "+
		"item 1 of the page has no key") || !strings.Contains(warnings[0], "Vision One checks them when the role is written") {
		t.Errorf("the plan's warnings that the keys were not checked: %q; want one, naming the catalog's item without a key",
			warnings)
	}
	if renamed.hits.Load() == 0 {
		t.Fatal("the plan did not read the catalog")
	}
	w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	var created statecheck.CheckStateResponse
	expectRoleInEmulator(e, name, roleWithDefaults(keys)).CheckState(context.Background(), statecheck.CheckStateRequest{}, &created)
	if created.Error != nil {
		t.Error(created.Error)
	}
	w.write("main.tf", e.providerConfig())
	w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
}

// TestAccUserRole_importInvalid imports what cannot be imported: a predefined role, and a
// role that does not exist, by a name (with the closest names when there are some) and by an id.
func TestAccUserRole_importInvalid(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	auditor := findRole(t, e, "Auditor")
	config := e.providerConfig() + `
resource "visionone_user_role" "test" {
  name        = "auditors"
  permissions = ["platform.userRoles.view"]
}
`

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        config,
				ResourceName:  userRoleAddr,
				ImportState:   true,
				ImportStateId: "Auditor",
				ExpectError:   regexpText("Predefined Role Cannot Be Imported", fmt.Sprintf(`The role "Auditor" (id %s) is a predefined role`, auditor.ID), `data "visionone_user_role"`),
			},
			{
				Config:        config,
				ResourceName:  userRoleAddr,
				ImportState:   true,
				ImportStateId: auditor.ID,
				ExpectError:   regexpText("Predefined Role Cannot Be Imported"),
			},
			{
				Config:        config,
				ResourceName:  userRoleAddr,
				ImportState:   true,
				ImportStateId: "No such role",
				ExpectError:   regexpText("User Role Not Found", `No Vision One user role has the id or name "No such role"`),
			},
			{
				// A name that no role has in any case: the error names the closest.
				Config:        config,
				ResourceName:  userRoleAddr,
				ImportState:   true,
				ImportStateId: "AUDITR",
				ExpectError:   regexpText("User Role Not Found", `"AUDITR"`, `Did you mean "Auditor"`),
			},
			{
				// An id that no role has, nor any role as its name.
				Config:        config,
				ResourceName:  userRoleAddr,
				ImportState:   true,
				ImportStateId: "00000000-0000-4000-8000-000000000000",
				ExpectError:   regexpText("User Role Not Found", `"00000000-0000-4000-8000-000000000000"`),
			},
		},
	})
}

// TestAccUserRole_importUUIDName adopts a role made in the console whose name has the form of a
// role id (a UUID), by that name, with an import block and with `terraform import`: no role has
// that id, so the import finds the role by its name, as the documentation's "by its id (a UUID) or
// by its name" promises.
func TestAccUserRole_importUUIDName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("a role named like a UUID, which cannot carry the prefix that live test objects are swept by")
	const name = "9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0"
	keys := rolePermissionKeys(t, e, 1)
	role := e.createRole(client.RoleCreate{Name: name, PermissionKeys: keys, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, name, hclStringList(keys))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// import { to = visionone_user_role.test, id = "9d7d1f42-..." }: a no-op import.
				Config:          config,
				ResourceName:    userRoleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   name,
			},
			{
				// terraform import visionone_user_role.test "9d7d1f42-..."
				Config:           config,
				ResourceName:     userRoleAddr,
				ImportState:      true,
				ImportStateId:    name,
				ImportStateCheck: expectImportedID(role.ID),
			},
		},
	})
}

// TestAccUserRole_example applies the documentation's example as it is.
func TestAccUserRole_example(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	example, err := os.ReadFile("../../examples/resources/visionone_user_role/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	e.requireMasterAdministrator("create roles with control flags")
	auditor, reader := e.name("Third-party auditor"), e.name("Workbench alert reader")
	config := strings.NewReplacer(`"Third-party auditor"`, strconv.Quote(auditor), `"Workbench alert reader"`, strconv.Quote(reader)).Replace(string(example))
	auditing := catalogPermission(t, e, func(p client.Permission) bool { return p.Name == "Third-party auditing (API only)" })
	workbench := catalogPermission(t, e, func(p client.Permission) bool {
		return p.App == "Workbench" && p.Name == "View, filter, and search"
	})

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectRoleInEmulator(e, auditor, roleInAPI{description: "Read-only API access for the external auditor",
						permissions: []string{auditing.Key}, allowAPIKeyAssignment: true, allowUserAccountAssignment: true}),
					expectRoleInEmulator(e, reader, roleInAPI{permissions: []string{workbench.Key}, allowAPIKeyAssignment: true}),
					statecheck.ExpectKnownValue("visionone_user_role.alert_reader", tfjsonpath.New("allow_user_account_assignment"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

// testAccCheckUserRoleDestroyed asks the emulator whether every role of the state is gone.
func testAccCheckUserRoleDestroyed(e *testEmulator) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "visionone_user_role" {
				continue
			}
			_, err := e.API.GetRole(context.Background(), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("user role %s still exists after destroy", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return fmt.Errorf("checking user role %s: %w", rs.Primary.ID, err)
			}
		}
		return nil
	}
}

// roleNameGone checks that no role is named name.
func (e *testEmulator) roleNameGone(name string) error {
	if _, err := e.API.RefreshRoleByName(context.Background(), name); !client.IsNotFound(err) {
		return fmt.Errorf("the role %q is not gone: %v", name, err)
	}
	return nil
}

// roleInAPI is what a role holds in Vision One, as expectRoleInEmulator compares it.
type roleInAPI struct {
	description                                       string
	permissions                                       []string
	allowAPIKeyAssignment, allowUserAccountAssignment bool
}

// roleWithDefaults is a role with permissions and what the resource gives a role whose
// configuration sets nothing else: no description, and both control flags true.
func roleWithDefaults(permissions []string) roleInAPI {
	return roleInAPI{permissions: permissions, allowAPIKeyAssignment: true, allowUserAccountAssignment: true}
}

// expectRoleInEmulator checks the role as the API stores it, not only as the provider reports it,
// with a GET of the role (never served from a listing the test client may hold).
func expectRoleInEmulator(e *testEmulator, name string, want roleInAPI) statecheck.StateCheck {
	return emulatorCheck(func(ctx context.Context) error {
		found, err := e.API.RefreshRoleByName(ctx, name)
		if err != nil {
			return fmt.Errorf("looking up role %q in the emulator: %w", name, err)
		}
		role, err := e.API.GetRole(ctx, found.ID)
		if err != nil {
			return fmt.Errorf("reading role %q (id %s) in the emulator: %w", name, found.ID, err)
		}
		got := roleInAPI{
			description:                role.Description,
			permissions:                slices.Sorted(slices.Values(role.PermissionKeys)),
			allowAPIKeyAssignment:      role.AllowAPIKeyAssignment,
			allowUserAccountAssignment: role.AllowUserAccountAssignment,
		}
		want.permissions = slices.Sorted(slices.Values(want.permissions))
		if got.description != want.description || !slices.Equal(got.permissions, want.permissions) ||
			got.allowAPIKeyAssignment != want.allowAPIKeyAssignment || got.allowUserAccountAssignment != want.allowUserAccountAssignment {
			return fmt.Errorf("role %q holds %+v in the emulator, want %+v", name, got, want)
		}
		return nil
	})
}

// roleRace is a proxy in front of the emulator that, once armed, runs a change of its own just
// before it forwards the next role request with the armed method: a console user who acts between
// Terraform's refresh and its write.
type roleRace struct {
	method string
	change atomic.Pointer[func(id string) error]
	done   atomic.Bool
}

func (p *roleRace) arm(change func(id string) error) { p.change.Store(&change) }

func (p *roleRace) fired() bool { return p.done.Load() }

// wrap puts the race in front of next.
func (p *roleRace) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == p.method && strings.HasPrefix(r.URL.Path, "/v3.0/iam/roles/") {
			if change := p.change.Swap(nil); change != nil {
				if err := (*change)(strings.TrimPrefix(r.URL.Path, "/v3.0/iam/roles/")); err != nil {
					http.Error(w, "injecting the concurrent change: "+err.Error(), http.StatusInternalServerError)
					return
				}
				p.done.Store(true)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// TestAccUserRole_deleteInUse deletes a role that an account and an API key made outside this
// configuration still have: the error names them, with their ids, and says to give them another
// role where they are managed. Once they are gone, the delete succeeds.
func TestAccUserRole_deleteInUse(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true, and invite an account")
	keys := rolePermissionKeys(t, e, 1)
	ctx := context.Background()
	role, keyName, email := e.name("shared role"), e.name("elsewhere"), e.email("elsewhere")
	var key *client.CreatedAPIKey
	var account *client.Account
	roleConfig := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, role, hclStringList(keys))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{Config: roleConfig},
			{
				// Another configuration, or the console, gives the role to an account and a key.
				PreConfig: func() {
					key = e.createAPIKey(client.APIKeyCreate{Name: keyName, Role: role})
					account = e.inviteAccount(client.AccountInvite{Email: email, Role: role, AuthType: client.AuthTypeLocal})
				},
				Config: e.providerConfig(),
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)User Role In Use.*Deleting the user role `+
					regexp.QuoteMeta(fmt.Sprintf("%q", role))+` \(id [^)]+\), still assigned to the account `+regexp.QuoteMeta(email)+` \(id [^)]+\), `+
					`an invitation not accepted yet, the API key `+regexp.QuoteMeta(fmt.Sprintf("%q", keyName))+` \(id [^)]+\): .*400.*`+
					`in another Terraform configuration, or in the console`, " ", `\s+`)),
			},
			{
				PreConfig: func() {
					if err := e.API.DeleteAPIKeys(ctx, key.ID); err != nil {
						t.Fatal(err)
					}
					if err := e.API.DeleteAccount(ctx, account.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.providerConfig(),
			},
		},
	})
}

// rolesFirst stands in front of the API and makes a role's delete reach Vision One while the
// accounts and API keys that have the role still exist, as it does when Terraform happens to run it
// before their changes: it holds every delete of an account or of API keys, and every update of a
// key (which may give it another role), until a role's delete has been refused and the provider has
// then listed the role's holders (the accounts come last), or for at most handoverLimit. It records
// the statuses of the answers to role deletes.
type rolesFirst struct {
	released chan struct{} // closed once the holders' changes may go through
	once     sync.Once
	// holders, when not zero, is how many deletes of holders (requests: one per account, one per
	// batch of keys) end between the refusal and the listing (newHoldersGoneFirst).
	holders int
	gone    chan struct{} // closed once that many deletes of holders have been answered
	mu      sync.Mutex
	answers []int // statuses of the answers to role deletes, in order
	deletes int   // deletes of holders answered
}

func newRolesFirst() *rolesFirst { return &rolesFirst{released: make(chan struct{})} }

// newHoldersGoneFirst is a rolesFirst in which the deletes of the holders end between the refusal
// of the role's delete and the listing of its holders, as they may when Terraform starts them
// together: it lets them through as soon as a role's delete is refused, and holds the listings of
// accounts and API keys that follow until holders deletes of holders have been answered (or for at
// most handoverLimit), so that the listing finds none of them.
func newHoldersGoneFirst(holders int) *rolesFirst {
	return &rolesFirst{released: make(chan struct{}), holders: holders, gone: make(chan struct{})}
}

func (h *rolesFirst) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v3.0/iam/roles/"):
			rec := &answerRecorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			h.mu.Lock()
			h.answers = append(h.answers, rec.status)
			h.mu.Unlock()
			if h.holders > 0 && rec.status == http.StatusBadRequest {
				h.release()
			}
			return
		case r.Method == http.MethodGet && (r.URL.Path == "/v3.0/iam/accounts" || r.URL.Path == "/v3.0/iam/apiKeys"):
			if h.holders > 0 && h.refused() && !h.hold(r, h.gone) {
				return
			}
			next.ServeHTTP(w, r)
			if h.holders == 0 && r.URL.Path == "/v3.0/iam/accounts" && h.refused() {
				h.release()
			}
			return
		case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v3.0/iam/accounts/"),
			r.Method == http.MethodPost && r.URL.Path == "/v3.0/iam/apiKeys/delete":
			if !h.hold(r, h.released) {
				return
			}
			next.ServeHTTP(w, r)
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.deletes++; h.deletes == h.holders {
				close(h.gone)
			}
			return
		case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/v3.0/iam/apiKeys/"):
			if !h.hold(r, h.released) {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// hold waits until until is closed, or for at most handoverLimit, and reports whether the request
// is to be served: false when its client has gone.
func (h *rolesFirst) hold(r *http.Request, until <-chan struct{}) bool {
	select {
	case <-until:
	case <-time.After(handoverLimit):
	case <-r.Context().Done():
		return false
	}
	return true
}

// refused reports whether a role's delete has been refused.
func (h *rolesFirst) refused() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Contains(h.answers, http.StatusBadRequest)
}

func (h *rolesFirst) release() { h.once.Do(func() { close(h.released) }) }

// refusedFirst checks that a role's first delete was refused (400), the order that failed before
// the role's delete waited for the holders' deletes; deleted, that a later one deleted the role
// (204).
func (h *rolesFirst) refusedFirst(deleted bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.answers) == 0 || h.answers[0] != http.StatusBadRequest ||
		deleted && (len(h.answers) < 2 || h.answers[len(h.answers)-1] != http.StatusNoContent) {
		return fmt.Errorf("want the role's first delete refused and, deleted %t, a later one accepted; "+
			"the role's deletes were answered %v", deleted, h.answers)
	}
	return nil
}

// literalRoleHolders is a configuration of the role named role and of API keys named keys and
// accounts with emails that name it by that literal name, as `terraform query
// -generate-config-out` writes it, so that Terraform does not order their changes.
func (e *testEmulator) literalRoleHolders(role string, permissions []string, keys, emails []string) string {
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, role, hclStringList(permissions))
	for i, key := range keys {
		config += fmt.Sprintf(`
resource "visionone_api_key" "k%[1]d" {
  name = %[2]q
  role = %[3]q
}
`, i, key, role)
	}
	for i, email := range emails {
		config += testAccAccount{email: email, role: role}.hcl(fmt.Sprintf("a%d", i))
	}
	return config
}

// TestAccUserRole_destroyWithLiteralRoleHolders destroys a role together with three API keys and an
// account that name it by its literal name, without depends_on, so that Terraform deletes them all
// at once; the proxy makes the role's delete reach Vision One first. Vision One refuses it while the
// holders exist, and the provider waits for their deletes, which this run makes, and deletes the
// role again: the destroy succeeds at once, where it used to fail with "User Role In Use" naming
// the keys it deleted a moment later.
func TestAccUserRole_destroyWithLiteralRoleHolders(t *testing.T) {
	testAccDestroyWithLiteralRoleHolders(t, newRolesFirst(), 3)
}

// TestAccUserRole_destroyWithHoldersGoneBeforeListing destroys a role together with an API key and
// an account that name it by its literal name, in the order that failed the destroy with "User Role
// In Use" although the holders were gone: Vision One refuses the role's delete while they still
// have it, and their deletes end before the provider lists the role's holders, so that the listing
// finds none. The provider deletes the role again and the destroy succeeds.
func TestAccUserRole_destroyWithHoldersGoneBeforeListing(t *testing.T) {
	testAccDestroyWithLiteralRoleHolders(t, newHoldersGoneFirst(2), 1)
}

// testAccDestroyWithLiteralRoleHolders destroys a role together with keys API keys and an account
// that name it by its literal name, in the order that order makes, and checks that the destroy
// succeeds, after Vision One refused the role's first delete.
func testAccDestroyWithLiteralRoleHolders(t *testing.T, order *rolesFirst, keys int) {
	e := startEmulatorBehind(t, order.wrap)
	e.requireMasterAdministrator("create a role, whose control flags default to true, and invite an account")
	role, email := e.name("console-role"), e.email("holder")
	var names []string
	for i := range keys {
		names = append(names, e.name(fmt.Sprintf("k%d", i+1)))
	}
	permissions := rolePermissionKeys(t, e, 1)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			return errors.Join(testAccCheckUserRoleDestroyed(e)(s), e.apiKeysGone(s), e.checkAccountsGone(email)(s),
				order.refusedFirst(true))
		},
		Steps: []resource.TestStep{
			// The role exists before its holders name it (a literal name orders nothing at create either).
			{Config: e.literalRoleHolders(role, permissions, nil, nil)},
			{
				Config: e.literalRoleHolders(role, permissions, names, []string{email}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccUserRole_removeWhileHolderMoves removes a role from the configuration and gives the API key
// that has it another role, by its literal name, so that Terraform updates the key and deletes the
// role at the same time; the proxy makes the role's delete reach Vision One first. No delete of the
// key begins for the role's delete to wait for, but once the wait has ended the key has left the
// role, and the provider deletes the role again: the apply succeeds, where it used to fail with
// "User Role In Use" naming the key.
func TestAccUserRole_removeWhileHolderMoves(t *testing.T) {
	order := newRolesFirst()
	e := startEmulatorBehind(t, order.wrap)
	e.requireMasterAdministrator("create roles, whose control flags default to true")
	old, other, key := e.name("old-role"), e.name("new-role"), e.name("k1")
	permissions := hclStringList(rolePermissionKeys(t, e, 1))
	// config holds the role other, the role old withOld, and, with keyRole, the key that names that
	// role.
	config := func(keyRole string, withOld bool) string {
		roles := [][2]string{{"other", other}}
		if withOld {
			roles = append(roles, [2]string{"old", old})
		}
		config := e.providerConfig()
		for _, role := range roles {
			config += fmt.Sprintf(`
resource "visionone_user_role" %[1]q {
  name        = %[2]q
  permissions = %[3]s
}
`, role[0], role[1], permissions)
		}
		if keyRole == "" {
			return config
		}
		return config + fmt.Sprintf(`
resource "visionone_api_key" "k" {
  name = %[1]q
  role = %[2]q
}
`, key, keyRole)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			return errors.Join(testAccCheckUserRoleDestroyed(e)(s), e.apiKeysGone(s))
		},
		Steps: []resource.TestStep{
			// The roles exist before the key names one (a literal name orders nothing at create either).
			{Config: config("", true)},
			{Config: config(old, true)},
			{
				Config: config(other, false),
				Check: func(*terraform.State) error {
					return errors.Join(e.roleNameGone(old), order.refusedFirst(true))
				},
			},
		},
	})
}

// TestAccUserRole_destroyWithHolderOutsideTerraform destroys a role and two API keys that name it
// by its literal name, while a key made outside Terraform has the role too: the role's delete waits
// for the deletes of the configuration's keys, and a while for one of the outside key, which never
// comes, and then fails with "User Role In Use" naming the outside key alone. Once that key is gone,
// the role is deleted.
func TestAccUserRole_destroyWithHolderOutsideTerraform(t *testing.T) {
	order := newRolesFirst()
	e := startEmulatorBehind(t, order.wrap)
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	role, outside := e.name("console-role"), e.name("outside")
	keys := []string{e.name("k1"), e.name("k2")}
	permissions := rolePermissionKeys(t, e, 1)
	var outsideKey *client.CreatedAPIKey

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			return errors.Join(e.roleNameGone(role), e.apiKeysGone(s))
		},
		Steps: []resource.TestStep{
			{Config: e.literalRoleHolders(role, permissions, nil, nil)},
			{
				PreConfig: func() { outsideKey = e.createAPIKey(client.APIKeyCreate{Name: outside, Role: role}) },
				Config:    e.literalRoleHolders(role, permissions, keys, nil),
			},
			{
				Config: e.providerConfig(),
				// Terraform wraps long messages, so a space matches any white space. The outside key
				// is the only holder named: the list of holders ends with it.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)User Role In Use.*Deleting the user role `+
					regexp.QuoteMeta(fmt.Sprintf("%q", role))+` \(id [^)]+\), still assigned to the API key `+
					regexp.QuoteMeta(fmt.Sprintf("%q", outside))+` \(id [^)]+\): .*400.*`+
					`in another Terraform configuration, or in the console`, " ", `\s+`)),
			},
			{
				PreConfig: func() {
					if err := order.refusedFirst(false); err != nil {
						t.Error(err)
					}
					if err := e.API.DeleteAPIKeys(context.Background(), outsideKey.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.providerConfig(),
			},
		},
	})
}

// TestAccUserRole_destroyAfterNameTaken renames a role in the console and gives its name to another
// role there: terraform destroy still works, although Terraform plans the configuration (renaming
// the role back) before destroying it, because the checks of a role that exists only warn.
func TestAccUserRole_destroyAfterNameTaken(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s
}
`, name, hclStringList(keys))
	var id string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				PreConfig: func() {
					renamed := e.name("auditors (old)")
					if err := e.API.UpdateRole(context.Background(), id, "", client.RolePatch{Name: &renamed}); err != nil {
						t.Fatalf("renaming the role in the console: %v", err)
					}
					e.createRole(client.RoleCreate{Name: name, PermissionKeys: keys})
				},
				Config:  config,
				Destroy: true,
			},
		},
	})
}

// TestAccUserRole_namesDifferingInCase refuses at plan, with nothing written, two roles of one
// configuration whose names differ only in case, as Vision One keeps role names unique regardless
// of case.
func TestAccUserRole_namesDifferingInCase(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"two new roles": {
			config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "upper" {
  name        = %[1]q
  permissions = %[3]s
}

resource "visionone_user_role" "lower" {
  name        = %[2]q
  permissions = %[3]s
}
`, e.name("Auditors"), e.name("auditors"), hclStringList(keys)),
			wantError: regexpText("User Role Already Exists", "another visionone_user_role of this configuration plans", "for a new user role",
				"user role names are unique regardless of case, so only one of them can have it"),
		},
	})
}

// TestAccUserRole_nameTakenInTenantPlans plans, beside a new API key, a role whose name a role made
// in the console has, spelled the same: the plan succeeds, with the warning that
// TestUserRole_modifyPlanNameTakenWarns asserts (in an apply, that role may be this resource's own
// current one under create_before_destroy, see refuseTakenName), and nothing is written. (A name
// that differs in case only fails the plan: TestAccUserRole_invalidInput.)
func TestAccUserRole_nameTakenInTenantPlans(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	taken := e.name("dup-role")
	e.createRole(client.RoleCreate{Name: taken, PermissionKeys: keys})
	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(e.name("unrelated"), "SIEM", "", true) + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %q
  permissions = %s
}
`, taken, hclStringList(keys)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionCreate),
				}},
			},
			{
				Config: e.providerConfig(),
				Check:  e.noWritesSince(before),
			},
		},
	})
}

// TestUserRole_modifyPlanNameTakenWarns calls ModifyPlan as Terraform plans a new role whose name a
// role of the tenant has, spelled the same: the plan warns, naming the role, its id and how to
// import it, and leaves the refusal to the apply (see refuseTakenName); terraform-plugin-testing
// cannot see warnings. A role the provider has seen in this configuration's state, such as the
// tainted one this plan replaces, is not reported.
func TestUserRole_modifyPlanNameTakenWarns(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	taken := e.name("dup-role")
	existing := e.createRole(client.RoleCreate{Name: taken, PermissionKeys: keys})
	planNew := func(r *userRoleResource) *fwresource.ModifyPlanResponse {
		t.Helper()
		return modifyPlanOfCreate(t, r, userRoleModel{
			ID:                         types.StringUnknown(),
			Name:                       types.StringValue(taken),
			Description:                types.StringValue(""),
			Permissions:                types.SetValueMust(types.StringType, []attr.Value{types.StringValue(keys[0])}),
			AllowAPIKeyAssignment:      types.BoolValue(true),
			AllowUserAccountAssignment: types.BoolValue(true),
			Type:                       types.StringUnknown(),
			LastUpdatedAt:              timetypes.NewRFC3339Unknown(),
		})
	}

	expectOneWarning(t, planNew(&userRoleResource{data: newProviderData(e.API)}).Diagnostics, "User Role Already Exists",
		slices.Concat([]string{fmt.Sprintf("Vision One already has the user role %q (id %s)", taken, existing.ID)},
			wantLookFirst("user role", existing.ID), wantImportHint(userRoleType, existing.ID),
			[]string{"create_before_destroy", "applying this plan fails"})...)

	seen := newProviderData(e.API)
	seen.noteManaged(userRoleType, existing.ID)
	if resp := planNew(&userRoleResource{data: seen}); len(resp.Diagnostics) != 0 {
		t.Errorf("a role seen in the state: want no diagnostics, got %v", resp.Diagnostics)
	}
}

// TestAccUserRole_createBeforeDestroySameName replaces a role under create_before_destroy (here
// because it is tainted): Vision One refuses the new role, whose name the current role still has.
// The error names the current role and its id and says it is probably this resource's own; the
// current role stays. Without create_before_destroy the replacement works.
func TestAccUserRole_createBeforeDestroySameName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")
	config := func(createBeforeDestroy bool) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  permissions = %[2]s

  lifecycle {
    create_before_destroy = %[3]t
  }
}
`, name, hclStringList(keys), createBeforeDestroy)
	}
	var id string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userRoleAddr, tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				Taint:  []string{userRoleAddr},
				Config: config(true),
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)User Role Already Exists.*`+
					`Creating the user role `+regexp.QuoteMeta(fmt.Sprintf("%q", name))+`: POST /v3.0/iam/roles: 400 BadRequest: .*\[trace id \S+\].*`+
					`Vision One already has the user role `+
					regexp.QuoteMeta(fmt.Sprintf("%q", name))+` \(id [0-9a-f-]{36}\).*`+
					`If this resource is being replaced and has lifecycle \{ create_before_destroy = true \}, that is probably its own current user role.*`+
					`remove create_before_destroy`, " ", `\s+`)),
			},
			{
				PreConfig: func() {
					if _, err := e.API.GetRole(context.Background(), id); err != nil {
						t.Fatalf("the current role is gone after the refused replacement: %v", err)
					}
				},
				Taint:  []string{userRoleAddr},
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userRoleAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

// TestAccUserRole_renameIntoFreedName is TestAccAPIKey_renameIntoFreedName for roles: one role is
// renamed away from its name and another renamed to it in the same apply, then a new role takes a
// name a third rename frees, with the rename away held until the taker has been refused.
func TestAccUserRole_renameIntoFreedName(t *testing.T) {
	handover := &nameHandover{}
	e := startEmulatorBehind(t, handover.wrap)
	e.requireMasterAdministrator("create roles, whose control flags default to true")
	permissions := hclStringList(rolePermissionKeys(t, e, 1))
	c1, c2, old := e.name("c1"), e.name("c2"), e.name("c1-old")
	config := func(addressesAndNames ...string) string {
		config := e.providerConfig()
		for i := 0; i+1 < len(addressesAndNames); i += 2 {
			config += fmt.Sprintf(`
resource "visionone_user_role" %q {
  name        = %q
  permissions = %s
}
`, addressesAndNames[i], addressesAndNames[i+1], permissions)
		}
		return config
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps:                    renameIntoFreedNameSteps(userRoleType, handover, config, c1, c2, old),
	})
}
