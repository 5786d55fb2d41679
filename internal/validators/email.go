package validators

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = emailValidator{}

// domainPattern is a DNS name with at least two labels (a deliverable address, not "localhost").
var domainPattern = regexp.MustCompile(`(?i)^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// EmailAddress accepts a bare RFC 5322 address such as "o'neil+audit@example.com" or
// "\"j doe\"@example.com": no display name, angle brackets, comments or surrounding spaces, and a
// domain name with a dot. Unknown and null values are left to other validators.
func EmailAddress() validator.String {
	return emailValidator{}
}

type emailValidator struct{}

func (v emailValidator) Description(_ context.Context) string {
	return `value must be a bare email address such as "auditor@example.com"`
}

func (v emailValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v emailValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if err := CheckEmailAddress(value); err != nil {
		resp.Diagnostics.Append(validatordiag.InvalidAttributeValueDiagnostic(req.Path, v.Description(ctx)+" ("+err.Error()+")", fmt.Sprintf("%q", value)))
	}
}

// CheckEmailAddress is the check behind EmailAddress, for values that do not come from an
// attribute (import IDs, data source arguments).
func CheckEmailAddress(value string) error {
	if strings.TrimSpace(value) != value {
		return errors.New("it has leading or trailing spaces")
	}
	at := strings.LastIndex(value, "@")
	if at < 1 || at == len(value)-1 {
		return errors.New("an email address has the form name@example.com")
	}
	if domain := value[at+1:]; !domainPattern.MatchString(domain) {
		return fmt.Errorf("%q is not a domain name such as example.com", domain)
	}
	addr, err := mail.ParseAddress(value)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "mail: "))
	}
	// ParseAddress also accepts "Name <a@example.com>" and "a@example.com (comment)"; the API takes
	// the address alone.
	if addr.Name != "" || strings.ContainsAny(value, "<>") {
		return errors.New("give the address alone, without a display name, angle brackets or comment")
	}
	return nil
}
