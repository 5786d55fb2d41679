package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccAPIKey_tenantLimit creates one key more than the tenant's cap on API keys, in one apply
// whose creates share a batch: Vision One makes the keys up to the cap and refuses the last item.
// The refused key is sent again after the refusal's Retry-After, as max_retries allows, and is
// refused again: only that resource fails, with advice on the cap (not on a value of the
// configuration); the keys made are in the state, so nothing is orphaned: once the cap is raised,
// the next apply creates the refused key alone and leaves the others as they are.
func TestAccAPIKey_tenantLimit(t *testing.T) {
	const limit = 3
	batches := &createBatches{}
	e := newTestEmulator(t, emulator.Options{MaxAPIKeys: limit}, batches.wrap)
	// One retry, after the emulator's Retry-After of one second, keeps the test short.
	config := strings.Replace(e.batchedKeysConfig(limit+1), e.providerConfig(), e.providerConfigWith("  max_retries = 1\n"), 1)
	var refused string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: regexpText("Error: Error Creating API Key", "TenantLimitExceeded", "after 2 attempts",
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
					// The refused key was the last item of a batch it shared with keys that were made,
					// and was sent once more.
					if batch := batches.holding(refused); len(batch) < 2 || batch[len(batch)-1] != refused {
						t.Fatalf("the key refused (%s) was sent in the batch %v, want it last in a batch with others", refused, batch)
					}
					if n := batches.sent(refused); n != 2 {
						t.Fatalf("the key refused (%s) was sent %d times, want 2 (max_retries 1)", refused, n)
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

// TestAccAPIKey_tenantLimitFreedByDelete: at a full cap on API keys, one apply removes a key from
// the configuration and adds another. Terraform deletes the one and creates the other at the same
// time, and the create reaches Vision One while the delete is held back: the key is refused at the
// cap, sent again after the refusal's Retry-After, and made once the delete has freed room.
func TestAccAPIKey_tenantLimitFreedByDelete(t *testing.T) {
	batches := &createBatches{}
	e := newTestEmulator(t, emulator.Options{MaxAPIKeys: 2}, func(next http.Handler) http.Handler {
		return batches.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/v3.0/iam/apiKeys/delete" {
				time.Sleep(500 * time.Millisecond) // the create, gathered meanwhile, meets the full cap
			}
			next.ServeHTTP(w, r)
		}))
	})
	config := func(keys ...string) string {
		config := e.providerConfig()
		for _, key := range keys {
			config += fmt.Sprintf(`
resource "visionone_api_key" %[1]q {
  name = "%[2]s%[1]s"
  role = "SIEM"
}
`, key, e.prefix)
		}
		return config
	}
	added := e.name("c")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{Config: config("a", "b")},
			{
				Config: config("a", "c"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_api_key.b", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("visionone_api_key.c", plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					e.expectAPIKeyCount(2),
					statecheck.ExpectKnownValue("visionone_api_key.c", tfjsonpath.New("value"), e.authenticates()),
					emulatorCheck(func(context.Context) error {
						if n := batches.sent(added); n < 2 {
							return fmt.Errorf("the key %s was sent %d times, want it refused at the cap once and sent again", added, n)
						}
						return nil
					}),
				},
			},
		},
	})
}

// TestAccTenantLimit_rolesAndAccounts creates a custom role and an account more than the tenant's
// caps allow: the create beyond each cap is retried as max_retries allows, then fails as a whole
// with advice on that cap, and the state holds exactly what the emulator made.
func TestAccTenantLimit_rolesAndAccounts(t *testing.T) {
	e := startEmulator(t, emulator.Options{MaxRoles: 1, MaxAccounts: 1})
	// One retry, after the emulator's Retry-After of one second, keeps the test short.
	config := e.providerConfigWith("  max_retries = 1\n") + fmt.Sprintf(`
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
				ExpectError: regexpText("Error: Error Creating", "after 2 attempts", "The tenant's cap on", "is reached",
					"delete unused", "ask Trend Micro support to raise the cap"),
			},
			{
				PreConfig: func() {
					stats := e.Stats()
					if objects := stats.Objects; objects["roles"] != 1 || objects["accounts"] != 1 {
						t.Fatalf("the emulator holds %v, want one role and one account: the caps", objects)
					}
					for _, create := range []string{"POST /v3.0/iam/roles", "POST /v3.0/iam/accounts"} {
						if n := stats.Requests[create]; n != 3 {
							t.Fatalf("%s sent %d times, want 3: one made, one refused and retried once", create, n)
						}
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
