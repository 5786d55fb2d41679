# The enabled accounts with the Auditor role.
list "visionone_account" "auditors" {
  provider = visionone
  config {
    role   = "Auditor"
    status = "enabled"
  }
}

# Every SAML group account.
list "visionone_account" "saml_groups" {
  provider = visionone
  config {
    auth_type = "samlGroup"
  }
}
