# The list blocks of adopt.tfquery.hcl need Terraform 1.14 or later (`terraform query`).
terraform {
  required_providers {
    visionone = {
      source = "seed-ebba3aa9/visionone"
    }
  }
}

# The endpoint and key come from VISIONONE_REGION (or VISIONONE_ENDPOINT) and VISIONONE_API_KEY. To
# read roles, accounts and API keys, the key's role needs their View permissions; to manage them
# afterwards, a Master Administrator's key.
provider "visionone" {}
