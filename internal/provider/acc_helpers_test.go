package provider

// The acceptance tests' shared harness: the provider factories, the emulator each test starts,
// the provider block that points at it, and the checks, matchers and configuration builders that
// the tests of several files use. Helpers of one resource live beside that resource's tests.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// testAccProtoV6ProviderFactories runs the provider in-process, so tests need no registry, with
// the server main.go serves (ProtocolServer).
//
// main.go also applies internal/procdefaults before serving, which the test process does not: it
// turns the SDKs' and the provider's loggers off through environment variables when no TF_LOG* is
// set, and here terraform-plugin-testing's logging sink already keeps every logger off unless
// TF_LOG or a log path is set. Set once in this process, those variables would stay set for every
// later test, and would hide the SDKs' and the provider's lines from a test that sets TF_LOG itself
// to search the logs (TestAccReliability_secretHygiene).
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"visionone": func() (tfprotov6.ProviderServer, error) { return ProtocolServer(New("test")())(), nil },
}

// testAccPreCheck fails, rather than skips, when the Terraform CLI is missing: a suite that silently
// skips every acceptance test would pass for the wrong reason.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("the acceptance tests need the terraform CLI on PATH (or TF_ACC_TERRAFORM_PATH): " + err.Error())
	}
}

// testEmulator is the Vision One API one test runs against, served over real HTTP on loopback.
// By default it is a fresh in-process emulator. In live mode (VISIONONE_ACC_LIVE=1, as
// `make testacc-live` sets it) it is the tenant named by VISIONONE_API_KEY and VISIONONE_REGION or
// VISIONONE_ENDPOINT, reached through a counting proxy so that Stats and noWritesSince keep
// working. What needs the emulator itself (its clock, invitation acceptance, faults, its options
// or the server) is reached through methods that skip the test in live mode, so that no test can
// forget to.
type testEmulator struct {
	t *testing.T
	// server is the emulator; nil in live mode.
	server *emulator.Server
	// live counts the requests to the live tenant; nil against the emulator.
	live *countingProxy
	// URL is where the provider sends its requests.
	URL string
	// API is a client with the admin key, for changing objects "in the console" (drift) and for
	// CheckDestroy.
	API    *client.Client
	apiKey string
	// prefix starts the name of everything the test creates: "tfacc-", then a random part, so that
	// tests on a shared tenant never clash and the sweeper finds what a failed run left behind.
	prefix string
}

// startEmulator starts a fresh emulator with opts for t, or in live mode connects t to the live
// tenant; either is stopped when t ends. In live mode a test that needs an emulator option skips;
// StrictIfMatch is left to the tenant's own rule, and AbsentDates to the tenant's own spelling.
func startEmulator(t *testing.T, opts emulator.Options) *testEmulator {
	t.Helper()
	return newTestEmulator(t, opts, nil)
}

// forEachAbsentDates runs test once for each way the emulator can write a date with no value ("",
// null, a sentinel, or no field), each in a subtest with its own emulator: the real API's form is not published.
// In live mode it runs test once, in t itself, against the tenant: whatever spelling the tenant
// uses is the one the test must accept.
func forEachAbsentDates(t *testing.T, test func(t *testing.T, e *testEmulator)) {
	t.Helper()
	if os.Getenv(envAccLive) == "1" {
		test(t, startEmulator(t, emulator.Options{}))
		return
	}
	for _, mode := range emulator.AbsentDatesModes {
		t.Run("absent_dates="+string(mode), func(t *testing.T) {
			test(t, startEmulator(t, emulator.Options{AbsentDates: mode}))
		})
	}
}

// startEmulatorBehind is startEmulator with a test's own handler in front of the API, to make it
// misbehave in one precise way for the provider. The admin client, the "console" of the test,
// talks to the API directly.
func startEmulatorBehind(t *testing.T, middleware func(http.Handler) http.Handler) *testEmulator {
	t.Helper()
	return newTestEmulator(t, emulator.Options{}, middleware)
}

