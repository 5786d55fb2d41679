package provider

// The acceptance tests' shared harness: the provider factories, the emulator each test starts,
// the provider block that points at it, and the checks, matchers and configuration builders that
// the tests of several files use. Helpers of one resource live beside that resource's tests.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/upgradepassthrough"
)

// testAccProtoV6ProviderFactories runs the provider in-process, so tests need no registry.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"visionone": func() (tfprotov6.ProviderServer, error) { return upgradepassthrough.NewProtocol6(New("test")())(), nil },
}

// testAccPreCheck fails, rather than skips, when the Terraform CLI is missing: a suite that silently
// skips every acceptance test would pass for the wrong reason.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("the acceptance tests need the terraform CLI on PATH (or TF_ACC_TERRAFORM_PATH): " + err.Error())
	}
}

// testEmulator is a Vision One emulator served over real HTTP on loopback for one test.
type testEmulator struct {
	*emulator.Server
	URL string
	// API is a client with the admin key, for changing objects "in the console" (drift) and for
	// CheckDestroy.
	API *client.Client
}

// startEmulator starts a fresh emulator for t and stops it when t ends.
func startEmulator(t *testing.T, opts emulator.Options) *testEmulator {
	t.Helper()
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	api, err := client.New(client.Config{Endpoint: hs.URL, APIKey: srv.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatalf("building the admin client: %v", err)
	}
	return &testEmulator{Server: srv, URL: hs.URL, API: api}
}

// providerConfig is the provider block pointing at this emulator with its admin key.
func (e *testEmulator) providerConfig() string {
	return fmt.Sprintf(`
provider "visionone" {
  endpoint = %[1]q
  api_key  = %[2]q
}
`, e.URL, e.AdminKey())
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
}

// testAccExpectPlanErrors runs each case as a parallel subtest against e and, once all have run,
// checks that the emulator received no write request since the call: the bad input was refused
// before anything was created.
func testAccExpectPlanErrors(t *testing.T, e *testEmulator, cases map[string]planErrorCase) {
	t.Helper()
	before := e.Stats()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
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

// startEmulatorBehind is startEmulator with a test's own handler in front of the emulator, to
// make the API misbehave in one precise way for the provider. The admin client, the "console" of
// the test, talks to the emulator directly.
func startEmulatorBehind(t *testing.T, middleware func(http.Handler) http.Handler) *testEmulator {
	t.Helper()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	hs := httptest.NewServer(middleware(srv))
	t.Cleanup(hs.Close)
	direct := httptest.NewServer(srv)
	t.Cleanup(direct.Close)
	api, err := client.New(client.Config{Endpoint: direct.URL, APIKey: srv.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatalf("building the admin client: %v", err)
	}
	return &testEmulator{Server: srv, URL: hs.URL, API: api}
}

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
	role, err := e.API.FindRoleByName(context.Background(), name)
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

// emulatorCheck turns an assertion about the emulator into a statecheck, so that it runs right
// after a step's apply.
type emulatorCheck func(context.Context) error

func (f emulatorCheck) CheckState(ctx context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(ctx)
}

// noWritesSinceTaken is noWritesSince for a baseline that a PreConfig takes during the test: the
// baseline is read when the check runs, not when the test case is built.
func (e *testEmulator) noWritesSinceTaken(before *emulator.Stats) resource.TestCheckFunc {
	return func(s *terraform.State) error { return e.noWritesSince(*before)(s) }
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
