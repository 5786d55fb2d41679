package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// refreshAndPlan does what terraform plan does with an object of r whose state is prior: it reads
// the object (the refresh), in the provider process data, and then plans it from what the read
// found to what planned makes of that, with the read's private state, and returns the read model
// and the plan's response.
func refreshAndPlan[M any](t *testing.T, data *providerData, r interface {
	fwresource.ResourceWithModifyPlan
	fwresource.ResourceWithConfigure
}, prior M, planned func(M) M,
) (M, *fwresource.ModifyPlanResponse) {
	t.Helper()
	ctx := context.Background()
	r.Configure(ctx, fwresource.ConfigureRequest{ProviderData: data}, &fwresource.ConfigureResponse{})
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, &prior); diags.HasError() {
		t.Fatal(diags)
	}
	readResp := withPrivateState(&fwresource.ReadResponse{State: state})
	r.Read(ctx, fwresource.ReadRequest{State: state}, readResp)
	var refreshed M
	readResp.Diagnostics.Append(readResp.State.Get(ctx, &refreshed)...)
	if readResp.Diagnostics.HasError() {
		t.Fatal(readResp.Diagnostics)
	}
	plannedModel := planned(refreshed)
	return refreshed, modifyPlanWith(t, r, &refreshed, plannedModel, plannedModel,
		func(req *fwresource.ModifyPlanRequest, resp *fwresource.ModifyPlanResponse) {
			// The framework plans with the private state of the refresh.
			req.Private, resp.Private = readResp.Private, readResp.Private
		})
}

