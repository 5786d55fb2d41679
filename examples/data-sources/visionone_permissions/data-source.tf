# The key of "Report Management > Third-party auditing (API only)".
data "visionone_permissions" "third_party_auditing" {
  name_contains = "Third-party auditing"
}

# The key of "Workbench > View, filter, and search" (the name alone exists in several apps).
data "visionone_permissions" "workbench_view" {
  app           = "Workbench"
  name_contains = "View, filter, and search"
}

# Every "View ..." permission of the tenant, for a read-only role.
data "visionone_permissions" "all_views" {
  name_regex = "^View"
}

# The whole catalog, with name, app and category of each key.
data "visionone_permissions" "all" {}

output "workbench_view_key" {
  value = one(data.visionone_permissions.workbench_view.keys)
}
