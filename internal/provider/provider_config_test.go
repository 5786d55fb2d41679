package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// testAccExpectPlanError runs config once and expects it to fail at plan with wantError.
func testAccExpectPlanError(t *testing.T, config string, wantError *regexp.Regexp) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: wantError}},
	})
}

// TestAccProvider_credentialsRefused: a key the API refuses fails the plan, before anything is
// read or written, with the causes Vision One does not tell apart and what to do.
func TestAccProvider_credentialsRefused(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	before := e.Stats()
	testAccExpectPlanError(t, providerBlock(e.URL, "a-key-that-was-revoked")+testAccUserRoleMinimalConfig,
		regexpText("Vision One API Key Refused",
			fmt.Sprintf("Checking the provider's API key with %s (the endpoint)", e.URL),
			"401 InvalidCredentials",
			"wrong (mistyped, or cut short when it was copied), expired, disabled or deleted",
			"another region", "Administration > API Keys", envAPIKey))
	if err := e.noWritesSince(before)(nil); err != nil {
		t.Error(err)
	}
	if got := e.Stats().Requests; len(got) != 1 || got["GET /v3.0/healthcheck/connectivity"] != 1 {
		t.Errorf("requests = %v, want the one credentials check", got)
	}
}

// TestAccProvider_endpointUnreachable: an endpoint where nothing listens fails the plan, naming the
// endpoint, instead of passing the plan and failing the apply after every retry.
func TestAccProvider_endpointUnreachable(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	testAccExpectPlanError(t, providerBlock(closed.URL, "key")+testAccUserRoleMinimalConfig,
		regexpText("Cannot Reach Vision One",
			fmt.Sprintf("Checking the provider's API key with %s (the endpoint) (for at most 15s, retries included)", closed.URL),
			"connection refused", "No connection could be made"))
}

// TestAccProvider_endpointRedirects: an endpoint that redirects, here to a working API on the same
// host (to which Go would forward the key), fails the plan naming the redirect and what to set, and
// the API it points to gets no request: the key goes only to the configured host.
func TestAccProvider_endpointRedirects(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("API on this machine to redirect to")
	before := e.Stats()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, e.URL+r.URL.Path, http.StatusMovedPermanently)
	}))
	t.Cleanup(srv.Close)
	testAccExpectPlanError(t, providerBlock(srv.URL, e.AdminKey())+testAccUserRolesDataSourceConfig,
		regexpText("Cannot Reach Vision One", fmt.Sprintf("Checking the provider's API key with %s (the endpoint)", srv.URL),
			"redirected the request (301 Moved Permanently) to "+e.URL+"/v3.0/healthcheck/connectivity",
			"Set `endpoint` to the API's URL", "The provider does not follow redirects"))
	if got, want := e.Stats().Requests, before.Requests; !maps.Equal(got, want) {
		t.Errorf("the API the redirect names got requests: %v, had %v", got, want)
	}
}

// TestAccProvider_notAnAPI: a server that answers the credentials check, but not as the Vision One
// API does (the console's URL in endpoint, a captive portal's login page, a web server without
// the check), fails the plan as not being the API, with what to check, and not as an unreachable
// host or a change of Vision One's answers.
func TestAccProvider_notAnAPI(t *testing.T) {
	for name, answer := range map[string]func(w http.ResponseWriter){
		"an HTML page with 200": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = fmt.Fprint(w, "<html><head><title>Login portal</title></head><body>Sign in to continue</body></html>")
		},
		"404": func(w http.ResponseWriter) { http.NotFound(w, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { answer(w) }))
			t.Cleanup(srv.Close)
			testAccExpectPlanError(t, providerBlock(srv.URL, "key")+testAccUserRoleMinimalConfig,
				regexpText("Not a Vision One API",
					fmt.Sprintf("Checking the provider's API key with %s (the endpoint)", srv.URL),
					"GET /v3.0/healthcheck/connectivity",
					"Check that `endpoint` is the base URL of the API (without /v3.0), or remove it to use `region`",
					"a captive portal"))
		})
	}
}

