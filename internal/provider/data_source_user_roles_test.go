package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

func TestAccUserRolesDataSource_basic(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	for _, name := range []string{"b-custom", "a-custom"} {
		if _, err := e.API.CreateRole(context.Background(), client.RoleCreate{Name: name, PermissionKeys: keys, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true}); err != nil {
			t.Fatalf("creating role %q in the emulator: %v", name, err)
		}
	}
	all, err := e.API.ListRoles(context.Background(), "")
	if err != nil {
		t.Fatalf("listing the emulator's roles: %v", err)
	}
	predefined := 0
	for _, r := range all {
		if r.Type == client.RoleTypePredefined {
			predefined++
		}
	}
	if predefined == 0 || predefined != len(all)-2 {
		t.Fatalf("the emulator has %d roles of which %d predefined; the test expects predefined roles and the two custom ones", len(all), predefined)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + `
data "visionone_user_roles" "bad" {
  type = "builtin"
}
`,
				ExpectError: regexpText(`Attribute type value must be one of: ["predefined" "custom"], got: "builtin"`),
			},
			{
				Config: e.providerConfig() + `
data "visionone_user_roles" "all" {}

data "visionone_user_roles" "custom" {
  type = "custom"
}

data "visionone_user_roles" "predefined" {
  type = "predefined"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_user_roles.all", tfjsonpath.New("roles"), knownvalue.ListSizeExact(len(all))),
					statecheck.ExpectKnownValue("data.visionone_user_roles.custom", tfjsonpath.New("roles"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":        knownvalue.StringExact("a-custom"),
							"type":        knownvalue.StringExact(client.RoleTypeCustom),
							"permissions": knownvalue.SetExact(knownStringValues(keys)),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("b-custom"),
						}),
					})),
					statecheck.ExpectKnownValue("data.visionone_user_roles.predefined", tfjsonpath.New("roles"), knownvalue.ListSizeExact(predefined)),
					statecheck.ExpectKnownValue("data.visionone_user_roles.predefined", tfjsonpath.New("roles"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": knownvalue.StringExact(client.RoleTypePredefined)}),
					})),
				},
			},
		},
	})
}
