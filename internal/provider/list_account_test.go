package provider

import (
	"context"
	"fmt"
	"regexp"
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

// consoleAccounts are accounts made in the console: the first has accepted its invitation.
var consoleAccounts = []client.AccountInvite{
	{Email: "auditor@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal, Description: "external audit"},
	{Email: "analyst@example.com", Role: "Analyst", AuthType: client.AuthTypeSAML},
	{Email: "soc-team@example.com", Role: "Auditor", AuthType: client.AuthTypeSAMLGroup},
}

func TestAccAccountList_query(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.seedAccounts(t, consoleAccounts...)
	email := func(address string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"email": knownvalue.StringExact(address)}
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
					querycheck.ExpectLength("visionone_account.all", 3),
					querycheck.ExpectIdentity("visionone_account.all", email("auditor@example.com")),
					querycheck.ExpectResourceDisplayName("visionone_account.all", queryfilter.ByResourceIdentity(email("auditor@example.com")),
						knownvalue.StringExact("auditor@example.com (Auditor, enabled)")),
					querycheck.ExpectResourceKnownValues("visionone_account.all", queryfilter.ByResourceIdentity(email("analyst@example.com")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("email"), KnownValue: knownvalue.StringExact("analyst@example.com")},
							{Path: tfjsonpath.New("auth_type"), KnownValue: knownvalue.StringExact("saml")},
							{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("Analyst")},
							{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("invited")},
							{Path: tfjsonpath.New("enabled"), KnownValue: knownvalue.Bool(true)},
							{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("")},
						}),
					// role by the provider.
					querycheck.ExpectLength("visionone_account.auditors", 2),
					querycheck.ExpectNoIdentity("visionone_account.auditors", email("analyst@example.com")),
					// status and auth type by the API.
					querycheck.ExpectLength("visionone_account.invited_saml", 1),
					querycheck.ExpectIdentity("visionone_account.invited_saml", email("analyst@example.com")),
				},
			},
		},
	})
}

// TestAccAccountList_readsPages lists 250 accounts: two listing pages, and no account read on its
// own.
func TestAccAccountList_readsPages(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	testAccListReadsPages(t, e, "visionone_account", "GET /v3.0/iam/accounts", func(i int) {
		if _, err := e.API.InviteAccount(context.Background(), client.AccountInvite{
			Email: fmt.Sprintf("user%03d@example.com", i), Role: "Analyst", AuthType: client.AuthTypeLocal}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAccAccountList_generateConfig adopts console-made accounts, active and invited, with
// `terraform query -generate-config-out`: nothing to change after the import.
func TestAccAccountList_generateConfig(t *testing.T) {
	w := newCLIWorkspace(t, featureQuery)
	e := startEmulator(t, emulator.Options{})
	e.seedAccounts(t, consoleAccounts...)

	generated := w.adoptByQuery(e, `
list "visionone_account" "console" {
  provider = visionone
}
`, 3)
	for _, want := range []string{`email += "auditor@example.com"`, `description += "external audit"`, `auth_type += "samlGroup"`,
		`email += "soc-team@example.com"`} {
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
