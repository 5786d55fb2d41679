# A read-only key for one run, for a second configuration of this provider that only reads: it
# is created when Terraform opens it (in plan, and again in apply) and deleted when the command
# ends. Its value is in neither the plan nor the state.
ephemeral "visionone_api_key" "audit_run" {
  name_prefix = "ci-audit-"
  role        = "Auditor"
}

provider "visionone" {
  alias   = "audit"
  region  = "eu"
  api_key = ephemeral.visionone_api_key.audit_run.value
}

data "visionone_accounts" "all" {
  provider = visionone.audit
}
