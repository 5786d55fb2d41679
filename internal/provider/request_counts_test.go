package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

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

// What creates, deletes and imports cost in requests, as the API counts them: a create reads
// nothing back, concurrent key writes share batch requests, and the imports of one plan share the
// listing that refreshes use. Counted per request type, so that the provider's own configuration
// check and plan-time role checks do not enter the figures.

const (
	createKeys    = "POST /v3.0/iam/apiKeys"
	deleteKeys    = "POST /v3.0/iam/apiKeys/delete"
	getKey        = "GET /v3.0/iam/apiKeys/{id}"
	listKeys      = "GET /v3.0/iam/apiKeys"
	inviteAccount = "POST /v3.0/iam/accounts"
	getAccount    = "GET /v3.0/iam/accounts/{id}"
	listAccounts  = "GET /v3.0/iam/accounts"
)

// requestCounter counts requests of the API from a baseline that a PreConfig takes.
type requestCounter struct {
	e      *testEmulator
	before emulator.Stats
}

func (c *requestCounter) start() { c.before = c.e.Stats() }

// since is how many requests of each of the given types the API received since start.
func (c *requestCounter) since(types ...string) map[string]int {
	now := c.e.Stats().Requests
	out := map[string]int{}
	for _, t := range types {
		out[t] = now[t] - c.before.Requests[t]
	}
	return out
}

// expect is a check on the requests since start: a state check, run right after the step's apply,
// or a query check, run once the query step's results are in.
func (c *requestCounter) expect(t *testing.T, what string, check func(map[string]int) error, types ...string) emulatorCheck {
	return emulatorCheck(func(context.Context) error {
		counts := c.since(types...)
		t.Logf("%s: %v", what, counts)
		if err := check(counts); err != nil {
			return fmt.Errorf("%s: requests %v: %w", what, counts, err)
		}
		return nil
	})
}

const batchedKeyCount = 10

