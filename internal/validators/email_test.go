package validators

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestEmailAddress(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value   types.String
		wantErr bool
	}{
		"plain":                {value: types.StringValue("auditor@example.com")},
		"plus sign":            {value: types.StringValue("auditor+tf@example.com")},
		"single quote":         {value: types.StringValue("o'neil@example.com")},
		"quoted local part":    {value: types.StringValue(`"j doe"@example.com`)},
		"subdomain":            {value: types.StringValue("a.b@mail.example.co.uk")},
		"upper case":           {value: types.StringValue("Auditor@Example.COM")},
		"null":                 {value: types.StringNull()},
		"unknown":              {value: types.StringUnknown()},
		"empty":                {value: types.StringValue(""), wantErr: true},
		"no at sign":           {value: types.StringValue("auditor.example.com"), wantErr: true},
		"no local part":        {value: types.StringValue("@example.com"), wantErr: true},
		"no domain":            {value: types.StringValue("auditor@"), wantErr: true},
		"domain without a dot": {value: types.StringValue("auditor@localhost"), wantErr: true},
		"display name":         {value: types.StringValue("Auditor <auditor@example.com>"), wantErr: true},
		"angle brackets":       {value: types.StringValue("<auditor@example.com>"), wantErr: true},
		"comment":              {value: types.StringValue("auditor@example.com (x)"), wantErr: true},
		"leading space":        {value: types.StringValue(" auditor@example.com"), wantErr: true},
		"space inside":         {value: types.StringValue("an auditor@example.com"), wantErr: true},
		"two at signs":         {value: types.StringValue("a@b@example.com"), wantErr: true},
		"unquoted double dot":  {value: types.StringValue("a..b@example.com"), wantErr: true},
		"filter injection":     {value: types.StringValue("a@example.com' or email eq 'b@example.com"), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.StringResponse{}
			EmailAddress().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("email"), ConfigValue: tc.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantErr {
				t.Errorf("%s: got error %v, want %v: %v", tc.value, got, tc.wantErr, resp.Diagnostics)
			}
		})
	}
}
