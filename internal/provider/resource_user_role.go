package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

var (
	_ resource.Resource                   = (*userRoleResource)(nil)
	_ resource.ResourceWithConfigure      = (*userRoleResource)(nil)
	_ resource.ResourceWithImportState    = (*userRoleResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*userRoleResource)(nil)
	_ resource.ResourceWithValidateConfig = (*userRoleResource)(nil)
	_ resource.ResourceWithIdentity       = (*userRoleResource)(nil)
)

// NewUserRoleResource returns the visionone_user_role resource: one custom user role.
func NewUserRoleResource() resource.Resource {
	return &userRoleResource{}
}

type userRoleResource struct {
	data *providerData
}

// userRoleModel is the Terraform shape of a role, shared by the resource and the
// visionone_user_role data source, which expose the same attributes.
type userRoleModel struct {
	ID                         types.String      `tfsdk:"id"`
	Name                       types.String      `tfsdk:"name"`
	Description                types.String      `tfsdk:"description"`
	Permissions                types.Set         `tfsdk:"permissions"`
	AllowAPIKeyAssignment      types.Bool        `tfsdk:"allow_api_key_assignment"`
	AllowUserAccountAssignment types.Bool        `tfsdk:"allow_user_account_assignment"`
	Type                       types.String      `tfsdk:"type"`
	LastUpdatedAt              timetypes.RFC3339 `tfsdk:"last_updated_at"`
}

// userRoleManagedAttributes are the attributes an update writes (see toAPIPatch).
var userRoleManagedAttributes = []string{"name", "description", "permissions", "allow_api_key_assignment", "allow_user_account_assignment"}

// Limits of a custom role's fields. Trend publishes none for roles; 128 is the longest role name an
// API key's `role` field takes, so a longer role could never be given to a key, and 2048 is the
// description limit of API keys (API.md, "Decision: role limits"). The emulator enforces the same.
// No character set is published either, so a name may hold any character: a role made in the
// console must be one this resource can adopt.
const (
	roleNameMaxLength        = 128
	roleDescriptionMaxLength = 2048
	// permissionSuggestions bounds the "did you mean" list of an unknown permission key.
	permissionSuggestions = 3
)

// userRoleType is this resource's type name, under which the objects it manages are recorded
// (noteManaged).
const userRoleType = "visionone_user_role"

func (r *userRoleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_role"
}

func (r *userRoleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A custom Vision One user role: a named set of permissions that user accounts and API keys " +
			"are given (console: **Administration > User Roles > Add Role**). Predefined roles such as " +
			"`Master Administrator` or `Auditor` cannot be managed; read them with the `visionone_user_role` data source.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Id of the role (a UUID) assigned by Vision One.",
				Computed:            true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Name of the role, unique in the tenant; accounts and API keys refer to the role by this name. "+
					"1 to %d characters, not whitespace only. Must not be the name of a predefined role. Changing it renames "+
					"the role in place.", roleNameMaxLength),
				Required:   true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, roleNameMaxLength), validators.NotBlank()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Free-text description of the role, at most %d characters. Default `\"\"` (empty). Updated in place.", roleDescriptionMaxLength),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators: []validator.String{
					stringvalidator.UTF8LengthAtMost(roleDescriptionMaxLength),
				},
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "Permission keys the role grants, such as `platform.userRoles.view`; `[]` for a role " +
					"that grants none. Keys are checked at plan time against the tenant's permission catalog, and an unknown key is reported with " +
					"the closest real ones. Find keys by their console names with the `visionone_permissions` data source. Updated in place; " +
					"a change sends every key, so a key the role has that the catalog no longer lists is a plan warning then, and must be removed.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
			"allow_api_key_assignment": schema.BoolAttribute{
				MarkdownDescription: "Whether API keys may be given this role (console control flag *Allow API key assignment*). " +
					"Default `true`. Only a Master Administrator's key may set it to `true` or change it. Updated in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"allow_user_account_assignment": schema.BoolAttribute{
				MarkdownDescription: "Whether user accounts may be given this role (console control flag *Allow user account " +
					"assignment*). Default `true`. Only a Master Administrator's key may set it to `true` or change it. Updated in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Role type as Vision One reports it; always `custom` for a managed role.",
				Computed:            true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
				},
			},
			"last_updated_at": schema.StringAttribute{
				MarkdownDescription: "When the role was last changed, as an RFC 3339 timestamp reported by Vision One.",
				Computed:            true,
				CustomType:          timetypes.RFC3339Type{},
			},
		},
	}
}

// IdentitySchema names a role by its id, which never changes.
func (r *userRoleResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema(identityID, "Id of the role (a UUID).")
}

func (r *userRoleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// ValidateConfig refuses what the schema validators cannot see: a permission written twice with
// different case would be two elements of the set but one permission to the user.
func (r *userRoleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var permissions types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("permissions"), &permissions)...)
	if resp.Diagnostics.HasError() || permissions.IsNull() || permissions.IsUnknown() {
		return
	}
	seen := map[string]string{}
	for _, key := range knownStrings(permissions) {
		if first, ok := seen[strings.ToLower(key)]; ok {
			resp.Diagnostics.AddAttributeError(path.Root("permissions"), "Duplicate Permission Key",
				fmt.Sprintf("The permission keys %q and %q differ only in case. Keep the one spelled as the "+
					"visionone_permissions data source lists it.", first, key))
			continue
		}
		seen[strings.ToLower(key)] = key
	}
}

