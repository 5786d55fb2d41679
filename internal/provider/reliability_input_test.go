package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccReliability_badInputMatrix runs one bad value per row, for every attribute a user sets on
// the provider block, on each resource and on the ephemeral key: wrong type, out of range, wrong
// enum, too long, empty, unicode, quotes and filter operators where they are not allowed. Each must
// fail at plan with a message that names the attribute or says what to write instead, and, all
// rows done, the emulator must have received no write request. The per-resource tests assert more
// messages of the same kind; this table is the one place that goes over every attribute.
func TestAccReliability_badInputMatrix(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	permission := rolePermissionKeys(t, e, 1)[0]
	providerBlock := func(arguments string) string {
		return e.providerConfigWith(strings.ReplaceAll(arguments, "; ", "\n")+"\n") + testAccUserRolesDataSourceConfig
	}
	bareProvider := func(arguments string) string {
		return "provider \"visionone\" {\n" + strings.ReplaceAll(arguments, "; ", "\n") + "\n}\n" + testAccUserRolesDataSourceConfig
	}
	block := func(typ, arguments string) string {
		return e.providerConfig() + "resource \"" + typ + "\" \"test\" {\n" + strings.ReplaceAll(arguments, "; ", "\n") + "\n}\n"
	}
	role := func(arguments string) string { return block("visionone_user_role", arguments) }
	validRole := fmt.Sprintf(`permissions = [%q]`, permission)
	account := func(arguments string) string { return block("visionone_account", arguments) }
	key := func(arguments string) string { return block("visionone_api_key", arguments) }
	long := func(n int) string { return strings.Repeat("x", n) }
	ephemeralKey := func(arguments string) string {
		return e.providerConfig() + "ephemeral \"visionone_api_key\" \"test\" {\n" + strings.ReplaceAll(arguments, "; ", "\n") + "\n}\n"
	}
	// role = "" is what configuration generated from an account or a key whose role was deleted in
	// the console holds: the error says so, and what to write instead, rather than only its length.
	emptyRoleError := regexpText("No Role", "Attribute role is empty, so it names no role", "terraform query",
		"has no role in Vision One (was its role deleted in the console?)", "must set role to a role that exists")

	cases := map[string]planErrorCase{
		// The provider block.
		"provider api_key wrong type": {
			config:    bareProvider(fmt.Sprintf(`endpoint = %q; api_key = ["k"]`, e.URL)),
			wantError: regexpText(`Inappropriate value for attribute "api_key"`, "string required"),
		},
		"provider region wrong enum": {
			config:    bareProvider(`api_key = "k"; region = "Europe"`),
			wantError: regexpText("Invalid Vision One Region", `The region "Europe"`, "Use one of `us`"),
		},
		// An empty or blank api_key, region or endpoint is no value: the environment gives it
		// (TestAccProvider_emptyAttributes, TestAccProvider_missingAPIKey). Whitespace around a
		// region is not dropped, though.
		"provider region with spaces around": {
			config:    bareProvider(`api_key = "k"; region = " eu "`),
			wantError: regexpText("Invalid Vision One Region", `The region " eu "`, "Use one of `us`"),
		},
		"provider endpoint not a URL": {
			config:    bareProvider(`api_key = "k"; endpoint = "api.xdr.trendmicro.com"`),
			wantError: regexpText("Invalid Vision One Endpoint", `The endpoint "api.xdr.trendmicro.com"`, "it must be an absolute http or https URL"),
		},
		"provider endpoint with a filter in the query": {
			config:    bareProvider(`api_key = "k"; endpoint = "https://api.xdr.trendmicro.com/?filter=name eq 'x'"`),
			wantError: regexpText("a base URL takes no query string or fragment"),
		},
		"provider endpoint unicode scheme": {
			config:    bareProvider(`api_key = "k"; endpoint = "ħttps://api.xdr.trendmicro.com"`),
			wantError: regexpText("endpoint"),
		},
		"provider max_retries wrong type": {
			config:    providerBlock(`max_retries = "many"`),
			wantError: regexpText(`Inappropriate value for attribute "max_retries"`, "a number is required"),
		},
		"provider max_retries out of range": {
			config:    providerBlock(`max_retries = 21`),
			wantError: regexpText("Attribute max_retries value must be between 0 and 20, got: 21"),
		},
		"provider request_timeout not a duration": {
			config:    providerBlock(`request_timeout = "1 minute"`),
			wantError: regexpText("Invalid Time Duration String Value", "request_timeout", "not a valid Go Time Duration", "Given Value: 1 minute"),
		},
		"provider request_timeout out of range": {
			config:    providerBlock(`request_timeout = "100h"`),
			wantError: regexpText("request_timeout", "between"),
		},
		"provider request_timeout negative": {
			config:    providerBlock(`request_timeout = "-5s"`),
			wantError: regexpText("request_timeout", "between"),
		},
		"provider requests_per_minute negative": {
			config:    providerBlock(`requests_per_minute = -60`),
			wantError: regexpText("Attribute requests_per_minute value must be at least 1, got: -60"),
		},
		"provider requests_per_minute fractional": {
			config:    providerBlock(`requests_per_minute = 1.5`),
			wantError: regexpText(`requests_per_minute`, "integer"),
		},

		// visionone_user_role.
		"role name empty": {
			config:    role(`name = ""; ` + validRole),
			wantError: regexpText("Attribute name UTF-8 character count must be between 1 and 128, got: 0"),
		},
		"role name too long": {
			config:    role(fmt.Sprintf(`name = %q; `, long(129)) + validRole),
			wantError: regexpText("Attribute name UTF-8 character count must be between 1 and 128, got: 129"),
		},
		"role name blank": {
			config:    role(`name = " \t "; ` + validRole),
			wantError: regexpText("Attribute name must not be blank (whitespace only): Vision One refuses it as missing"),
		},
		"role name wrong type": {
			config:    role(`name = ["auditors"]; ` + validRole),
			wantError: regexpText(`Inappropriate value for attribute "name"`, "string required"),
		},
		"role description too long": {
			config:    role(fmt.Sprintf(`name = "auditors"; description = %q; `, long(2049)) + validRole),
			wantError: regexpText("Attribute description UTF-8 character count must be at most 2048, got: 2049"),
		},
		"role permissions wrong type": {
			config:    role(fmt.Sprintf(`name = "auditors"; permissions = %q`, permission)),
			wantError: regexpText(`Inappropriate value for attribute "permissions"`, "set of string required"),
		},
		"role permission empty string": {
			config:    role(`name = "auditors"; permissions = [""]`),
			wantError: regexpText("permissions", "length must be at least 1"),
		},
		"role permission unknown": {
			config:    role(`name = "auditors"; permissions = ["platform.* or 1 eq 1"]`),
			wantError: regexpText("Unknown Permission Key", `"platform.* or 1 eq 1" is not a permission key`),
		},
		"role allow_api_key_assignment wrong type": {
			config:    role(`name = "auditors"; allow_api_key_assignment = "sometimes"; ` + validRole),
			wantError: regexpText(`Inappropriate value for attribute "allow_api_key_assignment"`, "a bool is required"),
		},
		"role allow_user_account_assignment wrong type": {
			config:    role(`name = "auditors"; allow_user_account_assignment = 2; ` + validRole),
			wantError: regexpText(`Inappropriate value for attribute "allow_user_account_assignment"`, "bool required"),
		},

		// visionone_account.
		"account email empty": {
			config:    account(`email = ""; role = "Auditor"`),
			wantError: regexpText("Attribute email UTF-8 character count must be between 1 and 256, got: 0"),
		},
		"account email too long": {
			config:    account(fmt.Sprintf(`email = "%s@example.com"; role = "Auditor"`, long(250))),
			wantError: regexpText("Attribute email UTF-8 character count must be between 1 and 256, got: 262"),
		},
		"account email without a domain": {
			config:    account(`email = "auditor"; role = "Auditor"`),
			wantError: regexpText("Invalid Email Address", `"auditor" is not a bare email address`),
		},
		"account email with a filter expression": {
			config:    account(`email = "a@example.com' or email eq 'b@example.com"; role = "Auditor"`),
			wantError: regexpText("Invalid Email Address"),
		},
		"account email with a unicode domain": {
			config:    account(`email = "a@exämple.com"; role = "Auditor"`),
			wantError: regexpText("Invalid Email Address", "xn-- form"),
		},
		"account email with unbalanced quotes": {
			config:    account(`email = "\"a@example.com"; role = "Auditor"`),
			wantError: regexpText("Invalid Email Address"),
		},
		"account email wrong type": {
			config:    account(`email = 42; role = "Auditor"`),
			wantError: regexpText("Invalid Email Address", `"42"`),
		},
		"account auth_type wrong enum": {
			config:    account(`email = "a@example.com"; role = "Auditor"; auth_type = "oidc"`),
			wantError: regexpText("Attribute auth_type value must be one of:", `got: "oidc"`),
		},
		"account role empty": {
			config:    account(`email = "a@example.com"; role = ""`),
			wantError: emptyRoleError,
		},
		"account role blank": {
			config:    account(`email = "a@example.com"; role = "  "`),
			wantError: regexpText("Attribute role must not be blank (whitespace only)"),
		},
		"account role too long": {
			config:    account(fmt.Sprintf(`email = "a@example.com"; role = %q`, long(129))),
			wantError: regexpText("Attribute role UTF-8 character count must be at most 128, got: 129"),
		},
		"account role unknown with quotes": {
			config:    account(`email = "a@example.com"; role = "Auditor' or name eq 'Master Administrator"`),
			wantError: regexpText("Role Not Found", `No role named "Auditor' or name eq 'Master Administrator" exists`),
		},
		"account description too long": {
			config:    account(fmt.Sprintf(`email = "a@example.com"; role = "Auditor"; description = %q`, long(257))),
			wantError: regexpText("Attribute description UTF-8 character count must be at most 256, got: 257"),
		},
		"account email blank for a SAML group": {
			config:    account(`email = " "; role = "Auditor"; auth_type = "samlGroup"`),
			wantError: regexpText("Attribute email must not be blank (whitespace only)"),
		},
		"account enabled wrong type": {
			config:    account(`email = "a@example.com"; role = "Auditor"; enabled = "yes please"`),
			wantError: regexpText(`Inappropriate value for attribute "enabled"`, "a bool is required"),
		},

		// visionone_api_key.
		"key name empty": {
			config:    key(`name = ""; role = "SIEM"`),
			wantError: regexpText("Attribute name UTF-8 character count must be between 1 and 128, got: 0"),
		},
		"key name blank": {
			config:    key(`name = " "; role = "SIEM"`),
			wantError: regexpText("Attribute name must not be blank (whitespace only): Vision One refuses it as missing"),
		},
		"key role blank": {
			config:    key(`name = "k"; role = "  "`),
			wantError: regexpText("Attribute role must not be blank (whitespace only)"),
		},
		"key name too long": {
			config:    key(fmt.Sprintf(`name = %q; role = "SIEM"`, long(129))),
			wantError: regexpText("Attribute name UTF-8 character count must be between 1 and 128, got: 129"),
		},
		"key name_prefix too long": {
			config:    key(fmt.Sprintf(`name_prefix = %q; role = "SIEM"`, long(107))),
			wantError: regexpText("Attribute name_prefix UTF-8 character count must be between 1 and 106, got: 107"),
		},
		"key name and name_prefix": {
			config:    key(`name = "k"; name_prefix = "k-"; role = "SIEM"`),
			wantError: regexpText("Exactly one of these attributes must be configured: [name,name_prefix]"),
		},
		"key role empty": {
			config:    key(`name = "k"; role = ""`),
			wantError: emptyRoleError,
		},
		"key role not assignable": {
			config:    key(`name = "k"; role = "Master Administrator"`),
			wantError: regexpText("Role Not Assignable to API Keys", `"Master Administrator"`),
		},
		"key description too long": {
			config:    key(fmt.Sprintf(`name = "k"; role = "SIEM"; description = %q`, long(2049))),
			wantError: regexpText("Attribute description UTF-8 character count must be at most 2048, got: 2049"),
		},
		"key enabled wrong type": {
			config:    key(`name = "k"; role = "SIEM"; enabled = "on"`),
			wantError: regexpText(`Inappropriate value for attribute "enabled"`, "a bool is required"),
		},
		"key expires_in_months wrong enum": {
			config:    key(`name = "k"; role = "SIEM"; expires_in_months = 24`),
			wantError: regexpText("Attribute expires_in_months value must be one of:", "got: 24"),
		},
		"key expires_in_months wrong type": {
			config:    key(`name = "k"; role = "SIEM"; expires_in_months = "a year"`),
			wantError: regexpText(`Inappropriate value for attribute "expires_in_months"`, "a number is required"),
		},
		"key rotate_before not a duration": {
			config:    key(`name = "k"; role = "SIEM"; rotate_before = "2 weeks"`),
			wantError: regexpText("Invalid Time Duration String Value", "rotate_before", "not a valid Go Time Duration", "Given Value: 2 weeks"),
		},
		"key rotate_before out of range": {
			config:    key(`name = "k"; role = "SIEM"; rotate_before = "10000h"`),
			wantError: regexpText("rotate_before", "between"),
		},
		"key role too long": {
			config:    key(fmt.Sprintf(`name = "k"; role = %q`, long(129))),
			wantError: regexpText("Attribute role UTF-8 character count must be at most 128, got: 129"),
		},
		"key keepers wrong type": {
			config:    key(`name = "k"; role = "SIEM"; keepers = "rotate"`),
			wantError: regexpText(`Inappropriate value for attribute "keepers"`, "map of string required"),
		},

		// The ephemeral visionone_api_key.
		"ephemeral key role empty": {
			config:    ephemeralKey(`role = ""`),
			wantError: emptyRoleError,
			needs:     &featureEphemeral,
		},
		"ephemeral key role blank": {
			config:    ephemeralKey(`role = "  "`),
			wantError: regexpText("Attribute role must not be blank (whitespace only)"),
			needs:     &featureEphemeral,
		},
		"ephemeral key role too long": {
			config:    ephemeralKey(fmt.Sprintf(`role = %q`, long(129))),
			wantError: regexpText("Attribute role UTF-8 character count must be at most 128, got: 129"),
			needs:     &featureEphemeral,
		},
	}
	testAccExpectPlanErrors(t, e, cases)
}

