package planmodifiers

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

var _ planmodifier.String = ignoreCaseModifier{}

// IgnoreCaseChange plans the value in state when the configured value differs from it only in
// letter case, for values the API compares case-insensitively (email addresses). Terraform accepts a
// plan that keeps the prior value instead of an equivalent configured one. Put it before
// RequiresReplace so that a case-only change neither updates nor replaces the resource.
func IgnoreCaseChange() planmodifier.String {
	return ignoreCaseModifier{}
}

type ignoreCaseModifier struct{}

func (m ignoreCaseModifier) Description(_ context.Context) string {
	return "A change in letter case only is not a change."
}

func (m ignoreCaseModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m ignoreCaseModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if strings.EqualFold(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