// ModifyPlan checks, before anything is written, what only the live tenant can tell: that a new or
// renamed role does not take the name of a predefined or another custom role, and that every added
// permission key exists.
// Keys already in state are not checked as added keys, so a no-op plan makes no request and a key
// later retired from the catalog does not block unrelated changes. A change of the permissions,
// though, sends the keys the role keeps too (toAPIPatch): those the catalog no longer lists are a
// warning (warnRetiredKeys).
func (r *userRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		if r.data != nil {
			// A destroy gives the name up, for the creates of this plan that take it.
			recordPlannedDestroy(ctx, req, resp, func(state userRoleModel) {
				reportPlannedDestroy(&resp.Diagnostics, &r.data.roleReleases, roleRecreatedSummary, "user role", roleRecreatedCost,
					state.ID.ValueString(), state.Name.ValueString())
				r.data.noteManaged(userRoleType, state.ID.ValueString()) // after the record, as a refresh notes it
			})
		}
		return
	}
	if unknownProvider(ctx, r.data) {
		return
	}
	plan, state, diags := modifyPlanModels[userRoleModel](ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	// The checks of a role that exists only warn (see plan_checks.go): Vision One refuses the
	// change when it is applied.
	var checks diag.Diagnostics
	owner, refreshed := "", false
	if state != nil {
		owner = state.ID.ValueString()
		// Not refreshed by this process: this is the apply planning the change again (see
		// nameReleases), or a plan without refresh.
		refreshed = r.seenManaged(owner)
		// Before noteManaged (see nameReleases.await) and refuseTakenName, which tells from it
		// whether renames form a cycle.
		r.data.roleReleases.planRename(owner, state.Name.ValueString(), plan.Name)
		r.data.noteManaged(userRoleType, owner)
		resp.Diagnostics.Append(notePlannedFrom(ctx, resp.Private, owner)...)
	} else {
		// The create that replaces a role knows its id (see privatePlannedFromKey).
		var diags diag.Diagnostics
		owner, diags = plannedFromID(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		// The plan of that role as an update recorded a rename, which the replacement is not: the
		// role's holders do not follow it (see accountResource.followsRoleRename).
		r.data.roleReleases.planReplace(owner)
	}
	if !plan.Name.IsUnknown() {
		name := plan.Name.ValueString()
		// Accounts and API keys planned after this role (they reference its name) judge it by the
		// flags planned here rather than by what the API says before the apply.
		other, clash := r.data.notePlannedRole(name, owner, plannedRole{
			AllowAPIKeyAssignment:      plan.AllowAPIKeyAssignment,
			AllowUserAccountAssignment: plan.AllowUserAccountAssignment,
		})
		if clash {
			// Only a clash between roles that both exist is left to the apply to refuse.
			target := &resp.Diagnostics
			if state != nil && other.owner != "" {
				target = &checks
			}
			target.AddAttributeError(path.Root("name"), "User Role Already Exists",
				plannedNameClashDetail(userRoleType, "user role", "name", name, other.name, other.owner))
		}
		if state == nil {
			reportPlannedCreate(&resp.Diagnostics, &r.data.roleReleases, roleRecreatedSummary, "user role", roleRecreatedCost, name, owner)
		}
		if state == nil || !plan.Name.Equal(state.Name) {
			r.refuseTakenName(ctx, name, owner, state == nil, refreshed, &checks)
		}
	}

	if state == nil {
		r.checkPermissionKeys(ctx, knownStrings(plan.Permissions), &checks)
		resp.Diagnostics.Append(checks...)
		return
	}
	what := fmt.Sprintf("the user role %q (id %s)", state.Name.ValueString(), state.ID.ValueString())
	if !plan.Permissions.Equal(state.Permissions) {
		added, kept := splitPermissions(plan, *state)
		r.checkPermissionKeys(ctx, added, &checks)
		r.warnRetiredKeys(ctx, what, kept, &checks)
	}
	appendChecksOfExisting(&resp.Diagnostics, what, checks)
}

// splitPermissions divides the permission keys that plan gives a role that exists (state) into those
// it adds and those the role keeps.
func splitPermissions(plan, state userRoleModel) (added, kept []string) {
	existing := knownStrings(state.Permissions)
	for _, key := range knownStrings(plan.Permissions) {
		if slices.Contains(existing, key) {
			kept = append(kept, key)
		} else {
			added = append(added, key)
		}
	}
	return added, kept
}

// refuseTakenName adds an error when a new or renamed role would take the name of a predefined role
// or of another custom role (not selfID, the role renamed or replaced), which the API would refuse
// only at apply. Names are compared case-insensitively, as the API's uniqueness does, against the
// roles listed once per provider process (roleNamed). When the listing fails the check is
// skipped: the API still decides at apply.
//
// A custom role that has the name is judged as reportTakenName says: the clash may be left to the
// apply or to the plan of that role, or only warned about.
func (r *userRoleResource) refuseTakenName(ctx context.Context, name, selfID string, creates, refreshed bool, diags *diag.Diagnostics) {
	role, err := r.data.roleNamed(ctx, name)
	if err != nil {
		tflog.Warn(ctx, "Could not list the roles; the API decides about the role name at apply", map[string]any{"error": err.Error()})
		return
	}
	if role == nil {
		return
	}
	if role.ID == selfID {
		// The role this create replaces (-replace, or replace_triggered_by), which still has the name
		// while the plan runs, also when the replacement renames it in letter case only.
		if creates {
			warnReplacedKeepingName(diags, role, name)
		}
		return
	}
	if role.Type == client.RoleTypePredefined {
		diags.AddAttributeError(path.Root("name"), "Predefined Role Name",
			fmt.Sprintf("%q is the name of the predefined Vision One role %q, which Trend Micro maintains and which cannot "+
				"be created, changed or deleted. Choose another name for a custom role, or read the predefined role "+
				"with the visionone_user_role data source:\n\n  data \"visionone_user_role\" \"this\" {\n    name = %q\n  }",
				name, role.Name, role.Name))
		return
	}
	r.data.reportTakenName(ctx, diags, "User Role Already Exists", &r.data.roleReleases, roleNameClash(*role, name, creates),
		name, selfID, creates, refreshed)
}

// roleRecreatedSummary titles the warning of a role destroyed and created again under another
// resource address with the same name (warnRecreated).
const roleRecreatedSummary = "User Role Destroyed and Created Again"

// warnReplacedKeepingName warns that a plan replaces the role, which the create planned as name takes
// the name of: without create_before_destroy the role is deleted first, but with it, which a
// resource that refers to the role may pass on, Vision One refuses the create.
func warnReplacedKeepingName(diags *diag.Diagnostics, role *client.Role, name string) {
	diags.AddAttributeWarning(path.Root("name"), "User Role Replaced Under the Same Name", fmt.Sprintf("This plan replaces "+
		"the user role %q (id %s) with a new one named %q, and role names are unique regardless of case. Without "+
		"create_before_destroy, Terraform deletes the current role first (which Vision One refuses while accounts or API "+
		"keys have it). But if create_before_destroy applies (set on the resource, or inherited from a resource that refers "+
		"to it and has it, such as an API key), Terraform creates the new role first, and Vision One refuses it: rename "+
		"the role in place instead of replacing it (drop -replace, or terraform untaint a tainted role), or give the new "+
		"role another name in the same apply.", role.Name, role.ID, name))
}

// seenManaged reports whether this process has seen the role with this id in this configuration's
// state.
func (r *userRoleResource) seenManaged(id string) bool { return r.data.seenManaged(userRoleType, id) }

// currentNameHolder looks up afresh the role that has name regardless of case, and returns it and
// its id, or nil when there is none or the roles cannot be listed: takeName asks it after a refusal,
// when the per-process listing (roleNamed) may be out of date.
func (r *userRoleResource) currentNameHolder(ctx context.Context, name string) (*client.Role, string) {
	roles := r.rolesNamedAnyCase(ctx, name)
	if len(roles) == 0 {
		return nil, ""
	}
	return &roles[0], roles[0].ID
}

// rolesNamedAnyCase lists afresh the roles whose name is name regardless of case, without their
// permission keys: none when none is or the roles cannot be listed.
func (r *userRoleResource) rolesNamedAnyCase(ctx context.Context, name string) []client.Role {
	roles, err := r.data.client.ListRoleSummaries(ctx, "")
	if err != nil {
		return nil
	}
	return slices.DeleteFunc(roles, func(role client.Role) bool { return !client.SameName(role.Name, name) })
}

// roleNameClash describes the existing role whose name a new (creates) or renamed role would take,
// planned as name.
func roleNameClash(role client.Role, name string, creates bool) nameClash {
	clash := nameClash{
		typeName: userRoleType, object: "user role", field: "name", name: role.Name, id: role.ID,
		importHint: importHint(userRoleType, role.ID, "Or, instead of importing it, give this resource another name."),
	}
	// The role a create_before_destroy replacement clashes with has exactly the planned name.
	if creates && role.Name == name {
		clash.replacedHint = "a role cannot keep its name through such a replacement: remove create_before_destroy, or change the name. " +
			"(Terraform also replaces a role create_before_destroy when a resource that refers to it has that setting, " +
			"such as an API key rotated that way: then give the role a new name in the same apply as its replacement.)"
	}
	return clash
}

// checkPermissionKeys adds an error for every key that is not in the tenant's catalog, naming the
// closest real keys. When the catalog cannot be read it warns instead: the API still validates the
// keys when the role is written.
func (r *userRoleResource) checkPermissionKeys(ctx context.Context, keys []string, diags *diag.Diagnostics) {
	if len(keys) == 0 {
		return
	}
	catalog, err := r.data.permissions(ctx)
	if err != nil {
		next := "Vision One checks them when the role is written; an unknown key then fails the apply."
		if client.IsNotOffered(err) {
			next = "The role writes came with the catalog, so this tenant probably does not offer them either: the apply " +
				"then fails without creating or changing the role. Create and change it in the console (Administration > " +
				"User Roles) instead."
		}
		diags.AddAttributeWarning(path.Root("permissions"), "Permission Keys Not Checked",
			"Reading the tenant's permission catalog failed, so the permission keys of this role were not checked during "+
				"plan: "+errorWithAdvice(err)+"\n\n"+next)
		return
	}
	known := make([]string, len(catalog))
	byName := make(map[string]string, len(catalog))
	for i, p := range catalog {
		known[i] = p.Key
		byName[strings.ToLower(p.Name)] = p.Key
	}
	for _, key := range keys {
		if slices.Contains(known, key) {
			continue
		}
		detail := fmt.Sprintf("%q is not a permission key of this Vision One tenant.", key)
		if match, ok := byName[strings.ToLower(key)]; ok {
			detail += fmt.Sprintf(" It is the console name of the permission whose key is %q; use the key.", match)
		} else if suggestions := validators.ClosestMatches(key, known, permissionSuggestions); len(suggestions) > 0 {
			detail += " Did you mean " + orList(suggestions) + "?"
		}
		detail += " The visionone_permissions data source lists every key with its console name, app and category; " +
			"filter it with name_contains, app or category."
		diags.AddAttributeError(path.Root("permissions"), "Unknown Permission Key", detail)
	}
}

// warnRetiredKeys warns, for a change of the permissions of the role described by what, of the keys
// it keeps (kept) that the tenant's catalog does not list: Trend may have retired them since the role
// got them in the console. A change of permissions sends every key the role keeps (toAPIPatch), and
// Vision One may refuse one it no longer lists. It is a warning, not an error, even before the
// plan's checks of a role that exists are made warnings (appendChecksOfExisting): whether Vision One
// refuses such a key is not published. When the catalog cannot be read, nothing is said:
// checkPermissionKeys warns of that for the keys the change adds, and the apply reports a refusal.
func (r *userRoleResource) warnRetiredKeys(ctx context.Context, what string, kept []string, diags *diag.Diagnostics) {
	retired := r.retiredKeys(ctx, kept)
	if len(retired) == 0 {
		return
	}
	them := plural(len(retired), "it", "them")
	diags.AddAttributeWarning(path.Root("permissions"), "Retired Permission Key",
		fmt.Sprintf("This plan changes the permissions of %s. The role keeps %s, which the tenant's permission catalog does "+
			"not list: Trend may have retired %s, or %s from a product the tenant no longer has. A change of permissions "+
			"sends every key the role keeps, and Vision One may refuse a key it does not list (\"permission key ... does not "+
			"exist\"). Before the role's permissions can change, remove %s from permissions (this same change may do it): "+
			"the role then loses %s. Changes of the role's name, description or flags alone do not send its permissions.",
			what, keysText(retired), them, plural(len(retired), "it may come", "they may come"), andList(retired), them))
}

// retiredKeys returns those of keys that the tenant's catalog does not list; none when the catalog
// cannot be read.
func (r *userRoleResource) retiredKeys(ctx context.Context, keys []string) []string {
	if len(keys) == 0 {
		return nil
	}
	catalog, err := r.data.permissions(ctx)
	if err != nil {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(keys), func(key string) bool {
		return slices.ContainsFunc(catalog, func(p client.Permission) bool { return p.Key == key })
	})
}

// updateAdvice is the advice on the refused update of a role from state to plan. A refusal of the
// permissions (400, permissionKeys) may be of a key the role already had, which the catalog no
// longer lists (see warnRetiredKeys): the configuration is right to hold it, but must drop it.
func (r *userRoleResource) updateAdvice(ctx context.Context, err error, plan, state userRoleModel) string {
	answer := lastAnswer(err)
	if answer == nil || !client.IsBadRequest(err) || attributeOfField(answer) != "permissions" {
		return errorAdvice(err)
	}
	_, kept := splitPermissions(plan, state)
	retired := r.retiredKeys(ctx, kept)
	if len(retired) == 0 {
		return errorAdvice(err)
	}
	them := plural(len(retired), "it", "them")
	return fmt.Sprintf("This change does not add %s: the role had %s already, but the tenant's permission catalog does not "+
		"list %s (Trend may have retired %s), and a change of permissions sends every key the role keeps. Remove %s from "+
		"permissions and apply again: the role then loses %s. A key that this change adds, if Vision One's message names "+
		"one, is corrected in the configuration instead.", keysText(retired), them, them, them, andList(retired), them)
}

// keysText names permission keys: `the permission key "a"`, or `the permission keys "a" and "b"`.
func keysText(keys []string) string {
	return plural(len(keys), "the permission key ", "the permission keys ") + andList(keys)
}

// plural is one when n is 1, many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (r *userRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan userRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	in := plan.toAPICreate()
	tflog.Debug(ctx, "Creating a Vision One user role", map[string]any{"name": in.Name, "permissions": len(in.PermissionKeys)})
	var role *client.Role
	refusal, err := takeName(ctx, &r.data.roleReleases, "", func() error {
		var err error
		role, err = r.data.client.CreateRole(ctx, in)
		return err
	}, func() (*client.Role, string) { return r.currentNameHolder(ctx, in.Name) }, r.seenManaged)
	if refusal != nil && refusal.holder != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "User Role Already Exists",
			fmt.Sprintf("Creating the user role %q: %s\n\n%s", in.Name, err,
				r.data.refusedNameDetail(roleNameClash(*refusal.holder, in.Name, true), refusal.outcome, refusal.release)))
		return
	}
	var readBack *client.ReadBackError
	if err != nil && !errors.As(err, &readBack) {
		addAPIError(&resp.Diagnostics, "Error Creating User Role", fmt.Sprintf("Creating the user role %q", in.Name), err)
		return
	}

	setIdentity(ctx, resp.Identity, identityID, role.ID)
	r.setState(ctx, role, nil, &resp.State, resp.Private, &resp.Diagnostics)
	if readBack == nil {
		return
	}
	// The role exists, so its state is saved whatever else happens: lost, it would be an orphan whose
	// name fails the next apply. With an error, Terraform keeps the state and marks the role tainted
	// (to be replaced); that is kept for a role known only from the request, which the API may have
	// taken otherwise. A role that the create's answer described in full is recorded as it is.
	doing := fmt.Sprintf("The user role %q was created with id %s and is recorded in the state", in.Name, role.ID)
	if readBack.Described {
		resp.Diagnostics.AddWarning("User Role Not Read Back", doing+", as the API's answer to the create described it, but "+
			"reading it back failed: "+withAdvice(readBack.Err, roleReadBackAdvice(readBack.Err, true)))
		return
	}
	addAPIErrorWith(&resp.Diagnostics, "Error Reading User Role", doing+", as the request described it (the API's answer to the "+
		"create did not describe the role), and Terraform marks it tainted, so the next apply replaces it (if the next plan's "+
		"refresh finds it as configured, terraform untaint keeps it instead). Reading it back failed", readBack.Err,
		roleReadBackAdvice(readBack.Err, false))
}

