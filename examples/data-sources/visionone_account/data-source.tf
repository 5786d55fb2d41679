data "visionone_account" "auditor" {
  email = "auditor@audit-firm.example"
}

output "auditor_status" {
  value = data.visionone_account.auditor.status
}