// TestAccReliability_unusualValidInputs is the other half of the matrix: values that look hostile
// but are legitimate must be created exactly as written, read back without a diff, and destroyed.
// Unicode in names and descriptions, quotes in an email's local part, and quotes and filter
// operators in an API key's name and in a role's name, which the account and the key name (the
// provider looks keys up by name and by role with a filter, which must quote the value rather than
// let it extend the expression).
func TestAccReliability_unusualValidInputs(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("invite accounts and set control flags")
	permission := rolePermissionKeys(t, e, 1)[0]
	const (
		roleDescription = `Ünïcødé ✓ — "quoted" and 'single' eq or and not`
		accountNote     = `Für "O'Brien" 🔍`
	)
	var (
		roleName    = e.name(`Prüfer (Ω) & Co, ü/2 #1! "x' or name eq 'y" 🔍`)
		email       = e.prefix + "o'brien+audit@example.com"
		quotedEmail = `"` + e.prefix + `zoë.o'brien.\"jr\""@example.com`
		keyName     = e.name(`k' or name eq 'SIEM "quoted" ✓`)
	)
	config := e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name                          = %[1]q
  description                   = %[2]q
  permissions                   = [%[3]q]
  allow_api_key_assignment      = true
  allow_user_account_assignment = true
}

resource "visionone_account" "test" {
  email       = %[4]q
  role        = visionone_user_role.test.name
  description = %[5]q
}

