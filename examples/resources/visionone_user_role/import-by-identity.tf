# Terraform 1.12 and later: import by the role's identity, its id.
import {
  to = visionone_user_role.alert_reader
  identity = {
    id = "0b0c4f6e-7d5a-4b8e-9f3a-2c1d0e9f8a7b"
  }
}
