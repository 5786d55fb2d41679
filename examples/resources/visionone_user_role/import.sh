# A custom role is imported by its id (a UUID) or by its name, in any letter case.
terraform import visionone_user_role.auditor 9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0
terraform import visionone_user_role.auditor "Third-party auditor"