resource "visionone_account" "quoted" {
  email = %[7]q
  role  = "Auditor"
}

resource "visionone_api_key" "test" {
  name        = %[6]q
  role        = visionone_user_role.test.name
  description = %[2]q
}
`, roleName, roleDescription, permission, email, accountNote, keyName, quotedEmail)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			st := e.Stats()
			if n := st.Objects["roles"] + st.Objects["accounts"] + st.Objects["apiKeys"]; n != 0 {
				return fmt.Errorf("after destroy the emulator still holds %v", st.Objects)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("visionone_user_role.test", tfjsonpath.New("name"), knownvalue.StringExact(roleName)),
					statecheck.ExpectKnownValue("visionone_account.test", tfjsonpath.New("email"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue("visionone_account.quoted", tfjsonpath.New("email"), knownvalue.StringExact(quotedEmail)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("name"), knownvalue.StringExact(keyName)),
					statecheck.ExpectKnownValue(testAccAPIKeyAddr, tfjsonpath.New("value"), e.authenticates()),
					emulatorCheck(func(ctx context.Context) error {
						r, err := e.API.RefreshRoleByName(ctx, roleName)
						if err != nil || r.Description != roleDescription {
							return fmt.Errorf("role in the emulator: %+v, %v", r, err)
						}
						a, err := e.API.FindAccountByEmail(ctx, email)
						if err != nil || a.Description != accountNote || a.Role != roleName {
							return fmt.Errorf("account in the emulator: %+v, %v", a, err)
						}
						if _, err := e.API.FindAccountByEmail(ctx, quotedEmail); err != nil {
							return fmt.Errorf("account %s in the emulator: %w", quotedEmail, err)
						}
						k, err := e.API.FindAPIKeyByName(ctx, keyName)
						if err != nil || k.Description != roleDescription {
							return fmt.Errorf("API key in the emulator: %+v, %v", k, err)
						}
						if st := e.Stats(); st.Objects["roles"] != 1 || st.Objects["accounts"] != 2 || st.Objects["apiKeys"] != 1 {
							return fmt.Errorf("the emulator holds %v, want 1 role, 2 accounts and 1 key", st.Objects)
						}
						return nil
					}),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
