package provider

import (
	"context"
	"strings"
	"testing"
	"time"

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

// apiKeyModel is the state of the API key id named name, with this role and validity, before a
// read fills in the rest.
func apiKeyModel(id, name, role string, months int64) apiKeyResourceModel {
	return apiKeyResourceModel{
		ID: types.StringValue(id), Name: types.StringValue(name), NamePrefix: types.StringNull(), Role: types.StringValue(role),
		Description: types.StringValue(""), Enabled: types.BoolValue(true), ExpiresInMonths: types.Int64Value(months),
		RotateBefore: timetypes.NewGoDurationNull(), Keepers: types.MapNull(types.StringType), Value: types.StringNull(),
		ExpiresAt: timetypes.NewRFC3339Null(), LastUsedAt: timetypes.NewRFC3339Null(), CreatedAt: timetypes.NewRFC3339Null(),
	}
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
		return apiKeyModel(key.ID, key.Name, role, 12)
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

// TestAPIKey_planReplacementRoleRenamedOutside plans an expired API key whose role was renamed
// outside this configuration, which still names the old name. Terraform plans the replacement
// twice: as a change of the key, which warns that the key holds the role now named so, and as the
// creation of its successor, with the private state of the first plan. The second plan's error
// says the same, where it used to say only "Did you mean", and leaves out the note on a role new
// keys may not have, which the role renamed is not.
func TestAPIKey_planReplacementRoleRenamedOutside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create a role that API keys may have")
	before, after := e.name("team-analyst"), e.name("team-analyst-v2")
	role := e.createRole(client.RoleCreate{Name: before, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	key := e.createAPIKey(client.APIKeyCreate{Name: e.name("k_str"), Role: before, MonthsToExpiration: pointerTo[int64](1)})
	if err := e.API.UpdateRole(ctx, role.ID, "", client.RolePatch{Name: &after}); err != nil {
		t.Fatal(err)
	}
	e.AdvanceClock(32 * 24 * time.Hour)
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}

	r := &apiKeyResource{}
	prior := apiKeyModel(key.ID, key.Name, before, 1)
	_, update := refreshAndPlan(t, newProviderData(api), r, prior, func(m apiKeyResourceModel) apiKeyResourceModel {
		m.Role = types.StringValue(before)
		return m
	})
	if update.Diagnostics.HasError() || len(update.RequiresReplace) == 0 {
		t.Fatalf("the plan of the key: diagnostics %v, replacement %v; want it replaced, with warnings", update.Diagnostics, update.RequiresReplace)
	}

	successor := prior
	successor.ID, successor.Value, successor.ExpiresAt = types.StringUnknown(), types.StringUnknown(), timetypes.NewRFC3339Unknown()
	successor.LastUsedAt, successor.CreatedAt = timetypes.NewRFC3339Unknown(), timetypes.NewRFC3339Unknown()
	create := modifyPlanWith(t, r, nil, successor, successor, func(req *fwresource.ModifyPlanRequest, resp *fwresource.ModifyPlanResponse) {
		req.Private, resp.Private = update.Private, update.Private
	})
	errs := create.Diagnostics.Errors()
	if len(errs) != 1 || errs[0].Summary() != roleNotFoundSummary {
		t.Fatalf("the plan of the successor: %v; want one error %s", create.Diagnostics, roleNotFoundSummary)
	}
	detail := errs[0].Detail()
	if !regexpText(`The API key holds the role now named "`+after+`"`, `no role named "`+before+`" exists`, `set role = "`+after+`"`).MatchString(detail) {
		t.Errorf("the error does not say that the key holds the role now named %q:\n%s", after, detail)
	}
	for _, text := range []string{"Did you mean", "a new key cannot be given it"} {
		if strings.Contains(detail, text) {
			t.Errorf("the error says %q:\n%s", text, detail)
		}
	}
}

// TestAPIKey_updateForgetsRoleRename moves an API key, whose private state records that its role
// was renamed outside this configuration, to another role: once the key has the role written, the
// rename is none of its business any more, and the private state forgets it, so that a later plan
// that gives the key a role of the old name (a new role, say) is not told that the key holds the
// role renamed.
func TestAPIKey_updateForgetsRoleRename(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, emulator.Options{})
	e.requireMasterAdministrator("create roles that API keys may have")
	renamed, next := e.name("team-analyst-v2"), e.name("team-auditor")
	for _, name := range []string{renamed, next} {
		e.createRole(client.RoleCreate{Name: name, PermissionKeys: rolePermissionKeys(t, e, 1), AllowAPIKeyAssignment: true})
	}
	key := e.createAPIKey(client.APIKeyCreate{Name: e.name("k_str"), Role: renamed})
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := &apiKeyResource{}
	r.Configure(ctx, fwresource.ConfigureRequest{ProviderData: newProviderData(api)}, &fwresource.ConfigureResponse{})
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	holding := func(m apiKeyResourceModel) tftypes.Value {
		state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
		if diags := state.Set(ctx, &m); diags.HasError() {
			t.Fatal(diags)
		}
		return state.Raw
	}
	state := apiKeyModel(key.ID, key.Name, renamed, 12)
	got, _ := r.data.client.GetAPIKey(ctx, key.ID)
	state.readFromAPI(got)
	plan := state
	plan.Role = types.StringValue(next)

	resp := withPrivateState(&fwresource.UpdateResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: holding(state)}})
	if diags := setPrivate(ctx, resp.Private, privateRoleRenamedKey, roleRename{From: e.name("team-analyst"), To: renamed}); diags.HasError() {
		t.Fatal(diags)
	}
	r.Update(ctx, fwresource.UpdateRequest{
		Plan: tfsdk.Plan{Schema: schemaResp.Schema, Raw: holding(plan)}, State: tfsdk.State{Schema: schemaResp.Schema, Raw: holding(state)},
		Private: resp.Private,
	}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if recorded, _, err := getPrivate[roleRename](ctx, resp.Private, privateRoleRenamedKey); err != nil || recorded != (roleRename{}) {
		t.Errorf("after the key was given the role %q, the private state records the rename %+v (%v), want none", next, recorded, err)
	}
}
