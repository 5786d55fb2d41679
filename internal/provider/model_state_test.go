package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func accountSchemaForTest(t *testing.T) resource.SchemaResponse {
	t.Helper()
	var resp resource.SchemaResponse
	(&accountResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("account schema: %v", resp.Diagnostics)
	}
	return resp
}

func testAccountModel(role string) accountResourceModel {
	const email = "a@example.com"
	return accountResourceModel{
		ID:          types.StringValue("id-" + email),
		Email:       types.StringValue(email),
		AuthType:    types.StringValue("local"),
		Role:        types.StringValue(role),
		Description: types.StringValue(""),
		Enabled:     types.BoolValue(true),
		Status:      types.StringValue("enabled"),
		Name:        types.StringValue("a"),
	}
}

func accountStateHolding(t *testing.T, m accountResourceModel) tfsdk.State {
	t.Helper()
	s := accountSchemaForTest(t).Schema
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(context.Background()), nil)}
	if diags := state.Set(context.Background(), &m); diags.HasError() {
		t.Fatalf("setting the state: %v", diags)
	}
	return state
}

func TestSetStateIfChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	held := testAccountModel("Auditor")
	refreshed := testAccountModel("Analyst")

	// The state holds "held"; a prior equal to the new model means the state already holds it, so
	// nothing is written (which a state holding something else makes visible).
	state := accountStateHolding(t, held)
	same := refreshed
	if diags := setStateIfChanged(ctx, &state, &same, &refreshed); diags.HasError() {
		t.Fatal(diags)
	}
	if !state.Raw.Equal(accountStateHolding(t, held).Raw) {
		t.Error("an unchanged model was written into the state")
	}

	for name, prior := range map[string]*accountResourceModel{"changed": &held, "no prior": nil} {
		state := accountStateHolding(t, held)
		if diags := setStateIfChanged(ctx, &state, prior, &refreshed); diags.HasError() {
			t.Fatal(diags)
		}
		var got accountResourceModel
		if diags := state.Get(ctx, &got); diags.HasError() {
			t.Fatal(diags)
		}
		if got.Role.ValueString() != "Analyst" {
			t.Errorf("%s: the state holds role %s, want the refreshed Analyst", name, got.Role)
		}
	}
}

func TestModifyPlanModels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := accountSchemaForTest(t).Schema
	planOf := func(st tfsdk.State) tfsdk.Plan { return tfsdk.Plan(st) }
	current := accountStateHolding(t, testAccountModel("Auditor"))
	changed := accountStateHolding(t, testAccountModel("Analyst"))
	null := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}

	tests := map[string]struct {
		plan, state   tfsdk.State
		wantPlanRole  string
		wantState     bool
		wantStateRole string
	}{
		"create":    {plan: changed, state: null, wantPlanRole: "Analyst"},
		"no change": {plan: current, state: current, wantPlanRole: "Auditor", wantState: true, wantStateRole: "Auditor"},
		"update":    {plan: changed, state: current, wantPlanRole: "Analyst", wantState: true, wantStateRole: "Auditor"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plan, state, diags := modifyPlanModels[accountResourceModel](ctx, resource.ModifyPlanRequest{Plan: planOf(tc.plan), State: tc.state})
			if diags.HasError() {
				t.Fatal(diags)
			}
			if got := plan.Role.ValueString(); got != tc.wantPlanRole {
				t.Errorf("plan role = %q, want %q", got, tc.wantPlanRole)
			}
			if (state != nil) != tc.wantState {
				t.Fatalf("state returned = %t, want %t", state != nil, tc.wantState)
			}
			if state != nil && state.Role.ValueString() != tc.wantStateRole {
				t.Errorf("state role = %q, want %q", state.Role.ValueString(), tc.wantStateRole)
			}
			if state != nil {
				// The plan is a copy: changing it must not change the prior state.
				plan.Role = types.StringValue("changed")
				if state.Role.ValueString() == "changed" {
					t.Error("the plan and the state share storage")
				}
			}
		})
	}
}