// TestAccProvider_hostNotFound: a host name that does not exist fails the plan at the first
// attempt. The error text proves there was no retry: a retried request ends in "after N attempts"
// between the cause and the advice.
func TestAccProvider_hostNotFound(t *testing.T) {
	testAccExpectPlanError(t, `
provider "visionone" {
  endpoint = "https://nonexistent.invalid"
  api_key  = "key"
}
`+testAccUserRoleMinimalConfig,
		regexpText("Cannot Reach Vision One",
			"https://nonexistent.invalid (the endpoint)",
			"lookup nonexistent.invalid",
			"no such host The API's host name does not exist as far as this machine's DNS can tell"))
}

// TestAccProvider_credentialsCheckWithoutVerdict: a check that is rate-limited with a Retry-After
// beyond its budget, or that keeps getting 5xx answers, does not fail the plan: the key was not
// refused, and the requests that follow (here the listing of a data source) go on.
func TestAccProvider_credentialsCheckWithoutVerdict(t *testing.T) {
	for name, answer := range map[string]func(w http.ResponseWriter, check int32) bool{
		// Only the first check is refused: the requests after it keep to the Retry-After, which
		// is just beyond the check's budget to keep the test short.
		"429 with a Retry-After beyond the check's budget": func(w http.ResponseWriter, check int32) bool {
			if check > 1 {
				return false
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(credentialsCheckTimeout/time.Second)+1))
			writeErrorAnswer(w, http.StatusTooManyRequests, "TooManyRequests")
			return true
		},
		"503": func(w http.ResponseWriter, _ int32) bool {
			writeErrorAnswer(w, http.StatusServiceUnavailable, "ServiceUnavailable")
			return true
		},
	} {
		t.Run(name, func(t *testing.T) {
			var checks atomic.Int32
			e := startEmulatorBehind(t, func(api http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/v3.0/healthcheck/connectivity" && answer(w, checks.Add(1)) {
						return
					}
					api.ServeHTTP(w, r)
				})
			})
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: e.providerConfigWith("  max_retries = 2\n") + testAccUserRolesDataSourceConfig,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.visionone_user_roles.all", tfjsonpath.New("roles"), knownvalue.NotNull()),
					},
				}},
			})
			if checks.Load() == 0 {
				t.Error("the provider made no credentials check")
			}
		})
	}
}

// writeErrorAnswer writes a Vision One error answer.
func writeErrorAnswer(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-trace-id", "trace-"+code)
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"error":{"code":%q,"message":"try again later"}}`, code)
}

// TestAccProvider_validateWithoutCredentials runs `terraform validate`, which must need neither a
// key nor the network: with no key anywhere, it passes and the emulator named as the endpoint
// receives no request.
func TestAccProvider_validateWithoutCredentials(t *testing.T) {
	testAccPreCheck(t)
	e := startEmulator(t, emulator.Options{})
	t.Setenv(envAPIKey, "")
	out, err := terraformValidate(t, fmt.Sprintf(`
