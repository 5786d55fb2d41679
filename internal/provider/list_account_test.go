package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// consoleAccounts are the accounts the list tests make in the console (seedAccounts accepts the
// first one's invitation): an auditor, an analyst and a SAML group.
func (e *testEmulator) consoleAccounts() []client.AccountInvite {
	return []client.AccountInvite{
		{Email: e.email("auditor"), Role: "Auditor", AuthType: client.AuthTypeLocal, Description: "external audit"},
		{Email: e.email("analyst"), Role: "Analyst", AuthType: client.AuthTypeSAML},
		{Email: e.email("soc-team"), Role: "Auditor", AuthType: client.AuthTypeSAMLGroup},
	}
}

func TestAccAccountList_query(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.seedAccounts(t, e.consoleAccounts()...)
	auditor, analyst := e.email("auditor"), e.email("analyst")
	email := func(address string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"email": knownvalue.StringExact(address)}
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
list "visionone_account" "all" {
  provider         = visionone
  include_resource = true
}

list "visionone_account" "auditors" {
  provider = visionone
  config {
    role = "Auditor"
  }
}

list "visionone_account" "invited_saml" {
  provider = visionone
  config {
    status    = "invited"
    auth_type = "saml"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					e.expectOwnResults("visionone_account.all", 3),
					querycheck.ExpectIdentity("visionone_account.all", email(auditor)),
					querycheck.ExpectResourceDisplayName("visionone_account.all", queryfilter.ByResourceIdentity(email(auditor)),
						knownvalue.StringExact(auditor+" (Auditor, enabled)")),
					querycheck.ExpectResourceKnownValues("visionone_account.all", queryfilter.ByResourceIdentity(email(analyst)),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("email"), KnownValue: knownvalue.StringExact(analyst)},
							{Path: tfjsonpath.New("auth_type"), KnownValue: knownvalue.StringExact("saml")},
							{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("Analyst")},
							{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("invited")},
							{Path: tfjsonpath.New("enabled"), KnownValue: knownvalue.Bool(true)},
							{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("")},
						}),
					// role by the provider.
					e.expectOwnResults("visionone_account.auditors", 2),
					querycheck.ExpectNoIdentity("visionone_account.auditors", email(analyst)),
					// status and auth type by the API.
					e.expectOwnResults("visionone_account.invited_saml", 1),
					querycheck.ExpectIdentity("visionone_account.invited_saml", email(analyst)),
				},
			},
		},
			// Filters no account can match are refused before anything is listed.
			invalidListSteps("visionone_account",
				invalidListConfig{`role = ""`, regexpText("Attribute role UTF-8 character count must be between 1 and 256, got: 0")},
				invalidListConfig{fmt.Sprintf("role = %q", strings.Repeat("r", accountMaxLength+1)),
					regexpText("Attribute role UTF-8 character count must be between 1 and 256, got: 257")},
				invalidListConfig{`status = "Enabled"`, regexpText(`Attribute status value must be one of: ["enabled" "disabled" "invited"], got: "Enabled"`)},
				invalidListConfig{`auth_type = "samlgroup"`, regexpText(`Attribute auth_type value must be one of: ["local" "saml" "samlGroup"], got: "samlgroup"`)},
			)),
	})
}

// TestAccAccountList_readsPages lists 250 accounts: two listing pages, and no account read on its
// own.
func TestAccAccountList_readsPages(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	testAccListReadsPages(t, e, "visionone_account", "GET /v3.0/iam/accounts", func(i int) {
		e.inviteAccount(client.AccountInvite{Email: e.email(fmt.Sprintf("user%03d", i)), Role: "Analyst", AuthType: client.AuthTypeLocal})
	})
}

// TestAccAccountList_generateConfig adopts console-made accounts, active and invited, with
// `terraform query -generate-config-out`: nothing to change after the import.
func TestAccAccountList_generateConfig(t *testing.T) {
	w := newCLIWorkspace(t, featureQuery)
	e := startEmulator(t, emulator.Options{})
	e.seedAccounts(t, e.consoleAccounts()...)

	generated := w.adoptByQuery(e, `
list "visionone_account" "console" {
  provider = visionone
}
`, 3)
	for _, want := range []string{`email += "` + regexp.QuoteMeta(e.email("auditor")) + `"`, `description += "external audit"`, `auth_type += "samlGroup"`,
		`email += "` + regexp.QuoteMeta(e.email("soc-team")) + `"`} {
		if !regexp.MustCompile(want).MatchString(generated) {
			t.Errorf("the generated configuration lacks %q:\n%s", want, generated)
		}
	}
	for _, unwanted := range []string{"status", "name", "id"} {
		if strings.Contains(generated, "  "+unwanted+" ") {
			t.Errorf("the generated configuration holds the computed %s:\n%s", unwanted, generated)
		}
	}
}
