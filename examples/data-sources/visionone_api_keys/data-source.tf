# Every key of the tenant, including keys made in the console, without their values.
data "visionone_api_keys" "all" {}

# Keys that expire within 30 days by the API's clock, or have expired already: a pipeline can
# run this plan on a schedule and fail, or alert, on the check below.
data "visionone_api_keys" "expiring" {
  expiring_within = "720h"
}

check "api_keys_not_expiring" {
  assert {
    condition = length(data.visionone_api_keys.expiring.api_keys) == 0
    error_message = format("API keys expiring within 30 days: %s", join(", ", [
      for k in data.visionone_api_keys.expiring.api_keys : "${k.name} (${k.role}, ${k.expired ? "expired" : "expires"} ${k.expires_at})"
    ]))
  }
}

# Filters evaluated by the API.
data "visionone_api_keys" "disabled_siem_keys" {
  role   = "SIEM"
  status = "disabled"
}