// startEmulatorWatching starts an emulator that counts the requests carrying one of *values (in
// their path, query or headers), which the caller sets once the emulator is up.
func startEmulatorWatching(t *testing.T, values *[]string) (*testEmulator, *atomic.Int64) {
	t.Helper()
	var carried atomic.Int64
	e := startEmulatorBehind(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sent := r.URL.Path + "?" + r.URL.RawQuery
			for _, header := range r.Header {
				sent += " " + strings.Join(header, " ")
			}
			for _, value := range *values {
				if strings.Contains(sent, value) {
					carried.Add(1)
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	return e, &carried
}

func newTestEmulator(t *testing.T, opts emulator.Options, middleware func(http.Handler) http.Handler) *testEmulator {
	t.Helper()
	e := &testEmulator{t: t, prefix: newTestPrefix(t)}
	tenant, err := liveTenantFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	var api http.Handler
	// The admin client does not limit its rate against the emulator, and keeps the client's default
	// limit against a tenant.
	adminLimit := -1
	if tenant == nil {
		if e.server, err = emulator.New(opts); err != nil {
			t.Fatalf("starting the emulator: %v", err)
		}
		api, e.apiKey = e.server, e.server.AdminKey()
	} else {
		if needs := emulatorOptionsSet(opts); len(needs) > 0 {
			t.Skipf("live mode: needs the emulator option(s) %s", strings.Join(needs, ", "))
		}
		e.live = newCountingProxy(tenant.upstream)
		api, e.apiKey, adminLimit = e.live, tenant.apiKey, 0
		if e.live.objects, err = client.New(client.Config{Endpoint: tenant.upstream.String(), APIKey: tenant.apiKey}); err != nil {
			t.Fatalf("building the client that counts the test's objects: %v", err)
		}
	}
	served := httptest.NewServer(api)
	t.Cleanup(served.Close)
	e.URL = served.URL
	if middleware != nil {
		behind := httptest.NewServer(middleware(api))
		t.Cleanup(behind.Close)
		e.URL = behind.URL
	}
	if e.API, err = client.New(client.Config{Endpoint: served.URL, APIKey: e.apiKey, RequestsPerMinute: adminLimit}); err != nil {
		t.Fatalf("building the admin client: %v", err)
	}
	return e
}

// newTestPrefix returns "tfacc-" and eight random hex digits and a dash.
func newTestPrefix(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return testAccPrefix + hex.EncodeToString(b) + "-"
}

// startEmulatorWithState starts an emulator whose tenant holds what state, the content of an
// emulator state file (Options.StateFile), says: for objects made in the console that the API
// would refuse to make now, such as a role holding a permission key the catalog no longer lists or
// an API key with the Master Administrator role. startEmulator skips the test in live mode.
func startEmulatorWithState(t *testing.T, state map[string]any) *testEmulator {
	t.Helper()
	raw, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "emulator-state.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return startEmulator(t, emulator.Options{StateFile: file})
}

// name is base with the test's prefix: the name of a role or an API key the test creates.
func (e *testEmulator) name(base string) string { return e.prefix + base }

// email is an address at example.com whose local part is local with the test's prefix.
func (e *testEmulator) email(local string) string { return e.prefix + local + "@example.com" }

// owns reports whether a name or email is one of this test's objects. Against the emulator every
// object is: the emulator is the test's own. On a live tenant only those with the test's prefix
// are; a quoted local part counts from inside the quotes.
func (e *testEmulator) owns(name string) bool {
	return e.live == nil || hasTestAccPrefix(name, e.prefix)
}

// AdminKey is the key the provider and the admin client use: the emulator's Master Administrator
// key, or the live tenant's VISIONONE_API_KEY.
func (e *testEmulator) AdminKey() string { return e.apiKey }

// apiKeyArgument is the provider block's api_key line. In live mode the provider takes the key
// from VISIONONE_API_KEY instead, so that it is never written into a test's configuration.
func (e *testEmulator) apiKeyArgument() string {
	if e.live != nil {
		return ""
	}
	return fmt.Sprintf("  api_key  = %q\n", e.apiKey)
}

// providerConfig is the provider block pointing at this test's API with its admin key.
func (e *testEmulator) providerConfig() string { return e.providerConfigWith("") }

// providerConfigWith is providerConfig with more arguments, one per line.
func (e *testEmulator) providerConfigWith(arguments string) string {
	return fmt.Sprintf("\nprovider \"visionone\" {\n  endpoint = %q\n%s%s}\n", e.URL, e.apiKeyArgument(), arguments)
}

// requireEmulator skips the test in live mode: it needs what only the emulator has.
func (e *testEmulator) requireEmulator(what string) {
	e.t.Helper()
	skipInLiveMode(e.t, what)
}

// skipInLiveMode skips t in live mode, saying which part of the emulator it needs. A test whose
// subtests each start their own emulator calls it, so that it is counted as skipped itself.
func skipInLiveMode(t *testing.T, what string) {
	t.Helper()
	if os.Getenv(envAccLive) == "1" {
		t.Skip("live mode: needs the emulator's " + what)
	}
}

// requireMasterAdministrator skips the test in live mode unless VISIONONE_ACC_MASTER_ADMIN=1 says
// that the key is a Master Administrator key made before 27 Oct 2025: only such a key may set a
// custom role's control flags or invite, change and delete accounts. The emulator's admin key is
// one.
func (e *testEmulator) requireMasterAdministrator(why string) {
	e.t.Helper()
	if e.live != nil && os.Getenv(envAccMasterAdministrator) != "1" {
		e.t.Skipf("live mode: needs a Master Administrator key (%s=1) to %s", envAccMasterAdministrator, why)
	}
}

// Stats counts the requests the API received, its answers, and the objects it holds: the
// emulator's own Stats, or in live mode the counting proxy's figures and this test's objects.
func (e *testEmulator) Stats() emulator.Stats {
	if e.live == nil {
		return e.server.Stats()
	}
	st := e.live.stats()
	st.Objects = e.liveObjects()
	return st
}

// AdvanceClock moves the emulator's clock forward.
func (e *testEmulator) AdvanceClock(d time.Duration) {
	e.requireEmulator("clock control")
	e.server.AdvanceClock(d)
}

// Now is the emulator's time.
func (e *testEmulator) Now() time.Time {
	e.requireEmulator("clock")
	return e.server.Now()
}

// AcceptInvitation accepts the invitation of the account with this id, as the person would.
func (e *testEmulator) AcceptInvitation(id string) (string, error) {
	e.requireEmulator("invitation acceptance")
	return e.server.AcceptInvitation(id)
}

// SetFaults sets the emulator's fault injection.
func (e *testEmulator) SetFaults(f emulator.Faults) {
	e.requireEmulator("fault injection")
	e.server.SetFaults(f)
}

// SetOlderRoleEndpoints makes the emulator play a tenant with the older role endpoints alone, or
// the full API again (emulator.Options.OlderRoleEndpoints).
func (e *testEmulator) SetOlderRoleEndpoints(on bool) {
	e.requireEmulator("older role endpoints")
	e.server.SetOlderRoleEndpoints(on)
}

// Emulator is the emulator itself, for a test that drives it directly.
func (e *testEmulator) Emulator() *emulator.Server {
	e.requireEmulator("server")
	return e.server
}

// createRole creates a role "in the console"; in live mode it is deleted when the test ends.
func (e *testEmulator) createRole(in client.RoleCreate) *client.Role {
	e.t.Helper()
	if in.AllowAPIKeyAssignment || in.AllowUserAccountAssignment {
		e.requireMasterAdministrator("create a role with a control flag set")
	}
	role, err := e.API.CreateRole(context.Background(), in)
	if err != nil {
		e.t.Fatalf("creating the role %q in the console: %v", in.Name, err)
	}
	e.cleanupLive(func(ctx context.Context) error { return e.API.DeleteRole(ctx, role.ID) })
	return role
}

// createAPIKey creates an API key "in the console"; in live mode it is deleted when the test ends.
func (e *testEmulator) createAPIKey(in client.APIKeyCreate) *client.CreatedAPIKey {
	e.t.Helper()
	key, err := e.API.CreateAPIKey(context.Background(), in)
	if err != nil {
		e.t.Fatalf("creating the API key %q in the console: %v", in.Name, err)
	}
	e.cleanupLive(func(ctx context.Context) error { return e.API.DeleteAPIKeys(ctx, key.ID) })
	return key
}

// inviteAccount invites an account "in the console"; in live mode it is deleted when the test
// ends, found by its email, since accepting an invitation gives an account a new id.
func (e *testEmulator) inviteAccount(in client.AccountInvite) *client.Account {
	e.t.Helper()
	e.requireMasterAdministrator("invite accounts")
	account, err := e.API.InviteAccount(context.Background(), in)
	if err != nil {
		e.t.Fatalf("inviting %s in the console: %v", in.Email, err)
	}
	e.cleanupLive(func(ctx context.Context) error {
		a, err := e.API.FindAccountByEmail(ctx, in.Email)
		if err != nil {
			return err
		}
		return e.API.DeleteAccount(ctx, a.ID)
	})
	return account
}

// cleanupLive deletes, in live mode, an object the test made outside Terraform; one that is
// already gone is fine. An emulator goes away with its test.
func (e *testEmulator) cleanupLive(remove func(context.Context) error) {
	if e.live == nil {
		return
	}
	e.t.Cleanup(func() {
		if err := remove(context.Background()); err != nil && !client.IsNotFound(err) {
			e.t.Errorf("removing an object the test made in the console: %v", err)
		}
	})
}

// noWritesSince returns a check that fails when the emulator received any mutating request since
// before was taken: the proof that bad input was refused at plan time with nothing created.
func (e *testEmulator) noWritesSince(before emulator.Stats) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := e.Stats().Writes() - before.Writes(); n != 0 {
			return fmt.Errorf("expected no write request, the emulator received %d", n)
		}
		return nil
	}
}

// planErrorCase is a configuration that must fail at plan with an error matching wantError.
type planErrorCase struct {
	config    string
	wantError *regexp.Regexp
	// needs is the CLI feature the configuration uses, if any: the case is skipped without it.
	needs *cliFeature
}

// testAccExpectPlanErrors runs each case as a parallel subtest against e and, once all have run,
// checks that the emulator received no write request since the call: the bad input was refused
// before anything was created.
func testAccExpectPlanErrors(t *testing.T, e *testEmulator, cases map[string]planErrorCase) {
	t.Helper()
	before := e.Stats()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var versionChecks []tfversion.TerraformVersionCheck
			if tc.needs != nil {
				versionChecks = append(versionChecks, skipBelowFeature(*tc.needs))
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   versionChecks,
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: tc.config, ExpectError: tc.wantError},
				},
			})
		})
	}
	// Cleanup, because parallel subtests run only after this function has returned.
	t.Cleanup(func() {
		if err := e.noWritesSince(before)(nil); err != nil {
			t.Error(err)
		}
	})
}

