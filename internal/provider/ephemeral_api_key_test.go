package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// The ephemeral visionone_api_key is opened during every plan and apply that evaluates it, and
// closed at the end of that command. These tests watch the API from the emulator's side: the
// bearer tokens it was sent, and the keys it holds after each step.

// bearerTokens records every bearer token but the admin key that reaches the emulator: the values
// of ephemeral keys, used by a provider configuration that the test gives them to.
type bearerTokens struct {
	admin string
	mu    sync.Mutex
	seen  map[string]bool
	// failDeletes answers the batch delete of API keys with a 500 while set.
	failDeletes atomic.Bool
}

func (b *bearerTokens) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token != b.admin {
			b.mu.Lock()
			b.seen[token] = true
			b.mu.Unlock()
		}
		if b.failDeletes.Load() && r.Method == http.MethodPost && r.URL.Path == "/v3.0/iam/apiKeys/delete" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":{"code":"InternalServerError","message":"injected by the test"}}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (b *bearerTokens) list() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.seen))
	for token := range b.seen {
		out = append(out, token)
	}
	return out
}

// startEmulatorRecordingTokens is startEmulator behind a bearerTokens recorder.
func startEmulatorRecordingTokens(t *testing.T) (*testEmulator, *bearerTokens) {
	t.Helper()
	tokens := &bearerTokens{seen: map[string]bool{}}
	e := startEmulatorBehind(t, tokens.wrap)
	tokens.admin = e.AdminKey()
	return e, tokens
}

// scopedProviderFactories serve this provider twice: as "visionone", and as "visionone-scoped" for
// a second configuration that takes an ephemeral key. Terraform runs one plugin process per
// provider configuration, but the tests serve each factory in-process once, so the usual
// `alias` would configure the same server twice, and the second configuration would replace the
// first one's client.
var scopedProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"visionone":        testAccProtoV6ProviderFactories["visionone"],
	"visionone-scoped": testAccProtoV6ProviderFactories["visionone"],
}

// ephemeralKeyConsumerConfig opens an ephemeral key with prefix and role and hands its value to a
// second configuration of this provider, which lists the API keys with it.
func ephemeralKeyConsumerConfig(e *testEmulator, prefix, role string) string {
	return e.providerConfig() + fmt.Sprintf(`
ephemeral "visionone_api_key" "run" {
  name_prefix = %[2]q
  role        = %[3]q
}

provider "visionone-scoped" {
  endpoint    = %[1]q
  api_key     = ephemeral.visionone_api_key.run.value
  max_retries = 0
}

data "visionone_api_keys" "seen" {
  provider = visionone-scoped
}

# A count, not the names: each run opens a key of its own, under a new name.
output "ephemeral_keys_seen" {
  value = length([for k in data.visionone_api_keys.seen.api_keys : k if startswith(k.name, %[2]q)])
}
`, e.URL, prefix, role)
}

// TestAccAPIKeyEphemeral_usableNeverStoredDeletedAtClose gives the ephemeral key's value to a
// second provider configuration, which reads the tenant's keys with it (and sees the ephemeral key
// among them). Then: the value is in neither the plan nor the state, the emulator holds no key
// with the prefix, and every value the emulator was sent no longer authenticates.
func TestAccAPIKeyEphemeral_usableNeverStoredDeletedAtClose(t *testing.T) {
	e, tokens := startEmulatorRecordingTokens(t)
	prefix := e.name("ci-run-")

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureEphemeral)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: scopedProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: ephemeralKeyConsumerConfig(e, prefix, "Auditor"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{holdsNoneOf(tokens)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// Read with the ephemeral key, which was there to be listed.
					statecheck.ExpectKnownOutputValue("ephemeral_keys_seen", knownvalue.Int64Exact(1)),
					holdsNoneOf(tokens),
					e.expectNoKeyNamed(prefix),
					emulatorCheck(func(context.Context) error {
						used := tokens.list()
						if len(used) == 0 {
							return fmt.Errorf("the second provider configuration never used the ephemeral key")
						}
						for _, token := range used {
							if err := e.rejected().CheckValue(token); err != nil {
								return fmt.Errorf("an ephemeral key still works after the run: %w", err)
							}
						}
						return nil
					}),
				},
			},
		},
	})
	// Every plan and apply made its own key, and deleted it.
	stats := e.Stats()
	created, deleted := stats.Requests["POST /v3.0/iam/apiKeys"], stats.Requests["POST /v3.0/iam/apiKeys/delete"]
	if created == 0 || created != deleted {
		t.Errorf("ephemeral keys created: %d, delete requests: %d; want as many deletes as creates", created, deleted)
	}
}

