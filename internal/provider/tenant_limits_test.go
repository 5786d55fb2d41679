package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccAPIKey_tenantLimit creates one key more than the tenant's cap on API keys, in one apply
// whose creates share a batch: Vision One makes the keys up to the cap and refuses the last item.
// Only that resource fails, with advice on the cap (not on a value of the configuration); the
// keys made are in the state, so nothing is orphaned: once the cap is raised, the next apply
// creates the refused key alone and leaves the others as they are.
func TestAccAPIKey_tenantLimit(t *testing.T) {
	const limit = 3
	batches := &createBatches{}
	e := newTestEmulator(t, emulator.Options{MaxAPIKeys: limit}, batches.wrap)
	config := e.batchedKeysConfig(limit + 1)
	var refused string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: regexpText("Error: Error Creating API Key", "TenantLimitExceeded",
					"The tenant's cap on API keys is reached", "delete unused API keys in the Vision One console",
					"ask Trend Micro support to raise the cap"),
			},
			{
				PreConfig: func() {
					keys, err := e.apiKeys(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					var names []string
					for _, k := range keys {
						names = append(names, k.Name)
					}
					for i := range limit + 1 {
						if name := e.name(fmt.Sprintf("batch-%d", i)); !slices.Contains(names, name) {
							refused = name
						}
					}
					if len(keys) != limit || refused == "" {
						t.Fatalf("the emulator holds the keys %v, want %d of the %d configured", names, limit, limit+1)
					}
					// The refused key was the last item of a batch it shared with keys that were made.
					if batch := batches.holding(refused); len(batch) < 2 || batch[len(batch)-1] != refused {
						t.Fatalf("the key refused (%s) was sent in the batch %v, want it last in a batch with others", refused, batch)
					}
					if err := e.Emulator().SetTenantLimits(emulator.TenantLimits{APIKeys: limit + 1}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The state holds every key the refused apply made, unchanged since: the plan
					// creates the refused key alone.
					PreApply: []plancheck.PlanCheck{onlyCreates{&refused}},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					e.expectAPIKeyCount(limit + 1),
					statecheck.ExpectKnownValue("visionone_api_key.batch[0]", tfjsonpath.New("value"), e.authenticates()),
					statecheck.ExpectKnownValue(fmt.Sprintf("visionone_api_key.batch[%d]", limit), tfjsonpath.New("value"), e.authenticates()),
				},
			},
		},
	})
}

// TestAccTenantLimit_rolesAndAccounts creates a custom role and an account more than the tenant's
// caps allow: the create beyond each cap fails as a whole with advice on that cap, and the state
// holds exactly what the emulator made.
func TestAccTenantLimit_rolesAndAccounts(t *testing.T) {
	e := startEmulator(t, emulator.Options{MaxRoles: 1, MaxAccounts: 1})
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "first" {
  name        = "%[1]sfirst"
  permissions = []
}

resource "visionone_user_role" "second" {
  name        = "%[1]ssecond"
  permissions = []
  depends_on  = [visionone_user_role.first]
}

resource "visionone_account" "first" {
  email = "%[1]sfirst@example.com"
  role  = "Analyst"
}

resource "visionone_account" "second" {
  email      = "%[1]ssecond@example.com"
  role       = "Analyst"
  depends_on = [visionone_account.first]
}
`, e.prefix)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: regexpText("Error: Error Creating", "The tenant's cap on", "is reached", "delete unused",
					"ask Trend Micro support to raise the cap"),
			},
			{
				PreConfig: func() {
					if objects := e.Stats().Objects; objects["roles"] != 1 || objects["accounts"] != 1 {
						t.Fatalf("the emulator holds %v, want one role and one account: the caps", objects)
					}
					if err := e.Emulator().SetTenantLimits(emulator.TenantLimits{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_user_role.first", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("visionone_user_role.second", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("visionone_account.first", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("visionone_account.second", plancheck.ResourceActionCreate),
					},
				},
			},
		},
	})
}

// TestTenantLimitAdvice: a refusal at a tenant's cap, whatever its status, gets the advice on the
// cap of its kind of objects, never the advice to correct a value or to wait for the rate limit.
func TestTenantLimitAdvice(t *testing.T) {
	t.Parallel()
	for path, objects := range map[string]string{
		"/v3.0/iam/apiKeys": "API keys", "/v3.0/iam/accounts": "user accounts", "/v3.0/iam/roles": "custom roles",
	} {
		for _, status := range []int{http.StatusTooManyRequests, http.StatusBadRequest} {
			advice := errorAdvice(&client.APIError{Method: http.MethodPost, Path: path, StatusCode: status,
				Code: http.StatusText(status), Message: "limit", InnerCode: "TenantLimitExceeded", Item: "x"})
			if !strings.Contains(advice, "cap on "+objects+" is reached") || strings.Contains(advice, "correct") ||
				strings.Contains(advice, "rate") {
				t.Errorf("advice on %d at the cap on %s: %q", status, objects, advice)
			}
		}
	}
}

// onlyCreates is a plan check: the plan creates the one resource whose name *want holds (read when
// the check runs) and leaves every other as it is.
type onlyCreates struct{ want *string }

func (c onlyCreates) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var created []string
	for _, rc := range req.Plan.ResourceChanges {
		switch {
		case rc.Change.Actions.Create():
			after, _ := rc.Change.After.(map[string]any)
			name, _ := after["name"].(string)
			created = append(created, name)
		case !rc.Change.Actions.NoOp():
			resp.Error = fmt.Errorf("%s: planned %v, want no change", rc.Address, rc.Change.Actions)
			return
		}
	}
	if len(created) != 1 || created[0] != *c.want {
		resp.Error = fmt.Errorf("the plan creates %v, want only %q", created, *c.want)
	}
}
