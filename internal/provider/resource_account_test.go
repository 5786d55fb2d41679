package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// testAccAccount is the configurable part of one visionone_account block.
type testAccAccount struct {
	email, authType, role, description string
	enabled                            *bool
}

func (a testAccAccount) hcl(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"visionone_account\" %q {\n  email = %q\n  role  = %q\n", name, a.email, a.role)
	if a.authType != "" {
		fmt.Fprintf(&b, "  auth_type = %q\n", a.authType)
	}
	if a.description != "" {
		fmt.Fprintf(&b, "  description = %q\n", a.description)
	}
	if a.enabled != nil {
		fmt.Fprintf(&b, "  enabled = %t\n", *a.enabled)
	}
	b.WriteString("}\n")
	return b.String()
}

func (e *testEmulator) accountConfig(accounts map[string]testAccAccount) string {
	config := e.providerConfig()
	for name, a := range accounts {
		config += a.hcl(name)
	}
	return config
}

// account returns the account with this email as the emulator holds it, failing the test if it
// is missing.
func (e *testEmulator) account(t *testing.T, email string) *client.Account {
	t.Helper()
	account, err := e.API.FindAccountByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("looking up the account %s in the emulator: %v", email, err)
	}
	return account
}

// acceptInvitation accepts the invitation to email, as the person would.
func (e *testEmulator) acceptInvitation(t *testing.T, email string) {
	t.Helper()
	if _, err := e.AcceptInvitation(e.account(t, email).ID); err != nil {
		t.Fatalf("accepting the invitation of %s: %v", email, err)
	}
}

// checkAccountsGone is a CheckDestroy: none of these emails has an account left in the emulator.
func (e *testEmulator) checkAccountsGone(emails ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, email := range emails {
			account, err := e.API.FindAccountByEmail(context.Background(), email)
			if err == nil {
				return fmt.Errorf("account %s (id %s) still exists after destroy", email, account.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// checkAccountInAPI checks the emulator's copy of the account, beyond what the state says.
func (e *testEmulator) checkAccountInAPI(email string, check func(*client.Account) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		account, err := e.API.FindAccountByEmail(context.Background(), email)
		if err != nil {
			return fmt.Errorf("looking up %s: %w", email, err)
		}
		return check(account)
	}
}

const testAccAccountAddr = "visionone_account.test"

// TestAccAccount_inviteAnsweredByLocation invites an account from an API that answers the
// invitation with its Location header alone, without the body {"id": ...}: the id is taken from
// the header, the account is recorded under it, and the next plan is empty.
func TestAccAccount_inviteAnsweredByLocation(t *testing.T) {
	e := startEmulator(t, emulator.Options{InviteOmitBody: true})
	e.requireEmulator("an invitation answered without a body")
	e.requireMasterAdministrator("invite accounts")
	email := e.email("by-location")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{{
			Config: e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "Auditor"}}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
					if want := e.account(t, email).ID; id != want {
						return fmt.Errorf("id %q, want the invitation's %q", id, want)
					}
					return nil
				})),
			},
		}},
	})
}

// Lifecycle: invite, import by email and id (command and import block), acceptance with no plan
// change, in-place updates, and replacement on an email change.
func TestAccAccount_lifecycle(t *testing.T) {
	// StrictIfMatch: every update must carry the ETag of the last read.
	e := startEmulator(t, emulator.Options{StrictIfMatch: true})
	e.requireEmulator("invitation acceptance")
	const email, newEmail = "auditor@example.com", "auditor2@example.com"
	invited := testAccAccount{email: email, role: "Auditor", description: "third-party auditor"}
	updated := testAccAccount{email: email, role: "Analyst", description: "now an analyst", enabled: pointerTo(false)}
	renamed := updated
	renamed.email = newEmail
	idAfterAccept := statecheck.CompareValue(compare.ValuesSame())
	idChanges := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email, newEmail),
		Steps: []resource.TestStep{
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": invited}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("email"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("auth_type"), knownvalue.StringExact("local")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("third-party auditor")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					// Not read back after the invitation, which does not set it.
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("name"), knownvalue.Null()),
					idChanges.AddStateValue(testAccAccountAddr, tfjsonpath.New("id")),
				},
			},
			refreshStep(e.accountConfig(map[string]testAccAccount{"test": invited}),
				statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("name"), knownvalue.StringExact("auditor")),
				statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited"))),
			{
				ResourceName:      testAccAccountAddr,
				ImportState:       true,
				ImportStateId:     email,
				ImportStateVerify: true,
			},
			{
				ResourceName:      testAccAccountAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccAccountID,
				ImportStateVerify: true,
			},
			{
				ResourceName:    testAccAccountAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   email,
			},
			{
				// The person accepts: the account gets a new id and becomes enabled, and the
				// refresh follows it with nothing for the user to do.
				PreConfig: func() { e.acceptInvitation(t, email) },
				Config:    e.accountConfig(map[string]testAccAccount{"test": invited}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
					idChanges.AddStateValue(testAccAccountAddr, tfjsonpath.New("id")),
					idAfterAccept.AddStateValue(testAccAccountAddr, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:      testAccAccountAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccAccountID,
				ImportStateVerify: true,
			},
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": updated}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("disabled")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Analyst")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("now an analyst")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("disabled")),
					idAfterAccept.AddStateValue(testAccAccountAddr, tfjsonpath.New("id")),
				},
				Check: e.checkAccountInAPI(email, func(a *client.Account) error {
					if a.Role != "Analyst" || a.Status != client.StatusDisabled || a.Description != "now an analyst" {
						return fmt.Errorf("emulator holds role %q, status %q, description %q", a.Role, a.Status, a.Description)
					}
					return nil
				}),
			},
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": renamed}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectUnknownValue(testAccAccountAddr, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("email"), knownvalue.StringExact(newEmail)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
				Check: e.checkAccountsGone(email),
			},
		},
	})
}