// testAccUserRolesDataSourceConfig is a configuration that makes the provider call the API on plan
// and apply: a provider-configuration test uses it to prove the provider works, or fails, as a whole.
const testAccUserRolesDataSourceConfig = `
data "visionone_user_roles" "all" {}
`

// rolePermissionKeys returns n keys of the emulator's catalog, in key order.
func rolePermissionKeys(t *testing.T, e *testEmulator, n int) []string {
	t.Helper()
	catalog, err := e.API.ListPermissions(context.Background())
	if err != nil {
		t.Fatalf("reading the permission catalog: %v", err)
	}
	keys := make([]string, len(catalog))
	for i, p := range catalog {
		keys[i] = p.Key
	}
	slices.Sort(keys)
	if len(keys) < n {
		t.Fatalf("the emulator's catalog has %d keys, the test needs %d", len(keys), n)
	}
	return keys[:n]
}

// catalogPermission returns the one catalog entry that match selects.
func catalogPermission(t *testing.T, e *testEmulator, match func(client.Permission) bool) client.Permission {
	t.Helper()
	catalog, err := e.API.ListPermissions(context.Background())
	if err != nil {
		t.Fatalf("reading the permission catalog: %v", err)
	}
	var found []client.Permission
	for _, p := range catalog {
		if match(p) {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("expected one matching permission in the emulator's catalog, found %v", found)
	}
	return found[0]
}

func findRole(t *testing.T, e *testEmulator, name string) *client.Role {
	t.Helper()
	role, err := e.API.RefreshRoleByName(context.Background(), name)
	if err != nil {
		t.Fatalf("looking up role %q in the emulator: %v", name, err)
	}
	return role
}

// hclStringList renders values as an HCL list of strings.
func hclStringList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

func knownStringValues(values []string) []knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return checks
}