provider "visionone" {
  endpoint = %[1]q
}
`, e.URL)+testAccUserRoleMinimalConfig+testAccUserRolesDataSourceConfig)
	if err != nil || !strings.Contains(out, "The configuration is valid") {
		t.Fatalf("terraform validate: %v\n%s", err, out)
	}
	if got := e.Stats().Requests; len(got) != 0 {
		t.Errorf("terraform validate made requests: %v", got)
	}
}

// terraformValidate runs `terraform init` and `terraform validate` on config, with this provider
// served in-process and attached through TF_REATTACH_PROVIDERS, as terraform-plugin-testing
// serves it (which has no validate step of its own).
func terraformValidate(t *testing.T, config string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve("registry.terraform.io/hashicorp/visionone",
			ProtocolServer(New("test")()),
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	served := <-reattach
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	reattachJSON, err := json.Marshal(map[string]any{"registry.terraform.io/hashicorp/visionone": map[string]any{
		"Protocol": string(served.Protocol), "ProtocolVersion": served.ProtocolVersion, "Pid": served.Pid, "Test": true,
		"Addr": map[string]string{"Network": served.Addr.Network(), "String": served.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		terraform = "terraform"
	}
	var out strings.Builder
	for _, args := range [][]string{{"init", "-input=false", "-no-color"}, {"validate", "-no-color"}} {
		cmd := exec.CommandContext(ctx, terraform, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(reattachJSON), "CHECKPOINT_DISABLE=1")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return out.String(), fmt.Errorf("terraform %s: %w", args[0], err)
		}
	}
	return out.String(), nil
}

// TestCheckCredentials_keyNeverEchoed: an answer that repeats the refused key, as a careless
// gateway might, does not bring the key into the diagnostic. The key is not shaped like a JWT, so
// that only the key itself gives it away.
func TestCheckCredentials_keyNeverEchoed(t *testing.T) {
	const key = "plain-provider-key-not-shaped-like-a-jwt"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"error":{"code":"InvalidCredentials","message":"token %s is invalid"}}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	t.Cleanup(srv.Close)
	cfg := client.Config{Endpoint: srv.URL, APIKey: key}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	checkCredentials(context.Background(), c, cfg, credentialsCheckTimeout, &diags)
	if !diags.HasError() || diags[0].Summary() != "Vision One API Key Refused" {
		t.Fatalf("diagnostics = %v, want the refused key", diags)
	}
	if detail := diags[0].Detail(); strings.Contains(detail, key) || strings.Contains(detail, key[:20]) {
		t.Errorf("the diagnostic holds the key:\n%s", detail)
	}
}

// TestCheckCredentials_rateLimitedWithoutRetryAfter: a check answered 429 without Retry-After,
// which Vision One does not document, waits for the tenant's window to end; that wait exceeds the
// check's budget, so the check ends without a verdict and does not fail the plan, as with a
// Retry-After too long.
func TestCheckCredentials_rateLimitedWithoutRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeErrorAnswer(w, http.StatusTooManyRequests, "TooManyRequests")
	}))
	t.Cleanup(srv.Close)
	cfg := client.Config{Endpoint: srv.URL, APIKey: "key"}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	checkCredentials(context.Background(), c, cfg, credentialsCheckTimeout, &diags)
	if diags.HasError() {
		t.Errorf("diagnostics = %v, want none: a rate-limited check has no verdict", diags)
	}
}

// TestCheckCredentials_attemptTimedOut: a check whose attempt outlasted request_timeout, well
// within the check's own bound, says that request_timeout ran out, and after how many attempts, not
// that the check's bound did.
func TestCheckCredentials_attemptTimedOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	cfg := client.Config{Endpoint: srv.URL, APIKey: "key", RequestTimeout: 50 * time.Millisecond, MaxRetries: client.NoRetries}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	checkCredentials(context.Background(), c, cfg, credentialsCheckTimeout, &diags)
	if !diags.HasError() {
		t.Fatal("the check succeeded against a server that never answers")
	}
	detail := diags[0].Detail()
	if !strings.Contains(detail, "No answer came within request_timeout (50ms), which ran out on the check's only attempt") ||
		!strings.Contains(detail, "raise request_timeout") || strings.Contains(detail, "the check allows") {
		t.Errorf("detail = %q, want request_timeout named as what ran out, after one attempt", detail)
	}
	// Vision One itself gives up on a request after a minute, so a longer request_timeout cannot help.
	advice := checkTimeoutAdvice(&client.RequestError{Method: http.MethodGet, Path: "/v3.0/healthcheck/connectivity",
		Timeout: 2 * time.Minute, Attempts: 1, Err: context.DeadlineExceeded}, 2*time.Minute)
	if !strings.Contains(advice, "a longer request_timeout would not help") || strings.Contains(advice, "raise request_timeout") {
		t.Errorf("request_timeout of 2m ran out: advice %q, want request_timeout not raised", advice)
	}
}

// TestCheckCredentials_requestTimeout: the check waits for an API slower than its own bound when
// request_timeout is longer, as the requests after it would; an API that answers within neither
// fails the check, with advice that names the setting that lengthens it.
func TestCheckCredentials_requestTimeout(t *testing.T) {
	const bound, slowness = 50 * time.Millisecond, 200 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(slowness):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, `{"status":"available"}`)
	}))
	t.Cleanup(srv.Close)
	check := func(requestTimeout time.Duration) diag.Diagnostics {
		cfg := client.Config{Endpoint: srv.URL, APIKey: "key", RequestTimeout: requestTimeout}
		c, err := client.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var diags diag.Diagnostics
		checkCredentials(context.Background(), c, cfg, bound, &diags)
		return diags
	}
	if diags := check(time.Minute); diags.HasError() {
		t.Errorf("with request_timeout longer than the API takes: diagnostics = %v, want none", diags)
	}
	// Unset, request_timeout is the API's own limit, which does not lengthen the check.
	diags := check(0)
	if !diags.HasError() {
		t.Fatal("with request_timeout unset, the check waited longer than its bound")
	}
	if detail := diags[0].Detail(); !strings.Contains(detail, "raise request_timeout: the check waits for the longer of") {
		t.Errorf("detail = %q, want the advice to raise request_timeout, which lengthens the check", detail)
	}
}

// TestAccProvider_userAgent: every request names Terraform's version and the provider's, in the form
// HashiCorp's providers use.
func TestAccProvider_userAgent(t *testing.T) {
	var mu sync.Mutex
	agents := map[string]bool{}
	e := startEmulatorBehind(t, func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			agents[r.UserAgent()] = true
			mu.Unlock()
			api.ServeHTTP(w, r)
		})
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: e.providerConfig() + testAccUserRolesDataSourceConfig}},
	})
	want := regexp.MustCompile(`^Terraform/\d+\.\d+\.\d+\S* \(\+https://www\.terraform\.io\) terraform-provider-visionone/test$`)
	mu.Lock()
	defer mu.Unlock()
	if len(agents) != 1 {
		t.Fatalf("User-Agents = %v, want one", agents)
	}
	for agent := range agents {
		if !want.MatchString(agent) {
			t.Errorf("User-Agent = %q, want it to match %s", agent, want)
		}
	}
}

