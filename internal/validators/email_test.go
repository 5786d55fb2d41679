package validators

import "testing"

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
