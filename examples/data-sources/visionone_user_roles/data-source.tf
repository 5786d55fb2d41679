# Every role of the tenant.
data "visionone_user_roles" "all" {}

# Only the custom roles, for example to find roles created outside Terraform.
data "visionone_user_roles" "custom" {
  type = "custom"
}

output "custom_role_names" {
  value = data.visionone_user_roles.custom.roles[*].name
}