// TestUserAgentWithoutTerraformVersion: a CLI that does not say its version leaves the Terraform
// part out rather than sending an empty one.
func TestUserAgentWithoutTerraformVersion(t *testing.T) {
	var m providerModel
	var diags diag.Diagnostics
	if got, want := m.clientConfig("", "1.2.3", &diags).UserAgent, "terraform-provider-visionone/1.2.3"; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
	if got, want := m.clientConfig("1.14.9", "1.2.3", &diags).UserAgent,
		"Terraform/1.14.9 (+https://www.terraform.io) terraform-provider-visionone/1.2.3"; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
}

// TestEndpointRefusalsDoNotQuoteSecrets: an API key pasted into the endpoint, in its user name, query
// string or fragment, as its host, or as the endpoint itself (the endpoint and API key settings
// swapped), is in no diagnostic about the endpoint (terraform validate's, Configure's, or the
// conflict with a configured region), which show only the scheme, host, port and path, and no path
// of a URL without a host nor a host shaped like a key.
func TestEndpointRefusalsDoNotQuoteSecrets(t *testing.T) {
	const key = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln"
	for endpoint, shown := range map[string]string{
		"http://127.0.0.1:18550/?api_key=" + key: `"http://127.0.0.1:18550`,
		"http://" + key + "@127.0.0.1:18550":     `"http://127.0.0.1:18550`,
		"http://127.0.0.1:18550/#" + key:         `"http://127.0.0.1:18550`,
		key:                                      "its path is not shown",
		"https:" + key:                           "its path is not shown",
		"https://" + key:                         "its host is not shown",
	} {
		var validated validator.StringResponse
		clientCheck(client.CheckEndpoint, "").ValidateString(context.Background(),
			validator.StringRequest{ConfigValue: types.StringValue(endpoint)}, &validated)
		var configured, conflict diag.Diagnostics
		_, err := client.New(client.Config{APIKey: "k", Endpoint: endpoint})
		addConfigError(&configured, err)
		t.Setenv(envEndpoint, endpoint)
		providerModel{Region: types.StringValue("eu")}.clientConfig("", "test", &conflict)
		for _, diags := range []diag.Diagnostics{validated.Diagnostics, configured, conflict} {
			if len(diags) != 1 {
				t.Errorf("endpoint with a key: want 1 error, got %v", strings.ReplaceAll(fmt.Sprint(diags), key, "<KEY>"))
				continue
			}
			if text := diags[0].Summary() + diags[0].Detail(); strings.Contains(text, key) || !strings.Contains(text, shown) {
				t.Errorf("want the endpoint shown without the key (%s): %s", shown, strings.ReplaceAll(text, key, "<KEY>"))
			}
		}
	}
}

