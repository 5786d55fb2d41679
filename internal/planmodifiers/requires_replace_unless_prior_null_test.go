package planmodifiers

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// existing is a non-null state or plan: the framework's RequiresReplaceIf asks its function only
// for an update, with both present.
var existing = tftypes.NewValue(tftypes.String, "resource")

// absent is the null state of a create or the null plan of a destroy.
var absent = tftypes.NewValue(tftypes.String, nil)

func TestInt64RequiresReplaceUnlessPriorNull(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		state, plan  types.Int64
		stateRaw     tftypes.Value
		planRaw      tftypes.Value
		wantReplaced bool
	}{
		"changed":             {state: types.Int64Value(3), plan: types.Int64Value(6), wantReplaced: true},
		"unchanged":           {state: types.Int64Value(3), plan: types.Int64Value(3)},
		"prior null (import)": {state: types.Int64Null(), plan: types.Int64Value(6)},
		"planned unknown":     {state: types.Int64Value(3), plan: types.Int64Unknown(), wantReplaced: true},
		"create":              {state: types.Int64Null(), plan: types.Int64Value(6), stateRaw: absent},
		"destroy":             {state: types.Int64Value(3), plan: types.Int64Null(), planRaw: absent},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.Int64Request{
				StateValue: tc.state, PlanValue: tc.plan, ConfigValue: tc.plan,
				State: tfsdk.State{Raw: rawOr(tc.stateRaw)}, Plan: tfsdk.Plan{Raw: rawOr(tc.planRaw)},
			}
			resp := &planmodifier.Int64Response{PlanValue: tc.plan}
			Int64RequiresReplaceUnlessPriorNull().PlanModifyInt64(context.Background(), req, resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if resp.RequiresReplace != tc.wantReplaced {
				t.Errorf("RequiresReplace = %t, want %t", resp.RequiresReplace, tc.wantReplaced)
			}
		})
	}
}

func TestMapRequiresReplaceUnlessPriorNull(t *testing.T) {
	t.Parallel()
	keepers := func(v string) types.Map {
		return types.MapValueMust(types.StringType, map[string]attr.Value{"rotation": types.StringValue(v)})
	}
	tests := map[string]struct {
		state, plan  types.Map
		stateRaw     tftypes.Value
		wantReplaced bool
	}{
		"changed":             {state: keepers("1"), plan: keepers("2"), wantReplaced: true},
		"removed":             {state: keepers("1"), plan: types.MapNull(types.StringType), wantReplaced: true},
		"unchanged":           {state: keepers("1"), plan: keepers("1")},
		"prior null (import)": {state: types.MapNull(types.StringType), plan: keepers("1")},
		"create":              {state: types.MapNull(types.StringType), plan: keepers("1"), stateRaw: absent},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.MapRequest{
				StateValue: tc.state, PlanValue: tc.plan, ConfigValue: tc.plan,
				State: tfsdk.State{Raw: rawOr(tc.stateRaw)}, Plan: tfsdk.Plan{Raw: existing},
			}
			resp := &planmodifier.MapResponse{PlanValue: tc.plan}
			MapRequiresReplaceUnlessPriorNull().PlanModifyMap(context.Background(), req, resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if resp.RequiresReplace != tc.wantReplaced {
				t.Errorf("RequiresReplace = %t, want %t", resp.RequiresReplace, tc.wantReplaced)
			}
		})
	}
}

// rawOr is raw, or existing when raw is the zero value.
func rawOr(raw tftypes.Value) tftypes.Value {
	if raw.Type() == nil {
		return existing
	}
	return raw
}
