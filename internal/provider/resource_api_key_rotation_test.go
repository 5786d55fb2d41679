package provider

// Expiry and rotation of visionone_api_key: replacement when a key expires or enters its
// rotate_before window by the API's clock, a rotate_before too long to ever leave,
// create_before_destroy rotation of a name_prefix key (and of a fixed name, which cannot work), the
// name_prefix suffix's time, the plan-time decisions behind them, refreshes that leave the state as
// it was while nothing is due, and what an expiry the client cannot read leads to. CRUD, import and drift are in resource_api_key_test.go, the checks of names
// and roles in resource_api_key_checks_test.go.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
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
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccAPIKey_expired moves the emulator's clock past the expiry: the next plan replaces the key
// although nothing in the configuration changed.
func TestAccAPIKey_expired(t *testing.T) {
	forEachAbsentDates(t, testAccAPIKeyExpired)
}

func testAccAPIKeyExpired(t *testing.T, e *testEmulator) {
	e.requireEmulator("clock control")
	id := statecheck.CompareValue(compare.ValuesDiffer())
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name              = %q
  role              = "SIEM"
  expires_in_months = 1
}
`, e.name("short-lived"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("last_used_at"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() { e.AdvanceClock(32 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(testAccAPIKeyAddr, tfjsonpath.New("expires_at")),
					plancheck.ExpectUnknownValue(testAccAPIKeyAddr, tfjsonpath.New("value")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}

// TestAccAPIKey_rotateBefore moves the emulator's clock up to, and then into, the rotate_before
// window: the plan is empty before it and replaces the key inside it.
func TestAccAPIKey_rotateBefore(t *testing.T) {
	forEachAbsentDates(t, testAccAPIKeyRotateBefore)
}

func testAccAPIKeyRotateBefore(t *testing.T, e *testEmulator) {
	e.requireEmulator("clock control")
	id := statecheck.CompareValue(compare.ValuesDiffer())
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name              = %q
  role              = "SIEM"
  expires_in_months = 1
  rotate_before     = "240h"
}
`, e.name("rotated"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id"))},
			},
			{
				// 15 days in: a month-long key still has more than 10 days left.
				PreConfig: func() { e.AdvanceClock(15 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// 25 days in: fewer than 10 days are left. The plan, applied a day later, does what it said.
				PreConfig: func() { e.AdvanceClock(10 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					betweenPlanAndApply(func() { e.AdvanceClock(24 * time.Hour) }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}

// TestAccAPIKey_rotateBeforeWidened widens rotate_before 15 days into a month-long key, so that the
// key is within the new window at once. The refreshes since the create found nothing due and kept the
// API time recorded with the state (read_at) from before the new window began; the plan, which
// refreshed the key, judges at the API's current time all the same and replaces the key at once.
// That plan, saved and applied a day later, does what it said.
func TestAccAPIKey_rotateBeforeWidened(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("clock control")
	name := e.name("widened")
	config := func(rotateBefore string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name              = %q
  role              = "SIEM"
  expires_in_months = 1
  rotate_before     = %q
}
`, name, rotateBefore)
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var oldID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config:            config("240h"),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id"))},
			},
			{
				// 15 days in: more than 10 days are left.
				PreConfig: func() { e.AdvanceClock(15 * 24 * time.Hour) },
				Config:    config("240h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), captureString(&oldID)),
				},
			},
			{
				// Fewer than 20 days are left.
				Config: config("480h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					betweenPlanAndApply(func() { e.AdvanceClock(24 * time.Hour) }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
						if id == oldID {
							return fmt.Errorf("the key %s was kept, want it replaced", id)
						}
						return nil
					})),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}

// TestAccAPIKey_savedPlanIsKept lets the key expire between the plan and the apply of an in-place
// update: Terraform plans the change again while applying it, and the provider must then judge
// expiry as the plan did (at the API time of the plan's refresh), or the apply fails with an
// inconsistent final plan. The next plan replaces the key.
func TestAccAPIKey_savedPlanIsKept(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("clock control")
	name := e.name("saved-plan")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	config := func(description string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name              = %[1]q
  role              = "SIEM"
  description       = %[2]q
  expires_in_months = 1
}
`, name, description)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config:            config("first"),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id"))},
			},
			{
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
					betweenPlanAndApply(func() { e.AdvanceClock(32 * 24 * time.Hour) }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					e.expectAPIKey(name, "SIEM", "second", client.StatusEnabled),
				},
				// The plan after this apply sees the expiry.
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

// TestAccAPIKey_createBeforeDestroy rotates a name_prefix key with create_before_destroy. The
// data source depends on the key, so Terraform reads it after creating the new key and before
// deleting the old one: terraform_data records what the API listed at that moment.
func TestAccAPIKey_createBeforeDestroy(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	id := statecheck.CompareValue(compare.ValuesDiffer())
	var oldValue, newID string
	config := func(rotation string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name_prefix = %[2]q
  role        = "SIEM"
  keepers     = { rotation = %[1]q }

  lifecycle {
    create_before_destroy = true
  }
}

data "visionone_api_keys" "during" {
  role       = "SIEM"
  depends_on = [visionone_api_key.test]
}

resource "terraform_data" "observed" {
  triggers_replace = visionone_api_key.test.id
  input            = data.visionone_api_keys.during.api_keys[*].name

  lifecycle {
    ignore_changes = [input]
  }
}
`, rotation, e.name("splunk-"))
	}
	namePattern := regexp.MustCompile(`^` + regexp.QuoteMeta(e.name("splunk-")) + `\d{14}[0-9a-f]{8}$`)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config("1"),
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringRegexp(namePattern)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), captureString(&oldValue)),
					statecheck.ExpectKnownValue("terraform_data.observed", tfjsonpath.New("output"), e.ownItems(knownvalue.ListSizeExact(1))),
				},
			},
			{
				Config: config("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionCreateBeforeDestroy),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringRegexp(namePattern)),
					// Between the create and the delete the API listed both keys...
					statecheck.ExpectKnownValue("terraform_data.observed", tfjsonpath.New("output"), e.ownItems(knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(namePattern), knownvalue.StringRegexp(namePattern),
					}))),
					// ...and afterwards only the new one is left, its value works and the old one does not.
					e.expectAPIKeyCount(1),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), captureString(&newID)),
					e.expectRejected(&oldValue),
				},
			},
			{
				// Renamed in the console: the name no longer has the prefix, so the key gets a new
				// generated name in place.
				PreConfig: func() {
					renamed := e.name("renamed-in-console")
					if err := e.API.UpdateAPIKey(context.Background(), newID, "", client.APIKeyPatch{Name: &renamed}); err != nil {
						t.Fatalf("renaming the key outside Terraform: %v", err)
					}
				},
				Config: config("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testAccAPIKeyAddr, tfjsonpath.New("name")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
						if id != newID {
							return fmt.Errorf("the key was replaced (%s), expected %s renamed in place", id, newID)
						}
						return nil
					})),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringRegexp(namePattern)),
				},
			},
		},
	})
}

// TestAccAPIKey_namePrefixIgnoreChanges keeps a name_prefix key's name that no longer has the
// prefix (renamed in the console) when the configuration ignores changes to name: Terraform puts
// the prior name into the configuration, and a plan that generated a new one failed every plan
// with "Provider produced invalid plan".
func TestAccAPIKey_namePrefixIgnoreChanges(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	config := func(ignored string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name_prefix = %[1]q
  role        = "SIEM"

  lifecycle {
    create_before_destroy = true
    ignore_changes        = %[2]s
  }
}
`, e.name("log-"), ignored)
	}
	var id string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	renamed := e.name("renamed-in-console")
	keptName := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
			statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config("[name]"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("id"), captureString(&id)),
					sameID.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
				},
			},
			{
				PreConfig: func() {
					if err := e.API.UpdateAPIKey(context.Background(), id, "", client.APIKeyPatch{Name: &renamed}); err != nil {
						t.Fatalf("renaming the key outside Terraform: %v", err)
					}
				},
				Config: config("[name]"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: keptName(),
			},
			{
				Config: config("all"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: keptName(),
			},
		},
	})
}

