package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// cliWorkspace runs the CLI under test itself, in a directory of its own, against this provider
// served in-process (as terraform-plugin-testing serves it, through TF_REATTACH_PROVIDERS), for
// what terraform-plugin-testing cannot drive or see: `terraform query -generate-config-out`, then
// a plan and an apply of the configuration it wrote; the warnings of a plan; an apply without a
// saved plan.
type cliWorkspace struct {
	t   *testing.T
	cli string
	dir string
	env []string
}

// newCLIWorkspace skips t unless the CLI under test has feature, and serves the provider for it.
func newCLIWorkspace(t *testing.T, feature cliFeature) *cliWorkspace {
	t.Helper()
	testAccPreCheck(t)
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		cli, _ = exec.LookPath("terraform")
	}
	w := &cliWorkspace{t: t, cli: cli, dir: t.TempDir()}
	w.skipWithout(feature)

	ctx, stop := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	host, namespace := os.Getenv("TF_ACC_PROVIDER_HOST"), os.Getenv("TF_ACC_PROVIDER_NAMESPACE")
	if host == "" {
		host = "registry.terraform.io"
	}
	if namespace == "" {
		namespace = "hashicorp"
	}
	address := host + "/" + namespace + "/visionone"
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve(address, ProtocolServer(New("test")()),
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t))
	}()
	var config *plugin.ReattachConfig
	select {
	case config = <-reattach:
	case err := <-served:
		stop()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(time.Minute):
		stop()
		t.Fatal("the provider did not start serving within a minute")
	}
	t.Cleanup(func() {
		stop()
		<-closed
	})
	raw, err := json.Marshal(map[string]any{address: map[string]any{
		"Protocol": config.Protocol, "ProtocolVersion": config.ProtocolVersion, "Pid": config.Pid, "Test": true,
		"Addr": map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	w.env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(raw), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return w
}

// skipWithout skips the test unless the CLI under test has feature (see skipBelowFeature); every
// CLI has featureNone.
func (w *cliWorkspace) skipWithout(feature cliFeature) {
	w.t.Helper()
	if feature == featureNone {
		return
	}
	out, err := exec.Command(w.cli, "version", "-json").Output()
	if err != nil {
		w.t.Fatalf("%s version -json: %v", w.cli, err)
	}
	var reported struct {
		Version string `json:"terraform_version"`
	}
	// OpenTofu prints warnings about its CLI configuration before the JSON, on the same stream.
	if err := json.Unmarshal(out[max(bytes.IndexByte(out, '{'), 0):], &reported); err != nil {
		w.t.Fatalf("%s version -json: %v", w.cli, err)
	}
	cliVersion, err := version.NewVersion(reported.Version)
	if err != nil {
		w.t.Fatal(err)
	}
	var resp tfversion.CheckTerraformVersionResponse
	skipBelowFeature(feature).CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: cliVersion}, &resp)
	if resp.Error != nil {
		w.t.Fatal(resp.Error)
	}
	if resp.Skip != "" {
		w.t.Skip(resp.Skip)
	}
}

func (w *cliWorkspace) write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cliWorkspace) read(name string) string {
	w.t.Helper()
	content, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(content)
}

// run runs the CLI with args and returns its exit code and output; any exit code but those in
// allowed fails the test.
func (w *cliWorkspace) run(allowed []int, args ...string) (int, string) {
	w.t.Helper()
	cmd := exec.Command(w.cli, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	code := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			w.t.Fatalf("%s %s: %v", w.cli, strings.Join(args, " "), err)
		}
		code = exit.ExitCode()
	}
	for _, ok := range allowed {
		if code == ok {
			return code, out.String()
		}
	}
	w.t.Fatalf("%s %s: exit code %d\n%s", filepath.Base(w.cli), strings.Join(args, " "), code, out.String())
	return code, ""
}