// TestHolders_planRoleRenamedOutside plans, after a refresh, the API keys and accounts of a
// configuration that names their role by a literal name, "team-analyst", which another
// configuration (or the console) renamed to "team-analyst-v2": the refresh finds each holder with
// the new name, and no role has the old one. The warning Role Not Found leads with that: the holder
// has the role now named "team-analyst-v2", and the configuration is to name it so; it used to say
// only "Did you mean", with advice for a role that this configuration creates or renames itself.
// An invited account, to which Vision One accepts no change for now, gets the same warning and no
// Account Change Deferred, whose "the first apply after that applies it" a role that does not
// exist belied. A role name mistyped in the configuration of a holder whose role did not change
// keeps the warning as it was: nothing was renamed; so does a holder whose role this run renames
// back.
func TestHolders_planRoleRenamedOutside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role that API keys and accounts may have, and invite accounts")
	before, after := e.name("team-analyst"), e.name("team-analyst-v2")
	role := e.createRole(client.RoleCreate{Name: before, PermissionKeys: rolePermissionKeys(t, e, 1),
		AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	key := e.createAPIKey(client.APIKeyCreate{Name: e.name("k_str"), Role: before})
	invited := e.inviteAccount(client.AccountInvite{Email: e.email("invited"), Role: before, AuthType: client.AuthTypeLocal})
	activeInvite := e.inviteAccount(client.AccountInvite{Email: e.email("active"), Role: before, AuthType: client.AuthTypeLocal})
	activeID, err := e.AcceptInvitation(activeInvite.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{Name: &after}); err != nil {
		t.Fatal(err)
	}
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}

	renamedAdvice := []string{`no role named "` + before + `" exists`, `holds the role now named "` + after + `"`,
		"renamed outside this configuration, in the console or by the configuration that manages it",
		`set role = "` + after + `"`, `data "visionone_user_role"`, `id = "` + role.ID + `"`}
	// Advice only for a role that this configuration creates, or renamed since the plan.
	notAdvised := []string{"For a role created by this configuration", "run terraform plan again", "Did you mean"}
	expectAdvice := func(t *testing.T, resp *fwresource.ModifyPlanResponse, want, not []string) {
		t.Helper()
		expectOneWarning(t, resp.Diagnostics, "Role Not Found", want...)
		for _, text := range not {
			if strings.Contains(resp.Diagnostics.Warnings()[0].Detail(), text) {
				t.Errorf("the warning says %q:\n%s", text, resp.Diagnostics.Warnings()[0].Detail())
			}
		}
	}

	apiKey := func(role string) apiKeyResourceModel {
		return apiKeyResourceModel{
			ID: types.StringValue(key.ID), Name: types.StringValue(key.Name), NamePrefix: types.StringNull(), Role: types.StringValue(role),
			Description: types.StringValue(""), Enabled: types.BoolValue(true), ExpiresInMonths: types.Int64Value(12),
			RotateBefore: timetypes.NewGoDurationNull(), Keepers: types.MapNull(types.StringType), Value: types.StringNull(),
			ExpiresAt: timetypes.NewRFC3339Null(), LastUsedAt: timetypes.NewRFC3339Null(), CreatedAt: timetypes.NewRFC3339Null(),
		}
	}
	account := func(id, email, status, role string) accountResourceModel {
		return accountResourceModel{
			ID: types.StringValue(id), Email: types.StringValue(email), AuthType: types.StringValue(client.AuthTypeLocal),
			Role: types.StringValue(role), Description: types.StringValue(""), Enabled: types.BoolValue(true),
			Status: types.StringValue(status), Name: types.StringValue(""),
		}
	}
	naming := func(role string) func(accountResourceModel) accountResourceModel {
		return func(m accountResourceModel) accountResourceModel { m.Role = types.StringValue(role); return m }
	}

	t.Run("API key", func(t *testing.T) {
		refreshed, resp := refreshAndPlan(t, newProviderData(api), &apiKeyResource{}, apiKey(before), func(m apiKeyResourceModel) apiKeyResourceModel {
			m.Role = types.StringValue(before)
			return m
		})
		if refreshed.Role.ValueString() != after {
			t.Fatalf("the refresh read the role %s, want %q", refreshed.Role, after)
		}
		expectAdvice(t, resp, append(renamedAdvice, "The API key holds"), notAdvised)
	})
	t.Run("active account", func(t *testing.T) {
		_, resp := refreshAndPlan(t, newProviderData(api), &accountResource{}, account(activeID, activeInvite.Email, client.StatusEnabled, before), naming(before))
		expectAdvice(t, resp, append(renamedAdvice, "The user account holds"), notAdvised)
	})
	t.Run("invited account", func(t *testing.T) {
		refreshed, resp := refreshAndPlan(t, newProviderData(api), &accountResource{}, account(invited.ID, invited.Email, client.StatusInvited, before), naming(before))
		expectAdvice(t, resp, renamedAdvice, append(notAdvised, "Account Change Deferred", "the first apply after that applies it"))
		var got accountResourceModel
		if diags := resp.Plan.Get(ctx, &got); diags.HasError() {
			t.Fatal(diags)
		}
		if got.Role != refreshed.Role {
			t.Errorf("planned the role %s, want %s kept: Vision One accepts no change to the account for now", got.Role, refreshed.Role)
		}
	})
	t.Run("role renamed back by this run", func(t *testing.T) {
		// The configuration manages the role too, and its plan renames it back, which this process
		// knows of by the time it plans the key.
		data := newProviderData(api)
		data.roleReleases.planRename(role.ID, after, types.StringValue(before))
		_, resp := refreshAndPlan(t, data, &apiKeyResource{}, apiKey(before), func(m apiKeyResourceModel) apiKeyResourceModel {
			m.Role = types.StringValue(before)
			return m
		})
		expectAdvice(t, resp, []string{`No role named "` + before + `" exists`, "For a role created by this configuration"},
			[]string{"holds the role now named"})
	})
	t.Run("role mistyped", func(t *testing.T) {
		mistyped := after + "x"
		_, resp := refreshAndPlan(t, newProviderData(api), &apiKeyResource{}, apiKey(after), func(m apiKeyResourceModel) apiKeyResourceModel {
			m.Role = types.StringValue(mistyped)
			return m
		})
		expectAdvice(t, resp, []string{`No role named "` + mistyped + `" exists`, `Did you mean "` + after + `"`}, []string{"holds the role now named"})
	})
}
