package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

const testAccAPIKeyAddr = "visionone_api_key.test"

func TestAccAPIKey_basic(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	name, renamed := e.name("auditor"), e.name("auditor-renamed")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameValue := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "for the auditor", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionCreate),
					},
					// The state checks below use the value, which moves last_used_at in the API; the
					// refresh picks that up without planning a change.
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					sameValue.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("role"), knownvalue.StringExact("SIEM")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("description"), knownvalue.StringExact("for the auditor")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("last_used_at"), knownvalue.Null()),
					statecheck.ExpectSensitiveValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
					// The value is the real secret: it authenticates against the API.
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					e.expectAPIKeyCount(1),
				},
			},
			{
				ResourceName:      testAccAPIKeyAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// The secret cannot be imported; last_used_at moved when the value was tried above.
				ImportStateVerifyIgnore: []string{"value", "last_used_at"},
			},
			{
				ResourceName:            testAccAPIKeyAddr,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"value", "last_used_at"},
			},
			{
				// A plannable import must be a no-op: the null value gives no diff.
				ResourceName:    testAccAPIKeyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(renamed, "SOAR", "rotated by hand", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					sameValue.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("role"), knownvalue.StringExact("SOAR")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("description"), knownvalue.StringExact("rotated by hand")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					// The use in the first step, as the API reports it.
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("last_used_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					// Disabled in the API, not only in the state.
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.rejected()),
				},
			},
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(renamed, "SOAR", "", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
				},
			},
		},
	})
}

// TestAccAPIKey_import imports a key that never expires and was never used, and a key with an
// expiry, by id and by name: whatever the spelling of the dates with no value, the imported state
// equals the created one, and expires_in_months is recovered from the dates.
func TestAccAPIKey_import(t *testing.T) {
	forEachAbsentDates(t, testAccAPIKeyImport)
}

func testAccAPIKeyImport(t *testing.T, e *testEmulator) {
	monthlyName := e.name("monthly")
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "forever" {
  name              = %[1]q
  role              = "SIEM"
  expires_in_months = 0
}

resource "visionone_api_key" "monthly" {
  name              = %[2]q
  role              = "SIEM"
  expires_in_months = 1
}
`, e.name("forever"), monthlyName)
	const forever, monthly = "visionone_api_key.forever", "visionone_api_key.monthly"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(forever, tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(forever, tfjsonpath.New("last_used_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(forever, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					statecheck.ExpectKnownValue(monthly, tfjsonpath.New("expires_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					statecheck.ExpectKnownValue(monthly, tfjsonpath.New("last_used_at"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:            forever,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"value"},
			},
			{
				ResourceName:            monthly,
				ImportState:             true,
				ImportStateId:           monthlyName,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"value"},
			},
			{
				ResourceName:    forever,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// TestAccAPIKey_replace covers the attributes whose change creates a new key with a new value.
func TestAccAPIKey_replace(t *testing.T) {
	forEachAbsentDates(t, testAccAPIKeyReplace)
}

func testAccAPIKeyReplace(t *testing.T, e *testEmulator) {
	id := statecheck.CompareValue(compare.ValuesDiffer())
	value := statecheck.CompareValue(compare.ValuesDiffer())
	config := func(months int, keepers string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name              = %[1]q
  role              = "SIEM"
  expires_in_months = %[2]d
  keepers           = %[3]s
}
`, e.name("replaced"), months, keepers)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config(12, "null"),
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					value.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
				},
			},
			{
				Config: config(0, "null"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					value.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					e.expectAPIKeyCount(1),
				},
			},
			{
				// Keepers on a key that had none are adopted without replacing it.
				Config: config(0, `{ rotation = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config: config(0, `{ rotation = "2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					value.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}

// TestAccAPIKey_changedBetweenPlanAndApply changes the key in the console after the plan: the
// update carries the ETag of the plan's refresh, so the API refuses it (412) and nothing is
// overwritten; the next plan takes the change into account.
func TestAccAPIKey_changedBetweenPlanAndApply(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	var id string
	name := e.name("etag")
	console := "edited in the console meanwhile"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					betweenPlanAndApply(func() {
						if err := e.API.UpdateAPIKey(context.Background(), id, "", client.APIKeyPatch{Description: &console}); err != nil {
							t.Errorf("changing the key in the console: %v", err)
						}
					}),
				}},
				ExpectError: regexpText("API Key Changed Outside Terraform", `Updating API key`, fmt.Sprintf("(%q)", name), "(HTTP 412)", "nothing was changed"),
			},
			{
				PreConfig: func() {
					key, err := e.API.GetAPIKey(context.Background(), id)
					if err != nil || key.Status != client.StatusEnabled || key.Description != console {
						t.Fatalf("the refused update changed the key: %+v, %v", key, err)
					}
				},
				Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
					expectPlannedFrom(testAccAPIKeyAddr, "description", console),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					e.expectAPIKey(name, "SIEM", "", client.StatusDisabled),
				},
			},
		},
	})
}

