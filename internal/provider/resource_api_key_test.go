package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

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
					// Not read back after the create: the time of the create's answer stands for it, the
					// second the API records, so the refresh of a plan has nothing to write.
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("created_at"), e.createdAtOfKey(name)),
					statecheck.ExpectSensitiveValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
					// The value is the real secret: it authenticates against the API.
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					e.expectAPIKeyCount(1),
				},
			},
			refreshStep(e.providerConfig()+testAccAPIKeyConfig(name, "SIEM", "for the auditor", true),
				statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern))),
			{
				ResourceName:      testAccAPIKeyAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// The secret cannot be imported.
				ImportStateVerifyIgnore: []string{"value"},
			},
			{
				ResourceName:            testAccAPIKeyAddr,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"value"},
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

// TestAccAPIKey_importUUIDName adopts a key made in the console whose name has the form of a key
// id (a UUID), by that name, with an import block and with `terraform import`: no key has that id,
// so the import finds the key by its name.
func TestAccAPIKey_importUUIDName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("a key named like a UUID, which cannot carry the prefix that live test objects are swept by")
	const name = "4d5d11b1-84d3-403f-8bfd-85af78933c7a"
	key := e.createAPIKey(client.APIKeyCreate{Name: name, Role: "SIEM", MonthsToExpiration: pointerTo[int64](defaultMonthsToExpiration),
		Status: client.StatusEnabled})
	config := e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "", true)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ResourceName: testAccAPIKeyAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: name},
			{Config: config, ResourceName: testAccAPIKeyAddr, ImportState: true, ImportStateId: name, ImportStateCheck: expectImportedID(key.ID)},
		},
	})
}

// pastedKeyValues are what a user may paste as an API key's import ID by mistake: the value of a
// key (a JWT), and a text longer than any key name, as a key of another form would be.
func pastedKeyValues(e *testEmulator) []string {
	created := e.createAPIKey(client.APIKeyCreate{Name: e.name("pasted"), Role: "SIEM"})
	return []string{created.Value, strings.Repeat("opaque", apiKeyNameMaxLength/len("opaque")+1)}
}

// TestAccAPIKey_importByValueRefused: an import ID that is a key's value rather than its id or
// name is refused, with `terraform import` and with an import block, without being sent to Vision
// One, where a lookup by name would have carried it in a filter.
func TestAccAPIKey_importByValueRefused(t *testing.T) {
	var pasted []string
	e, carried := startEmulatorWatching(t, &pasted)
	pasted = pastedKeyValues(e)
	config := e.providerConfig() + testAccAPIKeyConfig(e.name("adopted"), "SIEM", "", true)
	refused := regexpText("Import ID Looks Like an API Key's Value", "not sent to Vision One", "treat that value as exposed")
	testAccRefusedUnsent(t, carried, importByValueSteps(config, testAccAPIKeyAddr, pasted, refused))
}

