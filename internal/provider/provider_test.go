package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestAccProvider_invalidConfiguration proves that each bad provider argument fails at plan with a
// message that says how to fix it, and that nothing reaches the API.
func TestAccProvider_invalidConfiguration(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	provider := func(arguments string) string {
		return "provider \"visionone\" {\n" + strings.ReplaceAll(arguments, "; ", "\n") + "\n}\n" + testAccUserRoleMinimalConfig
	}

	cases := map[string]planErrorCase{
		"unknown region": {
			config:    provider(`region = "mars"; api_key = "key"`),
			wantError: regexpText("Invalid Vision One Region", `The region "mars" (from the`, "Use one of `us`"),
		},
		"endpoint without scheme": {
			config:    provider(fmt.Sprintf(`endpoint = %[1]q; api_key = "key"`, strings.TrimPrefix(e.URL, "http://"))),
			wantError: regexpText("Invalid Vision One Endpoint", "it must be an absolute http or https URL"),
		},
		"endpoint with a query string": {
			config:    provider(fmt.Sprintf(`endpoint = "%[1]s?tenant=1"; api_key = "key"`, e.URL)),
			wantError: regexpText("Invalid Vision One Endpoint", "a base URL takes no query string or fragment"),
		},
		"endpoint with a password": {
			config: provider(`endpoint = "https://user:hunter2@proxy.example.com"; api_key = "key"`),
			wantError: regexpText(`The endpoint "https://proxy.example.com" (from`, "credentials in the URL are not supported",
				"(its user name and password are not shown)"),
		},
		"endpoint and region together": {
			config: provider(fmt.Sprintf(`endpoint = %[1]q; region = "eu"; api_key = "key"`, e.URL)),
			wantError: regexpText("Conflicting Vision One Region and Endpoint", `The configuration sets both region "eu" and an endpoint`,
				"Remove one of them"),
		},
		"request timeout that is not a duration": {
			config: provider(fmt.Sprintf(`endpoint = %[1]q; api_key = "key"; request_timeout = "30"`, e.URL)),
			wantError: regexpText("Invalid Time Duration String Value", "request_timeout", "not a valid Go Time Duration",
				`Valid time units are`, "Given Value: 30"),
		},
		"negative max retries": {
			config:    provider(fmt.Sprintf(`endpoint = %[1]q; api_key = "key"; max_retries = -1`, e.URL)),
			wantError: regexpText("Attribute max_retries value must be between 0 and 20, got: -1"),
		},
		"zero requests per minute": {
			config:    provider(fmt.Sprintf(`endpoint = %[1]q; api_key = "key"; requests_per_minute = 0`, e.URL)),
			wantError: regexpText("Attribute requests_per_minute value must be at least 1, got: 0"),
		},
	}
	testAccExpectPlanErrors(t, e, cases)
}

// testAccUserRoleMinimalConfig is a role whose creation a failing provider configuration must
// prevent.
const testAccUserRoleMinimalConfig = `
resource "visionone_user_role" "test" {
  name        = "auditors"
  permissions = ["any.permission"]
}
`

