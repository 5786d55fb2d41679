package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

var _ planmodifier.String = ignoreEquivalentModifier{}

// IgnoreEquivalentChange plans the value in state when the configured value is equivalent to it:
// one the API treats as the same, such as an email in another letter case. Terraform accepts a plan
// that keeps the prior value instead of an equivalent configured one. Put it before
// RequiresReplace so that an equivalent value neither updates nor replaces the resource.
// description says what is ignored, for the docs ("A change in letter case only is not a change.").
func IgnoreEquivalentChange(description string, equivalent func(a, b string) bool) planmodifier.String {
	return ignoreEquivalentModifier{description: description, equivalent: equivalent}
}

type ignoreEquivalentModifier struct {
	description string
	equivalent  func(a, b string) bool
}

func (m ignoreEquivalentModifier) Description(_ context.Context) string {
	return m.description
}

func (m ignoreEquivalentModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m ignoreEquivalentModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if m.equivalent(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
