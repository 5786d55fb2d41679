terraform {
  required_providers {
    visionone = {
      source = "seed-ebba3aa9/visionone"
    }
  }
}

# The endpoint and key come from VISIONONE_REGION (or VISIONONE_ENDPOINT) and VISIONONE_API_KEY, so
# that no secret is written into the configuration. The key must be a Master Administrator's, made
# before October 27, 2025: only a Master Administrator may set a role's control flags and invite an
# account ("Which key can do what" in the provider documentation).
provider "visionone" {}