// TestAccAPIKey_drift changes and deletes the key "in the console" (through the admin client): the
// plan sets it back, or creates it again.
func TestAccAPIKey_drift(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	var id string
	name := e.name("drifting")
	config := e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "managed by Terraform", true)
	inConsole := func(patch client.APIKeyPatch) func() {
		return func() {
			if err := e.API.UpdateAPIKey(context.Background(), id, "", patch); err != nil {
				t.Fatalf("changing the key outside Terraform: %v", err)
			}
		}
	}
	disabled, renamed, otherRole, otherDescription := client.StatusDisabled, e.name("renamed-in-console"), "SOAR", "edited in console"
	backToConfig := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
		statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("role"), knownvalue.StringExact("SIEM")),
		statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("description"), knownvalue.StringExact("managed by Terraform")),
		statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
		e.expectAPIKey(name, "SIEM", "managed by Terraform", client.StatusEnabled),
	}

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
				PreConfig: inConsole(client.APIKeyPatch{Status: &disabled}),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: backToConfig,
			},
			{
				PreConfig: inConsole(client.APIKeyPatch{Name: &renamed, Role: &otherRole, Description: &otherDescription}),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: backToConfig,
			},
			{
				PreConfig: func() {
					if err := e.API.DeleteAPIKeys(context.Background(), id); err != nil {
						t.Fatalf("deleting the key outside Terraform: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: append(backToConfig,
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates())),
			},
		},
	})
}

// TestAccAPIKey_badInputs proves each bad input is refused at plan time, before anything is
// written.
func TestAccAPIKey_badInputs(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	permissions, err := e.API.ListPermissions(ctx)
	if err != nil || len(permissions) == 0 {
		t.Fatalf("listing permissions: %v (%d)", err, len(permissions))
	}
	peopleOnly := e.createRole(client.RoleCreate{
		Name:                       e.name("people-only"),
		Description:                "may not be given to API keys",
		PermissionKeys:             []string{permissions[0].Key},
		AllowUserAccountAssignment: true,
	}).Name
	before := e.Stats()
	config := func(body string) string {
		return e.providerConfig() + "resource \"visionone_api_key\" \"test\" {\n" + body + "\n}\n"
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.noWritesSince(before),
		Steps: []resource.TestStep{
			{
				Config:      config(`name = "k"` + "\n" + `role = "Master Administrator"`),
				PlanOnly:    true,
				ExpectError: regexpText("Role Not Assignable to API Keys", `"Master Administrator" cannot be assigned to API keys`),
			},
			{
				// PlanOnly proves the plan fails: a plan that only warned would pass and leave a
				// non-empty plan, which fails the step with another message.
				Config:      config(`name = "k"` + "\n" + `role = "Auditr"`),
				PlanOnly:    true,
				ExpectError: regexpText("Role Not Found", `No role named "Auditr" exists`, "this configuration does not plan one", "the API key was not written", "role = visionone_user_role.<name>.name"),
			},
			{
				Config:      config(fmt.Sprintf("name = %q\nrole = %q", e.name("k"), peopleOnly)),
				PlanOnly:    true,
				ExpectError: regexpText("Role Not Assignable to API Keys", fmt.Sprintf("%q does not allow API key assignment", peopleOnly), "allow_api_key_assignment is false", "set allow_api_key_assignment = true"),
			},

			{
				Config:      config(`name = "k"` + "\n" + `role = "SIEM"` + "\n" + `expires_in_months = 2`),
				ExpectError: regexpText("Invalid Attribute Value", "expires_in_months value must be one of", "got: 2"),
			},
			{
				Config:      config(`name = "k"` + "\n" + `role = "SIEM"` + "\n" + `rotate_before = "30d"`),
				ExpectError: regexpText("Invalid Attribute Value", "rotate_before value must be a Go duration", `got: "30d"`),
			},
			{
				Config:      config(`name = "k"` + "\n" + `name_prefix = "k-"` + "\n" + `role = "SIEM"`),
				ExpectError: regexpText("Invalid Attribute Combination", "Exactly one of these attributes must be configured: [name,name_prefix]"),
			},
			{
				Config:      config(`role = "SIEM"`),
				ExpectError: regexpText("Missing Attribute Configuration", "Exactly one of these attributes must be configured: [name,name_prefix]"),
			},
		},
	})
}

