package provider

// The checks of a visionone_account's input, role and email at plan, import and apply, and what
// their messages say: lengths counted in characters, an invalid email explained in words, an
// import of a missing account, the closest role names for one that does not exist, a role check
// that only warns for an account that exists (so that terraform destroy is never blocked), and an
// email clash with an account of this configuration or with the resource's own replacement.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// Lengths are counted in characters, as the API counts them: a description of 256 characters of a
// script that takes three bytes each is accepted at plan and apply, and an account that already
// holds one imports with an empty plan.
func TestAccAccount_characterLimits(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts and set control flags")
	description := strings.Repeat("監", accountMaxLength)
	role := e.name(strings.Repeat("査", 100))
	e.createRole(client.RoleCreate{Name: role, PermissionKeys: rolePermissionKeys(t, e, 1), AllowUserAccountAssignment: true})
	existingEmail := e.email("existing")
	existing := e.inviteAccount(client.AccountInvite{Email: existingEmail, Role: role, AuthType: client.AuthTypeLocal, Description: description})
	created := testAccAccount{email: e.email("new"), role: role, description: description}
	imported := testAccAccount{email: existingEmail, role: role, description: description}
	config := e.accountConfig(map[string]testAccAccount{"test": created, "existing": imported}) + fmt.Sprintf(`
import {
  to = visionone_account.existing
  id = %q
}
`, existingEmail)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(created.email, existingEmail),
		Steps: []resource.TestStep{
			{
				ResourceName:           "visionone_account.existing",
				ImportState:            true,
				ImportStateKind:        resource.ImportBlockWithID,
				ImportStateId:          existingEmail,
				Config:                 config,
				ImportStateConfigExact: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("visionone_account.existing", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue("visionone_account.existing", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
				}},
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact(description)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact(role)),
					statecheck.ExpectKnownValue("visionone_account.existing", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
				},
			},
		},
	})
}

// An invalid email is explained in words at plan, before anything is written, not in the terms of
// Go's mail parser ("no angle-addr").
func TestAccAccount_invalidEmailExplained(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	account := func(email string) string {
		return e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "Auditor"}})
	}
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"space": {
			config: account(e.email("new bie")),
			wantError: regexpText("Invalid Email Address", fmt.Sprintf("%q is not a bare email address", e.email("new bie")),
				"the part before the @ contains a space, which an email address allows only inside double quotes"),
		},
		"comma": {
			config:    account(e.email("new,bie")),
			wantError: regexpText("Invalid Email Address", `contains ',', which an email address allows only inside double quotes`),
		},
		// A directory object id names only a SAML group.
		"object id of a local account": {
			config: account("7d2f8f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"),
			wantError: regexpText("Invalid Email Address", `"7d2f8f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f" is not a bare email address`,
				`Only a SAML group account (auth_type = "samlGroup") may be named by its directory object id`),
		},
		"two dots": {
			config:    account(e.email("new..bie")),
			wantError: regexpText("Invalid Email Address", "must not begin or end with a dot or have two dots in a row"),
		},
	})
}

// Importing an account that does not exist gets the provider's explanation, by email and by id,
// as roles and keys do, instead of Terraform's "Cannot import non-existent remote object".
func TestAccAccount_importNotFound(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	nobody := e.email("nobody")
	config := e.accountConfig(map[string]testAccAccount{"test": {email: nobody, role: "Auditor"}})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        config,
				ResourceName:  testAccAccountAddr,
				ImportState:   true,
				ImportStateId: nobody,
				ExpectError: regexpText("Account Not Found", fmt.Sprintf("Importing the account %q: no account in the Vision One tenant has this email", nobody),
					"visionone_accounts"),
			},
			{
				Config:        config,
				ResourceName:  testAccAccountAddr,
				ImportState:   true,
				ImportStateId: "7d2f8f5e-0000-4000-8000-000000000000",
				ExpectError:   regexpText("Account Not Found", `Importing the account "7d2f8f5e-0000-4000-8000-000000000000"`),
			},
		},
	})
}