// expectImportedID is an ImportStateCheck: the import (`terraform import`) read one object, the one
// whose id is id.
func expectImportedID(id string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 || states[0].ID != id {
			ids := make([]string, len(states))
			for i, state := range states {
				ids[i] = state.ID
			}
			return fmt.Errorf("imported %v, want the object %s", ids, id)
		}
		return nil
	}
}

// regexpText matches each text in order, tolerant of the line wrapping Terraform applies to
// diagnostics.
func regexpText(texts ...string) *regexp.Regexp {
	parts := make([]string, len(texts))
	for i, text := range texts {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(text)), `\s+`)
	}
	return regexp.MustCompile("(?s)" + strings.Join(parts, ".*"))
}

func pointerTo[T any](v T) *T { return &v }

// withPrivateState gives a framework response the empty private state the framework gives it
// (its type is internal to the framework, so it is made by reflection), for a test that calls a
// resource's method directly.
func withPrivateState[T any](resp *T) *T {
	field := reflect.ValueOf(resp).Elem().FieldByName("Private")
	field.Set(reflect.New(field.Type().Elem()))
	return resp
}

// modifyPlanOfCreate calls r's ModifyPlan as Terraform plans a new object whose configuration and
// planned values are model, and returns the response: for what an acceptance test cannot see, such
// as a plan's warnings.
func modifyPlanOfCreate[M any](t *testing.T, r fwresource.ResourceWithModifyPlan, model M) *fwresource.ModifyPlanResponse {
	t.Helper()
	return modifyPlanFrom(t, r, nil, model)
}

