# A predefined role, which the visionone_user_role resource cannot manage, read by name.
data "visionone_user_role" "siem" {
  name = "SIEM"
}

# Any role by id: here the same role, by the id the lookup above found.
data "visionone_user_role" "by_id" {
  id = data.visionone_user_role.siem.id
}

output "siem_permissions" {
  value = data.visionone_user_role.by_id.permissions
}