func testAccAccountID(s *terraform.State) (string, error) {
	rs, ok := s.RootModule().Resources[testAccAccountAddr]
	if !ok {
		return "", fmt.Errorf("%s not in state", testAccAccountAddr)
	}
	return rs.Primary.ID, nil
}

// Every auth type can be invited, and its type is read back.
func TestAccAccount_authTypes(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts")
	local, saml, group := e.email("local"), e.email("saml"), e.email("auditors")
	// A directory object id cannot carry the test's prefix: it takes the prefix's random part, so
	// that runs on a shared tenant do not clash, and the sweeper cannot find it (terraform destroy
	// removes it).
	groupID := strings.TrimSuffix(strings.TrimPrefix(e.prefix, testAccPrefix), "-") + "-1b7d-4e8a-9c1f-2d3e4f5a6b7c"
	accounts := map[string]testAccAccount{
		"local":      {email: local, role: "Auditor"},
		"saml":       {email: saml, role: "Auditor", authType: "saml"},
		"saml_group": {email: group, role: "Auditor", authType: "samlGroup"},
		// A SAML group may also be named by its directory object id rather than an email.
		"saml_group_id": {email: groupID, role: "Auditor", authType: "samlGroup"},
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(local, saml, group, groupID),
		Steps: []resource.TestStep{
			{
				Config: e.accountConfig(accounts),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_account.local", tfjsonpath.New("auth_type"), knownvalue.StringExact("local")),
					statecheck.ExpectKnownValue("visionone_account.saml", tfjsonpath.New("auth_type"), knownvalue.StringExact("saml")),
					statecheck.ExpectKnownValue("visionone_account.saml_group", tfjsonpath.New("auth_type"), knownvalue.StringExact("samlGroup")),
					statecheck.ExpectKnownValue("visionone_account.saml_group_id", tfjsonpath.New("email"), knownvalue.StringExact(groupID)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.checkAccountInAPI(saml, func(a *client.Account) error {
						if a.AuthType != client.AuthTypeSAML {
							return fmt.Errorf("emulator holds auth type %q", a.AuthType)
						}
						return nil
					}),
					e.checkAccountInAPI(group, func(a *client.Account) error {
						if a.AuthType != client.AuthTypeSAMLGroup {
							return fmt.Errorf("emulator holds auth type %q", a.AuthType)
						}
						return nil
					}),
				),
			},
			refreshStep(e.accountConfig(accounts)),
			{
				ResourceName:      "visionone_account.saml_group_id",
				ImportState:       true,
				ImportStateId:     groupID,
				ImportStateVerify: true,
			},
			{
				// auth_type cannot be changed in place.
				Config: e.accountConfig(map[string]testAccAccount{
					"local":         {email: local, role: "Auditor", authType: "saml"},
					"saml":          accounts["saml"],
					"saml_group":    accounts["saml_group"],
					"saml_group_id": accounts["saml_group_id"],
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("visionone_account.local", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("visionone_account.saml", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_account.local", tfjsonpath.New("auth_type"), knownvalue.StringExact("saml")),
				},
			},
		},
	})
}

// Changes Vision One refuses while an account is invited are held back with a warning: the apply
// succeeds and changes nothing it cannot, the state keeps what the API holds, and the first apply
// after acceptance sets the rest.
func TestAccAccount_invitedUpdate(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	const email = "pending@example.com"
	invited := testAccAccount{email: email, role: "Auditor", description: "before"}
	wanted := testAccAccount{email: email, role: "Analyst", description: "after", enabled: pointerTo(false)}
	var before emulator.Stats

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": invited}),
			},
			{
				PreConfig: func() { before = e.Stats() },
				Config:    e.accountConfig(map[string]testAccAccount{"test": wanted}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("before")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
				Check: e.noWritesSinceTaken(&before),
			},
			{
				PreConfig: func() { e.acceptInvitation(t, email) },
				Config:    e.accountConfig(map[string]testAccAccount{"test": wanted}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Analyst")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("after")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("disabled")),
				},
				Check: e.checkAccountInAPI(email, func(a *client.Account) error {
					if a.Role != "Analyst" || a.Status != client.StatusDisabled {
						return fmt.Errorf("emulator holds role %q and status %q", a.Role, a.Status)
					}
					return nil
				}),
			},
		},
	})
}