// adoptByQuery is the adoption walk of the examples: `terraform query -generate-config-out` with
// query (a .tfquery.hcl), then a plan that must import every object it wrote with no other change,
// its apply, and a plan that must be empty. It returns the generated configuration, and fails if
// the query read any object on its own rather than from a listing (GET on an object path), or if
// anything was written to the API: adopting only records what is there.
func (w *cliWorkspace) adoptByQuery(e *testEmulator, query string, wantImports int) string {
	w.t.Helper()
	w.write("main.tf", e.providerConfig())
	w.write("adopt.tfquery.hcl", query)
	w.run([]int{0}, "init", "-input=false", "-no-color")

	before := e.Stats()
	w.run([]int{0}, "query", "-no-color", "-generate-config-out=generated.tf")
	if reads := objectReadsSince(e, before); len(reads) > 0 {
		w.t.Errorf("the query read objects one by one instead of from listings: %v", reads)
	}
	generated := w.read("generated.tf")

	w.run([]int{0, 2}, "plan", "-input=false", "-no-color", "-out=adopt.tfplan")
	_, shown := w.run([]int{0}, "show", "-json", "adopt.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(shown), &plan); err != nil {
		w.t.Fatalf("reading the plan: %v", err)
	}
	if len(plan.ResourceChanges) != wantImports {
		w.t.Errorf("the plan has %d resource changes, want %d imports:\n%s", len(plan.ResourceChanges), wantImports, generated)
	}
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Importing) == 0 || fmt.Sprint(rc.Change.Actions) != "[no-op]" {
			w.t.Errorf("%s: actions %v, importing %s; want a no-op import\n%s", rc.Address, rc.Change.Actions, rc.Change.Importing, generated)
		}
	}
	w.run([]int{0}, "apply", "-input=false", "-no-color", "adopt.tfplan")
	if code, out := w.run([]int{0, 2}, "plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		w.t.Errorf("the plan after adopting is not empty:\n%s", out)
	}
	if n := e.Stats().Writes() - before.Writes(); n != 0 {
		w.t.Errorf("adopting wrote to the API: %d write requests", n)
	}
	return generated
}

// objectReadsSince lists the GET requests for single objects (paths ending in {id}) since before.
func objectReadsSince(e *testEmulator, before emulator.Stats) []string {
	var reads []string
	for route, n := range e.Stats().Requests {
		if strings.HasPrefix(route, "GET ") && strings.HasSuffix(route, "/{id}") && n > before.Requests[route] {
			reads = append(reads, fmt.Sprintf("%s ×%d", route, n-before.Requests[route]))
		}
	}
	return reads
}

// testAccListReadsPages queries the list resource listType with include_resource over the 250
// objects that seed made (seed(i) makes the i-th): all of them come back, from two listing
// requests to route (pages of 200) and no read of a single object.
func testAccListReadsPages(t *testing.T, e *testEmulator, listType, route string, seed func(i int)) {
	t.Helper()
	e.requireEmulator("tenant of its own: the count of listing pages depends on every object of the tenant")
	const objects = 250
	for i := range objects {
		seed(i)
	}
	var before emulator.Stats
	testAccQuery(t, e, []resource.TestStep{
		{
			PreConfig: func() { before = e.Stats() },
			Query:     true,
			Config: fmt.Sprintf(`
list %q "all" {
  provider         = visionone
  include_resource = true
  limit            = 1000
}
`, listType),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(listType+".all", objects),
				listingRequests{e: e, before: &before, route: route, pages: 2},
			},
		},
	})
}

// testAccQuery runs steps, `terraform query` steps for the most part, against e after a first step
// that applies e's provider configuration alone: with Terraform 1.14 or later, the test being
// skipped below.
func testAccQuery(t *testing.T, e *testEmulator, steps []resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureQuery)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    append([]resource.TestStep{{Config: e.providerConfig()}}, steps...),
	})
}

// listingRequests is a query check on the emulator: since before (read when the check runs),
// the query made exactly pages requests to the listing route and no single-object read.
type listingRequests struct {
	e      *testEmulator
	before *emulator.Stats
	route  string
	pages  int
}

