package provider

// Names and emails that Vision One holds in another Unicode normal form than Terraform's.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/text/unicode/norm"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccNormalForms_adoptDecomposedNames adopts a role, an API key and an account made in the
// console, whose names and email Vision One holds in Unicode's decomposed form (NFD: "e" and a
// combining accent, as text pasted from some systems is), with a configuration that spells them as
// Terraform writes every string, composed (NFC): each import finds its object by that spelling and
// plans no change, the role data source and the plan-time role checks find the role, and the
// account is still found once its invitation is accepted and its id changes, rather than planned
// anew as deleted (a second invitation).
func TestAccNormalForms_adoptDecomposedNames(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("objects named in decomposed Unicode, which a tenant may store otherwise")
	e.requireMasterAdministrator("invite accounts and set control flags")
	roleName := e.name("E\u0301quipe se\u0301curite\u0301")
	keyName := e.name("cle\u0301 d'audit")
	email := e.prefix + "jose\u0301@example.com"
	role, permissions, key, account := e.consoleRoleWithHolders(roleName, keyName, email)
	nfc := norm.NFC.String
	if nfc(keyName) == keyName || nfc(email) == email {
		t.Fatal("the test's names are already composed: it would not test what it says")
	}
	config := e.providerConfig() + fmt.Sprintf(`
import {
  to = visionone_user_role.team
  id = %[1]q
}
import {
  to = visionone_api_key.audit
  id = %[2]q
}
import {
  to = visionone_account.jose
  id = %[3]q
}

resource "visionone_user_role" "team" {
  name        = %[1]q
  permissions = %[4]s
}

resource "visionone_api_key" "audit" {
  name       = %[2]q
  role       = %[1]q
  depends_on = [visionone_user_role.team]
}

resource "visionone_account" "jose" {
  email      = %[3]q
  role       = %[1]q
  depends_on = [visionone_user_role.team]
}

data "visionone_user_role" "team" {
  name = %[1]q
}
`, nfc(roleName), nfc(keyName), nfc(email), hclStringList(permissions))
	noChange := []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("visionone_user_role.team", plancheck.ResourceActionNoop),
		plancheck.ExpectResourceAction("visionone_api_key.audit", plancheck.ResourceActionNoop),
		plancheck.ExpectResourceAction("visionone_account.jose", plancheck.ResourceActionNoop),
	}

	before := e.Stats()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: noChange},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_user_role.team", tfjsonpath.New("id"), knownvalue.StringExact(role.ID)),
					statecheck.ExpectKnownValue("visionone_api_key.audit", tfjsonpath.New("id"), knownvalue.StringExact(key.ID)),
					statecheck.ExpectKnownValue("visionone_account.jose", tfjsonpath.New("id"), knownvalue.StringExact(account.ID)),
					statecheck.ExpectKnownValue("data.visionone_user_role.team", tfjsonpath.New("id"), knownvalue.StringExact(role.ID)),
				},
				Check: e.noWritesSince(before),
			},
			{
				PreConfig:        func() { e.acceptInvitation(t, email) },
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: noChange},
				Check:            e.noWritesSince(before),
			},
		},
	})
}

// TestAccNormalForms_roleHoldersOfDecomposedName: an API key and an invitation made in the console
// have a role whose name Vision One holds decomposed, and name it so. The configuration spells the
// role composed, as Terraform does: the visionone_accounts and visionone_api_keys data sources
// filtered by that role find them, and removing the role from the configuration fails with "User
// Role In Use" naming both, as it names the holders of any role. Once they are gone, the role is
// deleted.
func TestAccNormalForms_roleHoldersOfDecomposedName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("a role named in decomposed Unicode, which a tenant may store otherwise")
	e.requireMasterAdministrator("invite accounts and set control flags")
	roleName, keyName, email := e.name("E\u0301quipe"), e.name("audit"), e.email("holder")
	_, permissions, key, account := e.consoleRoleWithHolders(roleName, keyName, email)
	composed := norm.NFC.String(roleName)
	config := e.providerConfig() + fmt.Sprintf(`
import {
  to = visionone_user_role.team
  id = %[1]q
}

resource "visionone_user_role" "team" {
  name        = %[1]q
  permissions = %[2]s
}

data "visionone_accounts" "holders" {
  role = %[1]q
}

data "visionone_api_keys" "holders" {
  role = %[1]q
}
`, composed, hclStringList(permissions))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_accounts.holders", tfjsonpath.New("accounts"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(account.ID)})})),
					statecheck.ExpectKnownValue("data.visionone_api_keys.holders", tfjsonpath.New("api_keys"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(key.ID)})})),
				},
			},
			{
				Config: e.providerConfig(),
				// Terraform wraps long messages, so a space matches any white space.
				ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)User Role In Use.*Deleting the user role `+
					regexp.QuoteMeta(fmt.Sprintf("%q", composed))+` \(id [^)]+\), still assigned to the account `+
					regexp.QuoteMeta(email)+` \(id [^)]+\), an invitation not accepted yet, the API key `+
					regexp.QuoteMeta(fmt.Sprintf("%q", keyName))+` \(id [^)]+\): `, " ", `\s+`)),
			},
			{
				PreConfig: func() {
					if err := e.API.DeleteAPIKeys(context.Background(), key.ID); err != nil {
						t.Fatal(err)
					}
					if err := e.API.DeleteAccount(context.Background(), account.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.providerConfig(),
			},
		},
	})
}

// consoleRoleWithHolders makes, as the console would, a role named roleName (which must be
// decomposed) with one permission, an API key named keyName that has it and an invitation to email
// with it, and returns them and the role's permission keys.
func (e *testEmulator) consoleRoleWithHolders(roleName, keyName, email string) (
	role *client.Role, permissions []string, key *client.CreatedAPIKey, account *client.Account,
) {
	e.t.Helper()
	if norm.NFC.String(roleName) == roleName {
		e.t.Fatal("the role's name is already composed: the test would not test what it says")
	}
	permissions = rolePermissionKeys(e.t, e, 1)
	role = e.createRole(client.RoleCreate{Name: roleName, PermissionKeys: permissions,
		AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	key = e.createAPIKey(client.APIKeyCreate{Name: keyName, Role: roleName})
	account = e.inviteAccount(client.AccountInvite{Email: email, Role: roleName, AuthType: client.AuthTypeLocal})
	return role, permissions, key, account
}
