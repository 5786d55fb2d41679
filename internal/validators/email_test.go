package validators

import (
	"strings"
	"testing"
)

func TestCheckEmailAddress(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value   string
		wantErr bool
	}{
		"plain":                {value: "auditor@example.com"},
		"plus sign":            {value: "auditor+tf@example.com"},
		"single quote":         {value: "o'neil@example.com"},
		"quoted local part":    {value: `"j doe"@example.com`},
		"subdomain":            {value: "a.b@mail.example.co.uk"},
		"upper case":           {value: "Auditor@Example.COM"},
		"empty":                {value: "", wantErr: true},
		"no at sign":           {value: "auditor.example.com", wantErr: true},
		"no local part":        {value: "@example.com", wantErr: true},
		"no domain":            {value: "auditor@", wantErr: true},
		"domain without a dot": {value: "auditor@localhost", wantErr: true},
		"display name":         {value: "Auditor <auditor@example.com>", wantErr: true},
		"angle brackets":       {value: "<auditor@example.com>", wantErr: true},
		"comment":              {value: "auditor@example.com (x)", wantErr: true},
		"leading space":        {value: " auditor@example.com", wantErr: true},
		"space inside":         {value: "an auditor@example.com", wantErr: true},
		"unicode local part":   {value: "zoë@example.com"},
		"punycode domain":      {value: "a@xn--bcher-kva.example"},
		"unicode domain":       {value: "a@bücher.example", wantErr: true},
		"two at signs":         {value: "a@b@example.com", wantErr: true},
		"unquoted double dot":  {value: "a..b@example.com", wantErr: true},
		"filter injection":     {value: "a@example.com' or email eq 'b@example.com", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := CheckEmailAddress(tc.value)
			if got := err != nil; got != tc.wantErr {
				t.Errorf("%q: got error %v, want one: %v", tc.value, err, tc.wantErr)
			}
		})
	}
}

// TestCheckEmailAddressExplains checks that a refusal says what is wrong in words, not in the terms
// of the parser's grammar.
func TestCheckEmailAddressExplains(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"new bie@example.com":       "contains a space, which an email address allows only inside double quotes",
		"new\tbie@example.com":      "contains a space",
		"a,b@example.com":           `contains ',', which an email address allows only inside double quotes`,
		"a(b)@example.com":          `contains '('`,
		"a@b@example.com":           `contains '@'`,
		".a@example.com":            "must not begin or end with a dot or have two dots in a row",
		"a.@example.com":            "must not begin or end with a dot",
		"a..b@example.com":          "two dots in a row",
		"a\x00b@example.com":        "contains the control character",
		`"a"b"@example.com`:         `the quoted part before the @ is not valid`,
		`"unterminated@example.com`: `contains '"'`,
	}
	for value, want := range tests {
		t.Run(value, func(t *testing.T) {
			t.Parallel()
			err := CheckEmailAddress(value)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("CheckEmailAddress(%q) = %v, want an error containing %q", value, err, want)
			}
			for _, jargon := range []string{"angle-addr", "addr-spec", "phrase", "mail:"} {
				if strings.Contains(err.Error(), jargon) {
					t.Errorf("CheckEmailAddress(%q) = %q: it speaks the parser's grammar (%q)", value, err, jargon)
				}
			}
		})
	}
}
