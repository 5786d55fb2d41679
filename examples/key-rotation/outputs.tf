# Hand the value to its consumer directly, for example into a secret store through its own
# provider (aws_secretsmanager_secret_version, vault_kv_secret_v2, ...), so that the consumer picks
# up the new key before the old one is deleted. Read it by hand with
#   terraform output -raw siem_api_key
output "siem_api_key" {
  description = "The current key's value."
  value       = visionone_api_key.siem.value
  sensitive   = true
}

output "siem_api_key_name" {
  description = "The current key's generated name (name_prefix followed by a timestamp and a random suffix)."
  value       = visionone_api_key.siem.name
}

output "siem_api_key_expires_at" {
  description = "When the current key expires; Terraform replaces it 14 days before."
  value       = visionone_api_key.siem.expires_at
}

output "siem_api_key_rotates_at" {
  description = "When time_rotating next rotates the key, whatever its expiry."
  value       = time_rotating.siem_key.rotation_rfc3339
}
