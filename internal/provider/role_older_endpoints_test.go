package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccUserRole_olderRoleEndpoints manages a role created with the full API on a tenant that
// then offers the role endpoints of Trend's older spec alone (API.md, "Decision: older role
// endpoints"), where the role routes of the newest client answer 404 as an unknown path does. A 404
// there is no role deleted outside Terraform: the refresh reads the role from the listing and plans
// nothing; imports by id and by name find it; a new role fails with the advice of a call not
// offered and nothing is made; and a destroy fails with that advice, the role staying in the state
// and in Vision One. Given the full API again, the role is deleted as usual.
func TestAccUserRole_olderRoleEndpoints(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("older role endpoints")
	keys := rolePermissionKeys(t, e, 2)
	name, other := e.name("older"), e.name("newer")
	role := fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %q
  description = "made with the full API"
  permissions = %s
}
`, name, hclStringList(keys))
	config := e.providerConfig() + role
	older := func() { e.SetOlderRoleEndpoints(true) }
	// stays checks that the role is still in Vision One and that the new one was never made.
	stays := func() {
		t.Helper()
		older()
		if _, err := e.API.RefreshRoleByName(context.Background(), name); err != nil {
			t.Errorf("the role %q after the destroy refused: %v", name, err)
		}
		if err := e.roleNameGone(other); err != nil {
			t.Error(err)
		}
		if n := e.Stats().Objects["roles"]; n != 1 {
			t.Errorf("%d custom roles in Vision One, want the one made with the full API", n)
		}
	}
	// planNothing is a plan, after pre, that finds nothing to do (PlanOnly fails on any change).
	planNothing := func(pre func()) resource.TestStep {
		return resource.TestStep{PreConfig: pre, Config: config, PlanOnly: true}
	}
	const get = "GET /v3.0/iam/roles/{id}"
	var gets int

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{Config: config},
			// The refresh asks GET /roles/{id}, answered 404, and keeps the role: no warning that it was
			// deleted outside Terraform, and nothing to create again.
			planNothing(func() {
				older()
				gets = e.Stats().Requests[get]
			}),
			{
				// terraform import visionone_user_role.test <id>
				PreConfig: func() {
					if e.Stats().Requests[get] == gets {
						t.Error("the refresh did not ask GET /v3.0/iam/roles/{id}: the test does not show what it means to")
					}
				},
				ResourceName: userRoleAddr, ImportState: true, ImportStateVerify: true,
			},
			// terraform import visionone_user_role.test "<name>"
			{ResourceName: userRoleAddr, ImportState: true, ImportStateId: name, ImportStateVerify: true},
			{
				Config: config + fmt.Sprintf(`
resource "visionone_user_role" "other" {
  name        = %q
  permissions = %s
}
`, other, hclStringList(keys)),
				ExpectError: regexpText("Error Creating User Role", "POST /v3.0/iam/roles: 404",
					"this Vision One tenant does not offer this call", "Nothing was created: create the role in the console"),
			},
			{
				PreConfig: stays,
				Config:    config,
				Destroy:   true,
				ExpectError: regexpText("Error Deleting User Role", "404", "the role is still listed",
					"this Vision One tenant does not offer this call", "The role is not deleted: delete it in the console",
					"run the command again", "`removed` block (lifecycle { destroy = false })"),
			},
			// The destroy left the role in the state: the plan still has nothing to do.
			planNothing(stays),
			// The full API again, for the destroy that ends the test.
			planNothing(func() { e.SetOlderRoleEndpoints(false) }),
		},
	})
	if n := e.Stats().Objects["roles"]; n != 0 {
		t.Errorf("%d custom roles left after the test, want none", n)
	}
}
