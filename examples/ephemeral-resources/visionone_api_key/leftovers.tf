# Keys that ephemeral visionone_api_key resources left behind (a run killed, by SIGKILL or a lost
# runner, before the provider could delete them, or deletes that failed), found by their name prefix.
data "visionone_api_keys" "all" {}

output "ephemeral_keys_left_behind" {
  value = [
    for key in data.visionone_api_keys.all.api_keys : "${key.name} (${key.id}), expires ${key.expires_at}"
    if startswith(key.name, "ci-audit-")
  ]
}
