package main

import (
	"fmt"
	"strings"
)

// benchRole is the role of the keys and accounts of the single-type scenarios: a predefined role
// that both may take, so that N objects are N API objects and nothing waits on a role.
const benchRole = "Auditor"

// keyName is the name of the i-th key of the key scenarios, as the configurations spell it.
func keyName(i int) string { return fmt.Sprintf("bench-key-%d", i) }

// providerHeader requires the provider and configures it: requests_per_minute when perMinute is
// set, and nothing at all otherwise, so that the provider's default pacing applies.
func providerHeader(perMinute int) string {
	settings := ""
	if perMinute != 0 {
		settings = fmt.Sprintf("\n  requests_per_minute = %d\n", perMinute)
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    visionone = { source = "seed-ebba3aa9/visionone" }
  }
}

provider "visionone" {%s}
`, settings)
}

// mixedConfig manages m with the provider: accounts and keys take the roles in turn.
func mixedConfig(m mix, requestsPerMinute int) string {
	return providerHeader(requestsPerMinute) + fmt.Sprintf(`
resource "visionone_user_role" "r" {
  count                         = %d
  name                          = "bench-role-${count.index}"
  description                   = "benchmark role"
  permissions                   = ["platform.apiKeys.view"]
  allow_api_key_assignment      = true
  allow_user_account_assignment = true
}

resource "visionone_account" "a" {
  count = %d
  email = "bench-${count.index}@example.com"
  role  = visionone_user_role.r[count.index %% length(visionone_user_role.r)].name
}

resource "visionone_api_key" "k" {
  count = %d
  name  = "bench-key-${count.index}"
  role  = visionone_user_role.r[count.index %% length(visionone_user_role.r)].name
}
`, m.Roles, m.Accounts, m.APIKeys)
}

// mixedBaseline is the same graph of terraform_data resources: what Terraform itself costs.
func mixedBaseline(m mix) string {
	return fmt.Sprintf(`resource "terraform_data" "r" {
  count = %d
  input = "bench-role-${count.index}"
}

resource "terraform_data" "a" {
  count = %d
  input = { email = "bench-${count.index}@example.com", role = terraform_data.r[count.index %% length(terraform_data.r)].output }
}

resource "terraform_data" "k" {
  count = %d
  input = { name = "bench-key-${count.index}", role = terraform_data.r[count.index %% length(terraform_data.r)].output }
}
`, m.Roles, m.Accounts, m.APIKeys)
}

// keysConfig manages n API keys named keyName(i).
func keysConfig(n, requestsPerMinute int) string {
	return providerHeader(requestsPerMinute) + fmt.Sprintf(`
resource "visionone_api_key" "k" {
  count = %d
  name  = "bench-key-${count.index}"
  role  = %q
}
`, n, benchRole)
}

func keysBaseline(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "k" {
  count = %d
  input = { name = "bench-key-${count.index}", role = %q }
}
`, n, benchRole)
}

// accountsConfig manages n accounts.
func accountsConfig(n, requestsPerMinute int) string {
	return providerHeader(requestsPerMinute) + fmt.Sprintf(`
resource "visionone_account" "a" {
  count = %d
  email = "bench-${count.index}@example.com"
  role  = %q
}
`, n, benchRole)
}

func accountsBaseline(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "a" {
  count = %d
  input = { email = "bench-${count.index}@example.com", role = %q }
}
`, n, benchRole)
}

// importConfig adopts the keys with the given ids (made by createKeysInConsole, so the i-th is
// named keyName(i)) with one import block each, as a user adopting a console setup writes it.
func importConfig(ids []string, requestsPerMinute int) string {
	var b strings.Builder
	b.WriteString(keysConfig(len(ids), requestsPerMinute))
	for i, id := range ids {
		fmt.Fprintf(&b, "\nimport {\n  to = visionone_api_key.k[%d]\n  id = %q\n}\n", i, id)
	}
	return b.String()
}
