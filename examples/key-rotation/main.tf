# An integration's API key that rotates without downtime. Vision One cannot extend a key or show
# its value again, so rotating means creating a new key and deleting the old one. Three things
# trigger it; a plan that replaces the key for its expiry says why in a warning, and one that
# replaces it for keepers marks keepers "# forces replacement":
#
#   1. rotate_before: the key is within 14 days of expires_at, judged by the Vision One API's clock
#      (never by the clock of the machine running Terraform);
#   2. the key has expired (also without rotate_before);
#   3. keepers change: here every rotation_days days, through time_rotating.
#
# Key names are unique in a tenant, so name_prefix (instead of name) lets the new key exist next to
# the old one, and create_before_destroy creates it, and updates everything that uses its value,
# before the old key is deleted.

resource "time_rotating" "siem_key" {
  rotation_days = var.rotation_days
}

resource "visionone_api_key" "siem" {
  name_prefix       = "siem-forwarder-"
  role              = var.role
  description       = "SIEM forwarder; rotated by Terraform (examples/key-rotation)"
  expires_in_months = 3
  rotate_before     = "336h"

  keepers = {
    # time_rotating's id is the time of its last rotation: a new id replaces the key.
    rotated_at = time_rotating.siem_key.id
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Other keys that expire within 30 days, such as keys made in the console that no configuration
# rotates: a scheduled plan reports them in a warning of this check. This configuration's own key
# is recognized by its name prefix (its id is unknown while it is being replaced).
data "visionone_api_keys" "expiring" {
  expiring_within = "720h"
}

check "no_key_expires_unnoticed" {
  assert {
    condition = alltrue([
      for k in data.visionone_api_keys.expiring.api_keys : startswith(k.name, visionone_api_key.siem.name_prefix)
    ])
    error_message = format("API keys expiring within 30 days that Terraform does not rotate: %s", join(", ", [
      for k in data.visionone_api_keys.expiring.api_keys : "${k.name} (${k.expires_at})"
      if !startswith(k.name, visionone_api_key.siem.name_prefix)
    ]))
  }
}