// Vision One accepts no update of a SAML group account, even an active one: a role or description
// change is held back with a warning, the apply writes nothing, and the state keeps what the API holds.
func TestAccAccount_samlGroupUpdate(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	const email = "soc@example.com"
	group := testAccAccount{email: email, authType: "samlGroup", role: "Auditor", description: "SOC"}
	changed := testAccAccount{email: email, authType: "samlGroup", role: "Analyst", description: "SOC analysts"}
	var before emulator.Stats

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": group}),
			},
			{
				PreConfig: func() {
					e.acceptInvitation(t, email)
					before = e.Stats()
				},
				Config: e.accountConfig(map[string]testAccAccount{"test": changed}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("SOC")),
				},
				Check: e.noWritesSinceTaken(&before),
			},
		},
	})
}

// enabled = false at creation: the invitation goes out, and the account is disabled on the first
// apply after it is accepted.
func TestAccAccount_createDisabled(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	const email = "later@example.com"
	disabled := testAccAccount{email: email, role: "Auditor", enabled: pointerTo(false)}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": disabled}),
				Check: e.checkAccountInAPI(email, func(a *client.Account) error {
					if a.Status != client.StatusInvited {
						return fmt.Errorf("emulator holds status %q, want invited", a.Status)
					}
					return nil
				}),
			},
			{
				// The refresh reads the real status back; the plan holds enabled = false back.
				Config: e.accountConfig(map[string]testAccAccount{"test": disabled}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
			},
			{
				PreConfig: func() { e.acceptInvitation(t, email) },
				Config:    e.accountConfig(map[string]testAccAccount{"test": disabled}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("disabled")),
				},
			},
		},
	})
}

// Drift: changes made in the console are planned back, and an account deleted outside Terraform is
// planned for creation again.
func TestAccAccount_drift(t *testing.T) {
	e := startEmulator(t, emulator.Options{StrictIfMatch: true})
	e.requireEmulator("invitation acceptance")
	const email = "drift@example.com"
	account := testAccAccount{email: email, role: "Auditor", description: "managed"}
	config := e.accountConfig(map[string]testAccAccount{"test": account})

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: config,
			},
			{
				PreConfig: func() { e.acceptInvitation(t, email) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				PreConfig: func() {
					patch := client.AccountPatch{Role: pointerTo("Analyst"), Description: pointerTo("edited in the console"), Status: pointerTo(client.StatusDisabled)}
					if err := e.API.UpdateAccount(context.Background(), e.account(t, email).ID, "", patch); err != nil {
						t.Fatalf("changing the account outside Terraform: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
					plancheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				}},
				Check: e.checkAccountInAPI(email, func(a *client.Account) error {
					if a.Role != "Auditor" || a.Status != client.StatusEnabled || a.Description != "managed" {
						return fmt.Errorf("emulator holds role %q, status %q, description %q", a.Role, a.Status, a.Description)
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					if err := e.API.DeleteAccount(context.Background(), e.account(t, email).ID); err != nil {
						t.Fatalf("deleting the account outside Terraform: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
			},
		},
	})
}

// Emails with quotes and plus signs survive the invitation, the filter of the lookup by email
// (after acceptance and on import), and a change of letter case is not a change.
func TestAccAccount_unusualEmails(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	const quote, plus = "o'neil@example.com", "Audit+Terraform@Example.com"
	accounts := map[string]testAccAccount{
		"quote": {email: quote, role: "Auditor"},
		"plus":  {email: plus, role: "Auditor"},
	}
	recased := map[string]testAccAccount{
		"quote": {email: "O'Neil@EXAMPLE.com", role: "Auditor"},
		"plus":  {email: strings.ToLower(plus), role: "Auditor"},
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(quote, plus),
		Steps: []resource.TestStep{
			{
				Config: e.accountConfig(accounts),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_account.quote", tfjsonpath.New("email"), knownvalue.StringExact(quote)),
					statecheck.ExpectKnownValue("visionone_account.plus", tfjsonpath.New("email"), knownvalue.StringExact(plus)),
				},
			},
			refreshStep(e.accountConfig(accounts)),
			{
				ResourceName:      "visionone_account.quote",
				ImportState:       true,
				ImportStateId:     quote,
				ImportStateVerify: true,
			},
			{
				PreConfig: func() {
					e.acceptInvitation(t, quote)
					e.acceptInvitation(t, plus)
				},
				Config: e.accountConfig(recased),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_account.quote", tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
					statecheck.ExpectKnownValue("visionone_account.plus", tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
				},
			},
			{
				ResourceName:      "visionone_account.plus",
				ImportState:       true,
				ImportStateId:     plus,
				ImportStateVerify: true,
			},
		},
	})
}

// An email that an account of the tenant has, spelled exactly as it has it, is refused by Vision One
// at apply (the plan only warns, see checkEmail) with the import command, and nothing is created.
func TestAccAccount_duplicateEmail(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	email := e.email("taken")
	existing := e.inviteAccount(client.AccountInvite{Email: email, Role: "Auditor", AuthType: client.AuthTypeLocal})

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "Analyst"}}),
				ExpectError: regexpText(append([]string{"Account Already Exists", existing.ID}, wantImportHint(accountType, email)...)...),
			},
			{
				Config: e.providerConfig(),
				Check: func(*terraform.State) error {
					accounts, err := e.API.ListAccounts(context.Background(), "")
					if err != nil {
						return err
					}
					accounts = slices.DeleteFunc(accounts, func(a client.Account) bool { return !e.owns(a.Email) })
					if len(accounts) != 1 || accounts[0].ID != existing.ID || accounts[0].Role != "Auditor" {
						return fmt.Errorf("want only the existing account, unchanged; the emulator holds %+v", accounts)
					}
					return nil
				},
			},
		},
	})
}