func (e *testEmulator) batchedKeysConfig(count int) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "batch" {
  count       = %d
  name        = "%sbatch-${count.index}"
  role        = "SIEM"
  description = "key ${count.index}"
}
`, count, e.prefix)
}

// TestAccAPIKey_batchedWrites creates keys as Terraform does, -parallelism at a time: their
// creates share batch requests and none is read back, the next plan is empty, and its refresh
// fills in created_at. Destroying them shares batch requests too.
func TestAccAPIKey_batchedWrites(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	requests := &requestCounter{e: e}
	config := e.batchedKeysConfig(batchedKeyCount)
	first := "visionone_api_key.batch[0]"
	last := fmt.Sprintf("visionone_api_key.batch[%d]", batchedKeyCount-1)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				PreConfig: requests.start,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					requests.expect(t, fmt.Sprintf("creating %d keys", batchedKeyCount), func(n map[string]int) error {
						// The plan's name check lists the keys once per provider process, but no
						// created key is read back.
						switch {
						case n[getKey] != 0:
							return fmt.Errorf("a created key was read back")
						case n[createKeys] < 1 || n[createKeys] >= batchedKeyCount:
							return fmt.Errorf("%d keys created in %d requests, want them gathered into fewer", batchedKeyCount, n[createKeys])
						}
						return nil
					}, createKeys, getKey),
					e.expectAPIKeyCount(batchedKeyCount),
					statecheck.ExpectKnownValue(first, tfjsonpath.New("name"), knownvalue.StringExact(e.name("batch-0"))),
					statecheck.ExpectKnownValue(first, tfjsonpath.New("description"), knownvalue.StringExact("key 0")),
					statecheck.ExpectKnownValue(first, tfjsonpath.New("expires_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					statecheck.ExpectKnownValue(first, tfjsonpath.New("last_used_at"), knownvalue.Null()),
					// The time of the create's answer, with no read of the key.
					statecheck.ExpectKnownValue(first, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					// Each key got its own item of the batch: its own secret.
					statecheck.ExpectKnownValue(first, tfjsonpath.New("value"), e.authenticates()),
					statecheck.ExpectKnownValue(last, tfjsonpath.New("value"), e.authenticates()),
					statecheck.CompareValuePairs(first, tfjsonpath.New("value"), last, tfjsonpath.New("value"), compare.ValuesDiffer()),
				},
			},
			refreshStep(config,
				statecheck.ExpectKnownValue(first, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern)),
				statecheck.ExpectKnownValue(last, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern))),
			{
				PreConfig: requests.start,
				Config:    e.providerConfig(),
				ConfigStateChecks: []statecheck.StateCheck{
					requests.expect(t, fmt.Sprintf("destroying %d keys", batchedKeyCount), func(n map[string]int) error {
						if n[deleteKeys] < 1 || n[deleteKeys] >= batchedKeyCount {
							return fmt.Errorf("%d keys deleted in %d requests, want them gathered into fewer", batchedKeyCount, n[deleteKeys])
						}
						return nil
					}, deleteKeys),
					e.expectAPIKeyCount(0),
				},
			},
		},
	})
}

// TestAccAPIKey_batchItemRefused creates keys in one apply while a console user takes the name of
// one of them just before the request that creates it (the plan found it free, and so did the
// apply's own planning of the create, so only the API can refuse it). Vision One refuses that item of the batch and creates the others: only that resource
// fails, the others are in the state with values that work, and the emulator holds no key that the
// state does not. Once the console key is deleted, the next apply creates the refused key alone.
func TestAccAPIKey_batchItemRefused(t *testing.T) {
	batches := &createBatches{}
	e := startEmulatorBehind(t, batches.wrap)
	const count = 3
	config := e.batchedKeysConfig(count)
	taken := e.name("batch-1")
	var console atomic.Pointer[client.CreatedAPIKey] // set by the proxy, read by the test
	batches.before = func(names []string) {
		if console.Load() == nil && slices.Contains(names, taken) {
			console.Store(e.createAPIKey(client.APIKeyCreate{Name: taken, Role: "SIEM"}))
		}
	}
	refused, others := "visionone_api_key.batch[1]", []string{"visionone_api_key.batch[0]", "visionone_api_key.batch[2]"}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: regexpText("Error: API Key Already Exists", "with "+refused,
					fmt.Sprintf("Creating API key %q", taken), fmt.Sprintf("An API key named %q already exists", taken)),
			},
			{
				PreConfig: func() {
					// The refused key shared its request with keys that were created.
					if batch := batches.holding(taken); len(batch) < 2 {
						t.Fatalf("the key refused was sent in a batch of %v, want it with others of the apply", batch)
					}
					keys, err := e.apiKeys(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					names := make([]string, len(keys))
					for i, k := range keys {
						names[i] = k.Name
					}
					slices.Sort(names)
					// The console's key and the two created, which the plan below finds in the state: no
					// key that the batch made is missing from the state.
					if want := []string{e.name("batch-0"), taken, e.name("batch-2")}; !slices.Equal(names, want) {
						t.Fatalf("the emulator holds the keys %v, want %v", names, want)
					}
					if err := e.API.DeleteAPIKeys(context.Background(), console.Load().ID); err != nil {
						t.Fatalf("deleting the console key: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The keys created by the failed apply are in the state, unchanged since.
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(refused, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(others[0], plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(others[1], plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// The values the failed apply stored work.
					statecheck.ExpectKnownValue(others[0], tfjsonpath.New("value"), e.authenticates()),
					statecheck.ExpectKnownValue(others[1], tfjsonpath.New("value"), e.authenticates()),
					statecheck.ExpectKnownValue(refused, tfjsonpath.New("value"), e.authenticates()),
					e.expectAPIKeyCount(count),
				},
			},
		},
	})
}

// createBatches is a proxy in front of the API that records the names that each request to create
// API keys carried, and calls before, when set, with those names before it forwards the request.
type createBatches struct {
	mu      sync.Mutex
	batches [][]string
	before  func(names []string)
}

func (b *createBatches) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v3.0/iam/apiKeys" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			var items []struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(body, &items); err == nil {
				names := make([]string, len(items))
				for i, item := range items {
					names[i] = item.Name
				}
				b.mu.Lock()
				b.batches = append(b.batches, names)
				b.mu.Unlock()
				if b.before != nil {
					b.before(names)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// sent counts the recorded requests that carried name.
func (b *createBatches) sent(name string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, batch := range b.batches {
		if slices.Contains(batch, name) {
			n++
		}
	}
	return n
}

// holding returns the names of the first recorded request that carried name.
func (b *createBatches) holding(name string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, batch := range b.batches {
		if slices.Contains(batch, name) {
			return batch
		}
	}
	return nil
}

// TestAccAccount_invitedWithoutReadBack invites accounts with one request each, and the check of
// their emails costs one listing per provider process: the invitation's answer and the request say
// everything but the display name, which the next refresh reads, and the plan after the apply is
// empty.
func TestAccAccount_invitedWithoutReadBack(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts")
	const n = 4
	accounts := map[string]testAccAccount{}
	for i := range n {
		accounts[fmt.Sprintf("a%d", i)] = testAccAccount{email: e.email(fmt.Sprintf("invited-%d", i)), role: "Auditor",
			description: "invited"}
	}
	config := e.accountConfig(accounts)
	requests := &requestCounter{e: e}
	const a0 = "visionone_account.a0"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(e.email("invited-0"), e.email("invited-1"), e.email("invited-2"), e.email("invited-3")),
		Steps: []resource.TestStep{
			{
				PreConfig: requests.start,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					requests.expect(t, fmt.Sprintf("inviting %d accounts", n), func(counts map[string]int) error {
						// The plan-time check of the emails lists the accounts once per provider process: one
						// page for the plan, one for the apply, however many accounts they invite.
						if counts[inviteAccount] != n || counts[getAccount] != 0 || counts[listAccounts] != 2 {
							return fmt.Errorf("want %d invitations, nothing read back, and one listing for the plan and one for the apply", n)
						}
						return nil
					}, inviteAccount, getAccount, listAccounts),
					statecheck.ExpectKnownValue(a0, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(a0, tfjsonpath.New("email"), knownvalue.StringExact(e.email("invited-0"))),
					statecheck.ExpectKnownValue(a0, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
					statecheck.ExpectKnownValue(a0, tfjsonpath.New("auth_type"), knownvalue.StringExact("local")),
					statecheck.ExpectKnownValue(a0, tfjsonpath.New("description"), knownvalue.StringExact("invited")),
					statecheck.ExpectKnownValue(a0, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					statecheck.ExpectKnownValue(a0, tfjsonpath.New("name"), knownvalue.Null()),
				},
			},
			refreshStep(config,
				statecheck.ExpectKnownValue(a0, tfjsonpath.New("name"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(a0, tfjsonpath.New("status"), knownvalue.StringExact("invited"))),
		},
	})
}

const importedKeyCount = 50

// TestAccAPIKey_importManyInOnePlan adopts keys made in the console with import blocks, half by id
// and half by name: the plan reads them from one listing, not one request each.
func TestAccAPIKey_importManyInOnePlan(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	// The listing's pages, and so the count, depend on every key of the tenant.
	e.requireEmulator("a tenant that holds only this test's keys")
	ids := make([]string, importedKeyCount)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			ids[i] = e.createAPIKey(client.APIKeyCreate{Name: e.name(fmt.Sprintf("batch-%d", i)), Role: "SIEM",
				Description: fmt.Sprintf("key %d", i)}).ID
		})
	}
	wg.Wait()
	var imports strings.Builder
	for i, id := range ids {
		importID := id
		if i%2 == 1 {
			importID = e.name(fmt.Sprintf("batch-%d", i))
		}
		fmt.Fprintf(&imports, "\nimport {\n  to = visionone_api_key.batch[%d]\n  id = %q\n}\n", i, importID)
	}
	config := e.batchedKeysConfig(importedKeyCount) + imports.String()
	requests := &requestCounter{e: e}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				PreConfig: requests.start,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_api_key.batch[0]", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("visionone_api_key.batch[1]", plancheck.ResourceActionNoop),
						planCost{t: t, requests: requests, what: fmt.Sprintf("planning %d imports", importedKeyCount),
							types: []string{getKey, listKeys}, max: 5},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					if got := len(s.RootModule().Resources); got != importedKeyCount {
						return fmt.Errorf("%d resources in the state, want %d", got, importedKeyCount)
					}
					return nil
				},
			},
		},
	})
}

// planCost checks, once the plan is made, how many requests of the given types it cost.
type planCost struct {
	t        *testing.T
	requests *requestCounter
	what     string
	types    []string
	max      int
}

func (c planCost) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	counts := c.requests.since(c.types...)
	total := 0
	for _, n := range counts {
		total += n
	}
	c.t.Logf("%s: %v", c.what, counts)
	if total > c.max {
		resp.Error = fmt.Errorf("%s cost %d requests (%v), want at most %d", c.what, total, counts, c.max)
	}
}

const (
	createRole = "POST /v3.0/iam/roles"
	listRoles  = "GET /v3.0/iam/roles"
	newRoles   = 30
)

// TestAccUserRole_createManyListsOnce creates many roles: the plan-time check of their names lists
// the roles once per provider process, one listing for the plan and one for the apply, which plans
// each role again, however many roles they create.
func TestAccUserRole_createManyListsOnce(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create roles, whose control flags default to true")
	// One page per listing, and no other role's name to clash with.
	e.requireEmulator("a tenant that holds only the predefined roles and this test's")
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "many" {
  count       = %d
  name        = "%smany-${count.index}"
  permissions = []
}
`, newRoles, e.prefix)
	requests := &requestCounter{e: e}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				PreConfig: requests.start,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_user_role.many[0]", plancheck.ResourceActionCreate),
						planCost{t: t, requests: requests, what: fmt.Sprintf("planning %d new roles", newRoles),
							types: []string{listRoles}, max: 1},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					requests.expect(t, fmt.Sprintf("planning and creating %d roles", newRoles), func(n map[string]int) error {
						if n[createRole] != newRoles || n[listRoles] != 2 {
							return fmt.Errorf("want %d creates, and one listing for the plan and one for the apply", newRoles)
						}
						return nil
					}, createRole, listRoles),
				},
			},
		},
	})
}