func (r *userRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Set before anything can return: the framework wants an identity after every read.
	setIdentity(ctx, resp.Identity, identityID, state.ID.ValueString())
	if unknownProvider(ctx, r.data) {
		return
	}

	tflog.Debug(ctx, "Reading a Vision One user role", map[string]any{"id": state.ID.ValueString()})
	role, err := r.data.client.RefreshRole(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning("User Role Deleted Outside Terraform",
			fmt.Sprintf("The user role %q (id %s) no longer exists in Vision One; it was deleted outside Terraform. "+
				"It is dropped from the state, and a plan with it in the configuration creates it again.", state.Name.ValueString(), state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading User Role",
			fmt.Sprintf("Reading the user role %q (id %s)", state.Name.ValueString(), state.ID.ValueString()), err)
		return
	}

	r.setState(ctx, role, &state, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *userRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state userRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	version, diags := storedVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	// Terraform before 1.12 plans no identity: the framework wants one after every update.
	setIdentity(ctx, resp.Identity, identityID, id)
	// Writes that need the current name wait for this update (takeName).
	renamed, end := false, r.data.roleReleases.beginUpdate(id)
	defer func() { end(renamed) }()
	patch := plan.toAPIPatch(state)
	tflog.Debug(ctx, "Updating a Vision One user role", map[string]any{"id": id, "if_match": version})
	var refusal *nameRefusal[client.Role]
	err := guardedUpdate[userRoleModel]{
		summary: "User Role Changed Outside Terraform", object: fmt.Sprintf("the user role %q (id %s)", state.Name.ValueString(), id),
		prior: state, plan: plan, managed: userRoleManagedAttributes,
		send: func(version string) error {
			var err error
			refusal, err = takeName(ctx, &r.data.roleReleases, id,
				func() error { return r.data.client.UpdateRole(ctx, id, version, patch) },
				func() (*client.Role, string) { return r.currentNameHolder(ctx, plan.Name.ValueString()) }, r.seenManaged)
			return err
		},
		reread: func() (userRoleModel, string, error) {
			role, err := r.data.client.GetRole(ctx, id)
			if err != nil {
				return state, "", err
			}
			var current userRoleModel
			r.setState(ctx, role, nil, &resp.State, resp.Private, &resp.Diagnostics)
			resp.Diagnostics.Append(resp.State.Get(ctx, &current)...)
			return current, role.Version, nil
		},
	}.run(ctx, &resp.Diagnostics, version)
	if client.IsPreconditionFailed(err) {
		return // reported by run
	}
	if patch.Name != nil && refusal != nil && refusal.holder != nil && refusal.holder.ID != id {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "User Role Already Exists",
			fmt.Sprintf("Renaming the user role %q (id %s) to %q: %s", state.Name.ValueString(), id, *patch.Name,
				r.data.refusedNameDetail(roleNameClash(*refusal.holder, *patch.Name, false), refusal.outcome, refusal.release)))
		return
	}
	if err != nil {
		addAPIErrorWith(&resp.Diagnostics, "Error Updating User Role",
			fmt.Sprintf("Updating the user role %q (id %s)", state.Name.ValueString(), id), err, r.updateAdvice(ctx, err, plan, state))
		return
	}
	renamed = patch.Name != nil

	// PATCH answers 204 without a body (API.md, "Decision: role write answers"): read the role back
	// for the values the API decided (last update time, version).
	role, err := r.data.client.GetRole(ctx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading User Role",
			fmt.Sprintf("Reading the user role %q (id %s) back after updating it", plan.Name.ValueString(), id), err)
		return
	}
	r.setState(ctx, role, nil, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *userRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state userRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id, name := state.ID.ValueString(), state.Name.ValueString()
	tflog.Debug(ctx, "Deleting a Vision One user role", map[string]any{"id": id})
	// Writes that need the role's name wait for the delete (takeName); recorded before noteManaged
	// (see nameReleases.await).
	end := r.data.roleReleases.beginDelete(id, name)
	r.data.noteManaged(userRoleType, id)
	refusal, err := r.deleteRole(ctx, id, name)
	end(err == nil)
	if err == nil {
		return
	}
	doing := fmt.Sprintf("Deleting the user role %q (id %s)", name, id)
	if refusal.interrupted {
		// The holders' deletes may have ended since, or be about to: the next step is to run again,
		// not to change them.
		resp.Diagnostics.AddError("User Role Delete Interrupted", fmt.Sprintf("%s: Vision One refused to delete it while %s "+
			"had it, and the apply was interrupted while the provider waited for this run to delete them. The role is not "+
			"deleted: run the apply again.\n\nVision One's refusal: %s", doing, describeRoleHolders(refusal.holders), err))
		return
	}
	holders := refusal.holders
	// A role that none holds, refused without saying it is in use, is refused for another reason
	// (such as a role migrated from another Trend product), which its message gives.
	if !client.IsBadRequest(err) || (len(holders) == 0 && !client.IsRoleInUse(err)) {
		addAPIError(&resp.Diagnostics, "Error Deleting User Role", doing, err)
		return
	}
	// Vision One's refusal does not name the holders: name them, since they may be managed by
	// another configuration or in the console.
	if len(holders) > 0 {
		doing += ", still assigned to " + describeRoleHolders(holders)
	}
	advice := roleInUseAdvice + " " + roleHoldersMovedAdvice + " " + roleReplacedAdvice + " " + roleHoldersNotBegunAdvice
	if slices.ContainsFunc(holders, func(h roleHolder) bool { return h.fixed }) {
		advice = roleInUseAdvice + " " + fixedRoleHoldersAdvice + " " + roleHoldersMovedAdvice + " " + roleReplacedAdvice + " " +
			roleHoldersNotBegunAdvice
	}
	addAPIErrorWith(&resp.Diagnostics, "User Role In Use", doing, err, advice)
}

// fixedRoleHoldersAdvice is for holders whose role no configuration can change: Vision One accepts
// no change to a SAML group account, nor to an invitation until it is accepted, through its API
// (API.md, "Decision: updates of invited accounts and SAML groups"), so a role replaced rather than
// renamed stays in use until they are dealt with in the console.
const fixedRoleHoldersAdvice = "Vision One lets no API request change the role of a SAML group account, nor of an " +
	"invitation until it is accepted, so Terraform cannot move those: change their role in the console (an invitation " +
	"once it is accepted), or delete them, and the delete succeeds on the next apply. To rename a role, keep its " +
	"resource address (with a moved block where the address holds the name), which renames it in place: Vision One " +
	"shows the new name on every account and key that has it."

// roleHoldersMovedAdvice is for holders that the same apply gives another role: when they refer to
// the role, Terraform orders their updates after its delete (it deletes a resource before it
// updates what referred to it, unless the resource was applied with create_before_destroy, which
// the state records), so every apply is refused alike.
const roleHoldersMovedAdvice = "If this apply gives them another role and they refer to this one, Terraform updates them " +
	"only after this delete, so every apply is refused alike: keep the role in the configuration for one more apply " +
	"(or apply them first with terraform apply -target=<address>), then remove it. Roles applied with lifecycle { " +
	"create_before_destroy = true } are deleted after the accounts and keys that referred to them are updated."

// roleReplacedAdvice is for a role replaced without create_before_destroy (-replace, or tainted)
// that its holders refer to: Terraform deletes it before it creates its successor and updates them,
// so every apply is refused alike, and keeping the role or referring to it does not help.
const roleReplacedAdvice = "If this apply replaces the role (terraform apply -replace, or a role marked tainted) and " +
	"they refer to it, Terraform deletes it before it creates the new one and moves them to it, so every apply is " +
	"refused alike: rename the role in place instead of replacing it (drop -replace; terraform untaint a tainted role), " +
	"or give the role lifecycle { create_before_destroy = true } and a new name in the same apply."

// roleHoldersNotBegunAdvice is the advice on a refused delete of a role whose holders this run may
// delete too, but that name it by a literal name: Terraform does not order their deletes before the
// role's, which waits only a few seconds for them to begin (deleteRole).
const roleHoldersNotBegunAdvice = "If this run deletes them too, their deletes may not have begun within the wait (as with " +
	"a low -parallelism): run the command again; the lasting fix is to refer to the role (role = " +
	"visionone_user_role.<name>.name) so that Terraform deletes them first."

// roleRefusal is what deleteRole knows of the last refusal of a role's delete: the holders, and
// whether the apply was interrupted while it waited for their deletes.
type roleRefusal struct {
	holders     []roleHolder
	interrupted bool
}

// deleteRole deletes the role with this id, named name, and returns nil once it is gone. Vision One
// refuses to delete a role that accounts or API keys still have (a 400), and some others. Terraform
// does not order the changes of holders that name the role by a literal name before the role's
// delete, so on a refusal deleteRole lists the holders, waits for those of their deletes that this
// run makes (awaitDeletes), and deletes again however the wait ended, unless the apply was
// interrupted: a holder that this run gives another role leaves the role without a delete to wait
// for, and the wait for it ends at the bound. A refusal whose listing finds no holder, or only
// holders that this run has deleted, is sent again once: their deletes may have ended between the
// refusal and the listing.
//
// Each holder is waited for once, and a wait that ends with a holder this run did not delete makes
// the next refusal the last but for that one sent again, so it waits no more times than this run
// deletes objects, plus one. A refusal returned holds the holders of the last listing or, when the
// apply was interrupted, those whose deletes it was waiting for.
func (r *userRoleResource) deleteRole(ctx context.Context, id, name string) (roleRefusal, error) {
	outcomes := map[pendingDelete]releaseOutcome{} // how the deletes waited for ended
	// final: a wait ended with a holder this run did not delete, so the next refusal is reported;
	// sentAgain: a refusal whose holders were gone was sent again.
	final, sentAgain := false, false
	for {
		err := r.data.client.DeleteRole(ctx, id)
		if err == nil || client.IsNotFound(err) {
			return roleRefusal{}, nil
		}
		if !client.IsBadRequest(err) {
			return roleRefusal{}, err
		}
		holders := r.roleHolders(ctx, name)
		var fresh []roleHolder
		for _, h := range holders {
			if _, waited := outcomes[h.pendingDelete]; !waited {
				fresh = append(fresh, h)
			}
		}
		if len(fresh) == 0 || final {
			gone := !slices.ContainsFunc(holders, func(h roleHolder) bool { return outcomes[h.pendingDelete] != releaseDone })
			if gone && !sentAgain {
				tflog.Debug(ctx, "The role's delete was refused, but its holders are gone: deleting it again", map[string]any{"id": id})
				sentAgain = true
				continue
			}
			return roleRefusal{holders: holders}, err
		}
		tflog.Debug(ctx, "The role's delete was refused: waiting for the deletes of its holders", map[string]any{"holders": len(fresh)})
		deletes := make([]pendingDelete, len(fresh))
		for i, h := range fresh {
			deletes[i] = h.pendingDelete
		}
		ended := awaitDeletes(ctx, r.data.roleReleases.limit(), deletes)
		if len(ended) > 0 && ended[len(ended)-1] == releaseInterrupted {
			// The holder waited for then, and those the wait did not reach.
			return roleRefusal{holders: fresh[len(ended)-1:], interrupted: true}, err
		}
		for i, h := range fresh {
			outcome := releaseNotBegun // not reached: the wait stopped at a failed delete
			if i < len(ended) {
				outcome = ended[i]
			}
			outcomes[h.pendingDelete] = outcome
			final = final || outcome != releaseDone
		}
		tflog.Debug(ctx, "Deleting the role again after waiting for its holders", map[string]any{"id": id})
	}
}

// roleHolder is an account or API key that has a role: how an error names it, and its key in the
// record of its type's deletes.
type roleHolder struct {
	what string
	// fixed is set for an account whose role Vision One lets no API request change (a SAML group
	// account, a pending invitation): no configuration can move it to another role.
	fixed bool
	pendingDelete
}

// roleHolderLimit bounds how many holders of a role an error lists.
const roleHolderLimit = 10

// describeRoleHolders names holders as "the account a@example.com (id ...), the API key "k" (id
// ...)", at most roleHolderLimit of them.
func describeRoleHolders(holders []roleHolder) string {
	var names []string
	for _, h := range holders {
		names = append(names, h.what)
	}
	if len(names) > roleHolderLimit {
		names = append(names[:roleHolderLimit], fmt.Sprintf("and %d more", len(names)-roleHolderLimit))
	}
	return strings.Join(names, ", ")
}

// roleHolders lists the accounts and API keys that have the role named name; none when there are
// none or they cannot be listed. Keys are found by ListAPIKeysMatching (the API's role filter, or a
// comparison of the listing for a name the filter cannot take), accounts by ListAccountsWithRole,
// as the account list has no role filter.
func (r *userRoleResource) roleHolders(ctx context.Context, name string) []roleHolder {
	keys, err := r.data.client.ListAPIKeysMatching(ctx, client.APIKeyQuery{Role: &name})
	if err != nil {
		tflog.Warn(ctx, "Could not list the API keys that have the role", map[string]any{"role": name, "error": err.Error()})
	}
	accounts, err := r.data.client.ListAccountsWithRole(ctx, "", name)
	if err != nil {
		tflog.Warn(ctx, "Could not list the accounts that have the role", map[string]any{"role": name, "error": err.Error()})
	}
	var holders []roleHolder
	for _, account := range accounts {
		what := fmt.Sprintf("the account %s (id %s)", account.Email, account.ID)
		fixed := true
		switch {
		case account.AuthType == client.AuthTypeSAMLGroup:
			what += ", a SAML group account"
		case account.Status == client.StatusInvited:
			what += ", an invitation not accepted yet"
		default:
			fixed = false
		}
		holders = append(holders, roleHolder{what: what, fixed: fixed,
			pendingDelete: pendingDelete{deletes: &r.data.accountDeletes, id: accountDeleteKey(account.Email)}})
	}
	for _, key := range keys {
		holders = append(holders, roleHolder{
			what:          fmt.Sprintf("the API key %q (id %s)", key.Name, key.ID),
			pendingDelete: pendingDelete{deletes: &r.data.keyReleases, id: key.ID},
		})
	}
	return holders
}

// roleImportCheck refuses a key's value given as the import ID, which a lookup by name would carry
// in a filter.
var roleImportCheck = importKeyValueCheck("user role", "a role's id or name", "a role's name", roleNameMaxLength,
	"Import the role by its id or its name; the visionone_user_roles data source lists them.")

// ImportState takes a role id (a UUID) or a role name (even one that looks like a UUID), so that
// both `terraform import visionone_user_role.x "Auditors"` and an import block with the id work, or
// an import block's identity (the id).
func (r *userRoleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	key, diags := importKey(ctx, req, identityID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || roleImportCheck.refused(key, &resp.Diagnostics) {
		return
	}
	// Many imports in one plan are served from the listing that refreshes share.
	role, err := findByIDOrName(ctx, key, r.data.client.RefreshRole, r.data.client.RefreshRoleByName)
	if client.IsNotFound(err) {
		// Role names are unique regardless of case (API.md, "Decision: role limits"), so a name in
		// another case names one role, as an API key's name does; the exact spelling is looked for
		// first, should Vision One hold names that differ in case only.
		if same := r.rolesNamedAnyCase(ctx, key); len(same) == 1 {
			role, err = &same[0], nil
		}
	}
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("User Role Not Found",
			fmt.Sprintf("No Vision One user role has the id or name %q. The import id is a role id (a UUID) or the "+
				"role name; the visionone_user_roles data source lists the roles of the tenant.%s", key, r.data.closestRoles(ctx, key)))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Importing User Role", fmt.Sprintf("Looking up the user role %q", key), err)
		return
	}
	readIt := fmt.Sprintf("Read it with the visionone_user_role data source instead:\n\n  data \"visionone_user_role\" \"this\" {\n    name = %q\n  }", role.Name)
	switch role.Type {
	case client.RoleTypeCustom:
	case client.RoleTypePredefined:
		resp.Diagnostics.AddError("Predefined Role Cannot Be Imported",
			fmt.Sprintf("The role %q (id %s) is a predefined role, which Trend Micro maintains and Terraform cannot manage. %s",
				role.Name, role.ID, readIt))
		return
	default:
		resp.Diagnostics.AddError("User Role of Unknown Type Cannot Be Imported",
			fmt.Sprintf("The role %q (id %s) has %s, where Vision One documents \"custom\" or \"predefined\": Terraform manages "+
				"custom roles only, and this one may be maintained by Trend Micro. %s", role.Name, role.ID, roleTypeText(role.Type), readIt))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), role.ID)...)
	setIdentity(ctx, resp.Identity, identityID, role.ID)
}

