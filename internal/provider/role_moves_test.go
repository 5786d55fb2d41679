package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// roleMovers is the number of API keys and of accounts that move off a role in
// TestAccRoleMoves_offRenamedRole: enough that the refreshes after the first few are served from
// the client's shared listing, whose fingerprint of an object includes its role's name.
const roleMovers = 4

// TestAccRoleMoves_offRenamedRole renames a role and, in the same apply, moves the API keys and
// accepted accounts that have it to another role. The rename reaches Vision One before some of
// their updates, which it refuses with a 412 where the version read by the refresh is a fingerprint
// of the listing (it includes the role's name): the role they then show, the renamed one, is this
// apply's own change, not one made outside Terraform, so each update succeeds.
func TestAccRoleMoves_offRenamedRole(t *testing.T) {
	testAccRoleMovesOffRenamed(t, "role-a", "role-a-renamed", false)
}

// TestAccRoleMoves_offRoleRenamedInCase is TestAccRoleMoves_offRenamedRole with a rename of the
// role's letter case only, which Vision One shows on the holders as any rename, and a SAML group
// account that keeps the role: the rename is this apply's own change to the keys and accounts that
// move off the role (they used to fail as changed outside Terraform, after waiting for a rename this
// process had not recorded), and the SAML group account follows it in the plan and the state
// without deferring a change (it used to keep the old spelling until the next refresh).
func TestAccRoleMoves_offRoleRenamedInCase(t *testing.T) {
	testAccRoleMovesOffRenamed(t, "soc triage", "SOC Triage", true)
}

