package provider

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccDataSource_examples applies each data source's documentation example as it is, against a
// tenant that holds what the examples name: a snippet that fails on a tenant that has its objects
// would fail for every reader who copies it. The account example's email is the only change, so
// that a live tenant never sends an invitation to it.
func TestAccDataSource_examples(t *testing.T) {
	const exampleEmail = "auditor@audit-firm.example"
	for _, example := range []struct {
		dir    string
		checks func(e *testEmulator) []statecheck.StateCheck
	}{
		{"visionone_account", func(e *testEmulator) []statecheck.StateCheck {
			e.inviteAccount(client.AccountInvite{Email: e.email("auditor"), Role: "Auditor", AuthType: client.AuthTypeLocal})
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("auditor_status", knownvalue.StringExact(client.StatusInvited)),
			}
		}},
		{"visionone_accounts", func(e *testEmulator) []statecheck.StateCheck {
			e.inviteAccount(client.AccountInvite{Email: e.email("pending"), Role: "Analyst", AuthType: client.AuthTypeLocal})
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("pending_invitations", e.ownItems(knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(e.email("pending")),
				}))),
			}
		}},
		{"visionone_api_keys", func(e *testEmulator) []statecheck.StateCheck {
			e.createAPIKey(client.APIKeyCreate{Name: e.name("siem-off"), Role: "SIEM", Status: client.StatusDisabled})
			return []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.visionone_api_keys.disabled_siem_keys", tfjsonpath.New("api_keys"),
					e.ownItems(knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(e.name("siem-off"))}),
					}))),
			}
		}},
		{"visionone_permissions", func(*testEmulator) []statecheck.StateCheck {
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("workbench_view_key", knownvalue.NotNull()),
			}
		}},
		{"visionone_user_role", func(*testEmulator) []statecheck.StateCheck {
			return []statecheck.StateCheck{
				statecheck.CompareValuePairs(
					"data.visionone_user_role.siem", tfjsonpath.New("id"),
					"data.visionone_user_role.by_id", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.visionone_user_role.by_id", tfjsonpath.New("name"), knownvalue.StringExact("SIEM")),
			}
		}},
		{"visionone_user_roles", func(e *testEmulator) []statecheck.StateCheck {
			e.createRole(client.RoleCreate{Name: e.name("console role")})
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("custom_role_names", e.ownItems(knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(e.name("console role")),
				}))),
			}
		}},
	} {
		t.Run(example.dir, func(t *testing.T) {
			snippet, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", example.dir, "data-source.tf"))
			if err != nil {
				t.Fatal(err)
			}
			e := startEmulator(t, emulator.Options{})
			checks := example.checks(e)
			config := strings.ReplaceAll(string(snippet), strconv.Quote(exampleEmail), strconv.Quote(e.email("auditor")))
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            e.providerConfig() + config,
					ConfigStateChecks: checks,
				}},
			})
		})
	}
}
