package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// consoleKey makes an API key "in the console" (through the admin client), and returns it as
// the API lists it.
func (e *testEmulator) consoleKey(t *testing.T, name, role, description string, months int64, enabled bool) *client.APIKey {
	t.Helper()
	ctx := context.Background()
	status := client.StatusEnabled
	if !enabled {
		status = client.StatusDisabled
	}
	if _, err := e.API.CreateAPIKey(ctx, client.APIKeyCreate{Name: name, Role: role, Description: description,
		MonthsToExpiration: &months, Status: status}); err != nil {
		t.Fatalf("creating API key %q in the emulator: %v", name, err)
	}
	key, err := e.API.FindAPIKeyByName(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestAccAPIKeyList_query(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	splunk := e.consoleKey(t, "splunk", "SIEM", "log forwarding", 3, true)
	soar := e.consoleKey(t, "soar-bot", "SOAR", "", 12, true)
	old := e.consoleKey(t, "old-integration", "SIEM", "", 1, false)
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
		Steps: []resource.TestStep{
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
					querycheck.ExpectLength("visionone_api_key.all", 3),
					querycheck.ExpectIdentity("visionone_api_key.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(splunk.ID)}),
					querycheck.ExpectIdentity("visionone_api_key.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(soar.ID)}),
					querycheck.ExpectIdentity("visionone_api_key.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(old.ID)}),
					querycheck.ExpectResourceDisplayName("visionone_api_key.all",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(splunk.ID)}),
						knownvalue.StringExact("splunk (SIEM)")),
					// The resource object is the state an import reads: what configuration is generated from.
					querycheck.ExpectResourceKnownValues("visionone_api_key.all", byName("splunk"), []querycheck.KnownValueCheck{
						known("id", knownvalue.StringExact(splunk.ID)),
						known("name", knownvalue.StringExact("splunk")),
						known("name_prefix", knownvalue.Null()),
						known("role", knownvalue.StringExact("SIEM")),
						known("description", knownvalue.StringExact("log forwarding")),
						known("enabled", knownvalue.Bool(true)),
						known("expires_in_months", knownvalue.Int64Exact(3)),
						known("value", knownvalue.Null()),
						known("expires_at", knownvalue.StringRegexp(rfc3339Pattern)),
					}),
					querycheck.ExpectResourceKnownValues("visionone_api_key.all", byName("old-integration"), []querycheck.KnownValueCheck{
						known("enabled", knownvalue.Bool(false)),
						known("expires_in_months", knownvalue.Int64Exact(1)),
					}),
					// role and status by the API.
					querycheck.ExpectLength("visionone_api_key.siem_enabled", 1),
					querycheck.ExpectIdentity("visionone_api_key.siem_enabled", map[string]knownvalue.Check{"id": knownvalue.StringExact(splunk.ID)}),
					// expiring_within by the API's clock (100 days): the 1- and 3-month keys, not the 12-month one.
					querycheck.ExpectLength("visionone_api_key.expiring", 2),
					querycheck.ExpectNoIdentity("visionone_api_key.expiring", map[string]knownvalue.Check{"id": knownvalue.StringExact(soar.ID)}),
				},
			},
		},
	})
}

// TestAccAPIKeyList_readsPages lists 250 keys: two listing pages, and no key read on its own.
func TestAccAPIKeyList_readsPages(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	testAccListReadsPages(t, e, "visionone_api_key", "GET /v3.0/iam/apiKeys", func(i int) {
		e.consoleKey(t, fmt.Sprintf("integration-%03d", i), "SIEM", "", 12, true)
	})
}

// TestAccAPIKeyList_generateConfig adopts console-made keys with `terraform query
// -generate-config-out`: the configuration names each key (no name_prefix), holds no value and no
// computed-only attribute, keeps its expiry, and imports with nothing to change.
func TestAccAPIKeyList_generateConfig(t *testing.T) {
	w := newCLIWorkspace(t, featureQuery)
	e := startEmulator(t, emulator.Options{})
	e.consoleKey(t, "splunk", "SIEM", "log forwarding", 3, true)
	e.consoleKey(t, "old-integration", "SOAR", "", 1, false)
	e.AdvanceClock(24 * time.Hour) // used keys and passing time change nothing that is configured

	generated := w.adoptByQuery(e, `
list "visionone_api_key" "console" {
  provider = visionone
}
`, 2)
	for _, want := range []string{`name += "splunk"`, `description += "log forwarding"`,
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
