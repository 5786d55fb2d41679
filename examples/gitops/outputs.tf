output "api_key_names" {
  description = "The generated name of each integration's current key."
  value       = { for k, v in visionone_api_key.this : k => v.name }
}

# Read one with: terraform output -json api_keys | jq -r '."radiant-security"'
output "api_keys" {
  description = "The value of each integration's current key, to hand over to the integration."
  value       = { for k, v in visionone_api_key.this : k => v.value }
  sensitive   = true
}