// TestAccAPIKey_migratedKeyCannotBeEdited imports a key moved from the old User Accounts app,
// which Vision One lets no one edit, and changes its description: whether Vision One refuses with a
// 403 or a 400 (it does not publish which), the error names that rule and the removed block before
// any permission, and once a change of another key has shown that the provider's key has the
// permission, it blames none. A removed block then stops managing the key without deleting it
// (API.md, "Decision: migrated API keys").
func TestAccAPIKey_migratedKeyCannotBeEdited(t *testing.T) {
	skipInLiveMode(t, "control that marks a key as migrated")
	const rule = "lets no one edit an API key that was moved from the old User Accounts app"
	for _, status := range []int{http.StatusForbidden, http.StatusBadRequest} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			e := startEmulator(t, emulator.Options{LegacyKeyStatus: status})
			name, otherName := e.name("migrated"), e.name("other")
			key := e.createAPIKey(client.APIKeyCreate{Name: name, Role: "SIEM", Description: "from User Accounts",
				MonthsToExpiration: pointerTo[int64](defaultMonthsToExpiration)})
			if err := e.Emulator().MarkAPIKeyLegacy(key.ID); err != nil {
				t.Fatal(err)
			}
			migrated := func(description, arguments string) string {
				return testAccImportedAPIKeyConfig(e, key.ID, name, "SIEM", fmt.Sprintf("description = %q\n%s", description, arguments))
			}
			// The other key is changed first, so that its change shows the permission before the refusal.
			withOther := func(description string) string {
				return migrated(description, "depends_on = [visionone_api_key.other]") + fmt.Sprintf(`
resource "visionone_api_key" "other" {
  name        = %q
  role        = "SIEM"
  description = %q
}
`, otherName, description)
			}
			steps := []resource.TestStep{
				{Config: migrated("from User Accounts", "")},
				{Config: migrated("edited", ""), ExpectError: regexpText("Error Updating API Key", rule, "`removed` block")},
			}
			if status == http.StatusForbidden {
				steps[1].ExpectError = regexpText("Error Updating API Key", rule, "`removed` block",
					`may lack the permission "API Keys: Configure settings"`)
				steps = append(steps,
					resource.TestStep{Config: withOther("from User Accounts")},
					resource.TestStep{Config: withOther("edited"),
						ExpectError: regexpText(`has the permission "API Keys: Configure settings"`, rule, "`removed` block")})
			}
			steps = append(steps, resource.TestStep{
				Config: e.providerConfig() + `
removed {
  from = visionone_api_key.test
  lifecycle {
    destroy = false
  }
}
`,
				Check: func(*terraform.State) error {
					_, err := e.API.GetAPIKey(context.Background(), key.ID)
					return err
				},
			})
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
		})
	}
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
			refreshStep(config,
				statecheck.ExpectKnownValue(forever, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern)),
				statecheck.ExpectKnownValue(forever, tfjsonpath.New("expires_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(forever, tfjsonpath.New("last_used_at"), knownvalue.Null())),
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

// TestAccAPIKey_importUnderNamePrefix imports keys made in the console into resources with
// name_prefix and create_before_destroy, as examples/gitops adopts a tenant's keys. A key whose name
// begins with the prefix is kept (only name_prefix, which an import leaves null, is recorded). A key
// whose name does not is replaced: the apply creates a new key and deletes the imported one, whose
// value the integration holds. A resource with a fixed name renames its imported key in place.
func TestAccAPIKey_importUnderNamePrefix(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	prefix := e.name("siem-")
	fitting := e.createAPIKey(client.APIKeyCreate{Name: prefix + "2024", Role: "SIEM"})
	unprefixed := e.createAPIKey(client.APIKeyCreate{Name: e.name("legacy-siem"), Role: "SIEM"})
	renamed := e.createAPIKey(client.APIKeyCreate{Name: e.name("console-name"), Role: "SIEM"})
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "fitting" {
  name_prefix = %[1]q
  role        = "SIEM"
  lifecycle {
    create_before_destroy = true
  }
}

resource "visionone_api_key" "unprefixed" {
  name_prefix = %[1]q
  role        = "SIEM"
  lifecycle {
    create_before_destroy = true
  }
}

resource "visionone_api_key" "renamed" {
  name = %[2]q
  role = "SIEM"
}

import {
  to = visionone_api_key.fitting
  id = %[3]q
}

import {
  to = visionone_api_key.unprefixed
  id = %[4]q
}

import {
  to = visionone_api_key.renamed
  id = %[5]q
}
`, prefix, e.name("siem-fixed"), fitting.ID, unprefixed.ID, renamed.ID)
	const fittingAddr, unprefixedAddr, renamedAddr = "visionone_api_key.fitting", "visionone_api_key.unprefixed", "visionone_api_key.renamed"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Only name_prefix, which the import leaves null, is recorded.
					plancheck.ExpectResourceAction(fittingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(unprefixedAddr, plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction(renamedAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fittingAddr, tfjsonpath.New("id"), knownvalue.StringExact(fitting.ID)),
					statecheck.ExpectKnownValue(unprefixedAddr, tfjsonpath.New("name"),
						knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(prefix)+`\d{14}[0-9a-f]{8}$`))),
					statecheck.ExpectKnownValue(renamedAddr, tfjsonpath.New("id"), knownvalue.StringExact(renamed.ID)),
					statecheck.ExpectKnownValue(renamedAddr, tfjsonpath.New("name"), knownvalue.StringExact(e.name("siem-fixed"))),
					e.expectAPIKeyCount(3),
					emulatorCheck(func(ctx context.Context) error {
						keys, err := e.apiKeys(ctx)
						if err != nil {
							return err
						}
						for _, key := range keys {
							if key.ID == unprefixed.ID {
								return fmt.Errorf("the imported key %q (%s) still exists after its replacement", key.Name, key.ID)
							}
						}
						return nil
					}),
				},
			},
		},
	})
}

// undatedAPIKeys reads and lists API keys without their createdDateTime, a field the API facts only
// assume a key has (API.md, "Decision: API-key timestamps"): the provider then cannot work out an
// imported key's expires_in_months. Armed from the start; disarm it to let the dates through.
func undatedAPIKeys() *hostileAnswer {
	undated := &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, apiKeysAndKey), rewrite: editJSON(withoutField("createdDateTime"))}
	undated.armed.Store(true)
	return undated
}

// testAccImportedAPIKeyConfig is a resource test that imports the key id, with the key's name and
// role and further arguments, one per line.
func testAccImportedAPIKeyConfig(e *testEmulator, id, name, role, arguments string) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name = %[1]q
  role = %[2]q
  %[3]s
}

import {
  to = visionone_api_key.test
  id = %[4]q
}
`, name, role, arguments, id)
}

// TestAccAPIKey_importUndatedKey imports a console key whose validity cannot be worked out (the API
// reports no creation time) into a configuration that leaves expires_in_months out, as a
// hand-written one may: expires_in_months stays null instead of taking the default of 12 (a value
// made up, which writing the true one later would turn into a replacement), so the import plans
// nothing and writes nothing, and an in-place change keeps it null. Writing the key's true validity
// then records it in place, without replacing a key whose value cannot be recovered.
func TestAccAPIKey_importUndatedKey(t *testing.T) {
	e := startEmulatorBehind(t, undatedAPIKeys().wrap)
	name := e.name("console-quarterly")
	key := e.createAPIKey(client.APIKeyCreate{Name: name, Role: "SIEM", MonthsToExpiration: pointerTo[int64](3)})
	config := func(arguments string) string { return testAccImportedAPIKeyConfig(e, key.ID, name, "SIEM", arguments) }
	theKey := statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), knownvalue.StringExact(key.ID))
	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					theKey,
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("created_at"), knownvalue.Null()),
				},
				Check: e.noWritesSince(before),
			},
			{
				// Update returns the planned null, not a value of its own.
				Config: config(`description = "adopted"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					theKey,
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("description"), knownvalue.StringExact("adopted")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Null()),
				},
			},
			{
				Config: config(`description = "adopted"` + "\n" + `expires_in_months = 3`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					theKey,
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Int64Exact(3)),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}

// TestAccAPIKey_undatedKeyDatedLater imports a key whose validity cannot be worked out with the
// configuration Terraform generates for it (expires_in_months = null), which plans nothing; once the
// API reports the key's creation time, the next refresh works the validity out, and a configuration
// that states it plans nothing either.
func TestAccAPIKey_undatedKeyDatedLater(t *testing.T) {
	undated := undatedAPIKeys()
	e := startEmulatorBehind(t, undated.wrap)
	name := e.name("console-half-year")
	key := e.createAPIKey(client.APIKeyCreate{Name: name, Role: "SIEM", MonthsToExpiration: pointerTo[int64](6)})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: testAccImportedAPIKeyConfig(e, key.ID, name, "SIEM", "expires_in_months = null"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() { undated.armed.Store(false) },
				Config:    testAccImportedAPIKeyConfig(e, key.ID, name, "SIEM", "expires_in_months = 6"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), knownvalue.StringExact(key.ID)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_in_months"), knownvalue.Int64Exact(6)),
				},
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
// overwritten; the state then holds the key as it is, and the next plan takes the change into
// account.
func TestAccAPIKey_changedBetweenPlanAndApply(t *testing.T) {
	testAccAPIKeyChangedBetweenPlanAndApply(t, startEmulator(t, emulator.Options{}), "SIEM", nil)
}

// TestAccAPIKey_changedBetweenPlanAndApplyWithoutETag is TestAccAPIKey_changedBetweenPlanAndApply
// against an API whose single GETs carry no ETag: the version of the plan's refresh is then a
// fingerprint of the key, and the change made since the plan is still refused, not overwritten.
func TestAccAPIKey_changedBetweenPlanAndApplyWithoutETag(t *testing.T) {
	noETag := &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, apiKeysAndKey), rewrite: withoutETag}
	noETag.armed.Store(true)
	testAccAPIKeyChangedBetweenPlanAndApply(t, startEmulatorBehind(t, noETag.wrap), "Auditor", func() {
		if noETag.hits.Load() == 0 {
			t.Fatal("no GET went without its ETag: this test does not exercise it")
		}
	})
}

// testAccAPIKeyChangedBetweenPlanAndApply disables a key of role, with its description changed
// in the console between the plan and the apply, and checks what the tests above say. checkAPI,
// when set, runs after the refused apply.
func testAccAPIKeyChangedBetweenPlanAndApply(t *testing.T, e *testEmulator, role string, checkAPI func()) {
	t.Helper()
	var id string
	name := e.name("etag")
	console := "edited in the console meanwhile"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(name, role, "", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(name, role, "", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					betweenPlanAndApply(func() {
						if err := e.API.UpdateAPIKey(context.Background(), id, "", client.APIKeyPatch{Description: &console}); err != nil {
							t.Errorf("changing the key in the console: %v", err)
						}
					}),
				}},
				ExpectError: regexpText("API Key Changed Outside Terraform", `Updating API key`, fmt.Sprintf("(%q)", name), "(HTTP 412)", "nothing was changed",
					fmt.Sprintf(`Changed outside Terraform: description (was "", is %q)`, console), "the new plan shows this change"),
			},
			{
				PreConfig: func() {
					key, err := e.API.GetAPIKey(context.Background(), id)
					if err != nil || key.Status != client.StatusEnabled || key.Description != console {
						t.Fatalf("the refused update changed the key: %+v, %v", key, err)
					}
					if checkAPI != nil {
						checkAPI()
					}
				},
				Config: e.providerConfig() + testAccAPIKeyConfig(name, role, "", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The refused update stored the key as it is: the refresh finds nothing new.
					expectNoDrift(testAccAPIKeyAddr),
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
					expectPlannedFrom(testAccAPIKeyAddr, "description", console),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					e.expectAPIKey(name, role, "", client.StatusDisabled),
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
				ExpectError: regexpText("Role Not Found", `No role named "Auditr" exists`, "this configuration does not plan one", "the API key is not written", "role = visionone_user_role.<name>.name"),
			},
			{
				Config:   config(fmt.Sprintf("name = %q\nrole = %q", e.name("k"), peopleOnly)),
				PlanOnly: true,
				ExpectError: regexpText("Role Not Assignable to API Keys", fmt.Sprintf("%q does not allow API key assignment", peopleOnly), "allow_api_key_assignment is false", "set allow_api_key_assignment = true",
					"Only a Master Administrator may change that flag", "API key made before October 27, 2025"),
			},

			{
				Config:      config(`name = "k"` + "\n" + `role = "SIEM"` + "\n" + `expires_in_months = 2`),
				ExpectError: regexpText("Invalid Attribute Value", "expires_in_months value must be one of", "got: 2"),
			},
			{
				Config: config(`name = "k"` + "\n" + `role = "SIEM"` + "\n" + `rotate_before = "30d"`),
				ExpectError: regexpText("Invalid Time Duration String Value", `rotate_before = "30d"`, "Valid time units are",
					`unknown unit "d" in duration "30d"`),
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

// TestAccAPIKey_duplicateName takes a name that a console key already has in another case, at
// create (the error says how to import it) and by renaming. The create fails at plan with nothing
// written; PlanOnly proves it is the plan, since Vision One also refuses the name at apply with the
// same summary.
func TestAccAPIKey_duplicateName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	taken := e.name("Taken")
	takenID := e.createAPIKey(client.APIKeyCreate{Name: taken, Role: "SIEM"}).ID
	before := e.Stats()
	notTaken := e.providerConfig() + testAccAPIKeyConfig(e.name("not-taken"), "SIEM", "", true)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   e.providerConfig() + testAccAPIKeyConfig(strings.ToLower(taken), "SIEM", "", true),
				PlanOnly: true,
				ExpectError: regexpText(slices.Concat([]string{"API Key Already Exists",
					fmt.Sprintf(`Vision One already has the API key %q (id %s)`, taken, takenID)},
					wantLookFirst("API key", takenID), wantImportHint(apiKeyType, takenID),
					[]string{"An import cannot recover the key's value", "give this resource another name"})...),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the refused key was written: %v", err)
					}
					if keys, err := e.apiKeys(context.Background()); err != nil || len(keys) != 1 {
						t.Fatalf("expected only the console key, found %d (%v)", len(keys), err)
					}
				},
				Config:            notTaken,
				ConfigStateChecks: []statecheck.StateCheck{e.expectAPIKeyCount(2)},
			},
			{
				// The rename of a key that exists only warns at plan (plan_checks.go says why); the apply
				// refuses it.
				Config:      e.providerConfig() + testAccAPIKeyConfig(strings.ToUpper(taken), "SIEM", "", true),
				ExpectError: regexpText("API Key Already Exists", fmt.Sprintf(`to %q: Vision One already has the API key %q`, strings.ToUpper(taken), taken)),
			},
			{
				// The key kept its name: the configuration that made it plans nothing.
				Config:           notTaken,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccAPIKey_roleCreatedTogether creates the role and the key in one apply, as the third-party
// auditor procedure does: the role does not exist at plan time, so the key's plan judges it by the flags
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
				ExpectError: regexpText("Role Not Found", `No role named "Auditr" exists`, "the API key is not written"),
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
		warnings[0].Summary() != "API Key Deleted Outside Terraform" || !strings.Contains(warnings[0].Detail(), created.ID) ||
		!strings.Contains(warnings[0].Detail(), "a plan with it in the configuration creates a new key") {
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

// createdAtOfKey is a knownvalue check that a created_at is the creation time the API reports for
// the key named name.
func (e *testEmulator) createdAtOfKey(name string) knownvalue.Check {
	return createdAtCheck{e: e, name: name}
}

type createdAtCheck struct {
	e    *testEmulator
	name string
}

func (c createdAtCheck) CheckValue(value any) error {
	got, ok := value.(string)
	if !ok {
		return fmt.Errorf("created_at %v is not a string", value)
	}
	key, err := c.e.API.FindAPIKeyByName(context.Background(), c.name)
	if err != nil {
		return err
	}
	at, ok := key.CreatedDateTime.Time()
	if !ok {
		return fmt.Errorf("the API reports no creation time for API key %q", c.name)
	}
	if want := at.Format(time.RFC3339); got != want {
		return fmt.Errorf("created_at %s, the API reports %s", got, want)
	}
	return nil
}

func (c createdAtCheck) String() string { return "the creation time the API reports for " + c.name }

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

// TestAccAPIKey_updateKeepsLastUsedAt changes a key in place after it has been used: the plan shows
// last_used_at as the refresh read it rather than "(known after apply)", since changing a key does
// not use it, and a use of the key between the plan and the apply does not make the result differ
// from the plan; the next refresh reports it.
func TestAccAPIKey_updateKeepsLastUsedAt(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	// Two uses within one second would record one time: the clock moves a minute between them.
	e.requireEmulator("clock control")
	name := e.name("used")
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
				Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "first", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), captureString(&value)),
				},
			},
			{
				PreConfig: use,
				Config:    e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "second", true),
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
				Config: e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "second", true),
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

// lostKeyCreates makes the emulator apply every API-key create and drop its answer.
func lostKeyCreates(srv **emulator.Server) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var mu sync.Mutex
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v3.0/iam/apiKeys" || r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			mu.Lock() // one create at a time, so that the fault reaches the creates alone
			defer mu.Unlock()
			(*srv).SetFaults(emulator.Faults{AfterWriteDropRate: 1})
			defer (*srv).SetFaults(emulator.Faults{})
			next.ServeHTTP(w, r)
		})
	}
}

// TestAccAPIKey_lostCreateOfAnUndatedKey: on a tenant whose keys carry no createdDateTime (Trend's
// mock shows none), when the answer to a create is lost and the key of that name cannot be told
// from someone else's, the error keeps the client's explanation and its status, and says to check
// the key and delete it if this apply made it, or else to import it; it suggests another name only
// to a key whose name is configured, not generated from name_prefix. Nothing is created twice, and
// nothing deleted.
func TestAccAPIKey_lostCreateOfAnUndatedKey(t *testing.T) {
	skipInLiveMode(t, "fault injection")
	var srv *emulator.Server
	e := newTestEmulator(t, emulator.Options{APIKeysOmitTimestamps: true}, lostKeyCreates(&srv))
	srv = e.Emulator()
	prefixed := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name_prefix = %q
  role        = "SIEM"
}
`, e.name("lost-"))
	named := e.providerConfig() + testAccAPIKeyConfig(e.name("lost"), "SIEM", "", true)
	// The detail ends with end; the key's id is the emulator's to choose.
	explained := func(end string) *regexp.Regexp {
		texts := slices.Concat([]string{"API Key Already Exists", `POST /v3.0/iam/apiKeys got no clear answer, and an API key named`,
			"but the API does not say when it was created, so it may be the one this request created"},
			wantLookFirst("API key", "<id>"), []string{"it may be a key that this apply created without its secret reaching the provider",
				"check it in Administration → API Keys and, if so, delete it and apply again. Otherwise it is someone else's key."},
			wantImportHint(apiKeyType, "<id>"), []string{end})
		return regexp.MustCompile(strings.ReplaceAll(regexpText(texts...).String(), "<id>", "[0-9a-f-]{36}") + `\s*\z`)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: prefixed, ExpectError: explained("An import cannot recover the key's value: Vision One shows it only once, when the key is created.")},
			{Config: named, ExpectError: explained("when the key is created. Or, instead of importing it, give this resource another name.")},
			{
				// One key per lost create, none deleted.
				Config: e.providerConfig(),
				ConfigStateChecks: []statecheck.StateCheck{e.expectAPIKeyCount(2), emulatorCheck(func(context.Context) error {
					if requests := e.Stats().Requests; requests["POST /v3.0/iam/apiKeys"] != 2 || requests["POST /v3.0/iam/apiKeys/delete"] != 0 {
						return fmt.Errorf("requests %v: want the two creates whose answers were lost, and no delete", requests)
					}
					return nil
				})},
			},
		},
	})
}

