package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ planmodifier.Int64 = priorNullOverDefaultModifier{}

// Int64PriorNullOverDefault plans null instead of the attribute's Default when the resource exists,
// its prior value is null and the configuration leaves the attribute unset. A Terraform-only setting
// that cannot be recovered from what the API reports is null after an import; planning the Default
// would record a value the object may not have, and a later change to the true value would then
// look like a change of the object. The Default still applies to a new object, and to the object
// that replaces this one (Terraform plans it with no prior state). Put it before
// Int64RequiresReplaceUnlessPriorNull, so that a configured value is then adopted in place.
func Int64PriorNullOverDefault() planmodifier.Int64 {
	return priorNullOverDefaultModifier{}
}

type priorNullOverDefaultModifier struct{}

func (m priorNullOverDefaultModifier) Description(_ context.Context) string {
	return "When the prior value is null (such as after an import) and the configuration leaves the value unset, " +
		"the value stays null instead of taking the default."
}

func (m priorNullOverDefaultModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m priorNullOverDefaultModifier) PlanModifyInt64(_ context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // a create, where the Default applies, or a destroy
	}
	if req.StateValue.IsNull() && req.ConfigValue.IsNull() {
		resp.PlanValue = types.Int64Null()
	}
}