// modifyPlanOfUpdate calls r's ModifyPlan as Terraform plans the change of an object from state to
// plan (also its configuration), and returns the response.
func modifyPlanOfUpdate[M any](t *testing.T, r fwresource.ResourceWithModifyPlan, state, plan M) *fwresource.ModifyPlanResponse {
	t.Helper()
	return modifyPlanFrom(t, r, &state, plan)
}

// modifyPlanFrom calls r's ModifyPlan for plan, from state (nil for a new object).
func modifyPlanFrom[M any](t *testing.T, r fwresource.ResourceWithModifyPlan, state *M, plan M) *fwresource.ModifyPlanResponse {
	t.Helper()
	return modifyPlanWithConfig(t, r, state, plan, plan)
}

// modifyPlanWithConfig calls r's ModifyPlan for plan, from state (nil for a new object), with a
// configuration that may differ from the plan: one that leaves out an attribute whose default the
// plan holds, say.
func modifyPlanWithConfig[M any](t *testing.T, r fwresource.ResourceWithModifyPlan, state *M, config, plan M) *fwresource.ModifyPlanResponse {
	t.Helper()
	return modifyPlanWith(t, r, state, config, plan, nil)
}

// modifyPlanWith is modifyPlanWithConfig with prepare, when not nil, given the request and the
// response before ModifyPlan: to hand on the private state of a read, say.
func modifyPlanWith[M any](t *testing.T, r fwresource.ResourceWithModifyPlan, state *M, config, plan M,
	prepare func(*fwresource.ModifyPlanRequest, *fwresource.ModifyPlanResponse),
) *fwresource.ModifyPlanResponse {
	t.Helper()
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	null := tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)
	prior := tfsdk.State{Schema: schemaResp.Schema, Raw: null}
	planned := tfsdk.Plan{Schema: schemaResp.Schema, Raw: null}
	configured := tfsdk.Plan{Schema: schemaResp.Schema, Raw: null}
	diags := planned.Set(ctx, &plan)
	diags.Append(configured.Set(ctx, &config)...)
	if state != nil {
		diags.Append(prior.Set(ctx, state)...)
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
	req := withPrivateState(&fwresource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: configured.Raw}, Plan: planned, State: prior,
	})
	resp := withPrivateState(&fwresource.ModifyPlanResponse{Plan: planned})
	if prepare != nil {
		prepare(req, resp)
	}
	r.ModifyPlan(ctx, *req, resp)
	return resp
}

