# The id is the role's id (a UUID) or its name, in any letter case. With
# `terraform plan -generate-config-out=generated.tf`, Terraform writes the
# resource block for you.
import {
  to = visionone_user_role.auditor
  id = "Third-party auditor"
}