// Bad input fails at plan, with a message that says what is wrong, before any write request.
func TestAccAccount_invalidInput(t *testing.T) {
	tests := map[string]struct {
		account testAccAccount
		roles   []client.RoleCreate // created before the test, as in the console
		want    string
	}{
		"bad email":            {account: testAccAccount{email: "not-an-email", role: "Auditor"}, want: `(?s)Invalid Email Address.*"not-an-email" is not a bare email address`},
		"display name":         {account: testAccAccount{email: "Auditor <a@example.com>", role: "Auditor"}, want: `(?s)without a display name`},
		"unknown auth type":    {account: testAccAccount{email: "a@example.com", role: "Auditor", authType: "ldap"}, want: `(?s)auth_type.*value must be one of`},
		"empty role":           {account: testAccAccount{email: "a@example.com", role: ""}, want: `(?s)No Role.*Attribute role is empty, so it names no role`},
		"description too long": {account: testAccAccount{email: "a@example.com", role: "Auditor", description: strings.Repeat("x", 257)}, want: `(?s)description.*character count must be at most 256`},
		"unknown role":         {account: testAccAccount{email: "a@example.com", role: "No Such Role"}, want: `(?s)Role Not Found.*"No Such Role" exists.*so the user account is not written`},
		"role not assignable":  {account: testAccAccount{email: "a@example.com", role: "SIEM"}, want: `(?s)Role Not Assignable to Accounts.*"SIEM".*It is a predefined role, whose flags Trend Micro sets`},
		"custom role not assignable": {
			account: testAccAccount{email: "a@example.com", role: "API only"},
			roles:   []client.RoleCreate{{Name: "API only", PermissionKeys: []string{"platform.auditLogs.view"}, AllowAPIKeyAssignment: true}},
			want:    `(?s)Role Not Assignable to Accounts.*"API only" does not allow user account assignment.*allow_user_account_assignment is false.*set allow_user_account_assignment = true.*Only a Master Administrator may change that flag.*API key made\s+before October 27, 2025`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := startEmulator(t, emulator.Options{})
			for _, role := range tc.roles {
				e.createRole(role)
			}
			before := e.Stats()
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: e.accountConfig(map[string]testAccAccount{"test": tc.account}),
						// Terraform wraps long messages, so a space matches any white space.
						ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
					},
					{
						Config: e.providerConfig(),
						Check:  e.noWritesSince(before),
					},
				},
			})
		})
	}
}

// A role change to a role that cannot be given to accounts fails before anything is written (the
// plan only warns about an account that exists, see TestAccAccount_destroyAfterRoleRenamed) and
// leaves the account as it is.
func TestAccAccount_invalidRoleUpdate(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	const email = "steady@example.com"
	var before emulator.Stats

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "Auditor"}}),
			},
			{
				PreConfig: func() {
					e.acceptInvitation(t, email)
					before = e.Stats()
				},
				Config:      e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "SOAR"}}),
				ExpectError: regexp.MustCompile(`(?s)Role Not Assignable to Accounts.*"SOAR"`),
			},
			{
				Config: e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "Auditor"}}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: e.noWritesSinceTaken(&before),
			},
		},
	})
}