// TestAccAPIKey_duplicateName takes a name a console key already has, at create (the error says
// how to import it) and by renaming.
func TestAccAPIKey_duplicateName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	taken := e.name("Taken")
	takenID := e.createAPIKey(client.APIKeyCreate{Name: taken, Role: "SIEM"}).ID
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(strings.ToLower(taken), "SIEM", "", true),
				ExpectError: regexpText("API Key Already Exists", fmt.Sprintf(`Vision One already has the API key %q (id %s)`, taken, takenID),
					"not managed by this configuration as far as the provider can tell", "terraform import <address> "+takenID),
			},
			{
				PreConfig: func() {
					if keys, err := e.apiKeys(context.Background()); err != nil || len(keys) != 1 {
						t.Fatalf("expected only the console key, found %d (%v)", len(keys), err)
					}
				},
				Config:            e.providerConfig() + testAccAPIKeyConfig(e.name("not-taken"), "SIEM", "", true),
				ConfigStateChecks: []statecheck.StateCheck{e.expectAPIKeyCount(2)},
			},
			{
				Config:      e.providerConfig() + testAccAPIKeyConfig(strings.ToUpper(taken), "SIEM", "", true),
				ExpectError: regexpText("API Key Already Exists", fmt.Sprintf(`to %q: Vision One already has the API key %q`, strings.ToUpper(taken), taken)),
			},
		},
	})
}

// TestAccAPIKey_roleCreatedTogether creates the role and the key in one apply, as the seed
// procedure does: the role does not exist at plan time, so the key's plan judges it by the flags
// the configuration gives it. A role that refuses API keys fails the plan, and neither the role nor
// the key is written.
func TestAccAPIKey_roleCreatedTogether(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role with allow_api_key_assignment")
	permissions, err := e.API.ListPermissions(context.Background())
	if err != nil || len(permissions) == 0 {
		t.Fatalf("listing permissions: %v (%d)", err, len(permissions))
	}
	roleAndKey := func(label string, allowAPIKeys bool) string {
		return fmt.Sprintf(`
resource "visionone_user_role" "%[1]s" {
  name                     = %[2]q
  permissions              = [%[3]q]
  allow_api_key_assignment = %[4]t
}

resource "visionone_api_key" "%[1]s" {
  name = %[2]q
  role = visionone_user_role.%[1]s.name
}
`, label, e.name(label), permissions[0].Key, allowAPIKeys)
	}
	auditor := e.providerConfig() + roleAndKey("external-auditor", true)
	var before emulator.Stats
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: auditor,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_api_key.external-auditor", tfjsonpath.New("role"), knownvalue.StringExact(e.name("external-auditor"))),
					statecheck.ExpectKnownValue("visionone_api_key.external-auditor", tfjsonpath.New("value"), e.authenticates()),
				},
			},
			{
				PreConfig:   func() { before = e.Stats() },
				Config:      auditor + roleAndKey("people-only", false),
				PlanOnly:    true,
				ExpectError: regexpText("Role Not Assignable to API Keys", fmt.Sprintf("%q does not allow API key assignment", e.name("people-only")), "this configuration sets its allow_api_key_assignment to false"),
			},
			{
				// Back to the first configuration: neither the refused role nor its key was written.
				Config:            auditor,
				ConfigStateChecks: []statecheck.StateCheck{e.expectAPIKeyCount(1)},
				Check:             e.noWritesSinceTaken(&before),
			},
		},
	})
}