// A role name with a typo or in the wrong case gets the closest role names, and a predefined role
// that does not allow accounts is explained in one plain sentence; nothing is written.
func TestAccAccount_roleSuggestions(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	account := func(role string) string {
		return e.accountConfig(map[string]testAccAccount{"test": {email: e.email("new"), role: role}})
	}
	testAccExpectPlanErrors(t, e, map[string]planErrorCase{
		"typo": {
			config:    account("Senior Anlyst"),
			wantError: regexpText("Role Not Found", `No role named "Senior Anlyst" exists`, "Did you mean", `"Senior Analyst"`),
		},
		"wrong case": {
			config:    account("auditor"),
			wantError: regexpText("Role Not Found", `No role named "auditor" exists`, "Did you mean", `"Auditor"`, "Role names are case-sensitive"),
		},
		"predefined role that does not allow accounts": {
			config: account("SIEM"),
			wantError: regexpText("Role Not Assignable to Accounts",
				`The role "SIEM" does not allow user account assignment (its allow_user_account_assignment is false), so Vision One would refuse it.`,
				"It is a predefined role, whose flags Trend Micro sets: choose another role, or create a custom role (visionone_user_role) with the permissions needed and allow_user_account_assignment = true."),
		},
	})
}

// A role renamed outside Terraform does not block terraform destroy of an account that names it by
// a plain string: Terraform plans the configuration before destroying it, and the role check of
// an account that exists only warns. Applying the configuration fails before anything is written,
// saying, as the plan does, that the account holds the role under its new name, although the apply
// runs in another provider process than the plan's refresh, which found the rename.
func TestAccAccount_destroyAfterRoleRenamed(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	// A change of an invited account's role waits for the invitation to be accepted.
	e.requireEmulator("invitation acceptance")
	ctx := context.Background()
	name, renamed := e.name("Team Analysts"), e.name("Team Analysts (old)")
	role := e.createRole(client.RoleCreate{Name: name, PermissionKeys: rolePermissionKeys(t, e, 1), AllowUserAccountAssignment: true})
	email := e.email("analyst")
	config := e.accountConfig(map[string]testAccAccount{"test": {email: email, role: name}})
	var before emulator.Stats

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The person accepts the invitation, and the role is renamed in the console.
				PreConfig: func() {
					e.acceptInvitation(t, email)
					if err := e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{Name: &renamed}); err != nil {
						t.Fatalf("renaming the role outside Terraform: %v", err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() { before = e.Stats() },
				Config:    config,
				ExpectError: regexpText("Role Not Found", fmt.Sprintf("The user account holds the role now named %q", renamed),
					fmt.Sprintf("no role named %q exists", name), fmt.Sprintf("set role = %q", renamed), fmt.Sprintf("id = %q", role.ID)),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the refused role change was written: %v", err)
					}
				},
				Config:  config,
				Destroy: true,
			},
		},
	})
}

// Two new accounts of one configuration with the same email are refused at plan, without
// suggesting to import anything, and nothing is written.
func TestAccAccount_emailTakenInConfiguration(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts")
	email := e.email("shared")
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_account" "first" {
  email = %[1]q
  role  = "Auditor"
}

resource "visionone_account" "second" {
  email      = %[1]q
  role       = "Analyst"
  depends_on = [visionone_account.first]
}
`, email)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: config,
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)Account Already Exists.*This resource plans the email `+
					regexp.QuoteMeta(fmt.Sprintf("%q", email))+`, and another visionone_account of this configuration plans `+
					regexp.QuoteMeta(fmt.Sprintf("%q", email))+` for a new account: account emails are unique regardless of case`, " ", `\s+`)),
			},
		},
	})
}