// TestAccAPIKey_auditorAccessExample applies examples/auditor-access (role, account and key in one
// configuration) and then moves the emulator's clock into the key's rotate_before window.
func TestAccAPIKey_auditorAccessExample(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("clock control")
	config := e.providerConfig()
	for _, name := range []string{"main.tf", "variables.tf", "outputs.tf"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "auditor-access", name))
		if err != nil {
			t.Fatal(err)
		}
		config += "\n" + string(b)
	}
	const key = "visionone_api_key.auditor"
	id := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(key, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("visionone_account.auditor", tfjsonpath.New("role"), knownvalue.StringExact("Third-party auditor")),
					statecheck.ExpectKnownValue(key, tfjsonpath.New("role"), knownvalue.StringExact("Third-party auditor")),
					statecheck.ExpectKnownOutputValue("auditor_api_key", e.authenticates()),
				},
			},
			{
				// Three months minus 80 days leaves fewer than the 14 days of rotate_before.
				PreConfig: func() { e.AdvanceClock(80 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(key, plancheck.ResourceActionCreateBeforeDestroy),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(key, tfjsonpath.New("id")),
					statecheck.ExpectKnownOutputValue("auditor_api_key", e.authenticates()),
					e.expectAPIKeyCount(1),
				},
			},
		},
	})
}