func TestDeferPendingChanges(t *testing.T) {
	t.Parallel()
	invited := accountResourceModel{
		ID: types.StringValue("tmp-1"), Email: types.StringValue("a@example.com"), AuthType: types.StringValue(client.AuthTypeLocal),
		Role: types.StringValue("Auditor"), Description: types.StringValue("before"), Enabled: types.BoolValue(true),
		Status: types.StringValue(client.StatusInvited), Name: types.StringValue(""),
	}
	active := invited
	active.Status = types.StringValue(client.StatusEnabled)
	group := active
	group.AuthType = types.StringValue(client.AuthTypeSAMLGroup)
	with := func(m accountResourceModel) accountResourceModel {
		m.Role = types.StringValue("Analyst")
		m.Enabled = types.BoolValue(false)
		m.Description = types.StringValue("after")
		return m
	}
	withRole := func(m accountResourceModel, role string) accountResourceModel {
		m.Role = types.StringValue(role)
		return m
	}
	// This run renames the role Auditor to Auditors.
	var releases nameReleases
	releases.planRename("role-1", "Auditor", types.StringValue("Auditors"))

	tests := map[string]struct {
		state, plan, want accountResourceModel
		warning           string
	}{
		"invited":           {state: invited, plan: with(invited), want: invited, warning: `role "Analyst" (now "Auditor"), enabled = false (now true), description "after" (now "before") to the account a@example.com (id tmp-1) now: the account is still invited`},
		"invited unchanged": {state: invited, plan: invited, want: invited},
		"invited, role renamed": {
			state: invited, plan: withRole(invited, "Auditors"), want: withRole(invited, "Auditors"),
		},
		"invited, role renamed, description changed": {
			state: invited, plan: withRole(with(invited), "Auditors"), want: withRole(invited, "Auditors"),
			warning: `Not applying enabled = false (now true), description "after" (now "before") to the account`,
		},
		"invited, role name unknown": {
			state: invited, plan: func() accountResourceModel { m := invited; m.Role = types.StringUnknown(); return m }(),
			want: func() accountResourceModel { m := invited; m.Role = types.StringUnknown(); return m }(),
		},
		"invited, another role than the renamed one's": {
			state: withRole(invited, "Analyst"), plan: withRole(invited, "Auditors"), want: withRole(invited, "Analyst"),
			warning: `role "Auditors" (now "Analyst")`,
		},
		"active":                   {state: active, plan: with(active), want: with(active)},
		"saml group":               {state: group, plan: with(group), want: group, warning: "SAML group account through its API. Change it in the console, or replace the account (terraform apply -replace=visionone_account.<name>; in a plan that replaces it already, the new account gets the change)"},
		"saml group, role renamed": {state: group, plan: withRole(group, "Auditors"), want: withRole(group, "Auditors")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plan := tc.plan
			var diags diag.Diagnostics
			deferPendingChanges(&plan, tc.state, releases.renames, false, &diags)
			if plan != tc.want {
				t.Errorf("planned %+v, want %+v", plan, tc.want)
			}
			switch {
			case tc.warning == "" && len(diags) != 0:
				t.Errorf("unexpected diagnostics: %v", diags)
			case tc.warning != "" && (len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), tc.warning)):
				t.Errorf("want one warning containing %q, got %v", tc.warning, diags)
			}
		})
	}
}

// The third-party auditor procedure in one apply: a custom role and an account given that role by reference. The
// role does not exist, or does not allow accounts yet, while the account is planned; the account's
// plan judges it by the flags this configuration gives it.
func TestAccAccount_withNewRole(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts and set control flags")
	email, role := e.prefix+"auditor@audit-firm.example", e.name("Third-party auditor")
	config := func(allowAccounts, withAccount bool) string {
		config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "auditor" {
  name                          = %q
  permissions                   = ["reports.reportManagement.thirdPartyAuditing"]
  allow_user_account_assignment = %t
}
`, role, allowAccounts)
		if withAccount {
			config += fmt.Sprintf(`
resource "visionone_account" "test" {
  email = %q
  role  = visionone_user_role.auditor.name
}
`, email)
		}
		return config
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config:      config(false, true),
				ExpectError: regexpText("Role Not Assignable to Accounts", strconv.Quote(role), "this configuration sets its allow_user_account_assignment to false"),
			},
			{
				// The role exists, refusing accounts ...
				Config: config(false, false),
			},
			{
				// ... and this run allows them while it invites the account.
				Config: config(true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("visionone_user_role.auditor", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact(role)),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
			},
		},
	})
}

// invitedRoleRenames are the new names, as HCL expressions formatted with the test's prefix, that
// TestAccAccount_invitedRoleRenamed gives the role of an invited account: known at plan, and known
// only at apply (from a terraform_data created in the same run).
var invitedRoleRenames = map[string]string{
	"known at plan":   `"%[1]srenamed"`,
	"unknown at plan": `"%[1]sunk-${terraform_data.t[0].id}"`,
}

// invitedRoleConfig is a role named by the HCL expression name (see invitedRoleRenames) and an
// account given it by reference, with the terraform_data that the name uses, if any.
func (e *testEmulator) invitedRoleConfig(email, name string) string {
	data := 0
	if strings.Contains(name, "terraform_data.t") {
		data = 1
	}
	return e.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "t" {
  count = %[1]d
}

resource "visionone_user_role" "r" {
  name        = %[2]s
  permissions = ["reports.reportManagement.thirdPartyAuditing"]
}

resource "visionone_account" "test" {
  email = %[3]q
  role  = visionone_user_role.r.name
}
`, data, fmt.Sprintf(name, e.prefix), email)
}

