terraform {
  required_version = ">= 1.11"

  required_providers {
    visionone = {
      source = "seed-ebba3aa9/visionone"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }
}

# VISIONONE_API_KEY and VISIONONE_REGION (or VISIONONE_ENDPOINT) come from the environment.
provider "visionone" {}