// TestAPIKey_modifyPlanExpiryWarnings calls ModifyPlan as Terraform does on an update plan, with the
// emulator's clock as the API time, to assert what the plan-time warning says; the acceptance tests
// above prove that Terraform replaces the key, but terraform-plugin-testing cannot see warnings.
func TestAPIKey_modifyPlanExpiryWarnings(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	r := &apiKeyResource{data: newProviderData(e.API)}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	now := e.Now()
	tests := map[string]struct {
		expiresAt    time.Time
		rotateBefore timetypes.GoDuration
		wantWarning  string
	}{
		"expired": {
			expiresAt:   now.Add(-time.Hour),
			wantWarning: "expired at " + now.Add(-time.Hour).UTC().Format(time.RFC3339),
		},
		"inside rotate_before": {
			expiresAt:    now.Add(5 * 24 * time.Hour),
			rotateBefore: timetypes.NewGoDurationValueFromStringMust("240h"),
			wantWarning:  "within rotate_before (240h0m0s) of the API's current time",
		},
		"outside rotate_before": {
			expiresAt:    now.Add(20 * 24 * time.Hour),
			rotateBefore: timetypes.NewGoDurationValueFromStringMust("240h"),
		},
		"no rotate_before, not expired": {
			expiresAt: now.Add(time.Hour),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			model := apiKeyResourceModel{
				ID:              types.StringValue("3c2d5f5e-8f43-4c3e-9a3e-2f1b6c1d2e4f"),
				Name:            types.StringValue("planned"),
				NamePrefix:      types.StringNull(),
				Role:            types.StringValue("SIEM"),
				Description:     types.StringValue(""),
				Enabled:         types.BoolValue(true),
				ExpiresInMonths: types.Int64Value(1),
				RotateBefore:    tc.rotateBefore,
				Keepers:         types.MapNull(types.StringType),
				Value:           types.StringValue("secret"),
				ExpiresAt:       timetypes.NewRFC3339TimeValue(tc.expiresAt.UTC()),
				LastUsedAt:      timetypes.NewRFC3339Null(),
				CreatedAt:       timetypes.NewRFC3339Null(),
			}
			raw := tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)
			state := tfsdk.State{Schema: schemaResp.Schema, Raw: raw}
			plan := tfsdk.Plan{Schema: schemaResp.Schema, Raw: raw}
			if diags := state.Set(ctx, &model); diags.HasError() {
				t.Fatal(diags)
			}
			if diags := plan.Set(ctx, &model); diags.HasError() {
				t.Fatal(diags)
			}
			req := fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: plan.Raw}, Plan: plan, State: state}
			resp := withPrivateState(&fwresource.ModifyPlanResponse{Plan: plan})
			r.ModifyPlan(ctx, req, resp)

			if resp.Diagnostics.HasError() {
				t.Fatalf("unexpected error: %v", resp.Diagnostics)
			}
			var plannedExpiry timetypes.RFC3339
			if diags := resp.Plan.GetAttribute(ctx, path.Root("expires_at"), &plannedExpiry); diags.HasError() {
				t.Fatal(diags)
			}
			if tc.wantWarning == "" {
				if len(resp.Diagnostics) != 0 || len(resp.RequiresReplace) != 0 || plannedExpiry.IsUnknown() {
					t.Fatalf("expected no change, got diagnostics %v, replace %v, expires_at %s", resp.Diagnostics, resp.RequiresReplace, plannedExpiry)
				}
				return
			}
			warnings := resp.Diagnostics.Warnings()
			if len(warnings) != 1 || warnings[0].Summary() != "API Key Will Be Replaced" || !strings.Contains(warnings[0].Detail(), tc.wantWarning) {
				t.Fatalf("expected one warning containing %q, got %v", tc.wantWarning, resp.Diagnostics)
			}
			if !resp.RequiresReplace.Contains(path.Root("expires_at")) || !plannedExpiry.IsUnknown() {
				t.Fatalf("expected a replacement over an unknown expires_at, got replace %v, expires_at %s", resp.RequiresReplace, plannedExpiry)
			}
		})
	}
}

