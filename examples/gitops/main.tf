# The tenant's custom roles, accounts and integration keys, read from access.yaml. Reviewers read
# the YAML diff and the plan on the pull request; nobody changes these objects in the console, and
# the scheduled drift job reports it when someone does.

locals {
  access = yamldecode(file("${path.module}/access.yaml"))
}

resource "visionone_user_role" "this" {
  for_each = local.access.roles

  name                          = each.key
  description                   = each.value.description
  permissions                   = each.value.permissions
  allow_api_key_assignment      = each.value.allow_api_key_assignment
  allow_user_account_assignment = each.value.allow_user_account_assignment

  # Accounts and keys refer to their role, so Terraform would delete a role removed from the YAML
  # before it moves them to another role, and Vision One refuses to delete a role that accounts or
  # keys still have. create_before_destroy, kept in the state, turns that order round.
  lifecycle {
    create_before_destroy = true
  }
}

resource "visionone_account" "this" {
  for_each = { for a in local.access.accounts : lower(a.email) => a }

  email       = each.value.email
  auth_type   = try(each.value.auth_type, "local")
  description = try(each.value.description, null)
  # Referencing the role resource (rather than repeating the name) orders the role first, and lets
  # the plan check the role's flags before the account is invited.
  role = visionone_user_role.this[each.value.role].name
}

resource "visionone_api_key" "this" {
  for_each = local.access.api_keys

  name_prefix       = "${each.key}-"
  role              = visionone_user_role.this[each.value.role].name
  description       = each.value.description
  expires_in_months = each.value.expires_in_months
  rotate_before     = "336h"

  lifecycle {
    create_before_destroy = true
  }
}
