# Rotation without downtime. Names are unique in a tenant, so name_prefix lets the new key exist
# next to the old one: create_before_destroy creates the replacement, hands its value to whatever
# depends on it, and only then deletes the old key.
#
# The key is replaced
# - once the API's clock is within rotate_before (here 30 days) of expires_at,
# - once it has expired (also without rotate_before),
# - whenever keepers change, here every 90 days through time_rotating.
# Each plan that replaces it says why in a warning.
resource "time_rotating" "auditor_key" {
  rotation_days = 90
}

resource "visionone_api_key" "auditor" {
  name_prefix       = "auditor-"
  role              = "Auditor"
  description       = "Read-only access for the external auditor"
  expires_in_months = 6
  rotate_before     = "720h"

  keepers = {
    rotation = time_rotating.auditor_key.id
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Hand the value to its consumer directly, never through plain outputs or files. A sensitive
# output keeps it out of the plan and apply output; read it with
#   terraform output -raw auditor_api_key | some-secret-store-cli put visionone/auditor
output "auditor_api_key" {
  value     = visionone_api_key.auditor.value
  sensitive = true
}

# Or write it to a secret store managed by Terraform, for example an AWS Secrets Manager secret:
#
# resource "aws_secretsmanager_secret_version" "auditor_api_key" {
#   secret_id     = aws_secretsmanager_secret.auditor_api_key.id
#   secret_string = visionone_api_key.auditor.value
# }
#
# With create_before_destroy, the secret is updated with the new value before the old key is
# deleted, so the consumer never holds a deleted key for longer than it takes to re-read the secret.
