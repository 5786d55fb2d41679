terraform {
  required_version = ">= 1.11"

  required_providers {
    visionone = {
      source = "seed-ebba3aa9/visionone"
    }
  }

  # The pull request, merge and drift jobs share this state, so it lives in a remote backend with
  # locking. Any such backend works; the workflow passes the S3 settings at `terraform init`
  # (-backend-config), so no account detail is committed.
  backend "s3" {}
}

# VISIONONE_API_KEY and VISIONONE_REGION come from the pipeline's secrets and variables.
provider "visionone" {}