// TestAccAPIKeyEphemeral_echo reads the ephemeral result through the echo provider (which stores
// what it is given, by design): the name generated with the API's time, the role, the default
// expiry of one month and a value that the emulator refuses once the run has closed the key.
func TestAccAPIKeyEphemeral_echo(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	// The key takes the default name, which has no tfacc- prefix for the sweepers to find.
	e.requireEmulator("clock, to judge the default expiry, and a tenant of its own for a key with the default name")
	// Far from the machine's clock: the name's time, like the expiry, is the API's.
	e.AdvanceClock(1000 * 24 * time.Hour)
	defaultName := regexp.MustCompile(`^` + ephemeralKeyDefaultPrefix + `(\d{14})[0-9a-f]{8}$`)
	namedByAPIClock := knownvalue.StringFunc(func(name string) error {
		m := defaultName.FindStringSubmatch(name)
		if m == nil {
			return fmt.Errorf("name %q does not have the form %s<UTC time><8 hex digits>", name, ephemeralKeyDefaultPrefix)
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
	var value, expiresAt string

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{skipBelowFeature(featureEphemeral)},
		PreCheck:               func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"visionone": testAccProtoV6ProviderFactories["visionone"],
			"echo":      echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + `
ephemeral "visionone_api_key" "run" {
  role = "SIEM"
}

provider "echo" {
  data = ephemeral.visionone_api_key.run
}

resource "echo" "key" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.key", tfjsonpath.New("data").AtMapKey("name"), namedByAPIClock),
					statecheck.ExpectKnownValue("echo.key", tfjsonpath.New("data").AtMapKey("role"), knownvalue.StringExact("SIEM")),
					statecheck.ExpectKnownValue("echo.key", tfjsonpath.New("data").AtMapKey("expires_in_months"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("echo.key", tfjsonpath.New("data").AtMapKey("description"), knownvalue.StringExact(ephemeralKeyDefaultDescription)),
					statecheck.ExpectKnownValue("echo.key", tfjsonpath.New("data").AtMapKey("id"), uuidIdentity),
					statecheck.ExpectKnownValue("echo.key", tfjsonpath.New("data").AtMapKey("value"), captureString(&value)),
					statecheck.ExpectKnownValue("echo.key", tfjsonpath.New("data").AtMapKey("expires_at"), captureString(&expiresAt)),
					emulatorCheck(func(context.Context) error {
						// The key the apply opened was deleted when the apply closed it.
						if err := e.rejected().CheckValue(value); err != nil {
							return err
						}
						expires, err := time.Parse(time.RFC3339, expiresAt)
						if err != nil {
							return err
						}
						if d := expires.Sub(e.Now()); d < 27*24*time.Hour || d > 32*24*time.Hour {
							return fmt.Errorf("expires_at %s is %s from now, want about one month (the default)", expiresAt, d)
						}
						return nil
					}),
					e.expectNoKeyNamed(ephemeralKeyDefaultPrefix),
				},
			},
		},
	})
}

// TestAccAPIKeyEphemeral_closeFails: when the key cannot be deleted, the command fails with an
// error that says what was left and how to find it, and the visionone_api_keys data source lists
// it by its prefix, as the documentation says.
func TestAccAPIKeyEphemeral_closeFails(t *testing.T) {
	e, tokens := startEmulatorRecordingTokens(t)
	prefix := e.name("ci-crash-")
	// The key the failed close leaves behind.
	e.cleanupLive(func(ctx context.Context) error {
		keys, err := e.apiKeys(ctx)
		for _, key := range keys {
			if strings.HasPrefix(key.Name, prefix) {
				err = errors.Join(err, e.API.DeleteAPIKeys(ctx, key.ID))
			}
		}
		return err
	})

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureEphemeral)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: scopedProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { tokens.failDeletes.Store(true) },
				Config: strings.Replace(ephemeralKeyConsumerConfig(e, prefix, "Auditor"), "provider \"visionone\" {\n",
					"provider \"visionone\" {\n  max_retries = 0\n", 1),
				ExpectError: regexpText("Error Deleting Ephemeral API Key", "made for this run, when Terraform closed it: POST /v3.0/iam/apiKeys/delete",
					"The provider tries once more to delete it when Terraform stops the provider",
					"If that fails too, the key stays valid until it expires at", "visionone_api_keys data source, by their name prefix."),
			},
			{
				PreConfig: func() { tokens.failDeletes.Store(false) },
				Config: e.providerConfig() + fmt.Sprintf(`
data "visionone_api_keys" "all" {}

output "left_behind" {
  value = [for k in data.visionone_api_keys.all.api_keys : k.name if startswith(k.name, %q)]
}
`, prefix),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("left_behind", knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

// TestAccAPIKeyEphemeral_roleOfThisConfiguration opens a key whose role this configuration creates,
// or changes to allow API keys. Terraform opens the key during the plan, before the role is
// applied, so the plan fails with an error that says to apply the role first, before any request
// that writes; once the role is applied as configured, the same configuration works.
func TestAccAPIKeyEphemeral_roleOfThisConfiguration(t *testing.T) {
	e, _ := startEmulatorRecordingTokens(t)
	e.requireMasterAdministrator("create a role and change its control flags")
	prefix, roleName := e.name("ci-role-"), e.name("ci-readers")
	// The role lets the key list API keys, as the consumer configuration does with it.
	role := func(allowAPIKeys bool) string {
		return fmt.Sprintf(`
resource "visionone_user_role" "run" {
  name                     = %q
  permissions              = [%q]
  allow_api_key_assignment = %t
}
`, roleName, "platform.apiKeys.view", allowAPIKeys)
	}
	const literal = `role        = "placeholder"`
	consumer := ephemeralKeyConsumerConfig(e, prefix, "placeholder")
	if !strings.Contains(consumer, literal) {
		t.Fatal("the role did not make it into the configuration")
	}
	withKey := strings.Replace(consumer, literal, "role        = visionone_user_role.run.name", 1) + role(true)
	roleOnly := func(allowAPIKeys bool) string { return e.providerConfig() + role(allowAPIKeys) }
	openTofu, err := cliIsOpenTofu()
	if err != nil {
		t.Fatal(err)
	}
	// Terraform wraps long messages, so a space matches any white space.
	notApplied := func(now string) *regexp.Regexp {
		if openTofu {
			// OpenTofu does not open an ephemeral resource that depends on changes still to be
			// applied: the key stays unknown, its consumer's provider unconfigured, and the
			// provider's own error says to apply what the configuration depends on first.
			return regexpText("Provider Not Configured", "apply the resources they depend on first with -target")
		}
		return regexpText("Role Not Applied Yet", fmt.Sprintf("This configuration creates or changes the role %q, and %s", roleName, now),
			"so no API key was created. Terraform opens an ephemeral visionone_api_key during the plan",
			"terraform apply -target=visionone_user_role.<name>", "or give the key a role that exists already")
	}
	// refusedThenApplied: the plan of the key fails, with nothing written, and then the role alone
	// is applied as next.
	var before emulator.Stats
	refusedThenApplied := func(now, next string) []resource.TestStep {
		return []resource.TestStep{
			{
				PreConfig:   func() { before = e.Stats() },
				Config:      withKey,
				ExpectError: notApplied(now),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the plan that failed wrote: %v", err)
					}
				},
				Config: next,
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureEphemeral)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: scopedProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: slices.Concat(
			refusedThenApplied("the Vision One tenant does not have it yet", roleOnly(false)),
			refusedThenApplied("the role in the Vision One tenant does not allow API key assignment yet", roleOnly(true)),
			[]resource.TestStep{{
				Config: withKey,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("ephemeral_keys_seen", knownvalue.Int64Exact(1)),
					e.expectNoKeyNamed(prefix),
				},
			}},
		),
	})
}

// TestAccAPIKeyEphemeral_descriptionInCharacters opens a key whose description is 2048 characters
// of three bytes each: the limit counts characters, as the API and the visionone_api_key resource
// count them.
func TestAccAPIKeyEphemeral_descriptionInCharacters(t *testing.T) {
	e, _ := startEmulatorRecordingTokens(t)
	prefix := e.name("ci-long-")
	config := strings.Replace(ephemeralKeyConsumerConfig(e, prefix, "Auditor"), "  role        = \"Auditor\"\n",
		fmt.Sprintf("  role        = \"Auditor\"\n  description = %q\n", strings.Repeat("説", 2048)), 1)
	if !strings.Contains(config, "説") {
		t.Fatal("the description did not make it into the configuration")
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureEphemeral)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: scopedProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("ephemeral_keys_seen", knownvalue.Int64Exact(1)),
					e.expectNoKeyNamed(prefix),
				},
			},
		},
	})
}

// expectNoKeyNamed checks that the emulator holds no API key whose name begins with prefix.
func (e *testEmulator) expectNoKeyNamed(prefix string) statecheck.StateCheck {
	return emulatorCheck(func(ctx context.Context) error {
		keys, err := e.API.ListAPIKeys(ctx, "")
		if err != nil {
			return err
		}
		for _, key := range keys {
			if strings.HasPrefix(key.Name, prefix) {
				return fmt.Errorf("the emulator still holds API key %q (id %s)", key.Name, key.ID)
			}
		}
		return nil
	})
}

// holdsNoneOf is a plan and state check that fails when the plan or state, as JSON, holds any of
// the tokens recorded so far.
func holdsNoneOf(tokens *bearerTokens) noSecretCheck { return noSecretCheck{tokens: tokens} }

type noSecretCheck struct{ tokens *bearerTokens }

func (c noSecretCheck) find(what string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	for _, token := range c.tokens.list() {
		if strings.Contains(string(raw), token) {
			return fmt.Errorf("the %s holds the value of an ephemeral API key", what)
		}
	}
	return nil
}

func (c noSecretCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.find("plan", req.Plan)
}

func (c noSecretCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.find("state", req.State)
}

// TestAPIKeyEphemeral_unreadableExpiryWarns opens and closes an ephemeral key, as Terraform does,
// against an API whose create answer writes expiredDateTime in a form nobody documents: the key
// and its value are handed out with a null expires_at and a warning naming the key, the field and
// the value (which an acceptance test cannot see), and Close still deletes the key.
func TestAPIKeyEphemeral_unreadableExpiryWarns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	odd := &hostileAnswer{passThrough: true, match: matchRequest(http.MethodPost, apiKeys), rewrite: replaceField("expiredDateTime", oddExpiry)}
	odd.armed.Store(true)
	e := startEmulatorBehind(t, odd.wrap)
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := &apiKeyEphemeralResource{data: newProviderData(api)}
	var schemaResp ephemeral.SchemaResponse
	r.Schema(ctx, ephemeral.SchemaRequest{}, &schemaResp)
	null := tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)
	config := tfsdk.State{Schema: schemaResp.Schema, Raw: null}
	if diags := config.Set(ctx, &apiKeyEphemeralModel{NamePrefix: types.StringValue(e.name("odd-")), Role: types.StringValue("SIEM"),
		Description: types.StringNull(), ExpiresInMonths: types.Int64Null(), ID: types.StringNull(), Name: types.StringNull(),
		Value: types.StringNull(), ExpiresAt: timetypes.NewRFC3339Null()}); diags.HasError() {
		t.Fatal(diags)
	}

	opened := withPrivateState(&ephemeral.OpenResponse{Result: tfsdk.EphemeralResultData{Schema: schemaResp.Schema, Raw: null}})
	r.Open(ctx, ephemeral.OpenRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: config.Raw}}, opened)
	var key apiKeyEphemeralModel
	if diags := opened.Result.Get(ctx, &key); diags.HasError() {
		t.Fatal(diags)
	}
	expectUnreadableWarning(t, "Open", opened.Diagnostics, fmt.Sprintf(
		`The answer to the creation of ephemeral API key %s (%q): Vision One sent expiredDateTime as %s`, key.ID.ValueString(), key.Name.ValueString(), oddExpiry),
		"expires_at is null")
	if key.Value.ValueString() == "" || !key.ExpiresAt.IsNull() {
		t.Errorf("opened: value set %t, expires_at %s; want a value and a null expires_at", key.Value.ValueString() != "", key.ExpiresAt)
	}

	var closed ephemeral.CloseResponse
	r.Close(ctx, ephemeral.CloseRequest{Private: opened.Private}, &closed)
	if closed.Diagnostics.HasError() {
		t.Fatal(closed.Diagnostics)
	}
	if _, err := e.API.GetAPIKey(ctx, key.ID.ValueString()); !client.IsNotFound(err) {
		t.Errorf("after Close, reading the key gives %v; want it deleted", err)
	}
}
