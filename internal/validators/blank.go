package validators

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// notBlank matches the empty string, left to the length validators, and any string with a
// character other than whitespace.
var notBlank = regexp.MustCompile(`^$|\S`)

// NotBlank refuses a string of whitespace only in a field Vision One requires: the API refuses it
// as missing, so the plan must refuse it rather than the apply.
func NotBlank() validator.String {
	return stringvalidator.RegexMatches(notBlank, "must not be blank (whitespace only): Vision One refuses it as missing")
}