// lostCreatesUnlookedUp makes the emulator apply every API-key create and drop its answer, and
// answers every listing of API keys after such a create with a 500, while on is set: the provider
// neither gets the new key's secret nor learns whether the key was made.
func lostCreatesUnlookedUp(srv **emulator.Server, on *atomic.Bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var mu sync.Mutex
		var created atomic.Bool
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path != "/v3.0/iam/apiKeys" || !on.Load():
			case r.Method == http.MethodPost:
				mu.Lock() // one create at a time, so that the fault reaches the creates alone
				defer mu.Unlock()
				(*srv).SetFaults(emulator.Faults{AfterWriteDropRate: 1})
				defer (*srv).SetFaults(emulator.Faults{})
				created.Store(true)
			case r.Method == http.MethodGet && created.Load():
				writeErrorAnswer(w, http.StatusInternalServerError, "InternalServerError")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestAccAPIKey_lostCreateNotLookedUp: when the answer to a create is lost and the listing that
// would tell whether the key was made fails too, the error says that the key may exist with a
// secret nobody holds, and to delete it in the console rather than import it. The apply that
// follows meets that key, and says it may be deleted, if no one uses it, as well as imported.
func TestAccAPIKey_lostCreateNotLookedUp(t *testing.T) {
	skipInLiveMode(t, "fault injection")
	var srv *emulator.Server
	var on atomic.Bool
	on.Store(true)
	e := startEmulatorBehind(t, lostCreatesUnlookedUp(&srv, &on))
	srv = e.Emulator()
	config := e.providerConfigWith("  max_retries = 0\n") + testAccAPIKeyConfig(e.name("orphan"), "SIEM", "", true)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: regexpText("Error Creating API Key", "whether the object was created anyway is unknown",
				"500", "Vision One may have made the API key all the same, with a secret that nobody holds",
				"Administration > API Keys", "delete it, since an import cannot recover its value")},
			{
				PreConfig: func() { on.Store(false) },
				Config:    config,
				ExpectError: regexpText("API Key Already Exists", "may also belong to another Terraform configuration or workspace",
					"An import cannot recover the key's value", "Delete it in the console (Administration > API Keys) and apply "+
						"again only if no one uses it", "read its last_used_at in the visionone_api_keys data source"),
			},
		},
	})
}

