package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccAPIKeysDataSource_basic lists keys made in the console next to one made by Terraform, filtered by
// the API (role, status, name) and by expiry as the API's clock sees it, under each spelling of a
// date with no value.
func TestAccAPIKeysDataSource_basic(t *testing.T) {
	forEachAbsentDates(t, testAccAPIKeysDataSourceBasic)
}

func testAccAPIKeysDataSourceBasic(t *testing.T, e *testEmulator) {
	oneMonth, never := int64(1), int64(0)
	soar, disabled, forever, siem := e.name("console-soar"), e.name("console-disabled"), e.name("console-forever"), e.name("terraform-siem")
	for _, key := range []client.APIKeyCreate{
		{Name: soar, Role: "SOAR", MonthsToExpiration: &oneMonth, Description: "made in the console"},
		{Name: disabled, Role: "SIEM", Status: client.StatusDisabled},
		{Name: forever, Role: "SIEM", MonthsToExpiration: &never},
	} {
		e.createAPIKey(key)
	}
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name = %[1]q
  role = "SIEM"
}

data "visionone_api_keys" "all" {
  depends_on = [visionone_api_key.test]
}

data "visionone_api_keys" "siem" {
  role       = "SIEM"
  depends_on = [visionone_api_key.test]
}

data "visionone_api_keys" "disabled" {
  status = "disabled"
}

data "visionone_api_keys" "by_name" {
  name = %[2]q
}

data "visionone_api_keys" "expiring" {
  expiring_within = "1000h"
  depends_on      = [visionone_api_key.test]
}

data "visionone_api_keys" "expired" {
  expiring_within = "0s"
  depends_on      = [visionone_api_key.test]
}
`, siem, soar)
	names := func(names ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(names))
		for i, name := range names {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
		}
		return knownvalue.ListExact(checks)
	}
	keys := tfjsonpath.New("api_keys")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					e.expectAPIKeyCount(4),
					statecheck.ExpectKnownValue("data.visionone_api_keys.all", keys,
						e.ownItems(names(disabled, forever, soar, siem))),
					// The key that never expires and was never used, whatever the spelling of its dates.
					statecheck.ExpectKnownValue("data.visionone_api_keys.all", keys, e.ownItems(knownvalue.ListPartial(map[int]knownvalue.Check{
						1: knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":         knownvalue.StringExact(forever),
							"expires_at":   knownvalue.Null(),
							"expired":      knownvalue.Bool(false),
							"last_used_at": knownvalue.Null(),
							"created_at":   knownvalue.StringRegexp(rfc3339Pattern),
						}),
					}))),
					statecheck.ExpectKnownValue("data.visionone_api_keys.siem", keys,
						e.ownItems(names(disabled, forever, siem))),
					statecheck.ExpectKnownValue("data.visionone_api_keys.disabled", keys, e.ownItems(knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":    knownvalue.StringExact(disabled),
							"status":  knownvalue.StringExact("disabled"),
							"enabled": knownvalue.Bool(false),
						}),
					}))),
					statecheck.ExpectKnownValue("data.visionone_api_keys.by_name", keys, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":           knownvalue.NotNull(),
							"name":         knownvalue.StringExact(soar),
							"role":         knownvalue.StringExact("SOAR"),
							"description":  knownvalue.StringExact("made in the console"),
							"status":       knownvalue.StringExact("enabled"),
							"enabled":      knownvalue.Bool(true),
							"expires_at":   knownvalue.StringRegexp(rfc3339Pattern),
							"expired":      knownvalue.Bool(false),
							"last_used_at": knownvalue.Null(),
							"created_at":   knownvalue.StringRegexp(rfc3339Pattern),
						}),
					})),
					statecheck.ExpectKnownValue("data.visionone_api_keys.expiring", keys, e.ownItems(names(soar))),
					statecheck.ExpectKnownValue("data.visionone_api_keys.expired", keys, e.ownItems(knownvalue.ListSizeExact(0))),
					statecheck.ExpectKnownValue("data.visionone_api_keys.all", tfjsonpath.New("server_time"), knownvalue.StringRegexp(rfc3339Pattern)),
				},
			},
			{
				// Forty days later by the API's clock the one-month key has expired; the twelve-month
				// keys are not yet within 1000h of their expiry, and keys that never expire never are.
				PreConfig: func() { e.AdvanceClock(40 * 24 * time.Hour) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_api_keys.expired", keys, e.ownItems(knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":    knownvalue.StringExact(soar),
							"expired": knownvalue.Bool(true),
						}),
					}))),
					statecheck.ExpectKnownValue("data.visionone_api_keys.expiring", keys, e.ownItems(names(soar))),
				},
			},
		},
	})
}

// TestAccAPIKeysDataSource_nameIgnoresCase finds a key by its name written in another case, as key
// names are unique regardless of case, and still applies the other filters to it.
func TestAccAPIKeysDataSource_nameIgnoresCase(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	name := e.name("Splunk-Forwarder")
	e.createAPIKey(client.APIKeyCreate{Name: name, Role: "SIEM"})
	config := e.providerConfig() + fmt.Sprintf(`
data "visionone_api_keys" "exact" {
  name = %[1]q
}

