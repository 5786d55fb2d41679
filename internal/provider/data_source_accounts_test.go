package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

func TestAccAccountsDataSource_basic(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.seedAccounts(t,
		client.AccountInvite{Email: "active@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal},
		client.AccountInvite{Email: "invited@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal},
		client.AccountInvite{Email: "sso@example.com", Role: "Analyst", AuthType: client.AuthTypeSAML},
		client.AccountInvite{Email: "group@example.com", Role: "Analyst", AuthType: client.AuthTypeSAMLGroup},
	)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + `
data "visionone_accounts" "bad" {
  status = "active"
}
`,
				ExpectError: regexp.MustCompile(`(?s)status.*value must be one of`),
			},
			{
				Config: e.providerConfig() + `
data "visionone_accounts" "all" {}

data "visionone_accounts" "invited_local" {
  status    = "invited"
  auth_type = "local"
}

data "visionone_accounts" "analysts" {
  role = "Analyst"
}

data "visionone_accounts" "saml_analysts" {
  auth_type = "saml"
  role      = "Analyst"
}

data "visionone_accounts" "none" {
  status = "disabled"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_accounts.all", tfjsonpath.New("accounts"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue("data.visionone_accounts.invited_local", tfjsonpath.New("accounts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("invited@example.com"), "status": knownvalue.StringExact("invited")}),
					})),
					statecheck.ExpectKnownValue("data.visionone_accounts.analysts", tfjsonpath.New("accounts"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.visionone_accounts.saml_analysts", tfjsonpath.New("accounts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("sso@example.com"), "auth_type": knownvalue.StringExact("saml")}),
					})),
					statecheck.ExpectKnownValue("data.visionone_accounts.none", tfjsonpath.New("accounts"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// visionone_accounts filters status and auth type in the API, not in the provider: with more
// accounts than fit in one page (200), an unfiltered read costs two pages and a filtered one, one.
func TestAccAccountsDataSource_filteredByAPI(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	invites := []client.AccountInvite{{Email: "sso@example.com", Role: "Auditor", AuthType: client.AuthTypeSAML}}
	for i := range 200 {
		invites = append(invites, client.AccountInvite{Email: fmt.Sprintf("user%03d@example.com", i), Role: "Auditor", AuthType: client.AuthTypeLocal})
	}
	e.seedAccounts(t, invites...)

	const listing = "GET /v3.0/iam/accounts"
	var start, unfiltered int
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { start = e.Stats().Requests[listing] },
				Config:    e.providerConfig() + `data "visionone_accounts" "all" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_accounts.all", tfjsonpath.New("accounts"), knownvalue.ListSizeExact(201)),
				},
				Check: func(*terraform.State) error {
					unfiltered = e.Stats().Requests[listing] - start
					return nil
				},
			},
			{
				PreConfig: func() { start = e.Stats().Requests[listing] },
				Config: e.providerConfig() + `
data "visionone_accounts" "saml" {
  auth_type = "saml"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_accounts.saml", tfjsonpath.New("accounts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("sso@example.com")}),
					})),
				},
				Check: func(*terraform.State) error {
					filtered := e.Stats().Requests[listing] - start
					if unfiltered == 0 || unfiltered != 2*filtered {
						return fmt.Errorf("an unfiltered read listed %d pages and the filtered one %d: want twice as many, as the API filters", unfiltered, filtered)
					}
					return nil
				},
			},
		},
	})
}
