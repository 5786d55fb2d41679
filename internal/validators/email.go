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
	if err := checkLocalPart(value[:at]); err != nil {
		return err
	}
	// The checks above say in words what net/mail reports in its grammar's terms ("no
	// angle-addr"); what reaches it unexplained is a malformed quoted part.
	addr, err := mail.ParseAddress(value)
	if err != nil {
		return errors.New(`the quoted part before the @ is not valid: inside the double quotes, write \" for a quote and \\ for a backslash`)
	}
	// ParseAddress also accepts "a@example.com (comment)"; the API takes the address alone.
	if addr.Name != "" {
		return errAddressAlone
	}
	return nil
}

// checkLocalPart explains what is wrong with the part of an address before the "@" (RFC 5322
// dot-atom, with the UTF-8 of RFC 6532), or returns nil. A quoted local part is left to
// net/mail.
func checkLocalPart(local string) error {
	if strings.HasPrefix(local, `"`) && strings.HasSuffix(local, `"`) && len(local) > 1 {
		return nil
	}
	for _, r := range local {
		switch {
		case r == ' ' || r == '\t':
			return errors.New("the part before the @ contains a space, which an email address allows only inside double quotes")
		case r < ' ' || r == 0x7f:
			return fmt.Errorf("the part before the @ contains the control character %q", r)
		case strings.ContainsRune(`()<>[]:;@\,"`, r):
			return fmt.Errorf("the part before the @ contains %q, which an email address allows only inside double quotes", r)
		}
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return errors.New("the part before the @ must not begin or end with a dot or have two dots in a row")
	}
	return nil
}