// An account replaced under create_before_destroy (here because it is tainted) keeps its email,
// which the current account still has: the invitation is refused, the error says that the existing
// account is probably this resource's own, and the current account stays.
func TestAccAccount_createBeforeDestroySameEmail(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts")
	email := e.email("replaced")
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_account" "test" {
  email = %q
  role  = "Auditor"

  lifecycle {
    create_before_destroy = true
  }
}
`, email)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				Taint:  []string{testAccAccountAddr},
				Config: config,
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)Account Already Exists.*Vision One already has the account `+
					regexp.QuoteMeta(fmt.Sprintf("%q", email))+` \(id [0-9a-f-]{36}\).*`+
					`If this resource is being replaced and has lifecycle \{ create_before_destroy = true \}, that is probably its own current account.*`+
					`remove create_before_destroy`, " ", `\s+`)),
			},
			{
				PreConfig: func() {
					if a := e.account(t, email); a.ID != id {
						t.Fatalf("the current account was replaced by %s", a.ID)
					}
				},
				Config:   config,
				PlanOnly: true,
				// Still tainted: Terraform plans the replacement again.
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccAccount_emailTakenByManagedAccount adds an account with the email, in another case, of an
// account this configuration applied earlier: the plan fails (the apply, in a new provider process,
// would not know the existing account is this configuration's), names the existing account's id,
// does not suggest importing it, and nothing is written.
func TestAccAccount_emailTakenByManagedAccount(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts")
	email := e.email("shared")
	first := e.providerConfig() + fmt.Sprintf(`
resource "visionone_account" "first" {
  email = %q
  role  = "Auditor"
}
`, email)
	second := func(dependsOn string) string {
		return first + fmt.Sprintf(`
resource "visionone_account" "second" {
  email      = %q
  role       = "Analyst"
  depends_on = [%s]
}
`, strings.ToUpper(email), dependsOn)
	}
	var before emulator.Stats
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{Config: first},
			{
				PreConfig: func() { before = e.Stats() },
				// depends_on makes Terraform plan the existing account first.
				Config: second("visionone_account.first"),
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)Account Already Exists.*This resource plans the email `+
					regexp.QuoteMeta(fmt.Sprintf("%q", strings.ToUpper(email)))+`, and another visionone_account of this configuration plans `+
					regexp.QuoteMeta(fmt.Sprintf("%q", email))+` for the account with id [0-9a-f-]{36}: account emails are unique `+
					`regardless of case, so only one of them can have it\. Give one of the two resources another email\.`, " ", `\s+`)),
			},
			{
				// Without an order between them, whichever of the two Terraform plans second reports the clash.
				Config:      second(""),
				ExpectError: regexpText("Account Already Exists", "another visionone_account of this configuration plans"),
			},
			{
				PreConfig: func() {
					if err := e.noWritesSince(before)(nil); err != nil {
						t.Fatalf("the refused account was written: %v", err)
					}
				},
				Config: first,
			},
		},
	})
}

// TestAccAccount_emailTakenInTenant plans an account whose email, in another case, an account of
// the tenant not managed by this configuration already has: the plan fails with the existing
// account and how to import it, and nothing is written. (The very same spelling only warns at plan,
// TestAccount_modifyPlanEmailTakenWarns, and fails at apply, TestAccAccount_duplicateEmail.)
func TestAccAccount_emailTakenInTenant(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	email := e.email("taken")
	existing := e.inviteAccount(client.AccountInvite{Email: email, Role: "Auditor", AuthType: client.AuthTypeLocal})
	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   e.accountConfig(map[string]testAccAccount{"test": {email: strings.ToUpper(email), role: "Analyst"}}),
				PlanOnly: true,
				ExpectError: regexpText(slices.Concat([]string{"Account Already Exists",
					fmt.Sprintf("Vision One already has the account %q (id %s)", email, existing.ID)},
					wantLookFirst("account", existing.ID), wantImportHint(accountType, email), []string{`role "Auditor" and status invited`})...),
			},
			{
				Config: e.providerConfig(),
				Check:  e.noWritesSinceTaken(&before),
			},
		},
	})
}

// TestAccount_modifyPlanEmailTakenWarns calls ModifyPlan as Terraform plans a new account whose
// email an account of the tenant has, spelled the same: the plan warns, naming the account and how
// to import it, and leaves the refusal to the apply (see checkEmail); terraform-plugin-testing
// cannot see warnings. An account the provider has seen in this configuration's state, such as the
// tainted one this plan replaces, is not reported.
func TestAccount_modifyPlanEmailTakenWarns(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	email := e.email("taken")
	existing := e.inviteAccount(client.AccountInvite{Email: email, Role: "Auditor", AuthType: client.AuthTypeLocal})
	planNew := func(r *accountResource) *fwresource.ModifyPlanResponse {
		t.Helper()
		return modifyPlanOfCreate(t, r, accountResourceModel{ID: types.StringUnknown(), Email: types.StringValue(email),
			AuthType: types.StringValue("local"), Role: types.StringValue("Analyst"), Description: types.StringValue(""),
			Enabled: types.BoolValue(true), Status: types.StringUnknown(), Name: types.StringUnknown()})
	}

	expectOneWarning(t, planNew(&accountResource{data: newProviderData(e.API)}).Diagnostics, "Account Already Exists",
		slices.Concat([]string{fmt.Sprintf("%q (id %s)", email, existing.ID)}, wantImportHint(accountType, email),
			[]string{`role "Auditor" and status invited`, "create_before_destroy", "applying this plan fails"})...)

	seen := newProviderData(e.API)
	seen.noteManaged(accountType, existing.ID)
	if resp := planNew(&accountResource{data: seen}); len(resp.Diagnostics) != 0 {
		t.Errorf("an account seen in the state: want no diagnostics, got %v", resp.Diagnostics)
	}
}

// TestAccount_inviteErrorAfterALostAnswer: when an invitation gets no clear answer and the account
// found with its email is not the invitation it sent, the error says so: it does not claim that no
// invitation was sent, nor quote an API answer that never came.
func TestAccount_inviteErrorAfterALostAnswer(t *testing.T) {
	t.Parallel()
	skipInLiveMode(t, "a dropped answer")
	// The invitation's connection is dropped before the emulator sees it.
	drop := &hostileAnswer{match: matchRequest(http.MethodPost, accounts), rewrite: func(w http.ResponseWriter, _ *httptest.ResponseRecorder) {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	}}
	drop.armed.Store(true)
	e := startEmulatorBehind(t, drop.wrap)
	email := e.email("lost")
	existing := e.inviteAccount(client.AccountInvite{Email: email, Role: "Analyst", AuthType: client.AuthTypeLocal})
	c, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.apiKey, MaxRetries: 1, RetryBaseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = c.InviteAccount(ctx, client.AccountInvite{Email: email, Role: "Auditor", AuthType: client.AuthTypeLocal})
	if !client.IsAlreadyExists(err) {
		t.Fatalf("InviteAccount with its answer lost = %v, want IsAlreadyExists", err)
	}
	var diags diag.Diagnostics
	(&accountResource{data: newProviderData(c)}).addInviteError(ctx, &diags, email, err)
	if len(diags) != 1 || diags[0].Summary() != "Account Already Exists" {
		t.Fatalf("want one error Account Already Exists, got %v", diags)
	}
	detail := diags[0].Detail()
	for _, want := range []string{"got no clear answer, and the account that has this email is not the invitation it sent",
		fmt.Sprintf("(id %s)", existing.ID), `role "Analyst"`, "What the provider found: POST /v3.0/iam/accounts got no clear answer"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the error does not say %q:\n%s", want, detail)
		}
	}
	for _, unwanted := range []string{"No invitation was sent", "API answer to the invitation"} {
		if strings.Contains(detail, unwanted) {
			t.Errorf("the error says %q:\n%s", unwanted, detail)
		}
	}
	// A status, not the digits of an id ("…-4004-…") or a trace id.
	if status := regexp.MustCompile(`\b400\b`); status.MatchString(detail) {
		t.Errorf("the error quotes a 400:\n%s", detail)
	}
}

// TestAccAccount_adoptConsoleEmails adopts accounts made in the console whose emails the
// invitation's address check refuses (an internationalised domain, an underscore in the domain, a
// trailing dot): the API holds them as they are, so they import with nothing to change and no
// write. Only an invitation is checked: a new account with such an email, or the replacement of
// an adopted one, which invites it again, still fails at plan with nothing written.
func TestAccAccount_adoptConsoleEmails(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts")
	emails := map[string]string{
		"unicode":    e.prefix + "anna@bücher.example",
		"underscore": e.prefix + "ops_team@corp_internal.example.com",
		"dot":        e.prefix + "first.last@Example.COM.",
	}
	accounts := map[string]testAccAccount{}
	imports := ""
	var checks []plancheck.PlanCheck
	for name, email := range emails {
		e.inviteAccount(client.AccountInvite{Email: email, Role: "Auditor", AuthType: client.AuthTypeLocal})
		accounts[name] = testAccAccount{email: email, role: "Auditor"}
		imports += fmt.Sprintf("\nimport {\n  to = visionone_account.%s\n  id = %q\n}\n", name, email)
		checks = append(checks, plancheck.ExpectResourceAction("visionone_account."+name, plancheck.ResourceActionNoop))
	}
	config := e.accountConfig(accounts) + imports
	replaced := accounts["unicode"]
	replaced.authType = client.AuthTypeSAML
	withReplaced := e.accountConfig(map[string]testAccAccount{"unicode": replaced, "underscore": accounts["underscore"], "dot": accounts["dot"]})
	newEmail := e.prefix + "new@bücher.example"
	withNew := e.accountConfig(map[string]testAccAccount{"unicode": accounts["unicode"], "underscore": accounts["underscore"],
		"dot": accounts["dot"], "new": {email: newEmail, role: "Auditor"}})

	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(emails["unicode"], emails["underscore"], emails["dot"], newEmail),
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(checks, plancheck.ExpectEmptyPlan())},
				Check:            e.noWritesSince(before),
			},
			refreshStep(e.accountConfig(accounts)),
			{
				Config:      withNew,
				ExpectError: regexpText("Invalid Email Address", fmt.Sprintf("%q is not a bare email address", newEmail)),
				Check:       e.noWritesSince(before),
			},
			{
				Config:      withReplaced,
				ExpectError: regexpText("Invalid Email Address", fmt.Sprintf("%q is not a bare email address", emails["unicode"])),
			},
			{
				Config:           e.accountConfig(accounts),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            e.noWritesSince(before),
			},
		},
	})
}
