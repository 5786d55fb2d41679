package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

func TestAccUserRoleDataSource_basic(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 2)
	custom := e.createRole(client.RoleCreate{
		Name:                       e.name("SOC reviewers"),
		Description:                "created in the console",
		PermissionKeys:             keys,
		AllowAPIKeyAssignment:      false,
		AllowUserAccountAssignment: true,
	})
	masterAdministrator := findRole(t, e, client.MasterAdministratorRole)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + fmt.Sprintf(`
data "visionone_user_role" "predefined" {
  name = %[1]q
}

data "visionone_user_role" "by_id" {
  id = %[2]q
}
`, client.MasterAdministratorRole, custom.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_user_role.predefined", tfjsonpath.New("id"), knownvalue.StringExact(masterAdministrator.ID)),
					statecheck.ExpectKnownValue("data.visionone_user_role.predefined", tfjsonpath.New("type"), knownvalue.StringExact(client.RoleTypePredefined)),
					statecheck.ExpectKnownValue("data.visionone_user_role.predefined", tfjsonpath.New("allow_api_key_assignment"), knownvalue.Bool(masterAdministrator.AllowAPIKeyAssignment)),
					statecheck.ExpectKnownValue("data.visionone_user_role.predefined", tfjsonpath.New("permissions"), knownvalue.SetSizeExact(len(masterAdministrator.PermissionKeys))),

					statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("name"), knownvalue.StringExact(custom.Name)),
					statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("description"), knownvalue.StringExact("created in the console")),
					statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("permissions"), knownvalue.SetExact(knownStringValues(keys))),
					statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("allow_api_key_assignment"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("allow_user_account_assignment"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("type"), knownvalue.StringExact(client.RoleTypeCustom)),
					statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("last_updated_at"), knownvalue.NotNull()),
				},
			},
		},
	})
}

func TestAccUserRoleDataSource_invalid(t *testing.T) {
	e := startEmulator(t, emulator.Options{})

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + `
data "visionone_user_role" "test" {}
`,
				ExpectError: regexpText("Missing Attribute Configuration", `Exactly one of these attributes must be configured: [id,name]`),
			},
			{
				Config: e.providerConfig() + `
data "visionone_user_role" "test" {
  id   = "9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0"
  name = "Auditor"
}
`,
				ExpectError: regexpText("Invalid Attribute Combination", `Exactly one of these attributes must be configured: [id,name]`),
			},
			{
				Config: e.providerConfig() + `
data "visionone_user_role" "test" {
  name = "No such role"
}
`,
				ExpectError: regexpText("User Role Not Found", `No Vision One user role has the name "No such role"`, "visionone_user_roles"),
			},
			{
				// A name in the wrong case gets the role's name, as the role of a visionone_api_key does.
				Config: e.providerConfig() + `
data "visionone_user_role" "test" {
  name = "siem"
}
`,
				ExpectError: regexpText("User Role Not Found", `No Vision One user role has the name "siem"`,
					"Role names are matched exactly, letter case included.", `Did you mean "SIEM"`, "visionone_user_roles"),
			},
			{
				// An id is not a name: the advice is about ids.
				Config: e.providerConfig() + `
data "visionone_user_role" "test" {
  id = "9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0"
}
`,
				ExpectError: regexpText("User Role Not Found", "No Vision One user role has the id 9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0: "+
					"the role may have been deleted, or the id may come from another tenant or region.",
					"lists every role of the tenant with its id", "set name instead of id"),
			},
		},
	})
}
