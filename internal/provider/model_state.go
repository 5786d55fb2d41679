package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Decoding a plan or state into a model struct, and encoding one into state, walks every
// attribute by reflection, and the framework compiles a regular expression for every struct field
// on each walk. A no-change plan would do that four or five times per resource (BENCHMARKS.md), so
// the helpers below skip the walks whose result is already known.

// setStateIfChanged writes model into state unless it is deeply equal to prior, the model read from
// that same state. A Read's response state starts as the prior state, so an object unchanged since
// the last refresh needs no write. A nil prior always writes.
func setStateIfChanged[M any](ctx context.Context, state *tfsdk.State, prior, model *M) diag.Diagnostics {
	if prior != nil && reflect.DeepEqual(*prior, *model) {
		return nil
	}
	return state.Set(ctx, model)
}

// modifyPlanModels decodes a ModifyPlan request's plan and prior state, state being nil when the
// resource is being created. A plan equal to its prior state, as every unchanged resource's is, is
// decoded once.
func modifyPlanModels[M any](ctx context.Context, req resource.ModifyPlanRequest) (plan M, state *M, diags diag.Diagnostics) {
	if !req.State.Raw.IsNull() {
		state = new(M)
		diags.Append(req.State.Get(ctx, state)...)
		if req.Plan.Raw.Equal(req.State.Raw) {
			return *state, state, diags
		}
	}
	diags.Append(req.Plan.Get(ctx, &plan)...)
	return plan, state, diags
}
