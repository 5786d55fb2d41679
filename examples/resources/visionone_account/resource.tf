# Step 2 of "Obtaining API keys for third-party auditors": an account for the auditor, with the
# custom role of step 1. Applying sends the invitation.
resource "visionone_user_role" "auditor" {
  name                          = "Third-party auditor"
  description                   = "Read-only access for the external audit firm"
  permissions                   = ["reports.reportManagement.thirdPartyAuditing"]
  allow_user_account_assignment = true
}

resource "visionone_account" "auditor" {
  email       = "auditor@audit-firm.example"
  auth_type   = "local"
  role        = visionone_user_role.auditor.name
  description = "Jane Doe, Example Audit LLP (API access only)"
}

# A SAML group: every member of the identity provider's group signs in with this role.
resource "visionone_account" "soc" {
  email     = "soc-analysts@example.com"
  auth_type = "samlGroup"
  role      = "Senior Analyst"
}