// setState writes role into state, unless it is what prior (the model read from that state, or
// nil) already holds, remembers its version for the next update, and records the role as managed
// by this configuration (noteManaged).
func (r *userRoleResource) setState(ctx context.Context, role *client.Role, prior *userRoleModel, state *tfsdk.State, private privateState, diags *diag.Diagnostics) {
	r.data.noteManaged(userRoleType, role.ID)
	warnUnreadable(diags, fmt.Sprintf("User role %s (%q)", role.ID, role.Name), role.UnreadableFields(), userRoleUnreadableEffects)
	var model userRoleModel
	diags.Append(model.readFromAPI(ctx, role)...)
	if diags.HasError() {
		return
	}
	diags.Append(setStateIfChanged(ctx, state, prior, &model)...)
	diags.Append(storeVersion(ctx, private, role.Version)...)
}

// userRoleUnreadableEffects says what an unreadable date of a role read from the API means.
var userRoleUnreadableEffects = map[string]string{"lastUpdatedDateTime": "last_updated_at is null"}

// toAPICreate is the create request for this plan.
func (m userRoleModel) toAPICreate() client.RoleCreate {
	return client.RoleCreate{
		Name:                       m.Name.ValueString(),
		Description:                m.Description.ValueString(),
		PermissionKeys:             knownStrings(m.Permissions),
		AllowAPIKeyAssignment:      m.AllowAPIKeyAssignment.ValueBool(),
		AllowUserAccountAssignment: m.AllowUserAccountAssignment.ValueBool(),
	}
}