func (c listingRequests) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	got := c.e.Stats().Requests[c.route] - c.before.Requests[c.route]
	var problems []error
	if got != c.pages {
		problems = append(problems, fmt.Errorf("%s: %d requests, want %d (one per page of 200)", c.route, got, c.pages))
	}
	if reads := objectReadsSince(c.e, *c.before); len(reads) > 0 {
		problems = append(problems, fmt.Errorf("objects read one by one: %v", reads))
	}
	resp.Error = errors.Join(problems...)
}

// expectOwnResults is querycheck.ExpectLength for the list block at address, counting this test's
// objects only: against the emulator every result is one; on a live tenant, only those whose
// display name starts with the test's prefix (see owns), and the predefined roles, which every
// tenant has, are.
func (e *testEmulator) expectOwnResults(address string, want int) querycheck.QueryResultCheck {
	if e.live == nil {
		return querycheck.ExpectLength(address, want)
	}
	return ownResults{e: e, address: address, want: want}
}

type ownResults struct {
	e       *testEmulator
	address string
	want    int
}

func (c ownResults) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	got := 0
	for _, found := range req.Query {
		if strings.TrimPrefix(found.Address, "list.") == c.address &&
			(c.e.owns(found.DisplayName) || strings.HasSuffix(found.DisplayName, ", cannot be imported)")) {
			got++
		}
	}
	if got != c.want {
		resp.Error = fmt.Errorf("%s: %d results of this test, want %d", c.address, got, c.want)
	}
}

// listDirectly calls the list resource lr as Terraform does for a list block with include_resource
// and config (a value of lr's config model), r being the resource whose objects it lists, and
// returns the results: for what a query check cannot see, such as a result's warnings.
func listDirectly[C any](t *testing.T, lr list.ListResource, r fwresource.ResourceWithIdentity, config C) []list.ListResult {
	t.Helper()
	ctx := context.Background()
	var configSchema list.ListResourceSchemaResponse
	lr.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &configSchema)
	var resourceSchema fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &resourceSchema)
	var identitySchema fwresource.IdentitySchemaResponse
	r.IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &identitySchema)
	values := tfsdk.State{Schema: configSchema.Schema, Raw: tftypes.NewValue(configSchema.Schema.Type().TerraformType(ctx), nil)}
	if diags := values.Set(ctx, &config); diags.HasError() {
		t.Fatal(diags)
	}
	var stream list.ListResultsStream
	lr.List(ctx, list.ListRequest{
		Config:                 tfsdk.Config{Schema: configSchema.Schema, Raw: values.Raw},
		IncludeResource:        true,
		ResourceSchema:         resourceSchema.Schema,
		ResourceIdentitySchema: identitySchema.IdentitySchema,
	}, &stream)
	var results []list.ListResult
	for result := range stream.Results {
		results = append(results, result)
	}
	return results
}

// listedWithID returns the result whose identity's id is id, or nil.
func listedWithID(t *testing.T, results []list.ListResult, id string) *list.ListResult {
	t.Helper()
	for i := range results {
		if results[i].Diagnostics.HasError() {
			t.Fatalf("a list result holds an error: %v", results[i].Diagnostics)
		}
		var got types.String
		if diags := results[i].Identity.GetAttribute(context.Background(), path.Root(identityID), &got); diags.HasError() {
			t.Fatal(diags)
		}
		if got.ValueString() == id {
			return &results[i]
		}
	}
	return nil
}

// expectUnreadableWarning fails unless diags hold exactly one warning, an unreadable value's, and
// it holds every part.
func expectUnreadableWarning(t *testing.T, what string, diags diag.Diagnostics, parts ...string) {
	t.Helper()
	warnings := diags.Warnings()
	if diags.HasError() || len(warnings) != 1 || warnings[0].Summary() != "Unreadable Value From the API" {
		t.Fatalf("%s: want one warning of an unreadable value, got %v", what, diags)
	}
	for _, part := range parts {
		if !strings.Contains(warnings[0].Detail(), part) {
			t.Errorf("%s: the warning %q lacks %q", what, warnings[0].Detail(), part)
		}
	}
}