// TestAccAPIKey_roleKnownOnlyAtApply gives the key a role name that is unknown until apply (here
// through terraform_data). The plan cannot judge it; Terraform plans the key again just before
// creating it, with the name known, and that plan refuses a role that does not exist before
// anything is written.
func TestAccAPIKey_roleKnownOnlyAtApply(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	before := e.Stats()
	config := func(role string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "role" {
  input = %q
}

resource "visionone_api_key" "test" {
  name = %q
  role = terraform_data.role.output
}
`, role, e.name("k"))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config("Auditr"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(testAccAPIKeyAddr, tfjsonpath.New("role")),
				}},
				ExpectError: regexpText("Role Not Found", `No role named "Auditr" exists`, "the API key was not written"),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the refused key was written: %v", err)
					}
				},
				// A role that exists is accepted the same way.
				Config: config("SIEM"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("role"), knownvalue.StringExact("SIEM")),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}

// TestAccAPIKey_roleByLiteralName names a role that the same configuration creates by its literal
// name, with depends_on: without a reference Terraform may plan the key before the role, and
// depends_on is what orders them (the limit the role attribute's description documents).
func TestAccAPIKey_roleByLiteralName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role with allow_api_key_assignment")
	permissions, err := e.API.ListPermissions(context.Background())
	if err != nil || len(permissions) == 0 {
		t.Fatalf("listing permissions: %v (%d)", err, len(permissions))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "integration" {
  name                     = %[1]q
  permissions              = [%[2]q]
  allow_api_key_assignment = true
}

resource "visionone_api_key" "test" {
  name       = %[3]q
  role       = %[1]q
  depends_on = [visionone_user_role.integration]
}
`, e.name("integration"), permissions[0].Key, e.name("k")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("visionone_user_role.integration", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("role"), knownvalue.StringExact(e.name("integration"))),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
				},
			},
		},
	})
}

