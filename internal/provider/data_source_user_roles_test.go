package provider

import (
	"context"
	"slices"
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
	a, b := e.name("a-custom"), e.name("b-custom")
	for _, name := range []string{b, a} {
		e.createRole(client.RoleCreate{Name: name, PermissionKeys: keys, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	}
	// The predefined roles and this test's; on a live tenant other people's custom roles are
	// left out of this list and of the checks below (see ownItems).
	all, err := e.API.ListRoles(context.Background(), "")
	if err != nil {
		t.Fatalf("listing the emulator's roles: %v", err)
	}
	all = slices.DeleteFunc(all, func(r client.Role) bool { return r.Type != client.RoleTypePredefined && !e.owns(r.Name) })
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
					statecheck.ExpectKnownValue("data.visionone_user_roles.all", tfjsonpath.New("roles"), e.ownItems(knownvalue.ListSizeExact(len(all)))),
					statecheck.ExpectKnownValue("data.visionone_user_roles.custom", tfjsonpath.New("roles"), e.ownItems(knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":        knownvalue.StringExact(a),
							"type":        knownvalue.StringExact(client.RoleTypeCustom),
							"permissions": knownvalue.SetExact(knownStringValues(keys)),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact(b),
						}),
					}))),
					statecheck.ExpectKnownValue("data.visionone_user_roles.predefined", tfjsonpath.New("roles"), knownvalue.ListSizeExact(predefined)),
					statecheck.ExpectKnownValue("data.visionone_user_roles.predefined", tfjsonpath.New("roles"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": knownvalue.StringExact(client.RoleTypePredefined)}),
					})),
				},
			},
		},
	})
}

// TestAccUserRolesDataSource_oddRoles reads roles the API describes loosely: a role with a
// permission key twice, which would otherwise fail the whole data source, holds each key once, and
// a role of type "Custom" is among the custom roles.
func TestAccUserRolesDataSource_oddRoles(t *testing.T) {
	e := startEmulatorBehind(t, oddRoles().wrap)
	keys := rolePermissionKeys(t, e, 2)
	repeated, capitalised := e.name("repeated"), e.name("capitalised")
	for _, name := range []string{capitalised, repeated} {
		e.createRole(client.RoleCreate{Name: name, PermissionKeys: keys})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.providerConfig() + `
data "visionone_user_roles" "custom" {
  type = "custom"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.visionone_user_roles.custom", tfjsonpath.New("roles"), e.ownItems(knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(capitalised)}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":        knownvalue.StringExact(repeated),
						"permissions": knownvalue.SetExact(knownStringValues(keys)),
					}),
				}))),
			},
		}},
	})
}
