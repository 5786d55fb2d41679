# The custom roles of the tenant, such as those made in the console.
list "visionone_user_role" "console" {
  provider = visionone
}

# The predefined roles too, to see them. They cannot be imported: leave this block out of the files
# that `terraform query -generate-config-out` reads, or the import blocks it writes for them fail
# the next plan with "Predefined Role Cannot Be Imported".
list "visionone_user_role" "every" {
  provider = visionone
  config {
    include_predefined = true
  }
}
