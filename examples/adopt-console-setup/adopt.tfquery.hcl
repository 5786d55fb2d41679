# What `terraform query` looks for: everything this configuration should manage from now on.

# The custom roles (the predefined ones cannot be managed, so they are left out).
list "visionone_user_role" "console" {
  provider = visionone
}

# The accounts, active or still invited.
list "visionone_account" "console" {
  provider = visionone
}

# The API keys (without their values, which Vision One shows only once).
list "visionone_api_key" "console" {
  provider = visionone
}