// TestAPIKey_importAndGoneKey calls ImportState, Read and Delete as Terraform does, to
// assert the warnings that terraform-plugin-testing cannot see (the value is lost on import; a key
// deleted outside Terraform is reported before it is planned again), and that deleting a key that
// is already gone succeeds.
func TestAPIKey_importAndGoneKey(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	console := e.name("made-in-console")
	created := e.createAPIKey(client.APIKeyCreate{Name: console, Role: "SIEM"})
	r := &apiKeyResource{data: newProviderData(e.API)}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	emptyState := func() tfsdk.State {
		return tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	}

	for _, importID := range []string{created.ID, console, strings.ToUpper(console)} {
		resp := fwresource.ImportStateResponse{State: emptyState()}
		r.ImportState(ctx, fwresource.ImportStateRequest{ID: importID}, &resp)
		var id types.String
		resp.State.GetAttribute(ctx, path.Root("id"), &id)
		warnings := resp.Diagnostics.Warnings()
		if resp.Diagnostics.HasError() || id.ValueString() != created.ID || len(warnings) != 1 ||
			warnings[0].Summary() != "API Key Value Not Imported" ||
			!strings.Contains(warnings[0].Detail(), "cannot be recovered") ||
			!strings.Contains(warnings[0].Detail(), "terraform apply -replace=") {
			t.Fatalf("importing %q: id %s, diagnostics %v", importID, id, resp.Diagnostics)
		}
	}

	resp := fwresource.ImportStateResponse{State: emptyState()}
	r.ImportState(ctx, fwresource.ImportStateRequest{ID: "no-such-key"}, &resp)
	if errs := resp.Diagnostics.Errors(); len(errs) != 1 || errs[0].Summary() != "API Key Not Found" {
		t.Fatalf("importing a missing key: %v", resp.Diagnostics)
	}

	if err := e.API.DeleteAPIKeys(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	state := emptyState()
	state.SetAttribute(ctx, path.Root("id"), created.ID)
	state.SetAttribute(ctx, path.Root("name"), console)
	readResp := fwresource.ReadResponse{State: state}
	r.Read(ctx, fwresource.ReadRequest{State: state}, &readResp)
	warnings := readResp.Diagnostics.Warnings()
	if readResp.Diagnostics.HasError() || !readResp.State.Raw.IsNull() || len(warnings) != 1 ||
		warnings[0].Summary() != "API Key Deleted Outside Terraform" || !strings.Contains(warnings[0].Detail(), created.ID) {
		t.Fatalf("reading a deleted key: state removed %t, diagnostics %v", readResp.State.Raw.IsNull(), readResp.Diagnostics)
	}

	// Deleting a key that is already gone succeeds.
	deleteResp := fwresource.DeleteResponse{State: state}
	r.Delete(ctx, fwresource.DeleteRequest{State: state}, &deleteResp)
	if len(deleteResp.Diagnostics) != 0 {
		t.Fatalf("deleting a key that is already gone: %v", deleteResp.Diagnostics)
	}
}

// apiKeysGone is a CheckDestroy: the emulator holds no API key of this test any more.
func (e *testEmulator) apiKeysGone(*terraform.State) error {
	keys, err := e.apiKeys(context.Background())
	if err != nil {
		return err
	}
	if len(keys) != 0 {
		return fmt.Errorf("expected no API key after destroy, the emulator holds %d (first: %q)", len(keys), keys[0].Name)
	}
	return nil
}

// expectAPIKeyCount checks the number of this test's keys the emulator holds.
func (e *testEmulator) expectAPIKeyCount(want int) statecheck.StateCheck {
	return emulatorCheck(func(ctx context.Context) error {
		keys, err := e.apiKeys(ctx)
		if err != nil {
			return err
		}
		if len(keys) != want {
			return fmt.Errorf("expected %d API key(s) in the emulator, found %d", want, len(keys))
		}
		return nil
	})
}

// apiKeys lists this test's API keys (see owns).
func (e *testEmulator) apiKeys(ctx context.Context) ([]client.APIKey, error) {
	keys, err := e.API.ListAPIKeys(ctx, "")
	return slices.DeleteFunc(keys, func(k client.APIKey) bool { return !e.owns(k.Name) }), err
}

// expectAPIKey checks the key with this name in the emulator.
func (e *testEmulator) expectAPIKey(name, role, description, status string) statecheck.StateCheck {
	return emulatorCheck(func(ctx context.Context) error {
		key, err := e.API.FindAPIKeyByName(ctx, name)
		if err != nil {
			return err
		}
		if key.Role != role || key.Description != description || key.Status != status {
			return fmt.Errorf("API key %q in the emulator: role %q, description %q, status %q; want %q, %q, %q",
				name, key.Role, key.Description, key.Status, role, description, status)
		}
		return nil
	})
}

// expectRejected checks that the value *secret (read when the check runs) no longer authenticates.
func (e *testEmulator) expectRejected(secret *string) statecheck.StateCheck {
	return emulatorCheck(func(ctx context.Context) error { return e.rejected().CheckValue(*secret) })
}

// authenticates is a knownvalue check that the value is a key the API accepts as a bearer token.
func (e *testEmulator) authenticates() knownvalue.Check {
	return bearerCheck{e: e, wantAccepted: true}
}

// rejected is a knownvalue check that the API refuses the value as a bearer token (401).
func (e *testEmulator) rejected() knownvalue.Check {
	return bearerCheck{e: e, wantAccepted: false}
}

type bearerCheck struct {
	e            *testEmulator
	wantAccepted bool
}

func (c bearerCheck) CheckValue(v any) error {
	secret, ok := v.(string)
	if !ok || secret == "" {
		return fmt.Errorf("expected a non-empty string, got %T", v)
	}
	api, err := client.New(client.Config{Endpoint: c.e.URL, APIKey: secret, RequestsPerMinute: -1, MaxRetries: 1})
	if err != nil {
		return err
	}
	err = api.CheckConnectivity(context.Background())
	if c.wantAccepted {
		if err != nil {
			return fmt.Errorf("the API refused the key value: %w", err)
		}
		return nil
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		return fmt.Errorf("expected a 401 for the key value, got: %v", err)
	}
	return nil
}

func (c bearerCheck) String() string {
	if c.wantAccepted {
		return "a key value the API accepts"
	}
	return "a key value the API refuses"
}

// TestAccAPIKey_characterLimits counts lengths in characters, as the API does: a name, name_prefix,
// role and description at or near their limits in a script of three bytes a character plan and
// apply, and a key that already holds such values imports with an empty plan.
func TestAccAPIKey_characterLimits(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	role := strings.Repeat("査", apiKeyNameMaxLength)
	if _, err := e.API.CreateRole(ctx, client.RoleCreate{
		Name: role, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true,
	}); err != nil {
		t.Fatalf("creating a role with a long name: %v", err)
	}
	name := strings.Repeat("鍵", apiKeyNameMaxLength)
	prefix := strings.Repeat("前", apiKeyNameMaxLength-nameSuffixLength)
	description := strings.Repeat("説", 2048)
	existingName := strings.Repeat("既", 100)
	existing, err := e.API.CreateAPIKey(ctx, client.APIKeyCreate{Name: existingName, Role: role, Description: description})
	if err != nil {
		t.Fatalf("creating the existing key: %v", err)
	}
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
						knownvalue.StringRegexp(regexp.MustCompile(`^`+prefix+`\d{14}[0-9a-f]{8}$`))),
					statecheck.ExpectKnownValue("visionone_api_key.existing", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
					e.expectAPIKeyCount(3),
				},
			},
		},
	})
}

