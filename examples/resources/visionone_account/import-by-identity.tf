# Terraform 1.12 and later: import by the account's identity, its email, which stays when the
# invitation is accepted and the id changes.
import {
  to = visionone_account.soc
  identity = {
    email = "soc-analysts@example.com"
  }
}