data "visionone_api_keys" "other_case" {
  name = %[2]q
}

data "visionone_api_keys" "other_case_and_role" {
  name = %[3]q
  role = "SIEM"
}

data "visionone_api_keys" "other_case_wrong_role" {
  name = %[2]q
  role = "SOAR"
}

data "visionone_api_keys" "nobody" {
  name = %[4]q
}
`, name, strings.ToLower(name), strings.ToUpper(name), e.name("no-such-key"))
	found := knownvalue.ListExact([]knownvalue.Check{
		knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(name)}),
	})
	keys := tfjsonpath.New("api_keys")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_api_keys.exact", keys, found),
					statecheck.ExpectKnownValue("data.visionone_api_keys.other_case", keys, found),
					statecheck.ExpectKnownValue("data.visionone_api_keys.other_case_and_role", keys, found),
					statecheck.ExpectKnownValue("data.visionone_api_keys.other_case_wrong_role", keys, knownvalue.ListSizeExact(0)),
					// No key has the name: an empty list, as the attribute's description says.
					statecheck.ExpectKnownValue("data.visionone_api_keys.nobody", keys, knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// TestAccAPIKeysDataSource_invalidFilters refuses, when Terraform validates the configuration, a
// name or role that no key or role can have (empty, or longer than the API allows), a status the
// API does not have, and an expiring_within outside its range.
func TestAccAPIKeysDataSource_invalidFilters(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	step := func(attribute, value string, wantError *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      e.providerConfig() + fmt.Sprintf("data \"visionone_api_keys\" \"this\" {\n  %s = %q\n}\n", attribute, value),
			PlanOnly:    true,
			ExpectError: wantError,
		}
	}
	var steps []resource.TestStep
	for _, attribute := range []string{"name", "role"} {
		for _, value := range []string{"", strings.Repeat("k", apiKeyNameMaxLength+1)} {
			steps = append(steps, step(attribute, value,
				regexp.MustCompile(`Attribute `+attribute+` UTF-8 character count must be between 1 and 128`)))
		}
	}
	steps = append(steps,
		step("status", "expired", regexpText(`Attribute status value must be one of: ["enabled" "disabled"], got: "expired"`)),
		step("expiring_within", "-1s", regexpText(`Attribute expiring_within value must be a Go duration`, `between 0s and 8784h0m0s, got: "-1s"`)),
		step("expiring_within", "8784h0m1s",
			regexpText(`Attribute expiring_within value must be a Go duration`, `between 0s and 8784h0m0s, got: "8784h0m1s"`)),
	)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// refuseDoubledQuotes answers a list filtered on a value with a quote (doubled, as the client
// writes it) with a 400, as an API that takes no escaped quote would.
func refuseDoubledQuotes() *hostileAnswer {
	refused := &hostileAnswer{
		match: func(r *http.Request) bool { return strings.Contains(r.Header.Get("TMV1-Filter"), "''") },
		rewrite: answerWith(http.StatusBadRequest, "application/json",
			`{"error":{"code":"BadRequest","message":"The TMV1-Filter header is not valid."}}`),
	}
	refused.armed.Store(true)
	return refused
}

// TestAccAPIKeysDataSource_quoteInFilterValues: how the API reads a quote inside a filter value is
// not published; here it refuses the doubled quote with a 400. A role and a name with a quote
// still select the keys they name, matched by the provider in the unfiltered list, next to a
// status the API filters; the visionone_user_role data source finds such a role by name.
func TestAccAPIKeysDataSource_quoteInFilterValues(t *testing.T) {
	e := startEmulatorBehind(t, refuseDoubledQuotes().wrap)
	role := e.createRole(client.RoleCreate{Name: e.name("SOC l'équipe"), AllowAPIKeyAssignment: true})
	enabled, disabled := e.name("l'intégration"), e.name("l'ancienne")
	for _, key := range []client.APIKeyCreate{
		{Name: enabled, Role: role.Name},
		{Name: disabled, Role: role.Name, Status: client.StatusDisabled},
		{Name: e.name("siem"), Role: "SIEM"},
	} {
		e.createAPIKey(key)
	}
	names := func(names ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(names))
		for i, name := range names {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(name), "role": knownvalue.StringExact(role.Name)})
		}
		return knownvalue.ListExact(checks)
	}
	keys := tfjsonpath.New("api_keys")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + fmt.Sprintf(`
data "visionone_api_keys" "by_role" {
  role = %[1]q
}

data "visionone_api_keys" "enabled_of_role" {
  role   = %[1]q
  status = "enabled"
}

data "visionone_api_keys" "by_name" {
  name = %[2]q
}

data "visionone_user_role" "quoted" {
  name = %[1]q
}
`, role.Name, strings.ToUpper(enabled)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_api_keys.by_role", keys, names(disabled, enabled)),
					statecheck.ExpectKnownValue("data.visionone_api_keys.enabled_of_role", keys, names(enabled)),
					statecheck.ExpectKnownValue("data.visionone_api_keys.by_name", keys, names(enabled)),
					statecheck.ExpectKnownValue("data.visionone_user_role.quoted", tfjsonpath.New("id"), knownvalue.StringExact(role.ID)),
				},
			},
		},
	})
}
