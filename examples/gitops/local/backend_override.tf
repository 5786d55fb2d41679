# For a run on your own machine (see "Run it against the emulator" in ../README.md): copied beside
# providers.tf, this override file replaces its backend "s3" block with a local state file,
# terraform.tfstate. Never commit it next to providers.tf: the pipeline's state lives in S3.
terraform {
  backend "local" {}
}
