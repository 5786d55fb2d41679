# Terraform 1.12 and later: import by the key's identity, its id. The value is not imported.
import {
  to = visionone_api_key.auditor
  identity = {
    id = "3c2d5f5e-8f43-4c3e-9a3e-2f1b6c1d2e4f"
  }
}
