# A key for a SIEM integration. Its value is shown only once, at creation, and is kept in the
# Terraform state as a sensitive value.
resource "visionone_api_key" "siem" {
  name        = "splunk-forwarder"
  role        = "SIEM"
  description = "Splunk add-on, owned by the SOC"
}