// TestListResults_limit streams three objects as Terraform asks for them with each limit: never
// more than the limit, and, when objects are left out, a warning on the last result (Terraform
// reads no result past its limit) that says how many were shown of how many and to raise limit.
func TestListResults_limit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var objects []listedObject[apiKeyResourceModel]
	for _, id := range []string{"a", "b", "c"} {
		objects = append(objects, listedObject[apiKeyResourceModel]{identity: id, displayName: "key " + id})
	}
	var resourceSchema fwresource.SchemaResponse
	(&apiKeyResource{}).Schema(ctx, fwresource.SchemaRequest{}, &resourceSchema)
	var identitySchema fwresource.IdentitySchemaResponse
	(&apiKeyResource{}).IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &identitySchema)
	request := func(limit int64) list.ListRequest {
		return list.ListRequest{Limit: limit, ResourceSchema: resourceSchema.Schema, ResourceIdentitySchema: identitySchema.IdentitySchema}
	}

	for _, tc := range []struct {
		limit int64
		want  int
		warn  bool
	}{
		{limit: 2, want: 2, warn: true},
		{limit: 1, want: 1, warn: true},
		{limit: 3, want: 3},
		{limit: 100, want: 3},
		{limit: 0, want: 3}, // no limit: a call that is not Terraform's
	} {
		var results []list.ListResult
		for result := range listResults(ctx, request(tc.limit), identityID, objects) {
			results = append(results, result)
		}
		if len(results) != tc.want {
			t.Fatalf("limit %d: %d results, want %d", tc.limit, len(results), tc.want)
		}
		for i, result := range results {
			if result.Diagnostics.HasError() {
				t.Fatalf("limit %d: result %d holds an error: %v", tc.limit, i, result.Diagnostics)
			}
			if i < len(results)-1 || !tc.warn {
				if len(result.Diagnostics) != 0 {
					t.Errorf("limit %d: result %d warns: %v", tc.limit, i, result.Diagnostics)
				}
				continue
			}
			warnings := result.Diagnostics.Warnings()
			if len(warnings) != 1 {
				t.Fatalf("limit %d: the last result holds %v, want one warning of the objects left out", tc.limit, result.Diagnostics)
			}
			for _, part := range []string{fmt.Sprintf("%d of the 3 objects", tc.limit), "set `limit` to 3 or more in the list block"} {
				if !strings.Contains(warnings[0].Summary()+" "+warnings[0].Detail(), part) {
					t.Errorf("limit %d: the warning %q: %q lacks %q", tc.limit, warnings[0].Summary(), warnings[0].Detail(), part)
				}
			}
		}
	}

	// A consumer that stops early (Terraform, cancelled) is not pushed to again.
	pushed := 0
	for range listResults(ctx, request(2), identityID, objects) {
		pushed++
		break
	}
	if pushed != 1 {
		t.Errorf("pushed %d results after the consumer stopped at the first", pushed)
	}
}

// invalidListConfig is the body of a list block's config block that Terraform must refuse when it
// validates the query, with an error that matches wantError.
type invalidListConfig struct {
	config    string
	wantError *regexp.Regexp
}

// invalidListSteps is a query step of the list resource listType for each configuration of cases:
// the provider's validators refuse it before anything is listed.
func invalidListSteps(listType string, cases ...invalidListConfig) []resource.TestStep {
	steps := make([]resource.TestStep, len(cases))
	for i, c := range cases {
		steps[i] = resource.TestStep{
			Query:       true,
			Config:      fmt.Sprintf("list %q \"invalid\" {\n  provider = visionone\n  config {\n    %s\n  }\n}\n", listType, c.config),
			ExpectError: c.wantError,
		}
	}
	return steps
}
