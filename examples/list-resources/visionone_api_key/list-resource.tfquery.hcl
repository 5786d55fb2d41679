# The enabled keys of SIEM integrations.
list "visionone_api_key" "siem" {
  provider = visionone
  config {
    role   = "SIEM"
    status = "enabled"
  }
}

# The keys that expire within 30 days (judged by the API's clock), or have expired.
list "visionone_api_key" "expiring" {
  provider = visionone
  config {
    expiring_within = "720h"
  }
}
