# Invitations nobody has accepted yet.
data "visionone_accounts" "pending" {
  status = "invited"
}

# Every SAML account with the Auditor role (status and auth_type are filtered by the API, role by
# the provider).
data "visionone_accounts" "saml_auditors" {
  auth_type = "saml"
  role      = "Auditor"
}

output "pending_invitations" {
  value = data.visionone_accounts.pending.accounts[*].email
}
