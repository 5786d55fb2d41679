# A predefined role, which the visionone_user_role resource cannot manage, read by name.
data "visionone_user_role" "siem" {
  name = "SIEM"
}

# Any role by id.
data "visionone_user_role" "by_id" {
  id = "9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0"
}

output "siem_permissions" {
  value = data.visionone_user_role.siem.permissions
}
