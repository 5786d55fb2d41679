package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// cachedKeys is enough API keys for a refresh to read most of them from the shared listing (the
// client reads only the first two of a type one by one).
const cachedKeys = 6

func (e *testEmulator) cachedKeysConfig(description string) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  count       = %d
  name        = "%scached-${count.index}"
  role        = "SIEM"
  description = %q
}
`, cachedKeys, e.prefix, description)
}

// TestAccReadCache_driftAndConcurrentChange runs the guarantees of the per-resource drift and
// changedBetweenPlanAndApply tests on keys refreshed from the shared listing, whose versions are
// fingerprints rather than ETags: a key deleted or changed outside Terraform is seen by the plan,
// and a key changed between the plan and its apply is not overwritten.
func TestAccReadCache_driftAndConcurrentChange(t *testing.T) {
	e := startEmulator(t, emulator.Options{StrictIfMatch: true})
	ids := map[string]string{} // by name
	keyIDs := func(*terraform.State) error {
		keys, err := e.apiKeys(context.Background())
		for _, k := range keys {
			ids[k.Name] = k.ID
		}
		if err == nil && len(ids) != cachedKeys {
			err = fmt.Errorf("the tenant holds %d keys, want %d", len(ids), cachedKeys)
		}
		return err
	}
	console := "edited in the console"
	listings := 0
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.cachedKeysConfig("first"),
				Check:  keyIDs,
			},
			{
				// Drift: the refresh finds one key gone and another changed.
				PreConfig: func() {
					ctx := context.Background()
					listings = e.Stats().Requests["GET /v3.0/iam/apiKeys"]
					if err := e.API.DeleteAPIKeys(ctx, ids[e.name("cached-2")]); err != nil {
						t.Fatal(err)
					}
					if err := e.API.UpdateAPIKey(ctx, ids[e.name("cached-4")], "", client.APIKeyPatch{Description: &console}); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.cachedKeysConfig("first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(`visionone_api_key.test[2]`, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(`visionone_api_key.test[4]`, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(`visionone_api_key.test[5]`, plancheck.ResourceActionNoop),
				}},
				Check: func(s *terraform.State) error {
					if e.Stats().Requests["GET /v3.0/iam/apiKeys"] == listings {
						return fmt.Errorf("the refresh never read the listing: this test does not exercise the cache")
					}
					return keyIDs(s)
				},
			},
			{
				// Every key is changed in the console between the plan and its apply: whether its
				// refresh read it alone (an ETag) or from the listing (a fingerprint), its update is
				// refused and the console's change stays.
				Config: e.cachedKeysConfig("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(`visionone_api_key.test[3]`, plancheck.ResourceActionUpdate),
					betweenPlanAndApply(func() {
						for _, id := range ids {
							if err := e.API.UpdateAPIKey(context.Background(), id, "", client.APIKeyPatch{Description: &console}); err != nil {
								t.Errorf("changing the key in the console: %v", err)
							}
						}
					}),
				}},
				ExpectError: regexpText("API Key Changed Outside Terraform", "(HTTP 412)", "nothing was changed"),
			},
			{
				PreConfig: func() {
					for name, id := range ids {
						if k, err := e.API.GetAPIKey(context.Background(), id); err != nil || k.Description != console {
							t.Fatalf("the refused update of %s overwrote the console's change: %+v, %v", name, k, err)
						}
					}
				},
				Config: e.cachedKeysConfig("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(`visionone_api_key.test[3]`, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}
