package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// seedAccounts invites accounts directly through the API, as an administrator in the console would,
// and accepts the invitation of the first one.
func (e *testEmulator) seedAccounts(t *testing.T, invites ...client.AccountInvite) {
	t.Helper()
	e.requireEmulator("invitation acceptance")
	for _, in := range invites {
		e.inviteAccount(in)
	}
	e.acceptInvitation(t, invites[0].Email)
}

func TestAccAccountDataSource_basic(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.seedAccounts(t,
		client.AccountInvite{Email: "active@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal, Description: "accepted"},
		client.AccountInvite{Email: "o'neil+sso@example.com", Role: "Analyst", AuthType: client.AuthTypeSAML},
	)
	active := e.account(t, "active@example.com")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + `
data "visionone_account" "missing" {
  email = "nobody@example.com"
}
`,
				ExpectError: regexpText("Account Not Found", "Vision One has no account with email nobody@example.com.",
					"check the address for a typo", "visionone_accounts"),
			},
			{
				// An id is not an email: the advice is about ids.
				Config: e.providerConfig() + `
data "visionone_account" "missing" {
  id = "no-such-account-id"
}
`,
				ExpectError: regexpText("Account Not Found", "Vision One has no account with id no-such-account-id.",
					"look it up by email instead of id", "visionone_accounts"),
			},
			{
				Config: e.providerConfig() + `
data "visionone_account" "both" {
  email = "active@example.com"
  id    = "x"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				Config: e.providerConfig() + `
data "visionone_account" "by_email" {
  email = "O'Neil+SSO@example.com"
}

data "visionone_account" "by_id" {
  id = "` + active.ID + `"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_account.by_email", tfjsonpath.New("email"), knownvalue.StringExact("o'neil+sso@example.com")),
					statecheck.ExpectKnownValue("data.visionone_account.by_email", tfjsonpath.New("auth_type"), knownvalue.StringExact("saml")),
					statecheck.ExpectKnownValue("data.visionone_account.by_email", tfjsonpath.New("role"), knownvalue.StringExact("Analyst")),
					statecheck.ExpectKnownValue("data.visionone_account.by_email", tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					statecheck.ExpectKnownValue("data.visionone_account.by_id", tfjsonpath.New("email"), knownvalue.StringExact("active@example.com")),
					statecheck.ExpectKnownValue("data.visionone_account.by_id", tfjsonpath.New("description"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue("data.visionone_account.by_id", tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
				},
			},
		},
	})
}