// testAccKeepsStateWhileProviderUnknown applies config, then plans it again with the provider's
// endpoint unknown (the terraform_data that gives it is replaced): the plan must pass, and the
// object at address must keep its prior state, neither read nor changed.
func testAccKeepsStateWhileProviderUnknown(t *testing.T, e *testEmulator, address, config string) {
	t.Helper()
	provider := func(generation int) string {
		return fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input            = %[1]q
  triggers_replace = %[3]d
}

provider "visionone" {
  endpoint = terraform_data.endpoint.output
%[2]s}
`, e.URL, e.apiKeyArgument(), generation)
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            provider(1) + config,
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(address, tfjsonpath.New("id"))},
			},
			{
				Config: provider(2) + config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("terraform_data.endpoint", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(address, tfjsonpath.New("id"))},
			},
		},
	})
}

func TestAccUserRole_providerUnknownAtPlan(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	testAccKeepsStateWhileProviderUnknown(t, e, "visionone_user_role.test", fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %q
  permissions = %s
}
`, e.name("auditors"), hclStringList(rolePermissionKeys(t, e, 1))))
}

func TestAccAccount_providerUnknownAtPlan(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts")
	testAccKeepsStateWhileProviderUnknown(t, e, "visionone_account.test", fmt.Sprintf(`
resource "visionone_account" "test" {
  email = %q
  role  = "Auditor"
}
`, e.email("auditor")))
}

func TestAccAPIKey_providerUnknownAtPlan(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	testAccKeepsStateWhileProviderUnknown(t, e, "visionone_api_key.test", testAccAPIKeyConfig(e.name("siem"), "SIEM", "", true))
}

// TestAccProvider_apiKeyWhitespace: a key read with file() ends with a line break, which is
// dropped; a key with whitespace inside fails the plan before any request, without retries.
func TestAccProvider_apiKeyWhitespace(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("a provider block that holds the key")
	key := e.AdminKey()
	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfigWithKey(key[:10]+"\n"+key[10:]) + testAccUserRolesDataSourceConfig,
				ExpectError: regexpText("Invalid Vision One API Key", "line break",
					"Copy the key again from the Vision One console"),
			},
			{
				PreConfig: func() {
					if got := e.Stats().Requests; len(got) != len(before.Requests) {
						t.Errorf("the refused key made requests: %v", got)
					}
				},
				Config: e.providerConfigWithKey(" "+key+"\n") + testAccUserRolesDataSourceConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_user_roles.all", tfjsonpath.New("roles"), knownvalue.NotNull()),
				},
			},
		},
	})
}

// TestAccProvider_endpointSchemeMismatch: an https endpoint for a plain HTTP server fails the plan
// at the first attempt, saying which scheme to use.
func TestAccProvider_endpointSchemeMismatch(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("a plain HTTP server")
	testAccExpectPlanError(t, providerBlock(strings.Replace(e.URL, "http://", "https://", 1), e.AdminKey())+testAccUserRolesDataSourceConfig,
		regexpText("Cannot Reach Vision One", "server gave HTTP response to HTTPS client",
			"The server at the endpoint speaks plain HTTP", "http:// for a plain HTTP service"))
}
