# "Obtaining API keys for third-party auditors" (a console procedure for a Master Administrator)
# as one configuration, applied in one run:
#   1. a custom role with the permission "Third-party auditing (API only)",
#   2. an account for the auditor with that role,
#   3. an authentication token (API key) with that role, handed over through a sensitive output.
#
# Since the API Keys app, a key is a tenant object bound to a role, not to an account: the key's
# description names the auditor it was made for. The console's "Access level: APIs only" and the
# auditor's given name and surname have no API counterpart; the account description carries them.

resource "visionone_user_role" "auditor" {
  name                          = "Third-party auditor"
  description                   = "Read-only API access for the external audit firm"
  permissions                   = ["reports.reportManagement.thirdPartyAuditing"]
  allow_api_key_assignment      = true
  allow_user_account_assignment = true
}

resource "visionone_account" "auditor" {
  email       = var.auditor_email
  auth_type   = "local"
  role        = visionone_user_role.auditor.name
  description = "${var.auditor_name} (APIs only)"
}

# The token. name_prefix and create_before_destroy let Terraform rotate it without downtime: the
# new key exists, and the output holds its value, before the old key is deleted. It is rotated
# 14 days before it expires, or whenever the keepers change.
resource "visionone_api_key" "auditor" {
  name_prefix       = "third-party-auditor-"
  role              = visionone_user_role.auditor.name
  description       = "Token for ${visionone_account.auditor.email}"
  expires_in_months = 3
  rotate_before     = "336h"

  keepers = {
    auditor = visionone_account.auditor.email
  }

  lifecycle {
    create_before_destroy = true
  }
}