// testAccRoleMovesOffRenamed is TestAccRoleMoves_offRenamedRole with the role named base and then
// renamed (both with the test's prefix), and, if group, a SAML group account that keeps the role by
// reference and must show its new name.
func testAccRoleMovesOffRenamed(t *testing.T, base, rename string, group bool) {
	t.Helper()
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	permissions := hclStringList(rolePermissionKeys(t, e, 1))
	roleA, renamed, roleB := e.name(base), e.name(rename), e.name("role-b")
	emails := make([]string, roleMovers)
	for i := range emails {
		emails[i] = e.email(fmt.Sprintf("mover-%d", i))
	}
	groupEmail, accounts, stays := e.email("soc-group"), emails, ""
	if group {
		accounts = append(slices.Clone(emails), groupEmail)
		stays = fmt.Sprintf(`
resource "visionone_account" "stays" {
  email     = %q
  auth_type = %q
  role      = visionone_user_role.a.name
}
`, groupEmail, client.AuthTypeSAMLGroup)
	}
	config := func(nameA, holders string) string {
		return e.roleMovesConfig(nameA, roleB, permissions, holders, roleMovers, roleMovers) + stays
	}
	moved := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("visionone_user_role.a", tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
		emulatorCheck(func(ctx context.Context) error {
			for i := range roleMovers {
				key, err := e.API.FindAPIKeyByName(ctx, e.name(fmt.Sprintf("mover-%d", i)))
				if err != nil {
					return err
				}
				if key.Role != roleB {
					return fmt.Errorf("API key %q has the role %q in the emulator, want %q", key.Name, key.Role, roleB)
				}
			}
			for _, email := range emails {
				if role := e.account(t, email).Role; role != roleB {
					return fmt.Errorf("account %s has the role %q in the emulator, want %q", email, role, roleB)
				}
			}
			if !group {
				return nil
			}
			if role := e.account(t, groupEmail).Role; role != renamed {
				return fmt.Errorf("SAML group account %s has the role %q in the emulator, want %q", groupEmail, role, renamed)
			}
			return nil
		}),
	}
	for i := range roleMovers {
		for _, mover := range []string{"visionone_api_key.mover", "visionone_account.mover"} {
			moved = append(moved, statecheck.ExpectKnownValue(fmt.Sprintf("%s[%d]", mover, i),
				tfjsonpath.New("role"), knownvalue.StringExact(roleB)))
		}
	}
	planned := []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("visionone_user_role.a", plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction("visionone_api_key.mover[0]", plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction("visionone_account.mover[0]", plancheck.ResourceActionUpdate),
	}
	if group {
		// The plan follows the rename, and the state has it straight after the apply, before any
		// refresh: a deferral of the change kept the old spelling in both.
		groupAddr, role := "visionone_account.stays", tfjsonpath.New("role")
		planned = append(planned, plancheck.ExpectKnownValue(groupAddr, role, knownvalue.StringExact(renamed)))
		moved = append(moved, statecheck.ExpectKnownValue(groupAddr, role, knownvalue.StringExact(renamed)))
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(testAccCheckUserRoleDestroyed(e), e.apiKeysGone,
			e.checkAccountsGone(accounts...)),
		Steps: []resource.TestStep{
			{Config: config(roleA, "a")},
			{
				// An invited account's role change waits for its acceptance (deferPendingChanges).
				PreConfig: func() {
					for _, email := range accounts {
						e.acceptInvitation(t, email)
					}
				},
				Config: config(renamed, "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             planned,
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: moved,
			},
		},
	})
}

// roleMovesConfig is the roles visionone_user_role.a, named nameA, and .b, named nameB, with
// permissions (HCL), and keys API keys and accounts accounts named after their index, which have
// the role holders ("a" or "b").
func (e *testEmulator) roleMovesConfig(nameA, nameB, permissions, holders string, keys, accounts int) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "a" {
  name        = %[1]q
  permissions = %[2]s
}

resource "visionone_user_role" "b" {
  name        = %[3]q
  permissions = %[2]s
}

resource "visionone_api_key" "mover" {
  count = %[4]d
  name  = "%[6]smover-${count.index}"
  role  = visionone_user_role.%[7]s.name
}

resource "visionone_account" "mover" {
  count = %[5]d
  email = "%[6]smover-${count.index}@example.com"
  role  = visionone_user_role.%[7]s.name
}
`, nameA, permissions, nameB, keys, accounts, e.prefix, holders)
}

// TestAccRoleMoves_otherRoleOutside is TestAccRoleMoves_offRenamedRole with the key given another
// role in the console between the plan and the apply: that is a change made outside Terraform,
// which the apply reports and does not overwrite, though it renames the key's former role too.
func TestAccRoleMoves_otherRoleOutside(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	permissions := hclStringList(rolePermissionKeys(t, e, 1))
	roleA, renamed, roleB, console := e.name("role-a"), e.name("role-a-renamed"), e.name("role-b"), "SIEM"
	key := "visionone_api_key.mover[0]"
	var id string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(testAccCheckUserRoleDestroyed(e), e.apiKeysGone),
		Steps: []resource.TestStep{
			{
				Config: e.roleMovesConfig(roleA, roleB, permissions, "a", 1, 0),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(key, tfjsonpath.New("id"), captureString(&id)),
				},
			},
			{
				Config: e.roleMovesConfig(renamed, roleB, permissions, "b", 1, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					betweenPlanAndApply(func() {
						if err := e.API.UpdateAPIKey(context.Background(), id, "", client.APIKeyPatch{Role: &console}); err != nil {
							t.Errorf("changing the key's role in the console: %v", err)
						}
					}),
				}},
				ExpectError: regexpText("API Key Changed Outside Terraform", "(HTTP 412)", "nothing was changed",
					fmt.Sprintf(`Changed outside Terraform: role (was %q, is %q)`, roleA, console)),
			},
			{
				PreConfig: func() {
					k, err := e.API.GetAPIKey(context.Background(), id)
					if err != nil || k.Role != console {
						t.Fatalf("the refused update changed the key's role: %+v, %v", k, err)
					}
				},
				Config: e.roleMovesConfig(renamed, roleB, permissions, "b", 1, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectPlannedFrom(key, "role", console)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{e.expectAPIKey(e.name("mover-0"), roleB, "", client.StatusEnabled)},
			},
		},
	})
}

// TestAccRoleMoves_offDeletedRole moves an API key that refers to a role onto another role and
// removes the first role in the same apply. Terraform deletes a resource before it updates what
// referred to it, so Vision One refuses the delete while the key still has the role, on every
// apply, and the error says how to get out and how to avoid it: keeping the old role for one more
// apply works, and with create_before_destroy on the role, which Terraform keeps in the state, it
// updates the key first and the same change applies at once.
func TestAccRoleMoves_offDeletedRole(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	permissions := hclStringList(rolePermissionKeys(t, e, 1))
	// config is the roles named, each with lifecycle, and a key that refers to the role holder; the
	// names of one case start with its tag.
	config := func(tag string, roles []string, lifecycle, holder string) string {
		hcl := e.providerConfig()
		for _, role := range roles {
			hcl += fmt.Sprintf(`
resource "visionone_user_role" %[1]q {
  name        = %[2]q
  permissions = %[3]s
  %[4]s
}
`, role, e.name(tag+"-"+role), permissions, lifecycle)
		}
		return hcl + fmt.Sprintf(`
resource "visionone_api_key" "mover" {
  name = %q
  role = visionone_user_role.%s.name
}
`, e.name(tag+"-key"), holder)
	}
	moved := func(tag string) []statecheck.StateCheck {
		return []statecheck.StateCheck{emulatorCheck(func(ctx context.Context) error {
			key, err := e.API.FindAPIKeyByName(ctx, e.name(tag+"-key"))
			if err != nil {
				return err
			}
			if want := e.name(tag + "-b"); key.Role != want {
				return fmt.Errorf("API key %q has the role %q in the emulator, want %q", key.Name, key.Role, want)
			}
			if _, err := e.API.RefreshRoleByName(ctx, e.name(tag+"-a")); !client.IsNotFound(err) {
				return fmt.Errorf("role %q: got %v, want it deleted", e.name(tag+"-a"), err)
			}
			return nil
		})}
	}
	emptyAfter := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	t.Run("without create_before_destroy", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             resource.ComposeTestCheckFunc(testAccCheckUserRoleDestroyed(e), e.apiKeysGone),
			Steps: []resource.TestStep{
				{Config: config("plain", []string{"a"}, "", "a")},
				{
					Config:      config("plain", []string{"b"}, "", "b"),
					ExpectError: regexp.MustCompile(`(?s)User Role In Use.*updates them only after.*create_before_destroy`),
				},
				// The way out the error gives: keep the old role for one more apply.
				{Config: config("plain", []string{"a", "b"}, "", "b"), ConfigPlanChecks: emptyAfter},
				{Config: config("plain", []string{"b"}, "", "b"), ConfigPlanChecks: emptyAfter, ConfigStateChecks: moved("plain")},
			},
		})
	})
	t.Run("with create_before_destroy", func(t *testing.T) {
		const beforeDestroy = "lifecycle {\n    create_before_destroy = true\n  }"
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             resource.ComposeTestCheckFunc(testAccCheckUserRoleDestroyed(e), e.apiKeysGone),
			Steps: []resource.TestStep{
				{Config: config("cbd", []string{"a"}, beforeDestroy, "a")},
				{Config: config("cbd", []string{"b"}, beforeDestroy, "b"), ConfigPlanChecks: emptyAfter, ConfigStateChecks: moved("cbd")},
			},
		})
	})
}

// TestAccRoleMoves_replacedRoleOfInvitedAccount replaces a role under create_before_destroy, with a
// new name (replace_triggered_by, as -replace does), while an invited account and an API key refer
// to it. A replacement is no rename: the new role is another role, which Vision One does not show
// on the account, and the invitation accepts no change, so the plan defers the account's change and
// moves the key to the new role. The plan of the role as an update, which Terraform makes before it
// plans the replacement, used to leave a rename in the record, so the plan followed it on the
// account, and the apply, which plans the role as a create only, failed with "Provider produced
// inconsistent final plan". Now the apply fails only where it must: Vision One refuses to delete
// the old role while the invitation has it. Once the invitation is accepted, the next apply moves
// the account and deletes the old role.
func TestAccRoleMoves_replacedRoleOfInvitedAccount(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	email, keyPrefix := e.email("invited"), e.name("key-")
	config := func(generation int) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "generation" {
  input = %[1]d
}

resource "visionone_user_role" "r" {
  name        = "%[2]sreplaced-v%[1]d"
  permissions = []
  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.generation]
  }
}

resource "visionone_account" "a" {
  email = %[3]q
  role  = visionone_user_role.r.name
}

resource "visionone_api_key" "k" {
  name_prefix = %[4]q
  role        = visionone_user_role.r.name
  lifecycle {
    create_before_destroy = true
  }
}
`, generation, e.prefix, email, keyPrefix)
	}
	first, second := e.name("replaced-v1"), e.name("replaced-v2")
	role := tfjsonpath.New("role")
	keyHas := func(want string) statecheck.StateCheck {
		return emulatorCheck(func(ctx context.Context) error {
			keys, err := e.apiKeys(ctx)
			if err != nil {
				return err
			}
			if len(keys) != 1 || keys[0].Role != want {
				return fmt.Errorf("the emulator holds the API keys %+v, want one with the role %q", keys, want)
			}
			return nil
		})
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(testAccCheckUserRoleDestroyed(e), e.apiKeysGone,
			e.checkAccountsGone(email)),
		Steps: []resource.TestStep{
			{Config: config(1)},
			{
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("visionone_user_role.r", plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction("visionone_account.a", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue("visionone_account.a", role, knownvalue.StringExact(first)),
					plancheck.ExpectResourceAction("visionone_api_key.k", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("visionone_api_key.k", role, knownvalue.StringExact(second)),
				}},
				ExpectError: regexpText("User Role In Use", strconv.Quote(first), "still assigned to the account "+email,
					"an invitation not accepted yet"),
			},
			{
				PreConfig: func() { e.acceptInvitation(t, email) },
				Config:    config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_account.a", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_account.a", role, knownvalue.StringExact(second)),
					statecheck.ExpectKnownValue("visionone_api_key.k", role, knownvalue.StringExact(second)),
					keyHas(second),
					emulatorCheck(func(ctx context.Context) error {
						if got := e.account(t, email).Role; got != second {
							return fmt.Errorf("the account has the role %q in the emulator, want %q", got, second)
						}
						if _, err := e.API.RefreshRoleByName(ctx, first); !client.IsNotFound(err) {
							return fmt.Errorf("role %q: got %v, want it deleted", first, err)
						}
						return nil
					}),
				},
			},
		},
	})
}