// lostCreateListedLate makes the emulator apply the first API-key create and drop its answer, and
// leaves the key it made out of the one listing that follows, as a listing that lags behind a write
// would: the provider finds no key of the name it sent, sends the create again, and Vision One
// refuses that as a duplicate of the key the first attempt made.
func lostCreateListedLate(srv **emulator.Server, name string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var mu sync.Mutex
		dropped, listed := false, false
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.URL.Path != "/v3.0/iam/apiKeys":
			case r.Method == http.MethodPost && !dropped:
				dropped = true
				(*srv).SetFaults(emulator.Faults{AfterWriteDropRate: 1})
				defer (*srv).SetFaults(emulator.Faults{})
			case r.Method == http.MethodGet && dropped && !listed:
				listed = true
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				editJSON(withoutKeyNamed(name))(w, rec)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// withoutKeyNamed takes the key named name out of a page of a listing, and its counts with it.
func withoutKeyNamed(name string) func(any) any {
	return func(v any) any {
		page, ok := v.(map[string]any)
		if !ok {
			return v
		}
		items, _ := page["items"].([]any)
		page["items"] = slices.DeleteFunc(items, func(item any) bool {
			key, ok := item.(map[string]any)
			return ok && key["name"] == name
		})
		delete(page, "totalCount")
		delete(page, "count")
		return page
	}
}

// TestAccAPIKey_refusedAfterLostCreate: when the answer to a create is lost, no key of its name is
// listed, and Vision One refuses the create sent again as a duplicate, the key it refuses over may
// be the one the first attempt made: the error says to check it and delete it before it suggests
// an import. (A create refused at its first attempt says nothing of the kind: see
// TestAccAPIKey_createBeforeDestroyFixedName.)
func TestAccAPIKey_refusedAfterLostCreate(t *testing.T) {
	skipInLiveMode(t, "fault injection")
	var srv *emulator.Server
	name := newTestPrefix(t) + "listed-late"
	e := startEmulatorBehind(t, lostCreateListedLate(&srv, name))
	srv = e.Emulator()
	texts := slices.Concat([]string{"API Key Already Exists", fmt.Sprintf(`Creating API key %q: POST /v3.0/iam/apiKeys item %[1]q: 400 BadRequest`, name)},
		wantLookFirst("API key", "<id>"), []string{"it may be a key that this apply created without its secret reaching the provider",
			"check it in Administration → API Keys and, if so, delete it and apply again. Otherwise it is someone else's key."},
		wantImportHint(apiKeyType, "<id>"), []string{"Or, instead of importing it, give this resource another name."})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", "", true),
			ExpectError: regexp.MustCompile(strings.ReplaceAll(regexpText(texts...).String(), "<id>", "[0-9a-f-]{36}")),
		}},
	})
}