// expectOneWarning fails t unless diags hold no error and exactly one warning, with this summary and
// a detail that says each of want.
func expectOneWarning(t *testing.T, diags diag.Diagnostics, summary string, want ...string) {
	t.Helper()
	warnings := diags.Warnings()
	if diags.HasError() || len(warnings) != 1 || warnings[0].Summary() != summary {
		t.Fatalf("want one warning %s, got %v", summary, diags)
	}
	for _, text := range want {
		if !strings.Contains(warnings[0].Detail(), text) {
			t.Errorf("the warning does not say %q:\n%s", text, warnings[0].Detail())
		}
	}
}

var rfc3339Pattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func testAccAPIKeyConfig(name, role, description string, enabled bool) string {
	return fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name        = %[1]q
  role        = %[2]q
  description = %[3]q
  enabled     = %[4]t
}
`, name, role, description, enabled)
}

// captureString is a knownvalue check that stores a non-empty string for later steps.
func captureString(dst *string) knownvalue.Check { return stringCapture{dst: dst} }

type stringCapture struct{ dst *string }

func (c stringCapture) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok || s == "" {
		return fmt.Errorf("expected a non-empty string, got %v", v)
	}
	*c.dst = s
	return nil
}

func (c stringCapture) String() string { return "a non-empty string" }

// betweenPlanAndApply is a plan check that only acts: it runs after Terraform saved the plan and
// before it applies it, to change the world in between (the console, the clock).
type betweenPlanAndApply func()

func (f betweenPlanAndApply) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// refreshStep applies config again, which must plan nothing, so that its apply only refreshes the
// state: it fills in what the provider does not read back after a create (a key's created_at, an
// account's name), as any later plan or apply does, and checks then run on the refreshed state.
func refreshStep(config string, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config:            config,
		ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		ConfigStateChecks: checks,
	}
}

// emulatorCheck turns an assertion about the emulator into a statecheck, so that it runs right
// after a step's apply, or into a query check, run once a query step's results are in.
type emulatorCheck func(context.Context) error

func (f emulatorCheck) CheckState(ctx context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(ctx)
}

func (f emulatorCheck) CheckQuery(ctx context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f(ctx)
}

// noWritesSinceTaken is noWritesSince for a baseline that a PreConfig takes during the test: the
// baseline is read when the check runs, not when the test case is built.
func (e *testEmulator) noWritesSinceTaken(before *emulator.Stats) resource.TestCheckFunc {
	return func(s *terraform.State) error { return e.noWritesSince(*before)(s) }
}

// expectNoDrift is a plan check that the refresh of the plan found address as the state already
// held it: nothing changed outside Terraform since the state was last written.
func expectNoDrift(address string) plancheck.PlanCheck {
	return noDrift{address: address}
}

type noDrift struct{ address string }

func (c noDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceDrift {
		if rc.Address == c.address {
			resp.Error = fmt.Errorf("%s: the refresh found it changed outside Terraform since the state was written (%v → %v)",
				c.address, rc.Change.Before, rc.Change.After)
			return
		}
	}
}

// expectPlannedFrom is a plan check that the plan's change of address starts from want at
// attribute: the refresh read a change made outside Terraform, and the plan shows it as the
// "before" of the change it proposes.
func expectPlannedFrom(address, attribute string, want any) plancheck.PlanCheck {
	return plannedFrom{address: address, attribute: attribute, want: want}
}

type plannedFrom struct {
	address, attribute string
	want               any
}

func (c plannedFrom) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address || rc.Change == nil {
			continue
		}
		before, ok := rc.Change.Before.(map[string]any)
		if !ok {
			resp.Error = fmt.Errorf("%s: the plan has no prior value", c.address)
			return
		}
		if got := before[c.attribute]; got != c.want {
			resp.Error = fmt.Errorf("%s: the plan changes %s from %v, want from %v (the change made outside Terraform)", c.address, c.attribute, got, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: not in the plan", c.address)
}

const (
	// testAccPrefix starts the name, or the email's local part, of everything a test creates.
	testAccPrefix = "tfacc-"
	// envAccLive turns live mode on (`make testacc-live`).
	envAccLive = "VISIONONE_ACC_LIVE"
	// envAccMasterAdministrator says that VISIONONE_API_KEY is a Master Administrator key made
	// before 27 Oct 2025, which the tests that set control flags or manage accounts need.
	envAccMasterAdministrator = "VISIONONE_ACC_MASTER_ADMIN"
)

// liveTenant is where live mode sends the tests.
type liveTenant struct {
	upstream *url.URL
	apiKey   string
}

// liveTenantFromEnv reads the live tenant from the environment; nil when live mode is off.
func liveTenantFromEnv() (*liveTenant, error) {
	if os.Getenv(envAccLive) != "1" {
		return nil, nil
	}
	tenant, err := tenantFromEnv()
	if err != nil {
		return nil, fmt.Errorf("live mode (%s=1): %w", envAccLive, err)
	}
	return tenant, nil
}

// tenantFromEnv is the tenant that VISIONONE_API_KEY and VISIONONE_ENDPOINT or VISIONONE_REGION
// name, as the provider reads them.
func tenantFromEnv() (*liveTenant, error) {
	key := os.Getenv(envAPIKey)
	if key == "" {
		return nil, fmt.Errorf("%s must hold the tenant's API key", envAPIKey)
	}
	base := os.Getenv(envEndpoint)
	if base == "" {
		region := os.Getenv(envRegion)
		if region == "" {
			return nil, fmt.Errorf("%s or %s must name the tenant", envRegion, envEndpoint)
		}
		var err error
		if base, err = client.BaseURLForRegion(region); err != nil {
			return nil, err
		}
	}
	upstream, err := url.Parse(base)
	if err != nil || upstream.Host == "" {
		return nil, fmt.Errorf("%s is not a base URL: %q", envEndpoint, base)
	}
	return &liveTenant{upstream: upstream, apiKey: key}, nil
}

// hasTestAccPrefix reports whether a name or email starts with prefix, in any letter case; a
// quoted local part counts from inside the quotes.
func hasTestAccPrefix(name, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimPrefix(name, `"`)), prefix)
}

