# A read-only key for one run, for a second configuration of this provider that only reads: it
# is created when Terraform opens it (in plan, and again in apply) and deleted when the command
# ends. Its value is in neither the plan nor the state.
ephemeral "visionone_api_key" "audit_run" {
  name_prefix = "ci-audit-"
  role        = "Auditor"
}

# The same tenant as the default provider configuration: its region (or endpoint) comes from
# VISIONONE_REGION (or VISIONONE_ENDPOINT), so the configuration also runs against the emulator.
provider "visionone" {
  alias   = "audit"
  api_key = ephemeral.visionone_api_key.audit_run.value
}

data "visionone_accounts" "all" {
  provider = visionone.audit
}
