package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

func TestUserRoleModelToAPIPatch(t *testing.T) {
	t.Parallel()
	state := userRoleModel{
		Name:                       types.StringValue("auditors"),
		Description:                types.StringValue(""),
		Permissions:                types.SetValueMust(types.StringType, []attr.Value{types.StringValue("a.view")}),
		AllowAPIKeyAssignment:      types.BoolValue(true),
		AllowUserAccountAssignment: types.BoolValue(true),
	}
	tests := map[string]struct {
		change func(m *userRoleModel)
		want   client.RolePatch
	}{
		"nothing changed sends nothing": {
			change: func(*userRoleModel) {},
			want:   client.RolePatch{},
		},
		"rename": {
			change: func(m *userRoleModel) { m.Name = types.StringValue("auditors (external)") },
			want:   client.RolePatch{Name: pointerTo("auditors (external)")},
		},
		"description": {
			change: func(m *userRoleModel) {
				m.Description = types.StringValue("x")
			},
			want: client.RolePatch{Description: pointerTo("x")},
		},
		"permissions are sent whole": {
			change: func(m *userRoleModel) {
				m.Permissions = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("a.view"), types.StringValue("b.view")})
			},
			want: client.RolePatch{PermissionKeys: &[]string{"a.view", "b.view"}},
		},
		"no permissions left is sent as an empty list": {
			change: func(m *userRoleModel) { m.Permissions = types.SetValueMust(types.StringType, nil) },
			want:   client.RolePatch{PermissionKeys: &[]string{}},
		},
		"a flag turned off is sent as false": {
			change: func(m *userRoleModel) { m.AllowAPIKeyAssignment = types.BoolValue(false) },
			want:   client.RolePatch{AllowAPIKeyAssignment: pointerTo(false)},
		},
		"the other flag": {
			change: func(m *userRoleModel) { m.AllowUserAccountAssignment = types.BoolValue(false) },
			want:   client.RolePatch{AllowUserAccountAssignment: pointerTo(false)},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plan := state
			tc.change(&plan)
			if diff := cmp.Diff(tc.want, plan.toAPIPatch(state)); diff != "" {
				t.Errorf("toAPIPatch mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOrList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		values []string
		want   string
	}{
		{[]string{"a"}, `"a"`},
		{[]string{"a", "b"}, `"a" or "b"`},
		{[]string{"a", "b", "c"}, `"a", "b" or "c"`},
	} {
		if got := orList(tc.values); got != tc.want {
			t.Errorf("orList(%v) = %s, want %s", tc.values, got, tc.want)
		}
	}
}

// TestUserRole_readDeletedOutsideWarns drives the provider the way Terraform's refresh does
// (ConfigureProvider, then ReadResource over the plugin protocol) for a role deleted in the
// emulator, and checks what an acceptance test cannot see: the warning that explains the planned
// re-creation, next to the removal from state.
func TestUserRole_readDeletedOutsideWarns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, emulator.Options{})
	keys := rolePermissionKeys(t, e, 1)
	role, err := e.API.CreateRole(ctx, client.RoleCreate{Name: "auditors", PermissionKeys: keys})
	if err != nil {
		t.Fatalf("creating a role in the emulator: %v", err)
	}
	if err := e.API.DeleteRole(ctx, role.ID); err != nil {
		t.Fatalf("deleting the role in the emulator: %v", err)
	}

	server, err := testAccProtoV6ProviderFactories["visionone"]()
	if err != nil {
		t.Fatal(err)
	}
	var providerSchema provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &providerSchema)
	config := dynamicValue(t, providerSchema.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		"api_key":  tftypes.NewValue(tftypes.String, e.AdminKey()),
		"endpoint": tftypes.NewValue(tftypes.String, e.URL),
	})
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config})
	if err != nil || len(configured.Diagnostics) != 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}

	var roleSchema resource.SchemaResponse
	NewUserRoleResource().Schema(ctx, resource.SchemaRequest{}, &roleSchema)
	state := dynamicValue(t, roleSchema.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		"id":                            tftypes.NewValue(tftypes.String, role.ID),
		"name":                          tftypes.NewValue(tftypes.String, role.Name),
		"description":                   tftypes.NewValue(tftypes.String, ""),
		"permissions":                   tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, keys[0])}),
		"allow_api_key_assignment":      tftypes.NewValue(tftypes.Bool, true),
		"allow_user_account_assignment": tftypes.NewValue(tftypes.Bool, true),
		"type":                          tftypes.NewValue(tftypes.String, client.RoleTypeCustom),
	})
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "visionone_user_role", CurrentState: &state})
	if err != nil {
		t.Fatal(err)
	}

	if len(read.Diagnostics) != 1 || read.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		read.Diagnostics[0].Summary != "User Role Deleted Outside Terraform" ||
		!strings.Contains(read.Diagnostics[0].Detail, fmt.Sprintf(`The user role "auditors" (id %s) no longer exists`, role.ID)) ||
		!strings.Contains(read.Diagnostics[0].Detail, "a plan with it in the configuration creates it again") {
		t.Errorf("want one warning that the role was deleted outside Terraform, got %+v", read.Diagnostics)
	}
	newState, err := read.NewState.Unmarshal(roleSchema.Schema.Type().TerraformType(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if !newState.IsNull() {
		t.Errorf("the role must be removed from state, got %v", newState)
	}
}

// TestUserRole_unreadableDateWarns reads a role whose lastUpdatedDateTime the API writes in
// a form nobody documents: the role is read, last_updated_at is null, and a warning names the field
// and the value sent (which an acceptance test cannot see).
func TestUserRole_unreadableDateWarns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	odd := &hostileAnswer{passThrough: true, match: matchRequest(http.MethodGet, roleByID), rewrite: replaceField("lastUpdatedDateTime", "1738836000")}
	odd.armed.Store(true)
	e := startEmulatorBehind(t, odd.wrap)
	name := e.name("dated")
	role := e.createRole(client.RoleCreate{Name: name, PermissionKeys: rolePermissionKeys(t, e, 1)})
	r, _ := roleResource(t, e)
	state := roleState(ctx, t, r, role)

	resp := withPrivateState(&resource.ReadResponse{State: state})
	r.Read(ctx, resource.ReadRequest{State: state}, resp)
	warnings := resp.Diagnostics.Warnings()
	if resp.Diagnostics.HasError() || len(warnings) != 1 || warnings[0].Summary() != "Unreadable Value From the API" ||
		!strings.Contains(warnings[0].Detail(), fmt.Sprintf(`User role %s (%q): Vision One sent lastUpdatedDateTime as 1738836000`, role.ID, name)) ||
		!strings.Contains(warnings[0].Detail(), "last_updated_at is null") {
		t.Fatalf("want one warning naming lastUpdatedDateTime, got %v", resp.Diagnostics)
	}
	var read userRoleModel
	resp.State.Get(ctx, &read)
	if !read.LastUpdatedAt.IsNull() || read.Name.ValueString() != name {
		t.Errorf("read name %s, last_updated_at %s; want the role with a null last_updated_at", read.Name, read.LastUpdatedAt)
	}
}