// TestAccProvider_missingAPIKey cannot run in parallel: it clears VISIONONE_API_KEY for the
// process so that the key is really missing.
func TestAccProvider_missingAPIKey(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	t.Setenv(envAPIKey, "")
	before := e.Stats()

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "visionone" {
  endpoint = %[1]q
}
`, e.URL) + testAccUserRoleMinimalConfig,
				ExpectError: regexpText("Missing Vision One API Key", "Set the `api_key` provider attribute or the VISIONONE_API_KEY environment variable"),
			},
			{
				// An empty key is no key either: it falls back to the variable, which is empty too.
				Config: fmt.Sprintf(`
provider "visionone" {
  endpoint = %[1]q
  api_key  = ""
}
`, e.URL) + testAccUserRoleMinimalConfig,
				ExpectError: regexpText("Missing Vision One API Key",
					"neither the `api_key` provider attribute nor the VISIONONE_API_KEY environment variable holds one",
					"an empty or blank `api_key` counts as unset"),
			},
		},
	})
	if err := e.noWritesSince(before)(nil); err != nil {
		t.Error(err)
	}
	if got := e.Stats().Requests; len(got) != 0 {
		t.Errorf("a provider without a key made requests: %v", got)
	}
}

// TestAccProvider_emptyAttributes: an empty or blank api_key, endpoint or region counts as unset,
// as a module's `api_key = var.api_key` gives it when the variable defaults to "", and the provider
// takes the value from the VISIONONE_* variables instead of failing. Not parallel, because it sets
// environment variables of the process.
func TestAccProvider_emptyAttributes(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	t.Setenv(envAPIKey, e.AdminKey())
	t.Setenv(envEndpoint, e.URL)
	t.Setenv(envRegion, "")

	for name, provider := range map[string]string{
		"empty api_key":  fmt.Sprintf("api_key  = \"\"\n  endpoint = %q\n", e.URL),
		"blank api_key":  fmt.Sprintf("api_key  = \" \\n\"\n  endpoint = %q\n", e.URL),
		"empty endpoint": "endpoint = \"\"\n" + e.apiKeyArgument(),
		// Neither an invalid region nor a region next to an endpoint.
		"empty region next to an endpoint": fmt.Sprintf("region   = \"\"\n  endpoint = %q\n", e.URL) + e.apiKeyArgument(),
		"variables that default to empty":  "api_key  = var.api_key\n  region   = var.region\n  endpoint = var.endpoint\n",
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: `
variable "api_key" {
  type      = string
  default   = ""
  sensitive = true
}

variable "region" {
  type    = string
  default = ""
}

variable "endpoint" {
  type    = string
  default = ""
}

provider "visionone" {
  ` + provider + "}\n" + testAccUserRolesDataSourceConfig,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("data.visionone_user_roles.all", tfjsonpath.New("roles"), knownvalue.NotNull()),
						},
					},
				},
			})
		})
	}
}

// TestAccProvider_environment configures the provider from VISIONONE_* variables alone. Not
// parallel, because it sets environment variables of the process.
func TestAccProvider_environment(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	t.Setenv(envAPIKey, e.AdminKey())
	t.Setenv(envEndpoint, e.URL)
	// A region in the environment next to an endpoint is ignored, not refused (see Configure).
	t.Setenv(envRegion, "eu")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `provider "visionone" {}` + testAccUserRolesDataSourceConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.visionone_user_roles.all", tfjsonpath.New("roles"), knownvalue.NotNull()),
				},
			},
		},
	})
}

// TestAccProvider_invalidEnvironment proves that bad values from the environment get the same
// clear diagnostics as bad attributes.
func TestAccProvider_invalidEnvironment(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	t.Setenv(envAPIKey, e.AdminKey())
	before := e.Stats()

	for name, tc := range map[string]struct {
		env       map[string]string
		provider  string
		wantError *regexp.Regexp
	}{
		"unknown region": {
			env:       map[string]string{envRegion: "mars", envEndpoint: ""},
			wantError: regexpText("Invalid Vision One Region", `The region "mars" (from the`, "Use one of `us`"),
		},
		"malformed endpoint": {
			env:       map[string]string{envEndpoint: "localhost:8080"},
			wantError: regexpText("Invalid Vision One Endpoint", `The endpoint "localhost:8080"`),
		},
		"endpoint with a password": {
			env: map[string]string{envEndpoint: "https://user:hunter2@proxy.example.com"},
			wantError: regexpText("Invalid Vision One Endpoint", `The endpoint "https://proxy.example.com" (from`,
				"credentials in the URL are not supported"),
		},
		// A key pasted into the endpoint is not quoted back: only its scheme, host, port and path
		// are (the quote ends right after them).
		"endpoint with a key in the query": {
			env: map[string]string{envEndpoint: e.URL + "/?api_key=" + e.AdminKey()},
			wantError: regexpText("Invalid Vision One Endpoint", fmt.Sprintf(`The endpoint "%s/" (from`, e.URL),
				"a base URL takes no query string or fragment (its query string is not shown)"),
		},
		"endpoint with a key for the user name": {
			env: map[string]string{envEndpoint: strings.Replace(e.URL, "://", "://"+e.AdminKey()+"@", 1)},
			wantError: regexpText("Invalid Vision One Endpoint", fmt.Sprintf(`The endpoint "%s" (from`, e.URL),
				"credentials in the URL are not supported", "(its user name is not shown)"),
		},
		"endpoint with a key in the fragment": {
			env: map[string]string{envEndpoint: e.URL + "/#" + e.AdminKey()},
			wantError: regexpText("Invalid Vision One Endpoint", fmt.Sprintf(`The endpoint "%s/" (from`, e.URL),
				"(its fragment is not shown)"),
		},
		"unknown region behind an empty region attribute": {
			env:       map[string]string{envRegion: "mars", envEndpoint: ""},
			provider:  "region   = \"\"\nendpoint = \"\"",
			wantError: regexpText("Invalid Vision One Region", `The region "mars" (from the`),
		},
		"endpoint from the environment next to a configured region": {
			env:       map[string]string{envEndpoint: e.URL},
			provider:  `region = "eu"`,
			wantError: regexpText("Conflicting Vision One Region and Endpoint"),
		},
		"endpoint from the environment behind an empty endpoint attribute next to a configured region": {
			env:      map[string]string{envEndpoint: e.URL},
			provider: "region   = \"eu\"\nendpoint = \"\"",
			wantError: regexpText("Conflicting Vision One Region and Endpoint",
				fmt.Sprintf(`The configuration sets region "eu" while the VISIONONE_ENDPOINT environment variable sets the endpoint %q`, e.URL)),
		},
		"endpoint with a password from the environment next to a configured region": {
			env:      map[string]string{envEndpoint: "https://user:hunter2@proxy.example.com"},
			provider: `region = "eu"`,
			wantError: regexpText("Conflicting Vision One Region and Endpoint",
				`environment variable sets the endpoint "https://proxy.example.com" (its user name and password are not shown)`),
		},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:      "provider \"visionone\" {\n" + tc.provider + "\n}\n" + testAccUserRoleMinimalConfig,
						ExpectError: tc.wantError,
					},
				},
			})
		})
	}
	if err := e.noWritesSince(before)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccProvider_unknownConfiguration gives the provider an endpoint that is only known after
// apply: the plan must not fail, and the apply, once the value is known, must create the role.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role, whose control flags default to true")
	keys := rolePermissionKeys(t, e, 1)
	name := e.name("auditors")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserRoleDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %[1]q
}

provider "visionone" {
  endpoint = terraform_data.endpoint.output
%[2]s}

resource "visionone_user_role" "test" {
  name        = %[3]q
  permissions = %[4]s
}
`, e.URL, e.apiKeyArgument(), name, hclStringList(keys)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("visionone_user_role.test", plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRoleInEmulator(e, name, roleWithDefaults(keys)),
				},
			},
		},
	})
}
