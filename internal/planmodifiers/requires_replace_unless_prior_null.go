package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// requiresReplaceUnlessPriorNullDescription is the description of both modifiers below.
const requiresReplaceUnlessPriorNullDescription = "Changing the value replaces the resource, unless the prior value is null " +
	"(such as after an import), in which case the configured value is adopted in place."

// Int64RequiresReplaceUnlessPriorNull replaces the resource when the value changes, except when the
// value in the prior state is null. An attribute the API does not report (a Terraform-only setting)
// is null after an import, or when it cannot be recovered from what the API reports; the object
// already is what the configuration asks for, so adopting the configured value is no change, and
// replacing the object would destroy it for nothing.
func Int64RequiresReplaceUnlessPriorNull() planmodifier.Int64 {
	return int64planmodifier.RequiresReplaceIf(priorInt64NotNull,
		requiresReplaceUnlessPriorNullDescription, requiresReplaceUnlessPriorNullDescription)
}

// MapRequiresReplaceUnlessPriorNull is Int64RequiresReplaceUnlessPriorNull for maps, such as
// keepers: setting them on an object that had none adopts them, any later change replaces it.
func MapRequiresReplaceUnlessPriorNull() planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(priorMapNotNull,
		requiresReplaceUnlessPriorNullDescription, requiresReplaceUnlessPriorNullDescription)
}

// priorInt64NotNull asks for a replacement when the prior state value is not null; the framework
// calls it only for an update whose planned value differs from the prior one.
func priorInt64NotNull(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}

// priorMapNotNull is priorInt64NotNull for maps.
func priorMapNotNull(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}
