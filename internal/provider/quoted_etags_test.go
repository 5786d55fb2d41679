package provider

// An API that writes its ETags in double quotes, as HTTP defines them, rather than bare as Trend's
// mock does (API.md, "Decision: If-Match").

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccQuotedETags_updatesAndChangesBetweenPlanAndApply runs against an API that writes its ETags
// in double quotes, as HTTP defines them, and requires If-Match: the updates of a role, an account
// and an API key send the ETag they read and succeed, and a change made between the plan and the
// apply is still detected (412) and left in place, as with the bare ETags of Trend's mock.
func TestAccQuotedETags_updatesAndChangesBetweenPlanAndApply(t *testing.T) {
	e := startEmulator(t, emulator.Options{QuotedETags: true, StrictIfMatch: true})
	e.requireEmulator("ETags in another form")
	e.requireMasterAdministrator("invite and update an account")
	roleName, keyName, email := e.name("quoted"), e.name("quoted"), e.email("quoted")
	config := func(description string) string {
		return e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %[1]q
  description = %[4]q
  permissions = []
}

resource "visionone_api_key" "test" {
  name        = %[2]q
  role        = "SIEM"
  description = %[4]q
}

resource "visionone_account" "test" {
  email       = %[3]q
  role        = "Auditor"
  description = %[4]q
}
`, roleName, keyName, email, description)
	}
	var roleID, keyID string
	console := "changed in the console"
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("first"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("id"), captureString(&roleID)),
					statecheck.ExpectKnownValue("visionone_api_key.test", tfjsonpath.New("id"), captureString(&keyID)),
				},
			},
			{
				PreConfig: func() { e.acceptInvitation(t, email) },
				Config:    config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_user_role.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("visionone_api_key.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("visionone_account.test", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: config("third"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					betweenPlanAndApply(func() {
						account := e.account(t, email)
						errs := errors.Join(
							e.API.UpdateRole(ctx, roleID, "", client.RolePatch{Description: &console}),
							e.API.UpdateAPIKey(ctx, keyID, "", client.APIKeyPatch{Description: &console}),
							e.API.UpdateAccount(ctx, account.ID, "", client.AccountPatch{Description: &console}))
						if errs != nil {
							t.Errorf("changing the objects in the console: %v", errs)
						}
					}),
				}},
				ExpectError: regexp.MustCompile(`Changed Outside Terraform`),
			},
			{
				PreConfig: func() {
					role, err := e.API.GetRole(ctx, roleID)
					key, err2 := e.API.GetAPIKey(ctx, keyID)
					account := e.account(t, email)
					if err := errors.Join(err, err2); err != nil || role.Description != console || key.Description != console ||
						account.Description != console {
						t.Fatalf("a refused update overwrote a change made in the console: role %+v, key %+v, account %+v, %v",
							role, key, account, err)
					}
				},
				Config:           config("third"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