// TestAPIKey_modifyPlanDefaultValidityWarns calls ModifyPlan as Terraform plans a key that exists
// with a validity other than the default while its configuration leaves expires_in_months out, to
// assert the warning terraform-plugin-testing cannot see: the key is replaced only because of that,
// and the warning names the key and the value that keeps it. A configuration that sets another
// validity on purpose, a key already valid for the default, a validity that is not known, and a
// key replaced for another reason as well (its expiry) get no such warning.
func TestAPIKey_modifyPlanDefaultValidityWarns(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	r := &apiKeyResource{data: newProviderData(e.API)}
	now := e.Now()
	unset, twelve := types.Int64Null(), types.Int64Value(defaultMonthsToExpiration)
	for name, tc := range map[string]struct {
		state, config types.Int64
		expiresAt     timetypes.RFC3339
		want          []string
	}{
		"never expires, unset": {state: types.Int64Value(0), config: unset, expiresAt: timetypes.NewRFC3339Null(), want: []string{
			`has expires_in_months = 0 (it never expires), and its configuration leaves expires_in_months out`,
			"the default, 12", "so the plan replaces the key", "Set expires_in_months = 0 to keep this key."}},
		"six months, unset": {state: types.Int64Value(6), config: unset, expiresAt: timetypes.NewRFC3339TimeValue(now.Add(90 * 24 * time.Hour)),
			want: []string{"has expires_in_months = 6 (valid for 6 months from its creation)", "Set expires_in_months = 6 to keep this key."}},
		"six months, set to 12":      {state: types.Int64Value(6), config: twelve, expiresAt: timetypes.NewRFC3339TimeValue(now.Add(90 * 24 * time.Hour))},
		"twelve months, unset":       {state: twelve, config: unset, expiresAt: timetypes.NewRFC3339TimeValue(now.Add(90 * 24 * time.Hour))},
		"validity not known":         {state: types.Int64Null(), config: unset, expiresAt: timetypes.NewRFC3339TimeValue(now.Add(90 * 24 * time.Hour))},
		"six months, unset, expired": {state: types.Int64Value(6), config: unset, expiresAt: timetypes.NewRFC3339TimeValue(now.Add(-time.Hour))},
	} {
		t.Run(name, func(t *testing.T) {
			state := apiKeyResourceModel{
				ID:              types.StringValue("3c2d5f5e-8f43-4c3e-9a3e-2f1b6c1d2e4f"),
				Name:            types.StringValue("made-in-console"),
				NamePrefix:      types.StringNull(),
				Role:            types.StringValue("SIEM"),
				Description:     types.StringValue(""),
				Enabled:         types.BoolValue(true),
				ExpiresInMonths: tc.state,
				RotateBefore:    timetypes.NewGoDurationNull(),
				Keepers:         types.MapNull(types.StringType),
				Value:           types.StringNull(),
				ExpiresAt:       tc.expiresAt,
				LastUsedAt:      timetypes.NewRFC3339Null(),
				CreatedAt:       timetypes.NewRFC3339Null(),
			}
			config, plan := state, state
			config.ExpiresInMonths = tc.config
			// What the framework plans before ModifyPlan: the default for an unset value, unless
			// the prior value is null (Int64PriorNullOverDefault).
			if plan.ExpiresInMonths = tc.config; tc.config.IsNull() && !tc.state.IsNull() {
				plan.ExpiresInMonths = twelve
			}
			resp := modifyPlanWithConfig(t, r, &state, config, plan)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			var warned []string
			for _, w := range resp.Diagnostics.Warnings() {
				if w.Summary() == "API Key Will Be Replaced" && strings.Contains(w.Detail(), "expires_in_months") {
					warned = append(warned, w.Detail())
				}
			}
			if tc.want == nil {
				if len(warned) != 0 {
					t.Fatalf("want no warning of expires_in_months, got %q", warned)
				}
				return
			}
			if len(warned) != 1 || !regexpText(append([]string{`API key 3c2d5f5e-8f43-4c3e-9a3e-2f1b6c1d2e4f ("made-in-console")`}, tc.want...)...).MatchString(warned[0]) {
				t.Fatalf("want one warning saying %q, got %q (diagnostics %v)", tc.want, warned, resp.Diagnostics)
			}
		})
	}
}

