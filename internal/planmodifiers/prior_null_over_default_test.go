package planmodifiers

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestInt64PriorNullOverDefault(t *testing.T) {
	t.Parallel()
	// The framework has already put the Default (12) into the plan of an unset value.
	defaulted := types.Int64Value(12)
	tests := map[string]struct {
		state, config, plan types.Int64
		stateRaw, planRaw   tftypes.Value
		want                types.Int64
	}{
		"prior null, unset":          {state: types.Int64Null(), config: types.Int64Null(), plan: defaulted, want: types.Int64Null()},
		"prior null, configured":     {state: types.Int64Null(), config: types.Int64Value(3), plan: types.Int64Value(3), want: types.Int64Value(3)},
		"prior null, config unknown": {state: types.Int64Null(), config: types.Int64Unknown(), plan: types.Int64Unknown(), want: types.Int64Unknown()},
		"prior known, unset":         {state: types.Int64Value(3), config: types.Int64Null(), plan: defaulted, want: defaulted},
		"prior known, configured":    {state: types.Int64Value(3), config: types.Int64Value(6), plan: types.Int64Value(6), want: types.Int64Value(6)},
		"create":                     {state: types.Int64Null(), config: types.Int64Null(), plan: defaulted, stateRaw: absent, want: defaulted},
		"destroy":                    {state: types.Int64Null(), config: types.Int64Null(), plan: types.Int64Null(), planRaw: absent, want: types.Int64Null()},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.Int64Request{
				StateValue: tc.state, ConfigValue: tc.config, PlanValue: tc.plan,
				State: tfsdk.State{Raw: rawOr(tc.stateRaw)}, Plan: tfsdk.Plan{Raw: rawOr(tc.planRaw)},
			}
			resp := &planmodifier.Int64Response{PlanValue: tc.plan}
			Int64PriorNullOverDefault().PlanModifyInt64(context.Background(), req, resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if !resp.PlanValue.Equal(tc.want) {
				t.Errorf("planned %s, want %s", resp.PlanValue, tc.want)
			}
		})
	}
}
