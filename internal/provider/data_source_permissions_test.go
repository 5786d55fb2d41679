package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccPermissionsDataSource_basic finds the keys of the two permissions the console procedures
// (the third-party auditor's, an integration's API token) name, by their console names alone, and
// checks the other filters against the emulator's catalog.
func TestAccPermissionsDataSource_basic(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	catalog, err := e.API.ListPermissions(context.Background())
	if err != nil {
		t.Fatalf("reading the emulator's catalog: %v", err)
	}
	auditing := catalogPermission(t, e, func(p client.Permission) bool {
		return p.Name == "Third-party auditing (API only)"
	})
	workbench := catalogPermission(t, e, func(p client.Permission) bool {
		return p.App == "Workbench" && p.Name == "View, filter, and search"
	})
	viewPrefix := regexp.MustCompile(`(?i)^view\b`)
	count := func(match func(client.Permission) bool) int {
		n := 0
		for _, p := range catalog {
			if match(p) {
				n++
			}
		}
		return n
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + `
data "visionone_permissions" "bad" {
  name_regex = "(unclosed"
}
`,
				// What is wrong, in the expression as written: not the case-insensitive form the
				// data source compiles.
				ExpectError: regexpText("Invalid Regular Expression",
					`name_regex "(unclosed" is not a valid RE2 regular expression: missing closing ) in `+"`(unclosed`."),
			},
			{
				Config: e.providerConfig() + `
data "visionone_permissions" "all" {}

data "visionone_permissions" "auditing" {
  name_contains = "third-party AUDITING"
}

data "visionone_permissions" "workbench_view" {
  app           = "workbench"
  name_contains = "View, filter, and search"
}

data "visionone_permissions" "workbench_category" {
  category = "` + workbench.Category + `"
}

data "visionone_permissions" "view_regex" {
  name_regex = "^view\\b"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_permissions.all", tfjsonpath.New("permissions"), knownvalue.ListSizeExact(len(catalog))),
					statecheck.ExpectKnownValue("data.visionone_permissions.all", tfjsonpath.New("keys"), knownvalue.SetSizeExact(len(catalog))),
					statecheck.ExpectKnownValue("data.visionone_permissions.auditing", tfjsonpath.New("keys"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(auditing.Key),
					})),
					statecheck.ExpectKnownValue("data.visionone_permissions.auditing", tfjsonpath.New("permissions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"key":      knownvalue.StringExact(auditing.Key),
							"name":     knownvalue.StringExact(auditing.Name),
							"app":      knownvalue.StringExact(auditing.App),
							"category": knownvalue.StringExact(auditing.Category),
						}),
					})),
					statecheck.ExpectKnownValue("data.visionone_permissions.workbench_view", tfjsonpath.New("keys"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(workbench.Key),
					})),
					statecheck.ExpectKnownValue("data.visionone_permissions.workbench_category", tfjsonpath.New("keys"), knownvalue.SetSizeExact(count(func(p client.Permission) bool {
						return p.Category == workbench.Category
					}))),
					statecheck.ExpectKnownValue("data.visionone_permissions.view_regex", tfjsonpath.New("keys"), knownvalue.SetSizeExact(count(func(p client.Permission) bool {
						return viewPrefix.MatchString(p.Name)
					}))),
				},
			},
		},
	})
}

func TestPermissionFilter(t *testing.T) {
	t.Parallel()
	catalog := []client.Permission{
		{Key: "xdr.workbench.view", Name: "View, filter, and search", App: "Workbench", Category: "XDR Threat Investigation"},
		{Key: "xdr.workbench.modify", Name: "Modify alert details", App: "Workbench", Category: "XDR Threat Investigation"},
		{Key: "platform.audit.thirdParty", Name: "Third-party auditing (API only)", App: "Report Management", Category: "Platform Capabilities"},
		{Key: "platform.auditLogs.view", Name: "View, filter, and search", App: "Audit Logs", Category: "Platform Capabilities"},
	}
	tests := map[string]struct {
		config permissionsDataSourceModel
		want   []string
	}{
		"no filter": {
			want: []string{"xdr.workbench.view", "xdr.workbench.modify", "platform.audit.thirdParty", "platform.auditLogs.view"},
		},
		"app, any case": {
			config: permissionsDataSourceModel{App: types.StringValue("WORKBENCH")},
			want:   []string{"xdr.workbench.view", "xdr.workbench.modify"},
		},
		"category": {
			config: permissionsDataSourceModel{Category: types.StringValue("platform capabilities")},
			want:   []string{"platform.audit.thirdParty", "platform.auditLogs.view"},
		},
		"name contains, any case": {
			config: permissionsDataSourceModel{NameContains: types.StringValue("third-party AUDITING")},
			want:   []string{"platform.audit.thirdParty"},
		},
		"filters combine with and": {
			config: permissionsDataSourceModel{App: types.StringValue("Workbench"), NameContains: types.StringValue("View, filter, and search")},
			want:   []string{"xdr.workbench.view"},
		},
		"name regex": {
			config: permissionsDataSourceModel{NameRegex: types.StringValue(`^(view|modify)\b`)},
			want:   []string{"xdr.workbench.view", "xdr.workbench.modify", "platform.auditLogs.view"},
		},
		"nothing matches": {
			config: permissionsDataSourceModel{App: types.StringValue("Search")},
			want:   nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Filters left out of tc.config are zero types.String values, which are null.
			match, err := permissionFilter(tc.config)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range catalog {
				if match(p) {
					got = append(got, p.Key)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("permissionFilter mismatch (-want +got):\n%s", diff)
			}
		})
	}

	if _, err := permissionFilter(permissionsDataSourceModel{NameRegex: types.StringValue("(unclosed")}); err == nil {
		t.Error("an invalid name_regex must be refused")
	}
}
