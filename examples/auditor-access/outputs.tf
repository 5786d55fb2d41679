# Vision One does not send the token to anyone: hand it over yourself, for example
#   terraform output -raw auditor_api_key | <your secret-sharing tool>
output "auditor_api_key" {
  description = "The auditor's authentication token."
  value       = visionone_api_key.auditor.value
  sensitive   = true
}

output "auditor_api_key_expires_at" {
  description = "When the token expires; Terraform replaces it 14 days before."
  value       = visionone_api_key.auditor.expires_at
}