// toAPIPatch builds a PATCH body holding only what this plan changes from state, so that a field
// changed by someone else and not by this plan is never sent back.
func (m userRoleModel) toAPIPatch(state userRoleModel) client.RolePatch {
	var patch client.RolePatch
	if !m.Name.Equal(state.Name) {
		patch.Name = m.Name.ValueStringPointer()
	}
	if !m.Description.Equal(state.Description) {
		patch.Description = m.Description.ValueStringPointer()
	}
	if !m.Permissions.Equal(state.Permissions) {
		keys := knownStrings(m.Permissions) // never nil: an empty set takes every permission away
		patch.PermissionKeys = &keys
	}
	if !m.AllowAPIKeyAssignment.Equal(state.AllowAPIKeyAssignment) {
		patch.AllowAPIKeyAssignment = m.AllowAPIKeyAssignment.ValueBoolPointer()
	}
	if !m.AllowUserAccountAssignment.Equal(state.AllowUserAccountAssignment) {
		patch.AllowUserAccountAssignment = m.AllowUserAccountAssignment.ValueBoolPointer()
	}
	return patch
}

// readFromAPI overwrites the model's attributes with what the API reports of role; every
// attribute of a role is one the API reports.
func (m *userRoleModel) readFromAPI(ctx context.Context, role *client.Role) diag.Diagnostics {
	permissions, diags := types.SetValueFrom(ctx, types.StringType, nonNilStrings(role.PermissionKeys))
	m.ID = types.StringValue(role.ID)
	m.Name = types.StringValue(role.Name)
	m.Description = types.StringValue(role.Description)
	m.Permissions = permissions
	m.AllowAPIKeyAssignment = types.BoolValue(role.AllowAPIKeyAssignment)
	m.AllowUserAccountAssignment = types.BoolValue(role.AllowUserAccountAssignment)
	m.Type = types.StringValue(role.Type)
	m.LastUpdatedAt = rfc3339Value(role.LastUpdatedDateTime)
	return diags
}

// roleTypeText names a role's type for a message: `type "System"`, or "no type" when the API
// gave none.
func roleTypeText(roleType string) string {
	if roleType == "" {
		return "no type"
	}
	return fmt.Sprintf("type %q", roleType)
}

// orList renders values as `"a", "b" or "c"`.
func orList(values []string) string { return joinQuoted(values, "or") }

// andList renders values as `"a", "b" and "c"`.
func andList(values []string) string { return joinQuoted(values, "and") }

// joinQuoted renders values quoted, the last two joined by conjunction.
func joinQuoted(values []string, conjunction string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " " + conjunction + " " + quoted[len(quoted)-1]
}
