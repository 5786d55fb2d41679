# Step 1 of "Obtaining API keys for third-party auditors": a custom role that grants
# "Report Management > Third-party auditing (API only)". The key is looked up by the
# name the console shows, so the configuration never hard-codes it.
data "visionone_permissions" "third_party_auditing" {
  name_contains = "Third-party auditing (API only)"
}

resource "visionone_user_role" "auditor" {
  name        = "Third-party auditor"
  description = "Read-only API access for the external auditor"
  permissions = data.visionone_permissions.third_party_auditing.keys
}

# A role for an integration that reads Workbench alerts through an API key only:
# no user account may be given this role.
data "visionone_permissions" "workbench_view" {
  app           = "Workbench"
  name_contains = "View, filter, and search"
}

resource "visionone_user_role" "alert_reader" {
  name                          = "Workbench alert reader"
  permissions                   = data.visionone_permissions.workbench_view.keys
  allow_user_account_assignment = false
}
