package validators

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// domainPattern is a DNS name with at least two labels (a deliverable address, not "localhost").
var domainPattern = regexp.MustCompile(`(?i)^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

var errAddressAlone = errors.New("give the address alone, without a display name, angle brackets or comment")

// CheckEmailAddress accepts a bare RFC 5322 address such as "o'neil+audit@example.com" or
// "\"j doe\"@example.com": no display name, angle brackets, comments or surrounding spaces, and a
// domain name with a dot. It is a function rather than an attribute validator because whether a
// value must be an email can depend on other attributes (a SAML group may be named otherwise).
func CheckEmailAddress(value string) error {
	if strings.TrimSpace(value) != value {
		return errors.New("it has leading or trailing spaces")
	}
	if strings.ContainsAny(value, "<>") {
		return errAddressAlone
	}
	at := strings.LastIndex(value, "@")
	if at < 1 || at == len(value)-1 {
		return errors.New("an email address has the form name@example.com")
	}
	if domain := value[at+1:]; !domainPattern.MatchString(domain) {
		return fmt.Errorf("%q is not a domain name such as example.com (write an internationalized domain in its xn-- form)", domain)
	}
	addr, err := mail.ParseAddress(value)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "mail: "))
	}
	// ParseAddress also accepts "a@example.com (comment)"; the API takes the address alone.
	if addr.Name != "" {
		return errAddressAlone
	}
	return nil
}
