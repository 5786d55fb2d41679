# What `terraform query` looks for: everything this configuration should manage from now on.
#
# limit: Terraform asks each list block for at most 100 objects unless `limit` says more, and the
# rest are neither listed nor written by -generate-config-out. The provider warns when a list
# leaves objects out; set limit above what the tenant holds of each type.

# The custom roles (the predefined ones cannot be managed, so they are left out).
list "visionone_user_role" "console" {
  provider = visionone
  limit    = 1000
}

# The accounts, active or still invited.
list "visionone_account" "console" {
  provider = visionone
  limit    = 1000
}

# The API keys (without their values, which Vision One shows only once).
list "visionone_api_key" "console" {
  provider = visionone
  limit    = 1000
}