// oddExpiry is an expiry in a form nobody documents: the client cannot read it.
const oddExpiry = `"06/02/2025 10:00"`

// TestAPIKey_unreadableExpiryWarnings calls Create, Read and the data source's Read as
// Terraform does against an API that writes expiredDateTime in a form nobody documents, to assert
// the warnings terraform-plugin-testing cannot see (TestAccReliability_hostileAnswers applies such
// a key through Terraform): each names the key, the field, the value sent and what not knowing it
// means, and nothing fails.
func TestAPIKey_unreadableExpiryWarnings(t *testing.T) {
	t.Parallel()
	odd := &hostileAnswer{passThrough: true, match: matchRequest("", apiKeysAndKey), rewrite: replaceField("expiredDateTime", oddExpiry)}
	odd.armed.Store(true)
	e := startEmulatorBehind(t, odd.wrap)
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	expectWarnings := func(what string, diags diag.Diagnostics, want ...string) {
		t.Helper()
		warnings := diags.Warnings()
		if diags.HasError() || len(warnings) != len(want) {
			t.Fatalf("%s: diagnostics %v, want %d warnings", what, diags, len(want))
		}
		for i, w := range warnings {
			for _, part := range []string{`Vision One sent expiredDateTime as ` + oddExpiry, want[i]} {
				if w.Summary() != "Unreadable Value From the API" || !strings.Contains(w.Detail(), part) {
					t.Errorf("%s: warning %d %q: %q lacks %q", what, i, w.Summary(), w.Detail(), part)
				}
			}
		}
	}

	r := &apiKeyResource{data: newProviderData(api)}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	raw := tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)
	plan := tfsdk.Plan{Schema: schemaResp.Schema, Raw: raw}
	if diags := plan.Set(ctx, &apiKeyResourceModel{
		ID: types.StringUnknown(), Name: types.StringValue("odd"), NamePrefix: types.StringNull(), Role: types.StringValue("SIEM"),
		Description: types.StringValue(""), Enabled: types.BoolValue(true), ExpiresInMonths: types.Int64Value(12),
		RotateBefore: timetypes.NewGoDurationNull(), Keepers: types.MapNull(types.StringType), Value: types.StringUnknown(),
		ExpiresAt: timetypes.NewRFC3339Unknown(), LastUsedAt: timetypes.NewRFC3339Unknown(), CreatedAt: timetypes.NewRFC3339Unknown(),
	}); diags.HasError() {
		t.Fatal(diags)
	}
	createResp := withPrivateState(&fwresource.CreateResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: raw}})
	r.Create(ctx, fwresource.CreateRequest{Plan: plan}, createResp)
	var created apiKeyResourceModel
	createResp.State.Get(ctx, &created)
	// Create reads nothing back: the answer is all it sees.
	expectWarnings("Create", createResp.Diagnostics,
		`The answer to the creation of API key `+created.ID.ValueString()+` ("odd")`+`: Vision One`)
	expectWarnings("Create", createResp.Diagnostics, "expires_at is null until the next refresh reads it from the key")
	// created_at is the time of the create's answer, which its odd expiry does not touch.
	if created.Value.ValueString() == "" || !created.ExpiresAt.IsNull() || created.CreatedAt.IsNull() {
		t.Errorf("state after Create: value set %t, expires_at %s, created_at %s",
			created.Value.ValueString() != "", created.ExpiresAt, created.CreatedAt)
	}

	readResp := withPrivateState(&fwresource.ReadResponse{State: createResp.State})
	r.Read(ctx, fwresource.ReadRequest{State: createResp.State}, readResp)
	expectWarnings("Read", readResp.Diagnostics, "will not replace it when it expires or enters rotate_before")

	ds := &apiKeysDataSource{data: newProviderData(api)}
	var dsSchema datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &dsSchema)
	configState := tfsdk.State{Schema: dsSchema.Schema, Raw: tftypes.NewValue(dsSchema.Schema.Type().TerraformType(ctx), nil)}
	if diags := configState.Set(ctx, &apiKeysDataSourceModel{Role: types.StringNull(), Status: types.StringNull(),
		Name: types.StringNull(), ExpiringWithin: timetypes.NewGoDurationValueFromStringMust("8784h"), ServerTime: timetypes.NewRFC3339Null()}); diags.HasError() {
		t.Fatal(diags)
	}
	dsResp := datasource.ReadResponse{State: configState}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: dsSchema.Schema, Raw: configState.Raw}}, &dsResp)
	expectWarnings("data source", dsResp.Diagnostics, `API key `+created.ID.ValueString()+` ("odd")`)
	expectWarnings("data source", dsResp.Diagnostics, "expiring_within leaves it out")
	var listed apiKeysDataSourceModel
	dsResp.State.Get(ctx, &listed)
	if len(listed.APIKeys) != 0 {
		t.Errorf("expiring_within listed a key whose expiry is unknown: %v", listed.APIKeys)
	}
}

