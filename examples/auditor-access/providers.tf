terraform {
  required_providers {
    visionone = {
      source = "seed-ebba3aa9/visionone"
    }
  }
}

# The endpoint and key come from VISIONONE_REGION (or VISIONONE_ENDPOINT) and VISIONONE_API_KEY, so
# that no secret is written into the configuration. The key's role must be allowed to manage
# roles, accounts and API keys (a Master Administrator's key).
provider "visionone" {}
