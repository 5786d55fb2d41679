package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = durationValidator{}

// DurationBetween accepts a duration of an attribute of type timetypes.GoDurationType whose value
// lies in [minimum, maximum]. The type itself refuses a value that is not a Go duration before
// validators run (a value this validator still cannot parse is left to it); unknown and null
// values are left to other validators.
func DurationBetween(minimum, maximum time.Duration) validator.String {
	return durationValidator{minimum: minimum, maximum: maximum}
}

type durationValidator struct {
	minimum, maximum time.Duration
}

func (v durationValidator) Description(_ context.Context) string {
	return fmt.Sprintf("value must be a Go duration such as \"30s\" or \"2m\", between %s and %s", v.minimum, v.maximum)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, diags := timetypes.GoDuration{StringValue: req.ConfigValue}.ValueGoDuration()
	if diags.HasError() {
		return // the type reports it
	}
	if d < v.minimum || d > v.maximum {
		resp.Diagnostics.Append(validatordiag.InvalidAttributeValueDiagnostic(req.Path, v.Description(ctx), fmt.Sprintf("%q", req.ConfigValue.ValueString())))
	}
}