// roleState is the state of r that holds role, as a read of it writes it.
func roleState(ctx context.Context, t *testing.T, r *userRoleResource, role *client.Role) tfsdk.State {
	t.Helper()
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	var model userRoleModel
	diags := model.readFromAPI(ctx, role)
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	diags.Append(state.Set(ctx, &model)...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return state
}

// roleResource is a user role resource whose client reaches the emulator e as the provider's does
// (behind its proxy, if any), and that client.
func roleResource(t *testing.T, e *testEmulator) (*userRoleResource, *client.Client) {
	t.Helper()
	api, err := client.New(client.Config{Endpoint: e.URL, APIKey: e.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &userRoleResource{data: newProviderData(api)}, api
}

// roleWithHolders creates in e a role that API keys and accounts may have, and an API key and an
// account that have it.
func roleWithHolders(t *testing.T, e *testEmulator) (*client.Role, *client.CreatedAPIKey, *client.Account) {
	t.Helper()
	e.requireMasterAdministrator("create a role that keys and accounts may have, and invite an account")
	role := e.createRole(client.RoleCreate{Name: e.name("held"), PermissionKeys: rolePermissionKeys(t, e, 1),
		AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	key := e.createAPIKey(client.APIKeyCreate{Name: e.name("holder"), Role: role.Name})
	account := e.inviteAccount(client.AccountInvite{Email: e.email("holder"), Role: role.Name, AuthType: client.AuthTypeLocal})
	return role, key, account
}

// expectRoleDeletedAfterRefusal checks that the delete of role that resp answers succeeded, that the
// role is gone, and that order saw Vision One refuse its first delete.
func expectRoleDeletedAfterRefusal(ctx context.Context, t *testing.T, e *testEmulator, order *rolesFirst, role *client.Role,
	resp *resource.DeleteResponse,
) {
	t.Helper()
	if resp.Diagnostics.HasError() {
		t.Fatalf("the role's delete: %v", resp.Diagnostics)
	}
	if _, err := e.API.GetRole(ctx, role.ID); !client.IsNotFound(err) {
		t.Errorf("the role is not gone: %v", err)
	}
	if err := order.refusedFirst(true); err != nil {
		t.Error(err)
	}
}

// dynamicValue builds a protocol value of an object type from the given attributes; the others
// are null.
func dynamicValue(t *testing.T, typ tftypes.Type, attributes map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	object, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("dynamicValue needs an object type, got %s", typ)
	}
	values := make(map[string]tftypes.Value, len(object.AttributeTypes))
	for name, attributeType := range object.AttributeTypes {
		if v, ok := attributes[name]; ok {
			values[name] = v
		} else {
			values[name] = tftypes.NewValue(attributeType, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(object, tftypes.NewValue(object, values))
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

// TestUserRole_deleteRefused: a refused delete of a role is "User Role In Use", with the advice to
// give its holders another role, or, when this run deletes them and their deletes had not begun
// within the wait, to run the command again and refer to the role, only when the provider found
// holders or the answer says that the role is in use. Vision One refuses other deletes too (a role migrated from another Trend
// product): those keep Vision One's message and say what to do about a role it keeps.
func TestUserRole_deleteRefused(t *testing.T) {
	t.Parallel()
	const (
		migrated     = `{"error":{"code":"BadRequest","message":"Roles migrated from Cloud One Workload Security cannot be deleted."}}`
		saysInUse    = `{"error":{"code":"BadRequest","message":"The role cannot be deleted.","innererror":{"code":"ItemInUse"}}}`
		saysNothing  = `{"error":{"code":"BadRequest","message":"Bad request."}}`
		inUseSummary = "User Role In Use"
		reassign     = "give them another role"
		notBegun     = "may not have begun within the wait (as with a low -parallelism): run the command again"
		refer        = "refer to the role (role = visionone_user_role.<name>.name) so that Terraform deletes them first"
	)
	tests := map[string]struct {
		answer  string // what Vision One answers the delete; "" for the emulator's own answer
		held    bool   // whether an API key has the role
		invited bool   // whether an invitation not accepted yet has the role
		name    string // the role's name, after the test's prefix; "refused" unless set
		summary string
		want    []string
		notWant []string
	}{
		"refused for another reason": {answer: migrated, summary: "Error Deleting User Role",
			want: []string{"400 BadRequest: Roles migrated from Cloud One Workload Security cannot be deleted.",
				"Vision One refused to delete the object: its message above says why", "`removed` block"},
			notWant: []string{inUseSummary, reassign, "correct", notBegun, refer}},
		"said to be in use, no holder found": {answer: saysInUse, summary: inUseSummary,
			want: []string{"ItemInUse", reassign, notBegun, refer}, notWant: []string{"still assigned to"}},
		"held, as the emulator says": {held: true, summary: inUseSummary,
			want: []string{"still assigned to the API key", reassign, notBegun, refer}, notWant: []string{"lets no API request"}},
		"held, refused without a reason": {answer: saysNothing, held: true, summary: inUseSummary,
			want: []string{"still assigned to the API key", "Bad request.", reassign}},
		// The keys of the role are then found in the whole listing, not by the API's filter.
		"held, a name the filter cannot take": {held: true, name: "l'équipe", summary: inUseSummary,
			want: []string{"still assigned to the API key", reassign}},
		// No configuration can give a pending invitation another role: the console can, later.
		"held by an invitation": {invited: true, summary: inUseSummary,
			want: []string{"an invitation not accepted yet", reassign, "lets no API request change the role",
				"change their role in the console", "moved block"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			refusal := &hostileAnswer{match: matchRequest(http.MethodDelete, roleByID),
				rewrite: answerWith(http.StatusBadRequest, "application/json", tc.answer)}
			refusal.armed.Store(tc.answer != "")
			e := startEmulatorBehind(t, refusal.wrap)
			e.requireEmulator("a refused delete")
			name := "refused"
			if tc.name != "" {
				name = tc.name
			}
			role := e.createRole(client.RoleCreate{Name: e.name(name), PermissionKeys: rolePermissionKeys(t, e, 1),
				AllowAPIKeyAssignment: tc.held, AllowUserAccountAssignment: tc.invited})
			if tc.held {
				e.createAPIKey(client.APIKeyCreate{Name: e.name("holder"), Role: role.Name})
			}
			if tc.invited {
				e.inviteAccount(client.AccountInvite{Email: e.email("invited"), Role: role.Name, AuthType: client.AuthTypeLocal})
			}
			r, _ := roleResource(t, e)
			// The holder is not this run's: its delete never begins, and the role's delete need not
			// wait for it the while an apply does.
			r.data.roleReleases.startLimit = time.Nanosecond
			state := roleState(ctx, t, r, role)

			resp := &resource.DeleteResponse{State: state}
			r.Delete(ctx, resource.DeleteRequest{State: state}, resp)
			errs := resp.Diagnostics.Errors()
			if len(errs) != 1 || errs[0].Summary() != tc.summary || !regexpText(tc.want...).MatchString(errs[0].Detail()) {
				t.Fatalf("diagnostics %v, want one error %q saying %q", resp.Diagnostics, tc.summary, tc.want)
			}
			for _, text := range tc.notWant {
				if strings.Contains(errs[0].Summary()+errs[0].Detail(), text) {
					t.Errorf("the error says %q:\n%s\n%s", text, errs[0].Summary(), errs[0].Detail())
				}
			}
		})
	}
}

// TestUserRole_deleteWaitsForHolders deletes a role that an account and an API key have, whose
// deletes this process records as an apply that deletes them does: the account's begun before the
// role's delete, the key's only once Vision One has refused it and the provider has listed the
// holders. The role's delete waits for both
// and deletes the role once they are gone; when the key's delete fails, it reports the role in use,
// naming the key alone, as the account is gone.
func TestUserRole_deleteWaitsForHolders(t *testing.T) {
	t.Parallel()
	for name, keyDeleted := range map[string]bool{"the holders are deleted": true, "the key's delete fails": false} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			order := newRolesFirst()
			e := startEmulatorBehind(t, order.wrap)
			role, key, account := roleWithHolders(t, e)
			email := account.Email
			r, _ := roleResource(t, e)
			state := roleState(ctx, t, r, role)

			// Recorded under its email in another case, which names the same account.
			endAccount := r.data.accountDeletes.beginDelete(accountDeleteKey(strings.ToUpper(email)), email)
			go func() {
				<-order.released
				endKey := r.data.keyReleases.beginDelete(key.ID, key.Name)
				if keyDeleted {
					if err := e.API.DeleteAPIKeys(ctx, key.ID); err != nil {
						t.Errorf("deleting the key: %v", err)
					}
				}
				endKey(keyDeleted)
				err := e.API.DeleteAccount(ctx, account.ID)
				if err != nil {
					t.Errorf("deleting the account: %v", err)
				}
				endAccount(err == nil)
			}()
			resp := &resource.DeleteResponse{State: state}
			r.Delete(ctx, resource.DeleteRequest{State: state}, resp)

			if keyDeleted {
				expectRoleDeletedAfterRefusal(ctx, t, e, order, role, resp)
				return
			}
			errs := resp.Diagnostics.Errors()
			want := regexpText("User Role In Use: ", fmt.Sprintf("still assigned to the API key %q (id %s): ", key.Name, key.ID))
			if len(errs) != 1 || !want.MatchString(errs[0].Summary()+": "+errs[0].Detail()) {
				t.Errorf("diagnostics %v, want one error naming the key alone", resp.Diagnostics)
			}
		})
	}
}

// TestUserRole_deleteAfterHoldersGone deletes a role whose holders, an account and an API key that
// this run deletes, are gone by the time the provider lists them, though they still had the role
// when Vision One refused its delete: their deletes ended in between, as they may when Terraform
// starts them together with the role's. The listing finds no holder, and the provider deletes the
// role again rather than report it in use.
func TestUserRole_deleteAfterHoldersGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	order := newHoldersGoneFirst(2)
	e := startEmulatorBehind(t, order.wrap)
	role, key, account := roleWithHolders(t, e)
	email := account.Email
	r, api := roleResource(t, e)
	state := roleState(ctx, t, r, role)

	// The holders' deletes begin with the role's, and reach Vision One once it has refused the
	// role's (the proxy holds them until then).
	endKey := r.data.keyReleases.beginDelete(key.ID, key.Name)
	endAccount := r.data.accountDeletes.beginDelete(accountDeleteKey(email), email)
	holdersDeleted := make(chan struct{})
	go func() {
		defer close(holdersDeleted)
		err := api.DeleteAPIKeys(ctx, key.ID)
		endKey(err == nil)
		if err != nil {
			t.Errorf("deleting the key: %v", err)
		}
		err = api.DeleteAccount(ctx, account.ID)
		endAccount(err == nil)
		if err != nil {
			t.Errorf("deleting the account: %v", err)
		}
	}()
	resp := &resource.DeleteResponse{State: state}
	r.Delete(ctx, resource.DeleteRequest{State: state}, resp)
	<-holdersDeleted
	expectRoleDeletedAfterRefusal(ctx, t, e, order, role, resp)
}

// TestUserRole_deleteAfterHolderLeaves deletes a role that two API keys have: this run deletes one
// and gives the other another role, which it does only once Vision One has refused the role's delete
// and the provider has listed the holders. No delete of the moved key begins, so the wait for it
// ends at the bound (a moment here), but the key has left the role by the time the deleted one is
// gone, and the provider deletes the role again rather than report the moved key as still having
// it.
func TestUserRole_deleteAfterHolderLeaves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	order := newRolesFirst()
	e := startEmulatorBehind(t, order.wrap)
	e.requireMasterAdministrator("create roles that keys may have")
	role := e.createRole(client.RoleCreate{Name: e.name("old"), PermissionKeys: rolePermissionKeys(t, e, 1),
		AllowAPIKeyAssignment: true})
	other := e.createRole(client.RoleCreate{Name: e.name("new"), PermissionKeys: rolePermissionKeys(t, e, 1),
		AllowAPIKeyAssignment: true})
	moved := e.createAPIKey(client.APIKeyCreate{Name: e.name("moved"), Role: role.Name})
	deleted := e.createAPIKey(client.APIKeyCreate{Name: e.name("deleted"), Role: role.Name})
	r, _ := roleResource(t, e)
	r.data.roleReleases.startLimit = time.Nanosecond
	state := roleState(ctx, t, r, role)

	// The deleted key's delete has begun, and ends only after the other key has left the role.
	endDeleted := r.data.keyReleases.beginDelete(deleted.ID, deleted.Name)
	go func() {
		<-order.released
		if err := e.API.UpdateAPIKey(ctx, moved.ID, "", client.APIKeyPatch{Role: &other.Name}); err != nil {
			t.Errorf("giving the key another role: %v", err)
		}
		err := e.API.DeleteAPIKeys(ctx, deleted.ID)
		if err != nil {
			t.Errorf("deleting the key: %v", err)
		}
		endDeleted(err == nil)
	}()
	resp := &resource.DeleteResponse{State: state}
	r.Delete(ctx, resource.DeleteRequest{State: state}, resp)
	expectRoleDeletedAfterRefusal(ctx, t, e, order, role, resp)
}

// TestUserRole_deleteInterrupted interrupts an apply while the delete of a role waits for the
// delete of an API key that has it: the error says that the apply was interrupted and to run it
// again, not that the key is to be given another role, which this run was deleting.
func TestUserRole_deleteInterrupted(t *testing.T) {
	t.Parallel()
	order := newRolesFirst()
	e := startEmulatorBehind(t, order.wrap)
	e.requireMasterAdministrator("create a role that keys may have")
	role := e.createRole(client.RoleCreate{Name: e.name("held"), PermissionKeys: rolePermissionKeys(t, e, 1),
		AllowAPIKeyAssignment: true})
	key := e.createAPIKey(client.APIKeyCreate{Name: e.name("holder"), Role: role.Name})
	r, _ := roleResource(t, e)
	state := roleState(t.Context(), t, r, role)

	// The key's delete has begun and does not end: the apply is interrupted once the holders are
	// listed.
	r.data.keyReleases.beginDelete(key.ID, key.Name)
	ctx, interrupt := context.WithCancel(t.Context())
	go func() {
		<-order.released
		interrupt()
	}()
	resp := &resource.DeleteResponse{State: state}
	r.Delete(ctx, resource.DeleteRequest{State: state}, resp)

	errs := resp.Diagnostics.Errors()
	want := regexpText("User Role Delete Interrupted: ", fmt.Sprintf("Deleting the user role %q (id %s): ", role.Name, role.ID),
		fmt.Sprintf("while the API key %q (id %s) had it", key.Name, key.ID), "the apply was interrupted", "run the apply again")
	if len(errs) != 1 || !want.MatchString(errs[0].Summary()+": "+errs[0].Detail()) ||
		strings.Contains(errs[0].Detail(), "give them another role") {
		t.Errorf("diagnostics %v, want one error saying that the apply was interrupted", resp.Diagnostics)
	}
	if _, err := e.API.GetRole(t.Context(), role.ID); err != nil {
		t.Errorf("the role: %v, want it still there", err)
	}
}
