package validators

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = httpURLValidator{}

// AbsoluteHTTPURL accepts an absolute http or https URL with a host and without query or fragment,
// such as "https://proxy.example.com/visionone" or "http://127.0.0.1:8080": the shape of a base
// URL that API paths are appended to. Unknown and null values are left to other validators.
func AbsoluteHTTPURL() validator.String {
	return httpURLValidator{}
}

type httpURLValidator struct{}

func (v httpURLValidator) Description(_ context.Context) string {
	return `value must be an absolute http or https URL such as "https://api.xdr.trendmicro.com", without query string or fragment`
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if err := CheckAbsoluteHTTPURL(value); err != nil {
		shown := value
		if u, parseErr := url.Parse(value); parseErr == nil {
			shown = u.Redacted() // a password in the URL must not reach the diagnostic
		}
		resp.Diagnostics.Append(validatordiag.InvalidAttributeValueDiagnostic(req.Path, v.Description(ctx)+" ("+err.Error()+")", fmt.Sprintf("%q", shown)))
	}
}

// CheckAbsoluteHTTPURL is the check behind AbsoluteHTTPURL, for values that do not come from an
// attribute (environment variables).
func CheckAbsoluteHTTPURL(value string) error {
	u, err := url.Parse(value)
	switch {
	case err != nil:
		return err
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("the scheme must be http or https, not %q", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("the URL has no host")
	case u.User != nil:
		return fmt.Errorf("credentials in the URL are not supported; set api_key instead")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("a base URL takes no query string or fragment")
	}
	return nil
}