// A role renamed while an account that has it is still invited: Vision One shows the new name on the
// account at once, so the account's plan follows it with no deferred change, the apply sends the
// account nothing (Vision One refuses any change to it), and the state holds the name the API
// reports. The role's new name is known at plan, or only at apply.
func TestAccAccount_invitedRoleRenamed(t *testing.T) {
	for name, renamed := range invitedRoleRenames {
		t.Run(name, func(t *testing.T) {
			e := startEmulator(t, emulator.Options{})
			e.requireMasterAdministrator("create a role, whose control flags default to true")
			email := e.email("invited")

			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             e.checkAccountsGone(email),
				Steps: []resource.TestStep{
					{Config: e.invitedRoleConfig(email, `"%[1]sbefore"`)},
					e.invitedRoleRenameStep(t, email, e.invitedRoleConfig(email, renamed), nil),
				},
			})
		})
	}
}

// invitedRoleRenameStep is the step that applies config, which renames the role
// visionone_user_role.r of the invited account testAccAccountAddr (with email), after calling
// before, if any: the plan updates both, the apply sends the account no PATCH, the state and Vision
// One give the account the role's new name, and the plans after the apply are empty.
func (e *testEmulator) invitedRoleRenameStep(t *testing.T, email, config string, before func()) resource.TestStep {
	const patch = "PATCH /v3.0/iam/accounts/{id}"
	var patches int
	var role string
	return resource.TestStep{
		PreConfig: func() {
			patches = e.Stats().Requests[patch]
			if before != nil {
				before()
			}
		},
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("visionone_user_role.r", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionUpdate),
			},
			PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.CompareValuePairs(testAccAccountAddr, tfjsonpath.New("role"),
				"visionone_user_role.r", tfjsonpath.New("name"), compare.ValuesSame()),
			statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), captureString(&role)),
			statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
			emulatorCheck(func(context.Context) error {
				if n := e.Stats().Requests[patch] - patches; n != 0 {
					return fmt.Errorf("the apply sent the invited account %d PATCH requests", n)
				}
				if api := e.account(t, email).Role; api != role {
					return fmt.Errorf("the state gives the account the role %q, the API %q", role, api)
				}
				return nil
			}),
		},
	}
}

// TestAccAccount_invitedRoleRenamedCLI runs the CLI itself for what terraform-plugin-testing cannot
// see: the rename of an invited account's role warns of no deferred change, neither in the plan nor
// in an apply without a saved plan (which plans again), and the next plan is empty. Giving the
// account another role still warns.
func TestAccAccount_invitedRoleRenamedCLI(t *testing.T) {
	const summary = "Account Change Deferred"
	for name, renamed := range invitedRoleRenames {
		t.Run(name, func(t *testing.T) {
			e := startEmulator(t, emulator.Options{})
			e.requireMasterAdministrator("create a role, whose control flags default to true")
			w := newCLIWorkspace(t, featureNone)
			email := e.email("invited")
			w.write("main.tf", e.invitedRoleConfig(email, `"%[1]sbefore"`))
			w.run([]int{0}, "init", "-input=false", "-no-color")
			w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")

			w.write("main.tf", e.invitedRoleConfig(email, renamed))
			if warnings := w.planWarnings(summary); len(warnings) > 0 {
				t.Errorf("the plan of the rename defers a change:\n%s", strings.Join(warnings, "\n\n"))
			}
			_, out := w.run([]int{0}, "apply", "-auto-approve", "-json", "-input=false")
			if warnings := jsonWarnings(out, summary); len(warnings) > 0 {
				t.Errorf("the apply of the rename defers a change:\n%s", strings.Join(warnings, "\n\n"))
			}
			if code, out := w.run([]int{0, 2}, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
				t.Errorf("the plan after the apply is not empty:\n%s", out)
			}

			w.write("main.tf", strings.Replace(e.invitedRoleConfig(email, renamed), "visionone_user_role.r.name", `"Auditor"`, 1))
			if warnings := w.planWarnings(summary); len(warnings) != 1 || !strings.Contains(warnings[0], `role "Auditor"`) {
				t.Errorf("giving the invited account another role: want one warning that defers it, got %q", warnings)
			}
			w.write("main.tf", e.providerConfig())
			w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
		})
	}
}

