package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

func TestAccAPIKeyList_query(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	splunkName := e.name("splunk")
	splunk := e.createAPIKey(client.APIKeyCreate{Name: splunkName, Role: "SIEM", Description: "log forwarding",
		MonthsToExpiration: pointerTo[int64](3), Status: client.StatusEnabled})
	soar := e.createAPIKey(client.APIKeyCreate{Name: e.name("soar-bot"), Role: "SOAR",
		MonthsToExpiration: pointerTo[int64](12), Status: client.StatusEnabled})
	oldName := e.name("old-integration")
	old := e.createAPIKey(client.APIKeyCreate{Name: oldName, Role: "SIEM",
		MonthsToExpiration: pointerTo[int64](1), Status: client.StatusDisabled})
	byName := func(name string) queryfilter.QueryFilter {
		return queryfilter.ByDisplayName(knownvalue.StringRegexp(regexp.MustCompile("^" + regexp.QuoteMeta(name) + " ")))
	}
	known := func(path string, check knownvalue.Check) querycheck.KnownValueCheck {
		return querycheck.KnownValueCheck{Path: tfjsonpath.New(path), KnownValue: check}
	}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureQuery)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: slices.Concat([]resource.TestStep{
			{Config: e.providerConfig()},
			{
				Query: true,
				Config: `
list "visionone_api_key" "all" {
  provider         = visionone
  include_resource = true
}

list "visionone_api_key" "siem_enabled" {
  provider = visionone
  config {
    role   = "SIEM"
    status = "enabled"
  }
}

list "visionone_api_key" "expiring" {
  provider = visionone
  config {
    expiring_within = "2400h"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					e.expectOwnResults("visionone_api_key.all", 3),
					querycheck.ExpectIdentity("visionone_api_key.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(splunk.ID)}),
					querycheck.ExpectIdentity("visionone_api_key.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(soar.ID)}),
					querycheck.ExpectIdentity("visionone_api_key.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(old.ID)}),
					querycheck.ExpectResourceDisplayName("visionone_api_key.all",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(splunk.ID)}),
						knownvalue.StringExact(splunkName+" (SIEM)")),
					// The resource object is the state an import reads: what configuration is generated from.
					querycheck.ExpectResourceKnownValues("visionone_api_key.all", byName(splunkName), []querycheck.KnownValueCheck{
						known("id", knownvalue.StringExact(splunk.ID)),
						known("name", knownvalue.StringExact(splunkName)),
						known("name_prefix", knownvalue.Null()),
						known("role", knownvalue.StringExact("SIEM")),
						known("description", knownvalue.StringExact("log forwarding")),
						known("enabled", knownvalue.Bool(true)),
						known("expires_in_months", knownvalue.Int64Exact(3)),
						known("value", knownvalue.Null()),
						known("expires_at", knownvalue.StringRegexp(rfc3339Pattern)),
					}),
					querycheck.ExpectResourceKnownValues("visionone_api_key.all", byName(oldName), []querycheck.KnownValueCheck{
						known("enabled", knownvalue.Bool(false)),
						known("expires_in_months", knownvalue.Int64Exact(1)),
					}),
					// role and status by the API.
					e.expectOwnResults("visionone_api_key.siem_enabled", 1),
					querycheck.ExpectIdentity("visionone_api_key.siem_enabled", map[string]knownvalue.Check{"id": knownvalue.StringExact(splunk.ID)}),
					// expiring_within by the API's clock (100 days): the 1- and 3-month keys, not the 12-month one.
					e.expectOwnResults("visionone_api_key.expiring", 2),
					querycheck.ExpectNoIdentity("visionone_api_key.expiring", map[string]knownvalue.Check{"id": knownvalue.StringExact(soar.ID)}),
				},
			},
		},
			// Filters no key can match are refused before anything is listed.
			invalidListSteps("visionone_api_key",
				invalidListConfig{`role = ""`, regexpText("Attribute role UTF-8 character count must be between 1 and 128, got: 0")},
				invalidListConfig{fmt.Sprintf("role = %q", strings.Repeat("r", roleNameMaxLength+1)),
					regexpText("Attribute role UTF-8 character count must be between 1 and 128, got: 129")},
				invalidListConfig{`status = "expired"`, regexpText(`Attribute status value must be one of: ["enabled" "disabled"], got: "expired"`)},
				invalidListConfig{`expiring_within = "-1s"`, regexpText(`Attribute expiring_within value must be a Go duration`, `between 0s and 8784h0m0s, got: "-1s"`)},
				invalidListConfig{`expiring_within = "8784h0m1s"`,
					regexpText(`Attribute expiring_within value must be a Go duration`, `between 0s and 8784h0m0s, got: "8784h0m1s"`)},
				invalidListConfig{`expiring_within = "30d"`, regexpText("Invalid Time Duration String Value", `unknown unit "d" in duration "30d"`)},
			)),
	})
}

// TestAccAPIKeyList_readsPages lists 250 keys: two listing pages, and no key read on its own.
func TestAccAPIKeyList_readsPages(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	testAccListReadsPages(t, e, "visionone_api_key", "GET /v3.0/iam/apiKeys", func(i int) {
		e.createAPIKey(client.APIKeyCreate{Name: e.name(fmt.Sprintf("integration-%03d", i)), Role: "SIEM",
			MonthsToExpiration: pointerTo[int64](12), Status: client.StatusEnabled})
	})
}

// TestAccAPIKeyList_generateConfig adopts console-made keys with `terraform query
// -generate-config-out`: the configuration names each key (no name_prefix), holds no value and no
// computed-only attribute, keeps its expiry, and imports with nothing to change.
func TestAccAPIKeyList_generateConfig(t *testing.T) {
	w := newCLIWorkspace(t, featureQuery)
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("clock control, and a tenant of its own: -generate-config-out adopts every key the query finds")
	splunk := e.name("splunk")
	e.createAPIKey(client.APIKeyCreate{Name: splunk, Role: "SIEM", Description: "log forwarding",
		MonthsToExpiration: pointerTo[int64](3), Status: client.StatusEnabled})
	e.createAPIKey(client.APIKeyCreate{Name: e.name("old-integration"), Role: "SOAR",
		MonthsToExpiration: pointerTo[int64](1), Status: client.StatusDisabled})
	e.AdvanceClock(24 * time.Hour) // used keys and passing time change nothing that is configured

	generated := w.adoptByQuery(e, `
list "visionone_api_key" "console" {
  provider = visionone
}
`, 2)
	for _, want := range []string{`name += "` + regexp.QuoteMeta(splunk) + `"`, `description += "log forwarding"`,
		`expires_in_months += 3`, `enabled += false`, `identity += \{`} {
		if !regexp.MustCompile(want).MatchString(generated) {
			t.Errorf("the generated configuration lacks %q:\n%s", want, generated)
		}
	}
	// Terraform writes "= null" for the optional arguments an object does not use: no value.
	for _, unwanted := range []string{"name_prefix", "keepers", "rotate_before"} {
		if regexp.MustCompile(`(?m)^\s*` + unwanted + ` += [^n]`).MatchString(generated) {
			t.Errorf("the generated configuration sets %s:\n%s", unwanted, generated)
		}
	}
	// Computed-only attributes and the secret are not configuration.
	for _, unwanted := range []string{"value", "expires_at", "created_at", "last_used_at"} {
		if regexp.MustCompile(`(?m)^\s*` + unwanted + `\b`).MatchString(generated) {
			t.Errorf("the generated configuration holds %s:\n%s", unwanted, generated)
		}
	}
}

// TestAccAPIKeyList_generateConfigUndated adopts with `terraform query -generate-config-out` a key
// whose validity cannot be worked out (the API reports no creation time): the configuration gives
// expires_in_months no value, and the import still plans nothing and writes nothing.
func TestAccAPIKeyList_generateConfigUndated(t *testing.T) {
	w := newCLIWorkspace(t, featureQuery)
	e := startEmulatorBehind(t, undatedAPIKeys().wrap)
	e.requireEmulator("a tenant of its own: -generate-config-out adopts every key the query finds")
	e.createAPIKey(client.APIKeyCreate{Name: e.name("undated"), Role: "SIEM", MonthsToExpiration: pointerTo[int64](3), Status: client.StatusEnabled})

	generated := w.adoptByQuery(e, `
list "visionone_api_key" "console" {
  provider = visionone
}
`, 1)
	if regexp.MustCompile(`expires_in_months += [^n]`).MatchString(generated) {
		t.Errorf("the generated configuration gives expires_in_months a value:\n%s", generated)
	}
}

// TestAPIKeyList_unreadableExpiryWarns lists, as `terraform query` with include_resource does, a
// key whose expiredDateTime the API writes in a form nobody documents: the key is listed, its
// resource object (what configuration is generated from) has a null expires_at and
// expires_in_months, and a warning names the key, the field and the value (which a query check
// cannot see). expiring_within leaves the key out.
func TestAPIKeyList_unreadableExpiryWarns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	odd := &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, apiKeys), rewrite: replaceField("expiredDateTime", oddExpiry)}
	odd.armed.Store(true)
	e := startEmulatorBehind(t, odd.wrap)
	name := e.name("odd")
	created := e.createAPIKey(client.APIKeyCreate{Name: name, Role: "SIEM", MonthsToExpiration: pointerTo[int64](3), Status: client.StatusEnabled})
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	lr := &apiKeyListResource{data: newProviderData(api)}
	all := apiKeyListModel{Role: types.StringNull(), Status: types.StringNull(), ExpiringWithin: timetypes.NewGoDurationNull()}

	listed := listedWithID(t, listDirectly(t, lr, &apiKeyResource{}, all), created.ID)
	if listed == nil {
		t.Fatalf("the key %s is not listed", created.ID)
	}
	expectUnreadableWarning(t, "list", listed.Diagnostics,
		fmt.Sprintf(`API key %s (%q): Vision One sent expiredDateTime as %s`, created.ID, name, oddExpiry), "expires_at is null")
	var model apiKeyResourceModel
	if diags := listed.Resource.Get(ctx, &model); diags.HasError() {
		t.Fatal(diags)
	}
	if model.Name.ValueString() != name || !model.ExpiresAt.IsNull() || !model.ExpiresInMonths.IsNull() {
		t.Errorf("listed name %s, expires_at %s, expires_in_months %s; want the key with both null", model.Name, model.ExpiresAt, model.ExpiresInMonths)
	}

	expiring := all
	expiring.ExpiringWithin = timetypes.NewGoDurationValueFromStringMust("8784h")
	if listedWithID(t, listDirectly(t, lr, &apiKeyResource{}, expiring), created.ID) != nil {
		t.Error("expiring_within listed a key whose expiry is unknown")
	}
}

