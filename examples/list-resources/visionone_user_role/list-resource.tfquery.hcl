# The custom roles of the tenant, such as those made in the console.
list "visionone_user_role" "console" {
  provider = visionone
}

# The predefined roles too, to see them: they cannot be imported.
list "visionone_user_role" "every" {
  provider = visionone
  config {
    include_predefined = true
  }
}
