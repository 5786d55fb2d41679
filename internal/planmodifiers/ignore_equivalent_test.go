package planmodifiers

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestIgnoreEquivalentChange(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		state, plan, want types.String
	}{
		"case only":           {state: types.StringValue("a@example.com"), plan: types.StringValue("A@Example.com"), want: types.StringValue("a@example.com")},
		"same":                {state: types.StringValue("a@example.com"), plan: types.StringValue("a@example.com"), want: types.StringValue("a@example.com")},
		"different":           {state: types.StringValue("a@example.com"), plan: types.StringValue("b@example.com"), want: types.StringValue("b@example.com")},
		"create":              {state: types.StringNull(), plan: types.StringValue("A@example.com"), want: types.StringValue("A@example.com")},
		"unknown plan":        {state: types.StringValue("a@example.com"), plan: types.StringUnknown(), want: types.StringUnknown()},
		"destroy":             {state: types.StringValue("a@example.com"), plan: types.StringNull(), want: types.StringNull()},
		"non-ASCII case only": {state: types.StringValue("zoë@example.com"), plan: types.StringValue("ZOË@example.com"), want: types.StringValue("zoë@example.com")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.StringRequest{StateValue: tc.state, PlanValue: tc.plan, ConfigValue: tc.plan}
			resp := &planmodifier.StringResponse{PlanValue: tc.plan}
			IgnoreEquivalentChange("case", strings.EqualFold).PlanModifyString(context.Background(), req, resp)
			if !resp.PlanValue.Equal(tc.want) {
				t.Errorf("got %s, want %s", resp.PlanValue, tc.want)
			}
		})
	}
}
