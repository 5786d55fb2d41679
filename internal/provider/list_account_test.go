package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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

// consoleSpelling answers the account and API-key reads as a console or an older API might: the
// documented enum values in other letter cases ("ENABLED", "Disabled", "SAMLGroup"), and no role
// (null) on the objects whose email or name holds "roleless", as when their role was deleted in the
// console.
func consoleSpelling() *hostileAnswer {
	spelled := map[string]map[string]string{
		"status":   {client.StatusEnabled: "ENABLED", client.StatusDisabled: "Disabled"},
		"authType": {client.AuthTypeSAMLGroup: "SAMLGroup"},
	}
	respell := func(object map[string]any) {
		for field, values := range spelled {
			if v, ok := object[field].(string); ok && values[v] != "" {
				object[field] = values[v]
			}
		}
		email, _ := object["email"].(string)
		name, _ := object["name"].(string)
		if strings.Contains(email+name, "roleless") {
			object["role"] = nil
		}
	}
	edit := func(v any) any {
		if m, ok := v.(map[string]any); ok {
			respell(m)
			eachItem(respell)(m["items"])
		}
		return v
	}
	answer := &hostileAnswer{passThrough: true, rewrite: editJSON(edit), match: func(r *http.Request) bool {
		return r.Method == http.MethodGet && (strings.HasPrefix(r.URL.Path, "/v3.0/iam/accounts") || apiKeysAndKey.MatchString(r.URL.Path))
	}}
	answer.armed.Store(true)
	return answer
}

// TestAccountList_noRoleAndOtherSpelling lists console accounts the API describes loosely: one
// without a role is displayed and warned about as such (its generated role = "" would be refused
// with no hint), and a disabled one whose status comes as "Disabled" is listed as disabled.
func TestAccountList_noRoleAndOtherSpelling(t *testing.T) {
	t.Parallel()
	e := startEmulatorBehind(t, consoleSpelling().wrap)
	e.requireMasterAdministrator("invite accounts")
	roleless := e.inviteAccount(client.AccountInvite{Email: e.email("roleless"), Role: "Auditor", AuthType: client.AuthTypeLocal})
	disabled := e.inviteAccount(client.AccountInvite{Email: e.email("off"), Role: "Auditor", AuthType: client.AuthTypeLocal})
	disabledID, err := e.AcceptInvitation(disabled.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.API.UpdateAccount(context.Background(), disabledID, "", client.AccountPatch{Status: pointerTo(client.StatusDisabled)}); err != nil {
		t.Fatal(err)
	}

	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	results := listDirectly(t, &accountListResource{data: newProviderData(api)}, &accountResource{},
		accountListModel{Role: types.StringNull(), Status: types.StringNull(), AuthType: types.StringNull()})
	byEmail := map[string]list.ListResult{}
	for _, result := range results {
		var email types.String
		result.Identity.GetAttribute(context.Background(), path.Root(identityEmail), &email)
		byEmail[email.ValueString()] = result
	}

	listed := byEmail[roleless.Email]
	if want := roleless.Email + " (no role, invited)"; listed.DisplayName != want {
		t.Errorf("listed as %q, want %q", listed.DisplayName, want)
	}
	expectOneWarning(t, listed.Diagnostics, "No Role", fmt.Sprintf("The account %s (id %s) has no role", roleless.Email, roleless.ID),
		"must set role")

	listed = byEmail[disabled.Email]
	var model accountResourceModel
	if diags := listed.Resource.Get(context.Background(), &model); diags.HasError() || len(listed.Diagnostics) > 0 {
		t.Fatalf("listing the disabled account: %v %v", listed.Diagnostics, diags)
	}
	if want := disabled.Email + " (Auditor, disabled)"; listed.DisplayName != want || model.Enabled.ValueBool() {
		t.Errorf("listed as %q, enabled %s; want %q, not enabled", listed.DisplayName, model.Enabled, want)
	}
}

// TestAccAccount_importOtherSpelling imports a console SAML group account whose auth type comes
// as "SAMLGroup" and status as "ENABLED": nothing to change (no replacement over the auth type's
// case), and no write.
func TestAccAccount_importOtherSpelling(t *testing.T) {
	e := startEmulatorBehind(t, consoleSpelling().wrap)
	e.requireMasterAdministrator("invite accounts")
	group := e.inviteAccount(client.AccountInvite{Email: e.email("soc"), Role: "Auditor", AuthType: client.AuthTypeSAMLGroup})
	if _, err := e.AcceptInvitation(group.ID); err != nil {
		t.Fatal(err)
	}
	config := e.accountConfig(map[string]testAccAccount{"test": {email: group.Email, role: "Auditor", authType: client.AuthTypeSAMLGroup}}) +
		fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", testAccAccountAddr, group.Email)
	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("auth_type"), knownvalue.StringExact(client.AuthTypeSAMLGroup)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.StatusEnabled)),
				},
				Check: e.noWritesSince(before),
			},
		},
	})
}
