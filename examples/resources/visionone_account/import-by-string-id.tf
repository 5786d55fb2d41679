# Import an existing account by email (or by id) with an import block.
import {
  to = visionone_account.auditor
  id = "auditor@audit-firm.example"
}
