# An account can be imported by its email address (recommended: an invited account's id changes
# when the invitation is accepted) or by its id.
terraform import visionone_account.auditor auditor@audit-firm.example
terraform import visionone_account.auditor 4d5d11b1-84d3-403f-8bfd-85af78933c7a
