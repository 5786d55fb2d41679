terraform {
  # The provider needs Terraform 1.11 or later.
  required_version = ">= 1.11"

  required_providers {
    visionone = {
      source  = "seed-ebba3aa9/visionone"
      version = "~> 0.1"
    }
  }
}

# The API key is best passed through the VISIONONE_API_KEY environment variable, so it never
# appears in configuration or in version control:
#
#   export VISIONONE_API_KEY="eyJ0eXAiOiJKV1Qi..."
#   export VISIONONE_REGION="eu"   # optional, default "us"
#
# The region may be written here instead, but not in a module that is also tested against the
# emulator: a region in the configuration next to VISIONONE_ENDPOINT is an error, while
# VISIONONE_REGION then gives way to it.
provider "visionone" {
  region = "eu"
}

# Against the local emulator (terraform-provider-visionone emulator) or through a proxy, set the
# full base URL instead of a region (or export VISIONONE_ENDPOINT):
#
# provider "visionone" {
#   endpoint = "http://127.0.0.1:8080"
#   api_key  = var.visionone_api_key
# }