// TestAccAPIKey_namePrefixUsesAPITime generates the name_prefix suffix from the API's clock, as the
// documentation promises (the creation time in UTC), not from the local clock: the emulator's clock
// is set far ahead of the machine's.
func TestAccAPIKey_namePrefixUsesAPITime(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.AdvanceClock(1000 * 24 * time.Hour)
	suffix := regexp.MustCompile(`^rotated-(\d{14})[0-9a-f]{8}$`)
	createdByAPIClock := knownvalue.StringFunc(func(name string) error {
		m := suffix.FindStringSubmatch(name)
		if m == nil {
			return fmt.Errorf("name %q does not have the form rotated-<UTC time><8 hex digits>", name)
		}
		stamp, err := time.Parse("20060102150405", m[1])
		if err != nil {
			return err
		}
		if d := e.Now().Sub(stamp); d < 0 || d > time.Hour {
			return fmt.Errorf("name %q carries %s, not the API's time of creation (the API's time is now %s)", name, stamp, e.Now().UTC())
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + `
resource "visionone_api_key" "test" {
  name_prefix = "rotated-"
  role        = "SIEM"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), createdByAPIClock),
				},
			},
		},
	})
}

// TestAccAPIKey_updateKeepsLastUsedAt changes a key in place after it has been used: the plan shows
// last_used_at as the refresh read it rather than "(known after apply)", since changing a key does
// not use it, and a use of the key between the plan and the apply does not make the result differ
// from the plan; the next refresh reports it.
func TestAccAPIKey_updateKeepsLastUsedAt(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	var value, usedAt string
	use := func() {
		e.AdvanceClock(time.Minute)
		if err := e.authenticates().CheckValue(value); err != nil {
			t.Fatalf("using the key: %v", err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig("used", "SIEM", "first", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), captureString(&value)),
				},
			},
			{
				PreConfig: use,
				Config:    e.providerConfig() + testAccAPIKeyConfig("used", "SIEM", "second", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("last_used_at"), captureString(&usedAt)),
					// Used again after the plan, before the apply.
					betweenPlanAndApply(use),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("last_used_at"), knownvalue.StringFunc(func(v string) error {
						if v != usedAt {
							return fmt.Errorf("last_used_at is %s, the plan said %s", v, usedAt)
						}
						return nil
					})),
				},
			},
			{
				// The refresh reports the use made during the apply, and plans nothing.
				Config: e.providerConfig() + testAccAPIKeyConfig("used", "SIEM", "second", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("last_used_at"), knownvalue.StringFunc(func(v string) error {
						if v <= usedAt {
							return fmt.Errorf("last_used_at is %s, want the later use after %s", v, usedAt)
						}
						return nil
					})),
				},
			},
		},
	})
}

func TestShortestValidity(t *testing.T) {
	t.Parallel()
	for months, wantDays := range map[int64]int{1: 28, 3: 89, 6: 181, 12: 365} {
		if got := shortestValidity(months); got != time.Duration(wantDays)*24*time.Hour {
			t.Errorf("shortestValidity(%d) = %s, want %d days", months, got, wantDays)
		}
	}
}

// TestAPIKeyValidateConfig_rotateBefore calls ValidateConfig as Terraform does, for the warning that
// terraform-plugin-testing cannot see (rotate_before on a key that never expires) next to the
// errors that TestAccAPIKey_rotateBeforeTooLong proves through the CLI.
func TestAPIKeyValidateConfig_rotateBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &apiKeyResource{}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	tests := map[string]struct {
		rotateBefore types.String
		months       types.Int64
		wantError    string
		wantWarning  string
	}{
		"shorter than a month":      {rotateBefore: types.StringValue("671h"), months: types.Int64Value(1)},
		"a month of 28 days":        {rotateBefore: types.StringValue("672h"), months: types.Int64Value(1), wantError: `rotate_before = "672h" (672h, 28 days) is at least as long as the validity of a key with expires_in_months = 1, which can be as short as 672h, 28 days`},
		"the default twelve months": {rotateBefore: types.StringValue("8760h"), months: types.Int64Null(), wantError: "expires_in_months = 12, which can be as short as 8760h, 365 days"},
		"under twelve months":       {rotateBefore: types.StringValue("8759h"), months: types.Int64Null()},
		"never expires":             {rotateBefore: types.StringValue("720h"), months: types.Int64Value(0), wantWarning: `rotate_before = "720h" has no effect: expires_in_months = 0 makes a key that never expires`},
		"unknown months":            {rotateBefore: types.StringValue("8760h"), months: types.Int64Unknown()},
		"unknown rotate_before":     {rotateBefore: types.StringUnknown(), months: types.Int64Value(1)},
		"no rotate_before":          {rotateBefore: types.StringNull(), months: types.Int64Value(0)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A plan builds the value; Terraform sends the configuration in the same shape.
			values := tfsdk.Plan{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
			if diags := values.Set(ctx, &apiKeyResourceModel{
				Name: types.StringValue("k"), NamePrefix: types.StringNull(), Role: types.StringValue("SIEM"),
				Description: types.StringNull(), Enabled: types.BoolNull(), ExpiresInMonths: tc.months, RotateBefore: tc.rotateBefore,
				Keepers: types.MapNull(types.StringType), Value: types.StringNull(), ExpiresAt: types.StringNull(),
				LastUsedAt: types.StringNull(), CreatedAt: types.StringNull(), ID: types.StringNull(),
			}); diags.HasError() {
				t.Fatal(diags)
			}
			var resp fwresource.ValidateConfigResponse
			r.ValidateConfig(ctx, fwresource.ValidateConfigRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: values.Raw}}, &resp)
			errs, warnings := resp.Diagnostics.Errors(), resp.Diagnostics.Warnings()
			switch {
			case tc.wantError != "":
				if len(errs) != 1 || !strings.Contains(errs[0].Detail(), tc.wantError) {
					t.Fatalf("want one error containing %q, got %v", tc.wantError, resp.Diagnostics)
				}
			case tc.wantWarning != "":
				if len(errs) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), tc.wantWarning) {
					t.Fatalf("want one warning containing %q, got %v", tc.wantWarning, resp.Diagnostics)
				}
			case len(resp.Diagnostics) != 0:
				t.Fatalf("want no diagnostics, got %v", resp.Diagnostics)
			}
		})
	}
}

// TestAccAPIKey_rotateBeforeTooLong refuses, at plan and before anything is written, a rotate_before
// that a new key would already be within when it is created: such a key would be replaced on
// every run.
func TestAccAPIKey_rotateBeforeTooLong(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	key := func(arguments string) string {
		return e.providerConfig() + "resource \"visionone_api_key\" \"test\" {\n  name = \"k\"\n  role = \"SIEM\"\n" +
			strings.ReplaceAll(arguments, "; ", "\n") + "\n}\n"
	}
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"documented maximum with the default twelve months": {
			config: key(`rotate_before = "8784h"`),
			wantError: regexpText("rotate_before Not Shorter Than the Key's Validity", `rotate_before = "8784h" (8784h, 366 days)`,
				"expires_in_months = 12, which can be as short as 8760h, 365 days", "every run would replace it", "Set rotate_before below 8760h, 365 days"),
		},
		"thirty days on a one-month key": {
			config:    key(`expires_in_months = 1; rotate_before = "720h"`),
			wantError: regexpText("rotate_before Not Shorter Than the Key's Validity", "expires_in_months = 1, which can be as short as 672h, 28 days"),
		},
	})
}

// TestAccAPIKey_roleSuggestions names the closest roles, of the tenant and of this configuration,
// when a key's role does not exist; nothing is written.
func TestAccAPIKey_roleSuggestions(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	key := func(role string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "integration" {
  name        = "Splunk integration"
  permissions = [%[1]q]
}

resource "visionone_api_key" "test" {
  name       = "k"
  role       = %[2]q
  depends_on = [visionone_user_role.integration]
}
`, keys[0], role)
	}
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"wrong case": {
			config:    key("siem"),
			wantError: regexpText("Role Not Found", `No role named "siem" exists`, `Did you mean "SIEM"?`),
		},
		"typo of a role this configuration plans": {
			config:    key("Splunk integraton"),
			wantError: regexpText("Role Not Found", `No role named "Splunk integraton" exists`, `Did you mean "Splunk integration"?`),
		},
	})
}

