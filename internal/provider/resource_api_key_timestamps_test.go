package provider

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccAPIKey_tenantWithoutKeyTimestamps runs against a tenant whose API keys carry no
// createdDateTime (nor lastModifiedDateTime), as Trend's mock shows a key. A key Terraform creates
// keeps the creation time the create's answer gave it (its Date): the refresh, which reads none,
// neither changes it nor reports a change outside Terraform, and an in-place update keeps it too.
// An import, and the data source, have no creation time to show: created_at is null, without error.
func TestAccAPIKey_tenantWithoutKeyTimestamps(t *testing.T) {
	e := startEmulator(t, emulator.Options{APIKeysOmitTimestamps: true})
	name := e.name("undated")
	console := e.createAPIKey(client.APIKeyCreate{Name: e.name("console-undated"), Role: "SIEM"})
	config := func(description string) string {
		return e.providerConfig() + testAccAPIKeyConfig(name, "SIEM", description, true) + fmt.Sprintf(`
data "visionone_api_keys" "console" {
  name = %q
}
`, console.Name)
	}
	sameCreatedAt := statecheck.CompareValue(compare.ValuesSame())
	createdAt := tfjsonpath.New("created_at")
	steady := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectNoDrift(testAccAPIKeyAddr)}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: steady},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, createdAt, knownvalue.StringRegexp(rfc3339Pattern)),
					sameCreatedAt.AddStateValue(testAccAPIKeyAddr, createdAt),
					statecheck.ExpectKnownValue("data.visionone_api_keys.console", tfjsonpath.New("api_keys"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":       knownvalue.StringExact(console.Name),
							"expires_at": knownvalue.StringRegexp(rfc3339Pattern),
							"created_at": knownvalue.Null(),
						})})),
				},
			},
			{
				// Only refreshes: the state keeps the creation time.
				Config:            config(""),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: steady, PostApplyPostRefresh: steady},
				ConfigStateChecks: []statecheck.StateCheck{sameCreatedAt.AddStateValue(testAccAPIKeyAddr, createdAt)},
			},
			{
				// The update's read of the key reports no creation time either: the planned one stands.
				Config: config("changed in place"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccAPIKeyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: steady,
				},
				ConfigStateChecks: []statecheck.StateCheck{sameCreatedAt.AddStateValue(testAccAPIKeyAddr, createdAt)},
			},
			{
				// An import has no creation time to keep.
				ResourceName:            testAccAPIKeyAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"value", "created_at", "expires_in_months"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d objects, want 1", len(states))
					}
					if got := states[0].Attributes["created_at"]; got != "" {
						return fmt.Errorf("imported created_at %q, want null: the API reports no creation time", got)
					}
					if got := states[0].Attributes["expires_in_months"]; got != "" {
						return errors.New("imported expires_in_months " + got + ", want null: it cannot be worked out without a creation time")
					}
					return nil
				},
			},
		},
	})
}

// TestAccAPIKeyList_tenantWithoutKeyTimestamps lists keys of a tenant whose keys carry no
// createdDateTime: each result's created_at is null, and so is the expires_in_months of an expiring
// key, which cannot be worked out; the query does not fail.
func TestAccAPIKeyList_tenantWithoutKeyTimestamps(t *testing.T) {
	e := startEmulator(t, emulator.Options{APIKeysOmitTimestamps: true})
	name := e.name("undated")
	e.createAPIKey(client.APIKeyCreate{Name: name, Role: "SIEM", MonthsToExpiration: pointerTo[int64](3)})
	known := func(path string, check knownvalue.Check) querycheck.KnownValueCheck {
		return querycheck.KnownValueCheck{Path: tfjsonpath.New(path), KnownValue: check}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureQuery)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: e.providerConfig()},
			{
				Query: true,
				Config: `
list "visionone_api_key" "all" {
  provider         = visionone
  include_resource = true
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					e.expectOwnResults("visionone_api_key.all", 1),
					querycheck.ExpectResourceKnownValues("visionone_api_key.all",
						queryfilter.ByDisplayName(knownvalue.StringExact(name+" (SIEM)")), []querycheck.KnownValueCheck{
							known("name", knownvalue.StringExact(name)),
							known("expires_at", knownvalue.StringRegexp(rfc3339Pattern)),
							known("created_at", knownvalue.Null()),
							known("expires_in_months", knownvalue.Null()),
						}),
				},
			},
		},
	})
}