// TestAccAPIKeyList_limitWarns runs `terraform query` over three keys with a list block whose limit
// is 2 and one without a limit: the first shows two keys and a warning that says so and how to see
// them all, the second shows the three and no warning; -generate-config-out warns alike. A query
// check cannot see warnings, so the CLI is run itself and its output read as the user reads it.
func TestAccAPIKeyList_limitWarns(t *testing.T) {
	w := newCLIWorkspace(t, featureQuery)
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("a tenant of its own: the warning counts every key the list finds")
	for _, name := range []string{"splunk", "soar-bot", "old-integration"} {
		e.createAPIKey(client.APIKeyCreate{Name: e.name(name), Role: "SIEM", MonthsToExpiration: pointerTo[int64](3), Status: client.StatusEnabled})
	}
	w.write("main.tf", e.providerConfig())
	w.write("keys.tfquery.hcl", `
list "visionone_api_key" "first_two" {
  provider = visionone
  limit    = 2
}

list "visionone_api_key" "all" {
  provider = visionone
}
`)
	w.run([]int{0}, "init", "-input=false", "-no-color")
	_, out := w.run([]int{0}, "query", "-no-color")

	for block, want := range map[string]int{"first_two": 2, "all": 3} {
		if got := regexp.MustCompile(`(?m)^list\.visionone_api_key\.`+block+`\s`).FindAllString(out, -1); len(got) != want {
			t.Errorf("list.visionone_api_key.%s: %d results, want %d:\n%s", block, len(got), want, out)
		}
	}
	warnings := regexp.MustCompile(`(?m)^Warning: `).FindAllStringIndex(out, -1)
	if len(warnings) != 1 {
		t.Fatalf("%d warnings, want one, for the list cut at its limit:\n%s", len(warnings), out)
	}
	warning := out[warnings[0][0]:]
	for _, want := range []string{`in list "visionone_api_key" "first_two"`, "2 of the 3 objects", "set `limit` to 3"} {
		if !strings.Contains(warning, want) {
			t.Errorf("the warning lacks %q:\n%s", want, warning)
		}
	}

	// Adopting with -generate-config-out warns alike.
	_, out = w.run([]int{0}, "query", "-no-color", "-generate-config-out=generated.tf")
	if !strings.Contains(out, "Warning: Objects Left Out by the List's Limit") {
		t.Errorf("-generate-config-out does not warn of the keys left out:\n%s", out)
	}
}

// TestAPIKeyList_quoteInRole lists the keys of a role whose name has a quote from an API that
// refuses a filter with the doubled quote: the provider matches the role itself, so the role's key
// is listed and no other.
func TestAPIKeyList_quoteInRole(t *testing.T) {
	t.Parallel()
	e := startEmulatorBehind(t, refuseDoubledQuotes().wrap)
	role := e.createRole(client.RoleCreate{Name: e.name("SOC l'équipe"), AllowAPIKeyAssignment: true})
	mine := e.createAPIKey(client.APIKeyCreate{Name: e.name("mine"), Role: role.Name})
	other := e.createAPIKey(client.APIKeyCreate{Name: e.name("other"), Role: "SIEM"})
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	lr := &apiKeyListResource{data: newProviderData(api)}
	results := listDirectly(t, lr, &apiKeyResource{}, apiKeyListModel{Role: types.StringValue(role.Name), Status: types.StringNull(),
		ExpiringWithin: timetypes.NewGoDurationNull()})
	if len(results) != 1 || listedWithID(t, results, mine.ID) == nil {
		t.Errorf("%d keys listed; want only the key %s of the role %q, not %s of SIEM", len(results), mine.ID, role.Name, other.ID)
	}
}
