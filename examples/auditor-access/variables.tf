variable "auditor_email" {
  description = "Email address of the auditor's account; Vision One sends the invitation there."
  type        = string
  default     = "auditor@audit-firm.example"
}

variable "auditor_name" {
  description = "The auditor's name and firm, kept in the account description."
  type        = string
  default     = "Jane Doe, Example Audit LLP"
}
