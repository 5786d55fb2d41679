package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccAPIKeysDataSource lists keys made in the console next to one made by Terraform, filtered by
// the API (role, status, name) and by expiry as the API's clock sees it.
func TestAccAPIKeysDataSource(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	oneMonth, never := int64(1), int64(0)
	for _, key := range []client.APIKeyCreate{
		{Name: "console-soar", Role: "SOAR", MonthsToExpiration: &oneMonth, Description: "made in the console"},
		{Name: "console-disabled", Role: "SIEM", Status: client.StatusDisabled},
		{Name: "console-forever", Role: "SIEM", MonthsToExpiration: &never},
	} {
		if _, err := e.API.CreateAPIKey(ctx, key); err != nil {
			t.Fatalf("creating %q in the console: %v", key.Name, err)
		}
	}
	config := e.providerConfig() + `
resource "visionone_api_key" "test" {
  name = "terraform-siem"
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
  name = "console-soar"
}

data "visionone_api_keys" "expiring" {
  expiring_within = "1000h"
  depends_on      = [visionone_api_key.test]
}

data "visionone_api_keys" "expired" {
  expiring_within = "0s"
  depends_on      = [visionone_api_key.test]
}
`
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
						names("console-disabled", "console-forever", "console-soar", "terraform-siem")),
					statecheck.ExpectKnownValue("data.visionone_api_keys.siem", keys,
						names("console-disabled", "console-forever", "terraform-siem")),
					statecheck.ExpectKnownValue("data.visionone_api_keys.disabled", keys, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":    knownvalue.StringExact("console-disabled"),
							"status":  knownvalue.StringExact("disabled"),
							"enabled": knownvalue.Bool(false),
						}),
					})),
					statecheck.ExpectKnownValue("data.visionone_api_keys.by_name", keys, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":           knownvalue.NotNull(),
							"name":         knownvalue.StringExact("console-soar"),
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
					statecheck.ExpectKnownValue("data.visionone_api_keys.expiring", keys, names("console-soar")),
					statecheck.ExpectKnownValue("data.visionone_api_keys.expired", keys, knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.visionone_api_keys.all", tfjsonpath.New("server_time"), knownvalue.StringRegexp(rfc3339Pattern)),
				},
			},
			{
				// Forty days later by the API's clock the one-month key has expired; the twelve-month
				// keys are not yet within 1000h of their expiry, and keys that never expire never are.
				PreConfig: func() { e.AdvanceClock(40 * 24 * time.Hour) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_api_keys.expired", keys, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":    knownvalue.StringExact("console-soar"),
							"expired": knownvalue.Bool(true),
						}),
					})),
					statecheck.ExpectKnownValue("data.visionone_api_keys.expiring", keys, names("console-soar")),
				},
			},
		},
	})
}

// TestAccAPIKeysDataSource_nameIgnoresCase finds a key by its name written in another case, as key
// names are unique regardless of case, and still applies the other filters to it.
func TestAccAPIKeysDataSource_nameIgnoresCase(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	if _, err := e.API.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "Splunk-Forwarder", Role: "SIEM"}); err != nil {
		t.Fatalf("creating a key in the console: %v", err)
	}
	config := e.providerConfig() + `
data "visionone_api_keys" "exact" {
  name = "Splunk-Forwarder"
}

data "visionone_api_keys" "other_case" {
  name = "splunk-forwarder"
}

data "visionone_api_keys" "other_case_and_role" {
  name = "SPLUNK-FORWARDER"
  role = "SIEM"
}

data "visionone_api_keys" "other_case_wrong_role" {
  name = "splunk-forwarder"
  role = "SOAR"
}
`
	found := knownvalue.ListExact([]knownvalue.Check{
		knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("Splunk-Forwarder")}),
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
				},
			},
		},
	})
}