func TestExpiryReplacement(t *testing.T) {
	t.Parallel()
	expiresAt := time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		now          time.Time
		rotateBefore time.Duration
		decision     expiryDecision
		want         string
	}{
		"long before expiry":      {now: expiresAt.Add(-60 * 24 * time.Hour), rotateBefore: 720 * time.Hour},
		"just outside the window": {now: expiresAt.Add(-720*time.Hour - time.Second), rotateBefore: 720 * time.Hour},
		"at the start of the window": {now: expiresAt.Add(-720 * time.Hour), rotateBefore: 720 * time.Hour,
			decision: expiryWithinRotateBefore, want: "within rotate_before (720h0m0s)"},
		"no window, not expired": {now: expiresAt.Add(-time.Second)},
		"at expiry":              {now: expiresAt, decision: expiryExpired, want: "expired at 2027-01-31T12:00:00Z"},
		"after expiry, with a window": {now: expiresAt.Add(time.Hour), rotateBefore: time.Hour, decision: expiryExpired,
			want: "expired at 2027-01-31T12:00:00Z (the API's time is now 2027-01-31T13:00:00Z)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			decision, got := expiryReplacement(tc.now, expiresAt, tc.rotateBefore)
			if decision != tc.decision || tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Fatalf("got %d, %q; want %d and a reason containing %q", decision, got, tc.decision, tc.want)
			}
		})
	}
}