const (
	readRole            = "GET /v3.0/iam/roles/{id}"
	readRolePermissions = "GET /v3.0/iam/roles/{id}/permissions"
	checkedKeyCount     = 20
)

// TestAccAPIKey_roleChecksReadNoPermissions plans new API keys and imports keys made in the
// console, all with one role, on a tenant whose roles come without their permission keys (as
// Trend's Okta connector shows them): the plan-time checks of the keys' role, the imports'
// included, need the role's flags and type alone, so they read no role's permissions, and they
// share one listing of the roles however many keys they check.
func TestAccAPIKey_roleChecksReadNoPermissions(t *testing.T) {
	e := startEmulator(t, emulator.Options{RolesOmitPermissionKeys: true})
	e.requireEmulator("roles listed without their permission keys, and exact request counts")
	var imports strings.Builder
	for i := range checkedKeyCount {
		key := e.createAPIKey(client.APIKeyCreate{Name: e.name(fmt.Sprintf("console-%d", i)), Role: "SIEM"})
		fmt.Fprintf(&imports, "\nimport {\n  to = visionone_api_key.console[%d]\n  id = %q\n}\n", i, key.ID)
	}
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "console" {
  count = %[1]d
  name  = "%[2]sconsole-${count.index}"
  role  = "SIEM"
}

resource "visionone_api_key" "new" {
  count = %[1]d
  name  = "%[2]snew-${count.index}"
  role  = "SIEM"
}
`, checkedKeyCount, e.prefix) + imports.String()
	requests := &requestCounter{e: e}
	what := fmt.Sprintf("planning %d new keys and %d imports", checkedKeyCount, checkedKeyCount)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				PreConfig: requests.start,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_api_key.console[0]", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("visionone_api_key.new[0]", plancheck.ResourceActionCreate),
						planCost{t: t, requests: requests, what: what + ", permissions read", types: []string{readRolePermissions}},
						planCost{t: t, requests: requests, what: what + ", roles listed", types: []string{listRoles}, max: 1},
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					requests.expect(t, "planning and applying", func(n map[string]int) error {
						if n[readRolePermissions] != 0 || n[listRoles] != 2 {
							return errors.New("want no role's permissions read, and one listing of the roles for the plan and " +
								"one for the apply, which plans each new key again")
						}
						return nil
					}, readRolePermissions, listRoles),
				},
			},
		},
	})
}