// roleRenameUnordered stands in front of the API, once armed, and makes Terraform plan and apply the
// rename of a role, and the change of an invited account that names the role by its literal name,
// in orders that a reference rules out. It holds the reads of accounts until the roles have been
// listed, which the role's plan does after recording its rename, so that the plan sees the rename
// before it plans the account. It holds the role's PATCH until an account has been read after the
// PATCH arrived, or for at most inFlightLimit, so that the apply plans the account again, and
// updates it, while the rename is not written yet.
type roleRenameUnordered struct {
	armed    atomic.Bool
	listed   chan struct{} // closed once the roles have been listed
	listOnce sync.Once
	patching atomic.Bool   // a role's PATCH has arrived
	read     chan struct{} // closed once an account has been read after that
	readOnce sync.Once
}

// inFlightLimit bounds how long roleRenameUnordered holds a role's PATCH: an update of the account
// that waits for the rename reads nothing until the PATCH is written.
const inFlightLimit = 3 * time.Second

func newRoleRenameUnordered() *roleRenameUnordered {
	return &roleRenameUnordered{listed: make(chan struct{}), read: make(chan struct{})}
}

func (p *roleRenameUnordered) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.armed.Load() {
			next.ServeHTTP(w, r)
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v3.0/iam/roles":
			next.ServeHTTP(w, r)
			p.listOnce.Do(func() { close(p.listed) })
			return
		case r.Method == http.MethodPatch && roleByID.MatchString(r.URL.Path):
			p.patching.Store(true)
			select {
			case <-p.read:
			case <-time.After(inFlightLimit):
			case <-r.Context().Done():
				return
			}
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3.0/iam/accounts"):
			if p.patching.Load() {
				next.ServeHTTP(w, r)
				p.readOnce.Do(func() { close(p.read) })
				return
			}
			select {
			case <-p.listed:
			case <-time.After(handoverLimit):
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// TestAccAccount_invitedRoleRenamedLiteral renames the role of an invited account that names it by
// its literal name, as -generate-config-out writes it, so that Terraform orders neither the plans
// nor the changes of the two; the proxy (roleRenameUnordered) makes the plan see the rename before
// it plans the account, and the apply write the rename only after it has planned the account again
// and begun its update. The account follows the rename as it does with a reference, with no PATCH
// and the new name in the state. It used to fail the apply, with "Provider produced inconsistent
// final plan" when the apply planned the account before the role, or "Provider produced
// inconsistent result after apply" when it read the account back before the rename was written.
func TestAccAccount_invitedRoleRenamedLiteral(t *testing.T) {
	order := newRoleRenameUnordered()
	e := startEmulatorBehind(t, order.wrap)
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	email := e.email("invited")
	before, after := e.name("before"), e.name("after")
	config := func(role string, withAccount bool) string {
		config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "r" {
  name        = %q
  permissions = ["reports.reportManagement.thirdPartyAuditing"]
}
`, role)
		if withAccount {
			config += testAccAccount{email: email, role: role}.hcl("test")
		}
		return config
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			// The role exists before the account names it (a literal name orders nothing at create either).
			{Config: config(before, false)},
			{Config: config(before, true)},
			e.invitedRoleRenameStep(t, email, config(after, true), func() { order.armed.Store(true) }),
			// The account goes first: a role's delete that races the delete of an account that has it
			// is TestAccUserRole_destroyWithLiteralRoleHolders's subject.
			{Config: config(after, false)},
		},
	})
}

// A change made in the console between plan and apply makes the update fail with a clear error
// (the ETag of the plan's refresh no longer matches), overwrites nothing, and shows in the next
// plan, even when part of the change is what the plan makes too. A change that gives every
// attribute it touches the planned value conflicts with nothing: the update goes through. An
// account deleted in the console then makes it fail with the API's answer (status, code, trace
// id), and the next plan invites it again.
func TestAccAccount_changedBetweenPlanAndApply(t *testing.T) {
	tests := map[string]struct {
		change func(ctx context.Context, api *client.Client, id string) error
		// wantError is the error of the apply, nil when it succeeds.
		wantError func(email string) *regexp.Regexp
		// next is the step after the failed apply.
		next func(t *testing.T, e *testEmulator, email, config string) resource.TestStep
	}{
		"changed": {
			change: func(ctx context.Context, api *client.Client, id string) error {
				return api.UpdateAccount(ctx, id, "", client.AccountPatch{Role: pointerTo("Analyst")})
			},
			wantError: func(email string) *regexp.Regexp {
				return regexpText("Account Changed Outside Terraform", email, "(HTTP 412)", "nothing was changed",
					"the state now holds it as it is", `Changed outside Terraform: role (was "Auditor", is "Analyst")`,
					"Run terraform plan again: the new plan shows this change")
			},
			next: func(t *testing.T, e *testEmulator, email, config string) resource.TestStep {
				return resource.TestStep{
					PreConfig: func() {
						if a := e.account(t, email); a.Role != "Analyst" || a.Description != "before" {
							t.Fatalf("the refused update changed the account: role %q, description %q", a.Role, a.Description)
						}
					},
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						// The refused update stored the account as it is: the refresh finds nothing new.
						expectNoDrift(testAccAccountAddr),
						plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
						expectPlannedFrom(testAccAccountAddr, "role", "Analyst"),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
						statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("after")),
					},
				}
			},
		},
		"changed partly as planned": {
			change: func(ctx context.Context, api *client.Client, id string) error {
				return api.UpdateAccount(ctx, id, "", client.AccountPatch{Role: pointerTo("Analyst"), Description: pointerTo("after")})
			},
			wantError: func(email string) *regexp.Regexp {
				return regexpText("Account Changed Outside Terraform", email, "(HTTP 412)", "nothing was changed",
					`Changed outside Terraform: role (was "Auditor", is "Analyst"); description (was "before", is "after")`)
			},
			next: func(t *testing.T, e *testEmulator, email, config string) resource.TestStep {
				return resource.TestStep{
					PreConfig: func() {
						if a := e.account(t, email); a.Role != "Analyst" {
							t.Fatalf("the refused update changed the account's role to %q", a.Role)
						}
					},
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						expectNoDrift(testAccAccountAddr),
						expectPlannedFrom(testAccAccountAddr, "role", "Analyst"),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("role"), knownvalue.StringExact("Auditor")),
					},
				}
			},
		},
		"changed as planned": {
			change: func(ctx context.Context, api *client.Client, id string) error {
				return api.UpdateAccount(ctx, id, "", client.AccountPatch{Description: pointerTo("after")})
			},
			wantError: func(string) *regexp.Regexp { return nil },
			next: func(_ *testing.T, _ *testEmulator, _, config string) resource.TestStep {
				return resource.TestStep{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("after")),
					},
				}
			},
		},
		"deleted": {
			change: func(ctx context.Context, api *client.Client, id string) error { return api.DeleteAccount(ctx, id) },
			wantError: func(email string) *regexp.Regexp {
				return regexp.MustCompile(`(?s)Account Changed Outside Terraform.*` + regexp.QuoteMeta(email) +
					`.*Nothing was updated\s+\(\S+\s+/v3.0/iam/accounts/\S+:\s+404\s+NotFound.*\[trace\s+id\s+\S+\]\)`)
			},
			next: func(_ *testing.T, _ *testEmulator, _, config string) resource.TestStep {
				return resource.TestStep{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionCreate),
					}},
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := startEmulator(t, emulator.Options{})
			e.requireEmulator("invitation acceptance")
			email := e.email("etag")
			before := testAccAccount{email: email, role: "Auditor", description: "before"}
			after := e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "Auditor", description: "after"}})

			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             e.checkAccountsGone(email),
				Steps: []resource.TestStep{
					{
						Config: e.accountConfig(map[string]testAccAccount{"test": before}),
					},
					{
						// After acceptance the refresh finds the account by email; the ETag must still come along.
						PreConfig: func() { e.acceptInvitation(t, email) },
						Config:    after,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testAccAccountAddr, plancheck.ResourceActionUpdate),
							betweenPlanAndApply(func() {
								if err := tc.change(context.Background(), e.API, e.account(t, email).ID); err != nil {
									t.Errorf("changing the account in the console: %v", err)
								}
							}),
						}},
						ExpectError: tc.wantError(email),
					},
					tc.next(t, e, email, after),
				},
			})
		})
	}
}

func TestAccountModelReadFromAPI(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		prior, email, status string
		wantEmail            string
		wantEnabled          bool
	}{
		"same email":              {prior: "a@example.com", email: "a@example.com", status: client.StatusEnabled, wantEmail: "a@example.com", wantEnabled: true},
		"API lowercases":          {prior: "Auditor@Example.com", email: "auditor@example.com", status: client.StatusEnabled, wantEmail: "Auditor@Example.com", wantEnabled: true},
		"another email":           {prior: "a@example.com", email: "b@example.com", status: client.StatusEnabled, wantEmail: "b@example.com", wantEnabled: true},
		"import (no prior)":       {prior: "", email: "a@example.com", status: client.StatusDisabled, wantEmail: "a@example.com"},
		"invited is not disabled": {prior: "a@example.com", email: "a@example.com", status: client.StatusInvited, wantEmail: "a@example.com", wantEnabled: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prior := accountResourceModel{Email: types.StringValue(tc.prior)}
			if tc.prior == "" {
				prior.Email = types.StringNull()
			}
			got := prior
			got.readFromAPI(&client.Account{ID: "id-1", Email: tc.email, Status: tc.status, AuthType: client.AuthTypeLocal, Role: "Auditor"})
			if got.Email.ValueString() != tc.wantEmail || got.Enabled.ValueBool() != tc.wantEnabled || got.Status.ValueString() != tc.status {
				t.Errorf("got email %s, enabled %s, status %s; want %s, %t, %s", got.Email, got.Enabled, got.Status, tc.wantEmail, tc.wantEnabled, tc.status)
			}
		})
	}
}