// TestAPIKey_importWithDefaultValidityReplaces imports, in one plan of the CLI under test, a console
// key that never expires and one valid for 6 months into a configuration that leaves
// expires_in_months out: both are planned for replacement, the plan warns for each which
// expires_in_months keeps it, and the import's warning no longer says that the key keeps working,
// which the replacement contradicted. Setting the values named plans the import alone.
func TestAPIKey_importWithDefaultValidityReplaces(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	w := newCLIWorkspace(t, featureNone)
	never := e.createAPIKey(client.APIKeyCreate{Name: e.name("never"), Role: "SIEM", MonthsToExpiration: pointerTo[int64](0)})
	half := e.createAPIKey(client.APIKeyCreate{Name: e.name("half-year"), Role: "SIEM", MonthsToExpiration: pointerTo[int64](6)})
	config := func(neverMonths, halfMonths string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "never" {
  name = %[1]q
  role = "SIEM"
  %[3]s
}

resource "visionone_api_key" "half" {
  name = %[2]q
  role = "SIEM"
  %[4]s
}

import {
  to = visionone_api_key.never
  id = %[5]q
}

import {
  to = visionone_api_key.half
  id = %[6]q
}
`, never.Name, half.Name, neverMonths, halfMonths, never.ID, half.ID)
	}
	w.write("main.tf", config("", ""))
	w.run([]int{0}, "init", "-input=false", "-no-color")
	_, out := w.run([]int{0}, "plan", "-json", "-input=false")
	for _, key := range []struct {
		address string
		months  int
	}{{"visionone_api_key.never", 0}, {"visionone_api_key.half", 6}} {
		want := regexpText(key.address+": ", "so the plan replaces the key", fmt.Sprintf("Set expires_in_months = %d to keep this key.", key.months))
		if warnings := jsonWarnings(out, "API Key Will Be Replaced"); !slices.ContainsFunc(warnings, want.MatchString) {
			t.Errorf("no warning of the plan says %s; its warnings API Key Will Be Replaced:\n%s", want, strings.Join(warnings, "\n\n"))
		}
	}
	for _, warning := range jsonWarnings(out, "API Key Value Not Imported") {
		if strings.Contains(warning, "keeps working") {
			t.Errorf("the import's warning says the key keeps working, which the plan's replacement contradicts:\n%s", warning)
		}
	}

	w.write("main.tf", config("expires_in_months = 0", "expires_in_months = 6"))
	if _, out := w.run([]int{0}, "plan", "-input=false", "-no-color"); !strings.Contains(out, "2 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Errorf("with the keys' validities set, the plan does more than import them:\n%s", out)
	}
}

// importAPIKeyDirectly calls r's ImportState with the import ID id, as Terraform does, and returns
// the details of its warnings by summary, and its diagnostics.
func importAPIKeyDirectly(t *testing.T, r *apiKeyResource, id string) (map[string]string, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	resp := fwresource.ImportStateResponse{State: tfsdk.State{Schema: schemaResp.Schema,
		Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}}
	r.ImportState(ctx, fwresource.ImportStateRequest{ID: id}, &resp)
	warnings := map[string]string{}
	for _, w := range resp.Diagnostics.Warnings() {
		warnings[w.Summary()] = w.Detail()
	}
	return warnings, resp.Diagnostics
}

// TestAPIKey_importAdvisesReplacementOnlyForAssignableRoles imports, as Terraform does, console keys
// whose role a new key may not have, to assert the warnings terraform-plugin-testing cannot see: a
// Master Administrator key kept from before October 2025, and a key whose custom role stopped
// allowing API key assignment after the key was made, are not advised terraform apply -replace,
// which would fail with "Role Not Assignable to API Keys". The warning says why, that the key's value
// stays null while it has the role, and that it must move to another role first. An expired
// Master Administrator key, which the plan would replace, is not promised a replacement and its
// value in the Terraform state: the plan's "Role Not Assignable to API Keys" refuses that
// replacement, and the warning says so. A key whose role new keys may have is still advised the
// replacement.
func TestAPIKey_importAdvisesReplacementOnlyForAssignableRoles(t *testing.T) {
	t.Parallel()
	// The catalog's Master Administrator role (internal/emulator/catalog.json).
	const masterAdministratorRoleID, masterKeyID = "0f4b1b8e-6d0a-4c3e-9a52-1b7e3c2a0001", "7e1f0c2a-5b3d-4e6f-8a9b-0c1d2e3f4a5b"
	const expiredMasterKeyID = "7e1f0c2a-5b3d-4e6f-8a9b-0c1d2e3f4a5c"
	masterKey := func(id, name string, seq int, expires any) map[string]any {
		return map[string]any{
			"id": id, "name": name, "roleId": masterAdministratorRoleID, "status": client.StatusEnabled, "expires": expires,
			"created": "2024-06-01T00:00:00Z", "lastModified": "2024-06-01T00:00:00Z", "createdSeq": seq, "version": 1,
			"tokenHash": "not the hash of any key this test uses",
		}
	}
	e := startEmulatorWithState(t, map[string]any{"version": 1, "sequence": 2, "apiKeys": []map[string]any{
		masterKey(masterKeyID, "automation (2024)", 1, nil),
		masterKey(expiredMasterKeyID, "automation (expired)", 2, "2025-06-01T00:00:00Z"),
	}})
	ctx := context.Background()
	roleName := e.name("legacy integrations")
	role := e.createRole(client.RoleCreate{Name: roleName, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	legacy := e.createAPIKey(client.APIKeyCreate{Name: e.name("legacy"), Role: roleName})
	if err := e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{AllowAPIKeyAssignment: pointerTo(false)}); err != nil {
		t.Fatalf("retiring the role for new keys: %v", err)
	}
	siem := e.createAPIKey(client.APIKeyCreate{Name: e.name("siem"), Role: "SIEM"})
	r := &apiKeyResource{data: newProviderData(e.API)}

	for _, tc := range []struct {
		id   string
		want []string
	}{
		{masterKeyID, []string{`Replacing the key, which would give it a new value, fails with "Role Not Assignable to API Keys"`,
			fmt.Sprintf("as a new key cannot have the role %q", client.MasterAdministratorRole), "Vision One refuses it for new keys since October 2025",
			"While the key has this role, its value stays null in the Terraform state",
			"move the key to another role (set role in its configuration, and apply), then replace it",
			"So a key moved to another role cannot have it back."}},
		{legacy.ID, []string{`Replacing the key, which would give it a new value, fails with "Role Not Assignable to API Keys"`,
			fmt.Sprintf("as a new key cannot have the role %q", roleName), "its allow_api_key_assignment is false",
			"While the key has this role, its value stays null in the Terraform state",
			"move the key to another role (set role in its configuration, and apply), or have its role allow API key assignment"}},
		{expiredMasterKeyID, []string{"The key expired at 2025-06-01T00:00:00Z, so its value works for nobody",
			fmt.Sprintf("a new key cannot have its role %q", client.MasterAdministratorRole), "the replacement cannot be made",
			`the plan fails with "Role Not Assignable to API Keys", which says what to do`}},
		{siem.ID, []string{"To get a value Terraform knows, replace the key: terraform apply -replace=<address of this resource>"}},
	} {
		warnings, diags := importAPIKeyDirectly(t, r, tc.id)
		value := warnings["API Key Value Not Imported"]
		if diags.HasError() || !regexpText(tc.want...).MatchString(value) {
			t.Errorf("importing %s: the value warning %q, want it to say %q; diagnostics %v", tc.id, value, tc.want, diags)
		}
		// The replacement the plan's error refuses is not promised.
		if strings.Contains(value, "the new key's value is in the Terraform state") {
			t.Errorf("importing %s: the value warning %q promises the replacement's value", tc.id, value)
		}
		if advised := strings.Contains(value, "-replace="); advised != (tc.id == siem.ID) {
			t.Errorf("importing %s: the value warning advises terraform apply -replace: %v", tc.id, advised)
		}
	}
}

// TestAPIKey_importSaysWhomTheValueWorksFor imports console keys, as Terraform does, to assert the
// warnings terraform-plugin-testing cannot see: the lost value works ("can use it") only for an enabled
// key that has not expired (a status spelled "Disabled" included), the advice to replace the key
// is left out for an expired key, which the plan replaces already, and a key whose role was
// deleted in the console is reported as having none, in the import and in the list resource,
// which also lists the disabled key as disabled.
func TestAPIKey_importSaysWhomTheValueWorksFor(t *testing.T) {
	t.Parallel()
	e := startEmulatorBehind(t, consoleSpelling().wrap)
	ctx := context.Background()
	live := e.createAPIKey(client.APIKeyCreate{Name: e.name("live"), Role: "SIEM"})
	off := e.createAPIKey(client.APIKeyCreate{Name: e.name("off"), Role: "SIEM", Status: client.StatusDisabled})
	old := e.createAPIKey(client.APIKeyCreate{Name: e.name("old"), Role: "SIEM", MonthsToExpiration: pointerTo[int64](1)})
	roleless := e.createAPIKey(client.APIKeyCreate{Name: e.name("roleless"), Role: "SIEM"})
	e.AdvanceClock(62 * 24 * time.Hour)
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := &apiKeyResource{data: newProviderData(api)}

	for _, tc := range []struct {
		key        *client.CreatedAPIKey
		want       string
		wantNoRole bool
	}{
		{live, "Whoever holds the value can use it for as long as the key exists (replacing the key deletes it)", false},
		{off, "The key is disabled, so its value works for nobody", false},
		{old, "The key expired at ", false},
		{roleless, "Whoever holds the value can use it for as long as the key exists", true},
	} {
		warnings, diags := importAPIKeyDirectly(t, r, tc.key.ID)
		value, noRole := warnings["API Key Value Not Imported"], warnings["No Role"]
		if diags.HasError() || !strings.Contains(value, tc.want) ||
			(tc.key == off || tc.key == old) && strings.Contains(value, "can use it") {
			t.Errorf("importing %s: the value warning %q, want it to say %q; diagnostics %v", tc.key.Name, value, tc.want, diags)
		}
		// The plan replaces an expired key already ("API Key Will Be Replaced"): -replace has nothing to add.
		if advised := strings.Contains(value, "-replace="); advised == (tc.key == old) {
			t.Errorf("importing %s: the value warning %q advises terraform apply -replace: %v", tc.key.Name, value, advised)
		}
		if tc.key == old && !strings.Contains(value, `"API Key Will Be Replaced"`) {
			t.Errorf("importing %s: the value warning %q does not say that the plan replaces the key", tc.key.Name, value)
		}
		if wantNoRole := fmt.Sprintf("The API key %s (%q) has no role", tc.key.ID, tc.key.Name); tc.wantNoRole != strings.Contains(noRole, wantNoRole) {
			t.Errorf("importing %s: the warning of no role is %q, want one: %v", tc.key.Name, noRole, tc.wantNoRole)
		}
	}

	results := listDirectly(t, &apiKeyListResource{data: newProviderData(api)}, &apiKeyResource{},
		apiKeyListModel{Role: types.StringNull(), Status: types.StringNull(), ExpiringWithin: timetypes.NewGoDurationNull()})
	listed := listedWithID(t, results, roleless.ID)
	if want := roleless.Name + " (no role)"; listed == nil || listed.DisplayName != want {
		t.Fatalf("listed %+v, want %q", listed, want)
	}
	expectOneWarning(t, listed.Diagnostics, "No Role", fmt.Sprintf("The API key %s (%q) has no role", roleless.ID, roleless.Name))
	var model apiKeyResourceModel
	if listed = listedWithID(t, results, off.ID); listed == nil || listed.Resource.Get(ctx, &model).HasError() || model.Enabled.ValueBool() {
		t.Errorf("the disabled key is listed as %+v, enabled %s; want it listed, not enabled", listed, model.Enabled)
	}
}