// emulatorOptionsSet names the options in opts that only the emulator can honour. StrictIfMatch
// and AbsentDates are not among them: they choose among behaviours the API may have, and a tenant
// has its own.
func emulatorOptionsSet(opts emulator.Options) []string {
	opts.StrictIfMatch, opts.AbsentDates = false, ""
	v := reflect.ValueOf(opts)
	var set []string
	for i := range v.NumField() {
		if !v.Field(i).IsZero() {
			set = append(set, v.Type().Field(i).Name)
		}
	}
	return set
}

// countingProxy forwards every request to the live tenant as it came (the proxy only sets the
// host; it neither logs nor keeps a header, the bearer token included) and counts requests and
// answers as the emulator's Stats do, so that noWritesSince and request counts hold live too.
type countingProxy struct {
	proxy *httputil.ReverseProxy
	// objects reads the tenant without being counted, for Stats.Objects.
	objects   *client.Client
	mu        sync.Mutex
	requests  map[string]int
	responses map[string]int
}

func newCountingProxy(upstream *url.URL) *countingProxy {
	origin := []byte(upstream.Scheme + "://" + upstream.Host)
	return &countingProxy{
		proxy: &httputil.ReverseProxy{
			Rewrite: func(r *httputil.ProxyRequest) {
				r.SetURL(upstream)
				r.Out.Header.Del("Accept-Encoding") // bodies stay plain, for the rewrite of their links
				*r.Out = *r.Out.WithContext(context.WithValue(r.Out.Context(), proxyOriginKey{}, "http://"+r.In.Host))
			},
			// The client follows a list's nextLink only to the host it calls (this proxy), as it
			// would behind any gateway: links to the tenant are written as links to the proxy.
			ModifyResponse: func(resp *http.Response) error {
				own, _ := resp.Request.Context().Value(proxyOriginKey{}).(string)
				if own == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
					return nil
				}
				body, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if err != nil {
					return err
				}
				body = bytes.ReplaceAll(body, origin, []byte(own))
				resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
				resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
				return nil
			},
			ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
				http.Error(w, "the live-mode proxy could not reach the tenant: "+err.Error(), http.StatusBadGateway)
			},
		},
		requests:  map[string]int{},
		responses: map[string]int{},
	}
}

