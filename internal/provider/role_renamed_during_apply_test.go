package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccAPIKey_roleRenamedDuringApply renames, between the plan and the apply, the custom role
// that an API key names by a plain string, while the apply changes only the key's description.
// Vision One shows the new name on the key without changing its ETag, so the update goes through;
// the apply then fails with Role Renamed During Apply on role, not with Terraform's "Provider
// produced inconsistent result", and the state holds the role as Vision One shows it: with the
// configuration following the rename, the next plan finds nothing to do. A configuration that still
// names the old name is told, by the next plan and apply, that the key holds the role now named so.
func TestAccAPIKey_roleRenamedDuringApply(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	name := e.name("k_str")
	testAccRoleRenamedDuringApply(t, e, roleHolderUnderRename{
		address: testAccAPIKeyAddr,
		object:  []string{"The API key", fmt.Sprintf("(%q) was updated", name)},
		flags:   client.RoleCreate{AllowAPIKeyAssignment: true},
		config: func(role, description string) string {
			return e.providerConfig() + testAccAPIKeyConfig(name, role, description, true)
		},
		shown: func(t *testing.T) (string, string) {
			t.Helper()
			key, err := e.API.FindAPIKeyByName(context.Background(), name)
			if err != nil {
				t.Fatalf("looking up the API key %q in the emulator: %v", name, err)
			}
			return key.Role, key.Description
		},
		checkDestroy: e.apiKeysGone,
	})
}

// TestAccAccount_roleRenamedDuringApply is TestAccAPIKey_roleRenamedDuringApply for an account
// whose invitation was accepted.
func TestAccAccount_roleRenamedDuringApply(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	email := e.email("renamed-role")
	testAccRoleRenamedDuringApply(t, e, roleHolderUnderRename{
		address: testAccAccountAddr,
		object:  []string{fmt.Sprintf("The account %s (id", email), ") was updated"},
		flags:   client.RoleCreate{AllowUserAccountAssignment: true},
		config: func(role, description string) string {
			return e.accountConfig(map[string]testAccAccount{"test": {email: email, role: role, description: description}})
		},
		ready: func() { e.acceptInvitation(t, email) },
		shown: func(t *testing.T) (string, string) {
			t.Helper()
			account := e.account(t, email)
			return account.Role, account.Description
		},
		checkDestroy: e.checkAccountsGone(email),
	})
}

// roleHolderUnderRename is an API key or an account for testAccRoleRenamedDuringApply.
type roleHolderUnderRename struct {
	address string
	// object is how the error names the holder, around its id.
	object []string
	flags  client.RoleCreate
	// config is the configuration of the holder with this role and description.
	config func(role, description string) string
	// ready, when set, makes the holder accept updates once created; a step then refreshes it.
	ready func()
	// shown returns the holder's role and description as the emulator holds them.
	shown        func(t *testing.T) (role, description string)
	checkDestroy resource.TestCheckFunc
}

// testAccRoleRenamedDuringApply creates h with a role made in the console, then renames the role
// in the console between the plan and the apply of a description change, and checks what
// TestAccAPIKey_roleRenamedDuringApply says.
func testAccRoleRenamedDuringApply(t *testing.T, e *testEmulator, h roleHolderUnderRename) {
	t.Helper()
	ctx := context.Background()
	before, after, description := e.name("team-analyst-v2"), e.name("team-analyst-v3"), "described"
	flags := h.flags
	flags.Name, flags.PermissionKeys = before, rolePermissionKeys(t, e, 1)
	role := e.createRole(flags)
	steps := []resource.TestStep{{Config: h.config(before, "")}}
	if h.ready != nil {
		steps = append(steps, resource.TestStep{PreConfig: h.ready, Config: h.config(before, "")})
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             h.checkDestroy,
		Steps: append(steps,
			resource.TestStep{
				Config: h.config(before, description),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(h.address, plancheck.ResourceActionUpdate),
					betweenPlanAndApply(func() {
						if err := e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{Name: &after}); err != nil {
							t.Errorf("renaming the role in the console: %v", err)
						}
					}),
				}},
				ExpectError: regexpText("Role Renamed During Apply", h.object[0], h.object[1],
					fmt.Sprintf("but its role %q was renamed to %q after the plan was made, outside this configuration", before, after),
					fmt.Sprintf("The state records the role as Vision One shows it. Set role = %q", after),
					"visionone_user_role data source"),
			},
			// The configuration still names the old name: the failed apply recorded the rename with
			// the state, so the next plan, which finds nothing new, and its apply say whose role it is
			// rather than "Did you mean".
			resource.TestStep{
				Config: h.config(before, description),
				ExpectError: regexpText("Role Not Found", fmt.Sprintf("holds the role now named %q", after),
					fmt.Sprintf("no role named %q exists", before), fmt.Sprintf("set role = %q", after)),
			},
			resource.TestStep{
				PreConfig: func() {
					if role, got := h.shown(t); role != after || got != description {
						t.Fatalf("%s in the emulator: role %q, description %q; want %q, %q", h.address, role, got, after, description)
					}
				},
				// The failed apply stored the new name: the refresh finds nothing new, and the
				// configuration that follows the rename changes nothing.
				Config: h.config(after, description),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectNoDrift(h.address),
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(h.address, tfjsonpath.New("role"), knownvalue.StringExact(after)),
					statecheck.ExpectKnownValue(h.address, tfjsonpath.New("description"), knownvalue.StringExact(description)),
				},
			},
		),
	})
}