// TestAccAPIKey_destroyAfterRoleDeleted deletes, outside Terraform, the role a key names by a plain
// string (the key was given another role first, as Vision One requires): terraform destroy still
// works, although Terraform plans the configuration before destroying it, because the role check of
// a key that exists only warns. Applying the configuration fails before anything is written.
func TestAccAPIKey_destroyAfterRoleDeleted(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	role, err := e.API.CreateRole(ctx, client.RoleCreate{Name: "team integrations", PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	if err != nil {
		t.Fatalf("creating the role outside Terraform: %v", err)
	}
	config := e.providerConfig() + testAccAPIKeyConfig("k", "team integrations", "", true)
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
				ExpectError: regexpText("Role Not Found", `No role named "team integrations" exists`, "the API key was not written"),
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

// TestAccAPIKey_namesDifferingInCase refuses at plan, with nothing written, two keys of one
// configuration whose names differ only in case, as Vision One keeps key names unique regardless
// of case.
func TestAccAPIKey_namesDifferingInCase(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"two new keys": {
			config: e.providerConfig() + `
resource "visionone_api_key" "upper" {
  name = "Splunk"
  role = "SIEM"
}

resource "visionone_api_key" "lower" {
  name = "splunk"
  role = "SIEM"
}
`,
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
	existing := e.providerConfig() + `
resource "visionone_api_key" "existing" {
  name = "shared"
  role = "SIEM"
}
`
	var id string
	var before emulator.Stats
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: existing,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_api_key.existing", tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				PreConfig: func() { before = e.Stats() },
				// depends_on makes Terraform plan the existing key first, so that the provider has
				// seen it when it plans the new one.
				Config: existing + `
resource "visionone_api_key" "test" {
  name       = "SHARED"
  role       = "SIEM"
  depends_on = [visionone_api_key.existing]
}
`,
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)API Key Already Exists.*This resource plans the name "SHARED", and another `+
					`visionone_api_key of this configuration plans "shared" for the API key with id [0-9a-f-]{36}: API key names are unique `+
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

// TestAccAPIKey_createBeforeDestroyFixedName replaces a key with a fixed name under
// create_before_destroy: Vision One refuses the new key, whose name the current key still has. The
// error names the current key and its id, says that it is probably this resource's own, and points
// to name_prefix; the current key is left working. Without create_before_destroy, a replacement
// with a fixed name works, also of a tainted key, which Terraform plans as a new one.
func TestAccAPIKey_createBeforeDestroyFixedName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	config := func(rotation string, createBeforeDestroy bool) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name    = "fixed"
  role    = "SIEM"
  keepers = { rotation = %[1]q }

  lifecycle {
    create_before_destroy = %[2]t
  }
}
`, rotation, createBeforeDestroy)
	}
	var id, value string
	replaced := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config("1", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), captureString(&id)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), captureString(&value)),
					replaced.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
				},
			},
			{
				Config: config("2", true),
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)API Key Already Exists.*Vision One already has the API key "fixed" \(id [0-9a-f-]{36}\).*`+
					`If this resource is being replaced and has lifecycle \{ create_before_destroy = true \}, that is probably its own current API key.*`+
					`use name_prefix instead of name`, " ", `\s+`)),
			},
			{
				// The current key was not touched; without create_before_destroy the replacement works.
				PreConfig: func() {
					if err := e.authenticates().CheckValue(value); err != nil {
						t.Fatalf("the current key no longer works after the refused replacement: %v", err)
					}
				},
				Config: config("2", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					replaced.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					e.expectAPIKeyCount(1),
				},
			},
			{
				// A tainted key is planned as a new one, without its id: its name is its own.
				Taint:  []string{testAccAPIKeyAddr},
				Config: config("2", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					replaced.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}
