package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// Import by identity (Terraform 1.12 and later): each step with ImportBlockWithResourceIdentity
// plans an import block `identity = {...}` built from the identity in state, and fails unless the
// plan imports the object with no change and the same identity. GenerateConfig does the same
// without the resource block, from the configuration Terraform writes for the imported object
// (-generate-config-out), which must plan no change either.

var uuidIdentity = knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))

func TestAccUserRole_importByIdentity(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 2)
	const addr = "visionone_user_role.test"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureIdentity)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name                     = %q
  description              = "third-party auditors"
  permissions              = %s
  allow_api_key_assignment = false
}
`, e.name("auditors"), hclStringList(keys)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": uuidIdentity}),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				GenerateConfig:  true,
			},
		},
	})
}

func TestAccAPIKey_importByIdentity(t *testing.T) {
	e := startEmulator(t, emulator.Options{})

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureIdentity)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.apiKeysGone,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_api_key" "test" {
  name              = %q
  role              = "SIEM"
  description       = "log forwarder"
  expires_in_months = 3
}
`, e.name("siem")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testAccAPIKeyAddr, map[string]knownvalue.Check{"id": uuidIdentity}),
					statecheck.ExpectIdentityValueMatchesState(testAccAPIKeyAddr, tfjsonpath.New("id")),
				},
			},
			{
				// The value cannot be imported, and a null value plans no change.
				ResourceName:    testAccAPIKeyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    testAccAPIKeyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				GenerateConfig:  true,
			},
		},
	})
}

// TestAccAccount_importByIdentity names the account by email, which stays when the invitation is
// accepted and the id changes.
func TestAccAccount_importByIdentity(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("invitation acceptance")
	email := e.email("auditor")
	config := e.accountConfig(map[string]testAccAccount{"test": {email: email, role: "Auditor", description: "external audit"}})
	emailIdentity := map[string]knownvalue.Check{"email": knownvalue.StringExact(email)}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelowFeature(featureIdentity)},
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkAccountsGone(email),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testAccAccountAddr, emailIdentity),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
			},
			{
				ResourceName:    testAccAccountAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				// The person accepts: a new id, the same identity, and no change to plan.
				PreConfig: func() { e.acceptInvitation(t, email) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testAccAccountAddr, emailIdentity),
					statecheck.ExpectKnownValue(testAccAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
				},
			},
			{
				ResourceName:    testAccAccountAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    testAccAccountAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				GenerateConfig:  true,
			},
		},
	})
}