// TestAPIKey_validateConfigRotateBefore calls ValidateConfig as Terraform does, for the warning that
// terraform-plugin-testing cannot see (rotate_before on a key that never expires) next to the
// errors that TestAccAPIKey_rotateBeforeTooLong proves through the CLI.
func TestAPIKey_validateConfigRotateBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &apiKeyResource{}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	tests := map[string]struct {
		rotateBefore timetypes.GoDuration
		months       types.Int64
		wantError    string
		wantWarning  string
	}{
		"shorter than a month":      {rotateBefore: timetypes.NewGoDurationValueFromStringMust("671h"), months: types.Int64Value(1)},
		"a month of 28 days":        {rotateBefore: timetypes.NewGoDurationValueFromStringMust("672h"), months: types.Int64Value(1), wantError: `rotate_before = "672h" (672h, 28 days) is at least as long as the validity of a key with expires_in_months = 1, which can be as short as 672h, 28 days`},
		"a month and an hour":       {rotateBefore: timetypes.NewGoDurationValueFromStringMust("673h"), months: types.Int64Value(1), wantError: `rotate_before = "673h" (673h, 28.04 days) is at least as long`},
		"the default twelve months": {rotateBefore: timetypes.NewGoDurationValueFromStringMust("8760h"), months: types.Int64Null(), wantError: "expires_in_months = 12, which can be as short as 8760h, 365 days"},
		"under twelve months":       {rotateBefore: timetypes.NewGoDurationValueFromStringMust("8759h"), months: types.Int64Null()},
		"never expires":             {rotateBefore: timetypes.NewGoDurationValueFromStringMust("720h"), months: types.Int64Value(0), wantWarning: `rotate_before = "720h" has no effect: expires_in_months = 0 makes a key that never expires`},
		"unknown months":            {rotateBefore: timetypes.NewGoDurationValueFromStringMust("8760h"), months: types.Int64Unknown()},
		"unknown rotate_before":     {rotateBefore: timetypes.NewGoDurationUnknown(), months: types.Int64Value(1)},
		"no rotate_before":          {rotateBefore: timetypes.NewGoDurationNull(), months: types.Int64Value(0)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A plan builds the value; Terraform sends the configuration in the same shape.
			values := tfsdk.Plan{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
			if diags := values.Set(ctx, &apiKeyResourceModel{
				Name: types.StringValue("k"), NamePrefix: types.StringNull(), Role: types.StringValue("SIEM"),
				Description: types.StringNull(), Enabled: types.BoolNull(), ExpiresInMonths: tc.months, RotateBefore: tc.rotateBefore,
				Keepers: types.MapNull(types.StringType), Value: types.StringNull(), ExpiresAt: timetypes.NewRFC3339Null(),
				LastUsedAt: timetypes.NewRFC3339Null(), CreatedAt: timetypes.NewRFC3339Null(), ID: types.StringNull(),
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
		return e.providerConfig() + "resource \"visionone_api_key\" \"test\" {\n  name = \"" + e.name("k") + "\"\n  role = \"SIEM\"\n" +
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

// TestAccAPIKey_createBeforeDestroyFixedName replaces a key with a fixed name under
// create_before_destroy: Vision One refuses the new key, whose name the current key still has. The
// error names the current key and its id, says that it is probably this resource's own, and points
// to name_prefix; the current key is left working. Without create_before_destroy, a replacement
// with a fixed name works, also of a tainted key, which Terraform plans as a new one.
func TestAccAPIKey_createBeforeDestroyFixedName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	fixed := e.name("fixed")
	config := func(rotation string, createBeforeDestroy bool) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name    = %[1]q
  role    = "SIEM"
  keepers = { rotation = %[2]q }

  lifecycle {
    create_before_destroy = %[3]t
  }
}
`, fixed, rotation, createBeforeDestroy)
	}
	var value string
	replaced := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config("1", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), captureString(&value)),
					replaced.AddStateValue(testAccAPIKeyAddr, tfjsonpath.New("id")),
				},
			},
			{
				Config: config("2", true),
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)API Key Already Exists.*`+
					`Creating API key `+regexp.QuoteMeta(fmt.Sprintf("%q", fixed))+`: POST /v3.0/iam/apiKeys item .*: 400 BadRequest: .*\[trace id \S+\].*`+
					`Vision One already has the API key `+
					regexp.QuoteMeta(fmt.Sprintf("%q", fixed))+` \(id [0-9a-f-]{36}\).*`+
					`If this resource is being replaced and has lifecycle \{ create_before_destroy = true \}, that is probably its own current API key.*`+
					`use name_prefix instead of name, which gives every new key a name of its own.*`+
					// The create was refused at its first attempt, which made no key: nothing to check and delete.
					// (The provider cannot tell the current key from one that a change of this apply not begun
					// yet gives up.)
					`Otherwise, the provider has not seen that API key in the Terraform state in this run, but an apply shows it `+
					`only the resources being changed, and -target only those targeted, so look for it first: `+
					`terraform state list -id='[0-9a-f-]{36}' If that names a resource, the API key is that resource's: give one `+
					`of the two resources another name\. If this apply renames or destroys that resource instead, that change did not `+
					`begin while this one waited for it\. Either that resource depends on this one, directly or through others, and `+
					`must not \(make this resource depend on it instead\), or Terraform had not started it yet: apply again, or add `+
					`depends_on to this resource, naming that resource, to make the order explicit\. If this resource is new and takes `+
					`the name of a resource that this run destroys .*use a moved block .* terraform state list covers only `+
					`this configuration's state, though: the API key may also belong to another Terraform configuration or `+
					`workspace, or to an automation, and then this resource needs another name rather than an import \(an `+
					`object imported into two states is managed by both, each undoing the other's changes\): import only what `+
					`no one else manages\. If the command names none, to manage it with Terraform, import it.*`+
					`Delete it in the console \(Administration > API Keys\) and apply again only if no one uses it`, " ", `\s+`)),
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

// TestAccAPIKey_namePrefixUsesAPITime generates the name_prefix suffix from the API's clock, as the
// documentation promises (the creation time in UTC), not from the local clock: the emulator's clock
// is set far ahead of the machine's.
func TestAccAPIKey_namePrefixUsesAPITime(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("clock control")
	e.AdvanceClock(1000 * 24 * time.Hour)
	prefix := e.name("rotated-")
	suffix := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `(\d{14})[0-9a-f]{8}$`)
	createdByAPIClock := knownvalue.StringFunc(func(name string) error {
		m := suffix.FindStringSubmatch(name)
		if m == nil {
			return fmt.Errorf("name %q does not have the form %s<UTC time><8 hex digits>", name, prefix)
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
				Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name_prefix = %q
  role        = "SIEM"
}
`, prefix),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), createdByAPIClock),
				},
			},
		},
	})
}

// TestAPIKey_refreshKeepsReadAt refreshes a key as Terraform does, each time in a new provider
// process, while the emulator's clock moves: the API time the private state keeps for ModifyPlan
// (read_at) changes only when the refresh changes what the key's expires_at and rotate_before call
// for (nothing, a rotation, an expired key's replacement). Otherwise the refresh leaves the private
// state, and so the state, as it was.
func TestAPIKey_refreshKeepsReadAt(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("clock control")
	ctx := context.Background()
	key := e.createAPIKey(client.APIKeyCreate{Name: e.name("refreshed"), Role: "SIEM", MonthsToExpiration: pointerTo[int64](1)})
	var schemaResp fwresource.SchemaResponse
	(&apiKeyResource{}).Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, &apiKeyResourceModel{
		ID: types.StringValue(key.ID), Name: types.StringValue(key.Name), NamePrefix: types.StringNull(), Role: types.StringValue("SIEM"),
		Description: types.StringValue(""), Enabled: types.BoolValue(true), ExpiresInMonths: types.Int64Value(1),
		RotateBefore: timetypes.NewGoDurationValueFromStringMust("240h"), Keepers: types.MapNull(types.StringType),
		Value: types.StringValue(key.Value), ExpiresAt: timetypes.NewRFC3339Null(), LastUsedAt: timetypes.NewRFC3339Null(),
		CreatedAt: timetypes.NewRFC3339Null(),
	}); diags.HasError() {
		t.Fatal(diags)
	}
	// The private state Terraform keeps with the key, which each Read gets and changes.
	private := withPrivateState(&fwresource.ReadResponse{}).Private
	var readAt time.Time
	// A month is 28 to 31 days: the 10 days of rotate_before begin between day 18 and day 21.
	for _, step := range []struct {
		name    string
		advance time.Duration
		stored  bool
	}{
		{"the first refresh", 0, true},
		{"a minute later", time.Minute, false},
		{"15 days in", 15 * 24 * time.Hour, false},
		{"22 days in, within rotate_before", 7 * 24 * time.Hour, true},
		{"23 days in", 24 * time.Hour, false},
		{"33 days in, expired", 10 * 24 * time.Hour, true},
		{"34 days in", 24 * time.Hour, false},
	} {
		e.AdvanceClock(step.advance)
		// A new client, as in a new run: the shared listing of the last one would not ask the API again.
		api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
		if err != nil {
			t.Fatal(err)
		}
		resp := fwresource.ReadResponse{State: state, Private: private}
		(&apiKeyResource{data: newProviderData(api)}).Read(ctx, fwresource.ReadRequest{State: state, Private: private}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", step.name, resp.Diagnostics)
		}
		state = resp.State
		got, _ := storedReadAt(ctx, private)
		// The emulator's time is at second precision; the client's adds the time since its answer.
		switch now := e.Now(); {
		case !step.stored && !got.Equal(readAt):
			t.Errorf("%s: the refresh changed read_at from %s to %s, though what the key calls for did not change", step.name, readAt, got)
		case step.stored && (got.Equal(readAt) || got.Before(now.Add(-time.Second)) || got.After(now.Add(time.Second))):
			t.Errorf("%s: read_at is %s after the refresh (before it %s), want the API's time of the refresh, %s", step.name, got, readAt, now)
		}
		readAt = got
	}
}

// TestAPIKey_refreshLeavesStateAlone runs, with the CLI under test, what a scheduled drift check or
// a pipeline with nothing to do runs while time passes that changes nothing about a key's expiry: a
// refresh-only plan refreshes the state into what it was, private state included, and a
// refresh-only apply or an apply with no changes writes no new state (its serial, and the API time
// the private state keeps for expiry, read_at, stay as they were). A change of rotate_before that
// puts the key in its rotation window replaces it at once, though the time kept is older than the
// window: the plan, which refreshed the key, judges at the API's current time.
//
// The exit code of `terraform plan -refresh-only -detailed-exitcode` says nothing here: Terraform
// (1.11.4 and 1.14.9 tried) exits 2 for this resource, as for hashicorp/time's time_static, even
// when the refresh changes nothing it saves (not for visionone_user_role), since it compares the
// refreshed objects with reflect.DeepEqual, values decoded in memory included
// (states.ManagedResourcesEqual); its plan file holds both states as saved.
func TestAPIKey_refreshLeavesStateAlone(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("clock control")
	w := newCLIWorkspace(t, featureNone)
	config := func(rotateBefore string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name              = %q
  role              = "SIEM"
  expires_in_months = 1
  rotate_before     = %q
}
`, e.name("drift-checked"), rotateBefore)
	}
	w.write("main.tf", config("240h"))
	w.run([]int{0}, "init", "-input=false", "-no-color")
	w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	// The first refresh reads what the create did not (the key's version); from then on nothing changes.
	w.run([]int{0}, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	serial, readAt := apiKeyStateFile(t, w)

	for _, advance := range []time.Duration{time.Minute, 15 * 24 * time.Hour} {
		e.AdvanceClock(advance)
		w.run([]int{0, 2}, "plan", "-refresh-only", "-input=false", "-no-color", "-out=refresh.tfplan")
		// Not printed: the state holds the key's value.
		if refreshed, prior := planStates(t, w, "refresh.tfplan"); refreshed != prior {
			t.Errorf("%s later, the refresh-only plan changes the key's saved state (its attributes or its private state)", advance)
		}
		w.run([]int{0}, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
		w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
		if gotSerial, gotReadAt := apiKeyStateFile(t, w); gotSerial != serial || gotReadAt != readAt {
			t.Errorf("%s later, a refresh-only apply and an apply with no changes wrote the state: serial %d, read_at %s; "+
				"before them %d, %s", advance, gotSerial, gotReadAt, serial, readAt)
		}
	}

	// 15 days in, 20 days of rotate_before include the expiry, 10 did not.
	w.write("main.tf", config("480h"))
	_, out := w.run([]int{0}, "plan", "-json", "-input=false")
	if actions := jsonPlannedActions(out); actions[testAccAPIKeyAddr] != "replace" {
		t.Errorf("the plan of a wider rotate_before plans %v, want the key replaced", actions)
	}
	want := regexpText(testAccAPIKeyAddr+": ", "within rotate_before (480h0m0s) of the API's current time")
	if warnings := jsonWarnings(out, "API Key Will Be Replaced"); len(warnings) != 1 || !want.MatchString(warnings[0]) {
		t.Errorf("the plan of a wider rotate_before warns %q, want one warning saying %s", warnings, want)
	}
}

// planStates returns the resources, private state included, of the two states in w's plan file
// name (a zip archive): the state the plan refreshed into (tfstate), and the state it refreshed
// (tfstate-prev), as JSON.
func planStates(t *testing.T, w *cliWorkspace, name string) (refreshed, prior string) {
	t.Helper()
	archive, err := zip.OpenReader(filepath.Join(w.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer archive.Close()
	resources := map[string]string{}
	for _, file := range archive.File {
		if file.Name != "tfstate" && file.Name != "tfstate-prev" {
			continue
		}
		content, err := file.Open()
		if err != nil {
			t.Fatal(err)
		}
		var state struct {
			Resources json.RawMessage `json:"resources"`
		}
		err = json.NewDecoder(content).Decode(&state)
		content.Close()
		if err != nil {
			t.Fatalf("%s of %s: %v", file.Name, name, err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, state.Resources); err != nil {
			t.Fatal(err)
		}
		resources[file.Name] = compact.String()
	}
	if resources["tfstate"] == "" || resources["tfstate-prev"] == "" {
		t.Fatalf("the plan file %s lacks its states", name)
	}
	return resources["tfstate"], resources["tfstate-prev"]
}

// apiKeyStateFile returns the serial of w's state file and the API time that the private state of
// visionone_api_key.test keeps (read_at, as JSON).
func apiKeyStateFile(t *testing.T, w *cliWorkspace) (int, string) {
	t.Helper()
	var state struct {
		Serial    int `json:"serial"`
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				Private []byte `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(w.read("terraform.tfstate")), &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type+"."+r.Name != testAccAPIKeyAddr || len(r.Instances) != 1 {
			continue
		}
		var private map[string][]byte
		if err := json.Unmarshal(r.Instances[0].Private, &private); err != nil {
			t.Fatalf("the private state of %s: %v", testAccAPIKeyAddr, err)
		}
		return state.Serial, string(private[privateReadAtKey])
	}
	t.Fatalf("the state file holds no %s", testAccAPIKeyAddr)
	return 0, ""
}

// jsonPlannedActions returns the action of each resource that out, the output of `plan -json`, plans
// to change, by address.
func jsonPlannedActions(out string) map[string]string {
	actions := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		var message struct {
			Type   string `json:"type"`
			Change struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"change"`
		}
		if json.Unmarshal([]byte(line), &message) == nil && message.Type == "planned_change" {
			actions[message.Change.Resource.Addr] = message.Change.Action
		}
	}
	return actions
}