// proxyOriginKey carries, in the context of a request the proxy forwards, the proxy's own origin.
type proxyOriginKey struct{}

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	counted := strings.HasPrefix(r.URL.Path, "/v3.0/")
	if counted {
		p.mu.Lock()
		p.requests[r.Method+" "+requestTemplate(r.URL.Path)]++
		p.mu.Unlock()
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	p.proxy.ServeHTTP(rec, r)
	if counted {
		p.mu.Lock()
		p.responses[strconv.Itoa(rec.status)]++
		p.mu.Unlock()
	}
}

func (p *countingProxy) stats() emulator.Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return emulator.Stats{Requests: maps.Clone(p.requests), Responses: maps.Clone(p.responses)}
}

// objectPath is a path of one object, or of one object's permissions.
var objectPath = regexp.MustCompile(`^(/v3\.0/iam/(?:accounts|apiKeys|roles))/([^/]+)(/permissions)?$`)

// requestTemplate is the path as the emulator's Stats name it: "/v3.0/iam/roles/{id}".
func requestTemplate(path string) string {
	m := objectPath.FindStringSubmatch(path)
	if m == nil || m[3] == "" && (m[2] == "permissionKeys" || m[2] == "delete") {
		return path
	}
	return m[1] + "/{id}" + m[3]
}

// statusRecorder remembers the status of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// liveObjects counts this test's objects on the live tenant, by type as the emulator's
// Stats.Objects does (custom roles only).
func (e *testEmulator) liveObjects() map[string]int {
	e.t.Helper()
	ctx := context.Background()
	objects := map[string]int{"roles": 0, "accounts": 0, "apiKeys": 0}
	roles, err := e.live.objects.ListRoles(ctx, "")
	for _, r := range roles {
		if r.Type == client.RoleTypeCustom && e.owns(r.Name) {
			objects["roles"]++
		}
	}
	accounts, err2 := e.live.objects.ListAccounts(ctx, "")
	for _, a := range accounts {
		if e.owns(a.Email) {
			objects["accounts"]++
		}
	}
	keys, err3 := e.live.objects.ListAPIKeys(ctx, "")
	for _, k := range keys {
		if e.owns(k.Name) {
			objects["apiKeys"]++
		}
	}
	if err := errors.Join(err, err2, err3); err != nil {
		e.t.Errorf("counting the test's objects on the live tenant: %v", err)
	}
	return objects
}

// ownItems is check applied to the items of a list that are this test's (see owns), and to the
// predefined roles, which every tenant has: on a live tenant, a data source also lists what other
// people made. Against the emulator it is check itself.
func (e *testEmulator) ownItems(check knownvalue.Check) knownvalue.Check {
	if e.live == nil {
		return check
	}
	return ownItemsCheck{e: e, check: check}
}

type ownItemsCheck struct {
	e     *testEmulator
	check knownvalue.Check
}

func (c ownItemsCheck) CheckValue(v any) error {
	items, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list, got %T", v)
	}
	var own []any
	for _, item := range items {
		var keep bool
		switch item := item.(type) {
		case string:
			keep = c.e.owns(item)
		case map[string]any:
			name, _ := item["name"].(string)
			email, _ := item["email"].(string)
			keep = item["type"] == client.RoleTypePredefined || name != "" && c.e.owns(name) || email != "" && c.e.owns(email)
		}
		if keep {
			own = append(own, item)
		}
	}
	return c.check.CheckValue(own)
}

func (c ownItemsCheck) String() string { return c.check.String() + " among this test's items" }
