package validators

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = re2Validator{}

// RE2 accepts a string that is a regular expression in Go's RE2 syntax, as regexp.Compile takes
// it; unknown and null values are left to other validators. The error names what is wrong and
// where, in the expression as the user wrote it (not as the provider may wrap it, with flags).
func RE2() validator.String {
	return re2Validator{}
}

type re2Validator struct{}

func (re2Validator) Description(context.Context) string {
	return "value must be a regular expression in RE2 syntax (https://github.com/google/re2/wiki/Syntax)"
}

func (v re2Validator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (re2Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	expr := req.ConfigValue.ValueString()
	_, err := regexp.Compile(expr)
	if err == nil {
		return
	}
	reason := err.Error()
	var syntaxErr *syntax.Error
	if errors.As(err, &syntaxErr) {
		reason = fmt.Sprintf("%s in `%s`", syntaxErr.Code, syntaxErr.Expr)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
		fmt.Sprintf("%s %q is not a valid RE2 regular expression: %s. RE2 is described at https://github.com/google/re2/wiki/Syntax.",
			req.Path, expr, reason))
}
