package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/planmodifiers"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

var (
	_ resource.Resource                = (*accountResource)(nil)
	_ resource.ResourceWithConfigure   = (*accountResource)(nil)
	_ resource.ResourceWithImportState = (*accountResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*accountResource)(nil)
	_ resource.ResourceWithIdentity    = (*accountResource)(nil)
)

// NewAccountResource is the visionone_account resource: a user account, SAML account or SAML group,
// created by sending an invitation.
func NewAccountResource() resource.Resource {
	return &accountResource{}
}

type accountResource struct {
	data *providerData
}

type accountResourceModel struct {
	ID          types.String `tfsdk:"id"`
	Email       types.String `tfsdk:"email"`
	AuthType    types.String `tfsdk:"auth_type"`
	Role        types.String `tfsdk:"role"`
	Description types.String `tfsdk:"description"`
	Enabled     types.Bool   `tfsdk:"enabled"`
	Status      types.String `tfsdk:"status"`
	Name        types.String `tfsdk:"name"`
}

// accountManagedAttributes are the attributes an update writes (see toAPIPatch).
var accountManagedAttributes = []string{"role", "description", "enabled"}

// accountMaxLength is the API's limit on email, role and description (API.md, "Accounts: object").
const accountMaxLength = 256

// accountType is this resource's type name, under which the objects it manages are recorded
// (noteManaged).
const accountType = "visionone_account"

func (r *accountResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (r *accountResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Vision One user account (local or SAML) or SAML group account. Creating it sends an " +
			"invitation: the account stays `invited`, under a temporary id, until the person accepts it, and then " +
			"becomes `enabled` under a new id, which the provider follows by email. Vision One accepts no change of `role`, " +
			"`enabled` or `description` while an account is invited, nor ever through its API for a SAML group account: " +
			"the plan keeps the current value and says so in a warning on every plan. An invited account's change is " +
			"applied on the first apply after the invitation is accepted; a SAML group account's never is: make it in the " +
			"console, or replace the account (`terraform apply -replace=visionone_account.<name>`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Account id. It is temporary while the account is invited and changes when the invitation is accepted; the provider then finds the account by email and records the new id without a plan change. An output or another resource that uses the id changes then too: refer to `email` instead.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address of the user, or the distribution email (or directory object id) of the SAML group; the invitation is sent to it. At most 256 characters. " +
					"A plan that invites (a new account, or one being replaced) needs a bare address with a DNS domain name (an internationalised domain in its `xn--` form); " +
					"an account imported from the console keeps the email it has, as it is. Compared case-insensitively: a change in letter case only is not a change. Changing it otherwise replaces the account (a new invitation).",
				Required:   true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, accountMaxLength), validators.NotBlank()},
				PlanModifiers: []planmodifier.String{
					planmodifiers.IgnoreEquivalentChange("A change in letter case only is not a change.", client.SameName),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"auth_type": schema.StringAttribute{
				MarkdownDescription: "How the account signs in: `local` (Vision One password), `saml` (a user of the tenant's SAML identity provider) or `samlGroup` (every member of a SAML group). Default `local`. Changing it replaces the account.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(client.AuthTypeLocal),
				Validators:          []validator.String{stringvalidator.OneOf(client.AuthTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "Name of the user role, typically `visionone_user_role.<name>.name` or a predefined role such as `Auditor`. " +
					"The role must allow assignment to user accounts (`allow_user_account_assignment`); a role that does not exist or does not allow it is a plan error " +
					"for a new account; for an account that exists, the plan warns and the apply refuses the change before writing it, so that " +
					"`terraform destroy` is not blocked by a role renamed or deleted outside Terraform. " +
					"A role created or changed by the same configuration is judged by the flags the configuration gives it, provided the account refers to the role " +
					"(`visionone_user_role.<name>.name`) or lists it in `depends_on`: a bare name does not order the two, so Terraform may plan or create the account " +
					"before the role (the plan then fails with Role Not Found) and destroy the role before the account. " +
					"Updated in place once the invitation is accepted; for a SAML group account, only in the console or by replacing the account. " +
					"A rename of the role by the same configuration is followed even while the account is invited, and for a SAML group account, " +
					"provided the account refers to the role (`visionone_user_role.<name>.name`) or lists it in `depends_on`: Vision One shows the " +
					"new name on the account itself, so the apply sends it nothing and reads it back once the role is renamed. With a bare name, " +
					"Terraform may plan the account before the role, and the plan then keeps the old name with the warning Account Change Deferred, " +
					"until the next refresh reads the new one. Should the account not show the new name once the role is renamed, the apply fails with " +
					"Account Role Not Renamed, and the state keeps the name Vision One shows. " +
					"Should the role be renamed after the plan (in the console, say) while the apply changes something else of the account, " +
					"the change is applied, and the apply fails with Role Renamed During Apply, the state holding the role's new name.",
				Required:   true,
				Validators: roleReferenceValidators(),
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free-text note about the account, at most 256 characters. Default empty. Updated in place once the invitation is accepted; for a SAML group account, only in the console or by replacing the account.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(accountMaxLength)},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the account may sign in. Default `true`. Vision One creates every account as invited, so `false` takes effect on the first apply after the invitation is accepted. Updated in place; for a SAML group account, only in the console or by replacing the account.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status reported by Vision One: `invited` until the invitation is accepted, then `enabled` or `disabled`.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Display name of the user or SAML group, as Vision One reports it (from the person's profile or the identity provider). The API offers no way to set it. " +
					"The provider does not read an account back after inviting it, so this is null until a refresh is saved (the next apply, or `terraform apply -refresh-only`).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema names an account by its email: its id changes when the invitation is accepted.
func (r *accountResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema(identityEmail,
		"Email address of the user, or the distribution email (or directory object id) of the SAML group.")
}

func (r *accountResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// checkInvitationEmail wants an email address the invitation can go to, except for a SAML group,
// which Vision One also accepts by its directory object id (API.md, "Accounts: object"). Only a
// plan that sends an invitation checks it: the API's own rule is a string of at most 256
// characters, and an account made in the console keeps the email it has (an internationalised
// domain, an underscore, a trailing dot), which its adoption must accept as it is.
func checkInvitationEmail(plan accountResourceModel, diags *diag.Diagnostics) {
	if plan.Email.IsNull() || plan.Email.IsUnknown() || plan.AuthType.IsUnknown() ||
		plan.AuthType.ValueString() == client.AuthTypeSAMLGroup {
		return
	}
	if err := validators.CheckEmailAddress(plan.Email.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("email"), "Invalid Email Address",
			fmt.Sprintf("%q is not a bare email address such as auditor@example.com: %s. Only a SAML group account "+
				"(auth_type = \"samlGroup\") may be named by its directory object id instead.", plan.Email.ValueString(), err))
	}
}

// ModifyPlan checks the email and the role against the tenant and holds back the changes Vision One
// refuses for now (API.md, "Decision: updates of invited accounts and SAML groups"), so that a plan
// never promises what apply cannot do.
func (r *accountResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	plan, prior, diags := modifyPlanModels[accountResourceModel](ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if prior == nil || len(resp.RequiresReplace) > 0 {
		if checkInvitationEmail(plan, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	}
	refreshed := true
	if !unknownProvider(ctx, r.data) {
		// Every account of the plan records its email, the unchanged ones too, so that a new account
		// with the email of another one is refused whichever of the two Terraform plans first.
		owner := ""
		if prior != nil {
			owner = prior.ID.ValueString()
			// Not refreshed by this process: this is the apply planning the change again, or a plan
			// without refresh (see followsRoleRename).
			refreshed = r.data.seenManaged(accountType, owner)
			r.data.noteManaged(accountType, owner)
			resp.Diagnostics.Append(notePlannedFrom(ctx, resp.Private, owner)...)
		} else {
			// The create that replaces an account knows its id (see privatePlannedFromKey).
			owner, diags = plannedFromID(ctx, req.Private)
			resp.Diagnostics.Append(diags...)
		}
		r.data.noteInvitation(plan.Email, owner, prior == nil, &resp.Diagnostics)
		r.checkEmail(ctx, plan.Email, owner, prior == nil || len(resp.RequiresReplace) > 0, &resp.Diagnostics)
	}
	if req.Plan.Raw.Equal(req.State.Raw) {
		// Nothing changes: no role to check, no change to hold back.
		return
	}
	// A replaced account is planned again as a new one: nothing of the old one carries over.
	state := prior
	if len(resp.RequiresReplace) > 0 {
		state = nil
	}
	roleRenamedOutside := false

	switch {
	case unknownProvider(ctx, r.data):
		// The role is checked when Terraform plans again with the provider configured.
	case state == nil:
		r.data.checkRoleAssignable(ctx, accountRoleAssignment, plan.Role, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	default:
		if !plan.Role.Equal(state.Role) && !r.followsRoleRename(ctx, *state, plan, refreshed) {
			roleRenamedOutside = r.checkRoleOfExisting(ctx, *state, plan, req.Private, &resp.Diagnostics)
		}
	}

	if state == nil {
		if !plan.Enabled.IsUnknown() && !plan.Enabled.ValueBool() {
			resp.Diagnostics.AddAttributeWarning(path.Root("enabled"), "Account Disabled Once Active",
				fmt.Sprintf("Vision One creates every account as invited and accepts no status change until the invitation to %s is accepted. "+
					"Terraform invites it now and disables it on the first apply after the invitation is accepted; until then each plan says so in a warning.",
					plan.Email.ValueString()))
		}
		return
	}

	deferPendingChanges(&plan, *state, r.data.roleRenamed, roleRenamedOutside, &resp.Diagnostics)
	plan.Status = plannedStatus(plan, *state)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *accountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan accountResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	tflog.Debug(ctx, "inviting account", map[string]any{"email": plan.Email.ValueString(), "auth_type": plan.AuthType.ValueString()})
	account, err := r.data.client.InviteAccount(ctx, plan.toAPIInvite())
	if err != nil {
		r.addInviteError(ctx, &resp.Diagnostics, plan.Email.ValueString(), err)
		return
	}

	r.data.noteManaged(accountType, account.ID)
	// The invitation and its answer say everything but the display name, which the person's
	// profile or the identity provider gives: it stays null until the next refresh reads it.
	state := plan
	state.readFromAPI(account)
	state.Name = types.StringNull()
	// enabled = false cannot be sent with an invitation, and Terraform refuses a new state that
	// differs from the plan. The next refresh reads the real status back, and ModifyPlan holds the
	// change back until the invitation is accepted.
	state.Enabled = plan.Enabled
	setIdentity(ctx, resp.Identity, identityEmail, state.Email.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(storeVersion(ctx, resp.Private, account.Version)...)
}

func (r *accountResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state accountResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Set before anything can return: the framework wants an identity after every read. After an
	// import by id the email is not known yet; the account found below gives it.
	lookedUpBy := state.Email.ValueString()
	if lookedUpBy == "" {
		lookedUpBy = state.ID.ValueString()
	}
	setIdentity(ctx, resp.Identity, identityEmail, lookedUpBy)
	if unknownProvider(ctx, r.data) {
		return
	}

	account, err := r.findAccount(ctx, state.ID.ValueString(), state.Email.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Account Deleted Outside Terraform",
			fmt.Sprintf("No account with id %q or email %q exists in Vision One any more: it was deleted outside Terraform. "+
				"It is dropped from the state, and an apply with it in the configuration invites it again.", state.ID.ValueString(), state.Email.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Account", fmt.Sprintf("Reading the account %s (id %s)", state.Email.ValueString(), state.ID.ValueString()), err)
		return
	}
	if !state.ID.IsNull() && state.ID.ValueString() != account.ID {
		tflog.Info(ctx, "account has a new id, its invitation was accepted", map[string]any{"old_id": state.ID.ValueString(), "id": account.ID})
	}
	r.data.noteManaged(accountType, state.ID.ValueString(), account.ID)

	refreshed := state
	refreshed.readFromAPI(account)
	resp.Diagnostics.Append(noteRefreshedRole(ctx, resp.Private, state.Role, refreshed.Role)...)
	setIdentity(ctx, resp.Identity, identityEmail, refreshed.Email.ValueString())
	resp.Diagnostics.Append(setStateIfChanged(ctx, &resp.State, &state, &refreshed)...)
	resp.Diagnostics.Append(storeVersion(ctx, resp.Private, account.Version)...)
}

func (r *accountResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state accountResourceModel
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
	setIdentity(ctx, resp.Identity, identityEmail, state.Email.ValueString())
	r.data.noteManaged(accountType, id)
	patch, changed := plan.toAPIPatch(state)
	// The new name of the account's role, which this run renames and Vision One shows on the
	// account by itself, or "".
	followed, renamed := "", releaseUnknown
	if pendingReason(state) != "" {
		// Vision One refuses any change to such an account, and its plan changes nothing but the
		// name of a role this run renames (deferPendingChanges): read it back once the rename has
		// ended, which it may not have when Terraform does not order the two (followsRoleRename).
		changed = false
		if patch.Role != nil {
			followed = *patch.Role
			renamed = r.data.roleReleases.awaitRename(ctx, state.Role.ValueString(), followed)
		}
	}
	if changed {
		if patch.Role != nil {
			// The plan only warned about a role that fails the check (see ModifyPlan); this process did
			// not refresh the account, and the plan's refresh hands a rename of its role on (heldRoleRenamed).
			held := heldRoleRenamed(ctx, req.Private, plan.Role, state.Role)
			if r.data.checkRoleChange(ctx, accountRoleAssignment, plan.Role, held, &resp.Diagnostics); resp.Diagnostics.HasError() {
				return
			}
		}
		tflog.Debug(ctx, "updating account", map[string]any{"id": id})
		err := guardedUpdate[accountResourceModel]{
			summary: "Account Changed Outside Terraform", object: fmt.Sprintf("the account %s (id %s)", state.Email.ValueString(), id),
			prior: state, plan: plan, managed: accountManagedAttributes, ownChange: r.data.ownRoleRename(ctx),
			send: func(version string) error { return r.data.client.UpdateAccount(ctx, id, version, patch) },
			reread: func() (accountResourceModel, string, error) {
				account, err := r.data.client.GetAccount(ctx, id, state.Email.ValueString())
				if err != nil {
					return state, "", err
				}
				current := state
				current.readFromAPI(account)
				resp.Diagnostics.Append(resp.State.Set(ctx, current)...)
				resp.Diagnostics.Append(storeVersion(ctx, resp.Private, account.Version)...)
				return current, account.Version, nil
			},
		}.run(ctx, &resp.Diagnostics, version)
		switch {
		case client.IsPreconditionFailed(err):
			return // reported by run
		case client.IsNotFound(err):
			resp.Diagnostics.AddError("Account Changed Outside Terraform",
				fmt.Sprintf("The account %s no longer exists under id %s: it was deleted, or its invitation was accepted, after Terraform last read it. "+
					"Nothing was updated (%s). Run terraform plan again, then apply.", state.Email.ValueString(), id, err))
			return
		case err != nil:
			addAPIError(&resp.Diagnostics, "Error Updating Account", fmt.Sprintf("Updating the account %s (id %s)", state.Email.ValueString(), id), err)
			return
		case patch.Role != nil:
			resp.Diagnostics.Append(forgetRoleRename(ctx, resp.Private)...)
		}
	}

	account, err := r.data.client.GetAccount(ctx, id, state.Email.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Account", fmt.Sprintf("Reading the account %s (id %s) after updating it", state.Email.ValueString(), id), err)
		return
	}
	planned := plan.Role
	plan.readFromAPI(account)
	// A rename of the role after the plan shows here without a write (keepRoleShown).
	if patch.Role == nil {
		r.data.keepRoleShown(ctx, fmt.Sprintf("The account %s (id %s)", state.Email.ValueString(), id), planned, &plan.Role, resp.Private, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(storeVersion(ctx, resp.Private, account.Version)...)
	if followed != "" && !client.SameSpelling(account.Role, followed) {
		// An error, with what Vision One holds as the state: Terraform compares the result of an
		// apply with its plan only when the apply reports no error.
		resp.Diagnostics.AddAttributeError(path.Root("role"), "Account Role Not Renamed",
			roleRenameMissed(state, followed, account.Role, renamed))
	}
}

// roleRenameMissed says why an account whose plan follows the rename of its role to the name
// followed (see deferPendingChanges) has the role shown in Vision One after the apply, and what to
// do; renamed is how the wait for the rename ended.
func roleRenameMissed(state accountResourceModel, followed, shown string, renamed releaseOutcome) string {
	from := state.Role.ValueString()
	var cause, next string
	switch renamed {
	case releaseDone:
		cause = fmt.Sprintf("this run renamed the role %q to %q, but Vision One did not pass the new name on to the account", from, followed)
		next = "Terraform cannot give it the new name now: " + pendingReason(state) + "."
	case releaseFailed:
		cause = fmt.Sprintf("the rename of the role %q to %q failed in this run (see its error)", from, followed)
		next = "Apply again once the role's rename succeeds."
	case releaseInterrupted:
		cause = fmt.Sprintf("the apply was interrupted before the rename of the role %q to %q ended", from, followed)
		next = "Apply again."
	default:
		cause = fmt.Sprintf("the rename of the role %q to %q did not begin in this run", from, followed)
		next = "Apply again."
	}
	return fmt.Sprintf("The account %s (id %s) has the role %q in Vision One, not %q: %s. Nothing was sent to the account, "+
		"and the state records the role it has in Vision One. %s",
		state.Email.ValueString(), state.ID.ValueString(), shown, followed, cause, next)
}

func (r *accountResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state accountResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id, email := state.ID.ValueString(), state.Email.ValueString()
	// The delete of a role that the account has waits for this one (awaitDeletes).
	end := r.data.accountDeletes.beginDelete(accountDeleteKey(email), email)
	r.data.noteManaged(accountType, id)
	tflog.Debug(ctx, "deleting account", map[string]any{"id": id})
	err := r.data.client.DeleteAccount(ctx, id)
	if client.IsNotFound(err) {
		// The id may be the temporary one of an invitation accepted since the last refresh
		// (terraform destroy -refresh=false): find the account by email rather than leave it behind.
		var account *client.Account
		account, err = r.data.client.FindAccountByEmail(ctx, email)
		if err == nil {
			id = account.ID
			err = r.data.client.DeleteAccount(ctx, id)
		}
	}
	gone := err == nil || client.IsNotFound(err)
	end(gone)
	if !gone {
		addAPIError(&resp.Diagnostics, "Error Deleting Account", fmt.Sprintf("Deleting the account %s (id %s)", email, id), err)
	}
}

// accountDeleteKey is the key of an account in the record of account deletes: its email, which
// is unique regardless of case.
func accountDeleteKey(email string) string { return strings.ToLower(email) }

// accountImportCheck refuses a key's value given as the import ID, which the lookup would carry
// in the path (an id) or a filter (an email).
var accountImportCheck = importKeyValueCheck("the account", "an account's email, id or SAML group object id",
	"an account's email or id", accountMaxLength,
	"Import the account by its email; the visionone_accounts data source lists the accounts.")

// ImportState takes an email address (anything with an "@"), an account id, or a SAML group's
// directory object id, or an import block's identity: an email (or a SAML group's directory object
// id, which Vision One keeps in the email field). It looks the account up, so that one that does
// not exist gets this provider's explanation rather than Terraform's generic "non-existent remote
// object".
func (r *accountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	key, diags := importKey(ctx, req, identityEmail)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || accountImportCheck.refused(key, &resp.Diagnostics) {
		return
	}
	id, email := key, ""
	if req.ID == "" || strings.Contains(key, "@") {
		id, email = "", key
	}
	account, err := r.findAccount(ctx, id, email)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("Account Not Found",
			fmt.Sprintf("Importing the account %q: no account in the Vision One tenant has this email, id or SAML group object id "+
				"(an invited account's id is temporary and changes when the invitation is accepted, so prefer the email). "+
				"The visionone_accounts data source lists the accounts.", key))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Importing Account", fmt.Sprintf("Looking up the account %q", key), err)
		return
	}
	if email == "" {
		email = account.Email
	}
	if account.Role == "" {
		warnNoRole(&resp.Diagnostics, fmt.Sprintf("The account %s (id %s)", account.Email, account.ID))
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), account.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("email"), email)...)
	setIdentity(ctx, resp.Identity, identityEmail, email)
}

// findAccount returns the account with this id or, when the id is unknown or gone (an accepted
// invitation gets a new id), the account with this email. Without an email (an import by id) the
// id may be a SAML group's directory object id, which Vision One keeps in the email field. An
// account found by email is read again by its id, as only a read by id carries the version (ETag
// or fingerprint) that protects the next update. The email, when known, also tells an account that
// the API answers under a new id from another account (see client.GetAccount).
func (r *accountResource) findAccount(ctx context.Context, id, email string) (*client.Account, error) {
	if id != "" {
		account, err := r.data.client.RefreshAccount(ctx, id, email)
		if !client.IsNotFound(err) {
			return account, err
		}
		if email == "" {
			email = id
		}
	}
	found, err := r.data.client.RefreshAccountByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	return r.data.client.RefreshAccount(ctx, found.ID, found.Email)
}

// checkEmail refuses an email that another account planned in this run, or an account of the
// tenant, has regardless of case, as Vision One would at apply. owner is the id of the account
// planned (state) or replaced, or "" for a new account; creates says whether the plan invites a new
// account (a new or replaced one): an account that exists keeps its email, which only the record of
// the planned emails checks. A clash between two accounts that both exist only warns (see
// plan_checks.go); every other clash is an error.
//
// A clash of a new account with an account of the tenant that has exactly the planned email, and
// that the provider has not seen in this configuration's state, only warns, and Vision One refuses
// it at apply, as for key and role names (see warnExactNameTaken). Two accounts of this
// configuration with one email are still refused at plan, whichever Terraform plans first, by the
// record of the planned emails.
func (r *accountResource) checkEmail(ctx context.Context, planned types.String, owner string, creates bool, diags *diag.Diagnostics) {
	if planned.IsNull() || planned.IsUnknown() {
		return
	}
	email := planned.ValueString()
	if other, clash := r.data.plannedAccounts.note(email, owner, struct{}{}); clash {
		var checks diag.Diagnostics
		target := diags
		if !creates && other.owner != "" {
			target = &checks
		}
		target.AddAttributeError(path.Root("email"), "Account Already Exists",
			plannedNameClashDetail(accountType, "account", "email", email, other.name, other.owner))
		appendChecksOfExisting(diags, fmt.Sprintf("the account %s (id %s)", email, owner), checks)
		return
	}
	if !creates {
		return
	}
	existing, err := r.data.accountWithEmail(ctx, email)
	if err != nil {
		tflog.Warn(ctx, "Could not list the accounts; Vision One decides about the email at apply", map[string]any{"error": err.Error()})
		return
	}
	// An account this configuration manages is either the one this plan replaces (a tainted account
	// is planned as a new one, without its id), which is deleted first, or another resource's, which
	// the record of the planned emails reports.
	if existing == nil || existing.ID == owner || r.data.awaitManaged(ctx, accountType, existing.ID, r.data.accountDeletes.limit()) {
		return
	}
	clash, more := accountEmailClash(existing), fmt.Sprintf("\n\nThe existing account has auth type %s, role %q and status %s.",
		existing.AuthType, existing.Role, existing.Status)
	if existing.Email == email {
		r.data.warnExactNameTaken(diags, "Account Already Exists", clash, more)
		return
	}
	diags.AddAttributeError(path.Root("email"), "Account Already Exists", r.data.nameClashDetail(clash)+more)
}

// warnReinvited warns that a plan deletes the account with this email and id, and invites taker,
// the same email regardless of case, as a new account under another resource address: the person
// loses the account until they accept the new invitation, and with create_before_destroy Vision
// One refuses the invitation, sent before the delete.
func warnReinvited(diags *diag.Diagnostics, email, id, taker string) {
	diags.AddWarning("Account Deleted and Invited Again", fmt.Sprintf("This plan deletes the account %s (id %s) and invites "+
		"it again as %s, under another resource address (such as a for_each key or count index that changed): the person "+
		"loses the account, and signs in again only once they accept the new invitation. To keep the account, use a moved "+
		"block from the old resource address to the new one. Besides, account emails are unique regardless of case, and "+
		"Terraform may send the invitation before the delete has ended (always if create_before_destroy applies: set on "+
		"the resource, or inherited from a resource that refers to it, has it and changes in this apply): Vision One then "+
		"refuses the invitation, and the apply fails; without create_before_destroy, applying again invites the person.",
		email, id, taker))
}

// planDestroy records the destroy of an account, planned now, for the invitations of this plan to
// the same email, and warns when one was planned before it (warnReinvited).
func (r *accountResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	recordPlannedDestroy(ctx, req, resp, func(state accountResourceModel) {
		id, email := state.ID.ValueString(), state.Email.ValueString()
		if taker, taken := r.data.accountDestroys.planDelete(id, email); taken {
			warnReinvited(&resp.Diagnostics, email, id, taker)
		}
		r.data.noteManaged(accountType, id) // after the record, as a refresh notes it
	})
}

// noteInvitation records the invitation to email that a plan of a new resource (isNew) makes, for
// a new account or the replacement of the account owner, and warns when a destroy planned before
// it in this process deletes an account with that email (warnReinvited).
func (d *providerData) noteInvitation(email types.String, owner string, isNew bool, diags *diag.Diagnostics) {
	if !isNew || email.IsNull() || email.IsUnknown() {
		return
	}
	if id, from, found := d.accountDestroys.planCreate(email.ValueString(), owner); found {
		warnReinvited(diags, from, id, email.ValueString())
	}
}

// accountEmailClash describes the existing account whose email a new account would take.
func accountEmailClash(existing *client.Account) nameClash {
	return nameClash{
		typeName: accountType, object: "account", field: "email", name: existing.Email, id: existing.ID,
		importHint:   importHint(accountType, existing.Email, ""),
		replacedHint: "an account cannot keep its email through such a replacement: remove create_before_destroy.",
	}
}

// addInviteError reports a failed invitation; when the email is already taken (a 400:
// API.md, "Decision: duplicates", or an account the client found after an invitation that got no
// clear answer, which is not the invitation it sent) it names the account, and says how to bring
// it under Terraform when no resource of the state has it (nameClashDetail).
func (r *accountResource) addInviteError(ctx context.Context, diags *diag.Diagnostics, email string, err error) {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || (!client.IsBadRequest(err) && !apiErr.FoundByClient()) {
		addAPIError(diags, "Error Creating Account", "Inviting "+email, err)
		return
	}
	existing, findErr := r.data.client.FindAccountByEmail(ctx, email)
	if findErr != nil {
		addAPIError(diags, "Error Creating Account", "Inviting "+email, err)
		return
	}
	outcome, said := "No invitation was sent to "+email+".", "API answer to the invitation"
	if apiErr.FoundByClient() {
		outcome = "The invitation to " + email + " got no clear answer, and the account that has this email is not " +
			"the invitation it sent."
		said = "What the provider found"
	}
	detail := r.data.nameClashDetail(accountEmailClash(existing))
	diags.AddAttributeError(path.Root("email"), "Account Already Exists",
		fmt.Sprintf("%s %s\n\nThe existing account has auth type %s, role %q and status %s. %s: %s",
			outcome, detail, existing.AuthType, existing.Role, existing.Status, said, err))
}

// pendingReason says why Vision One refuses updates of this account for now, or "" when it accepts
// them (API.md, "Decision: updates of invited accounts and SAML groups").
func pendingReason(state accountResourceModel) string {
	switch {
	case state.AuthType.ValueString() == client.AuthTypeSAMLGroup:
		return "Vision One accepts no change to a SAML group account through its API. " +
			"Change it in the console, or replace the account (terraform apply -replace=visionone_account.<name>; in a plan " +
			"that replaces it already, the new account gets the change)"
	case state.Status.ValueString() == client.StatusInvited:
		return "the account is still invited, and Vision One accepts no change to it until the invitation is accepted. " +
			"The first apply after that applies it"
	}
	return ""
}

// checkRoleOfExisting checks the role that the plan gives the account that exists, from state,
// with only warnings (see plan_checks.go; Update checks again), and reports whether no role has
// that name because the account's role was renamed outside this configuration (checkRoleChange):
// no apply can give it that role, which deferPendingChanges must not promise. An account to which
// Vision One accepts no change for now (pendingReason) keeps its role in the plan
// (deferPendingChanges), so its apply writes nothing, and the warning says that rather than that
// the apply fails. private is the plan's private state, where the refresh notes a rename of the
// account's role (heldRoleRenamed).
func (r *accountResource) checkRoleOfExisting(ctx context.Context, state, plan accountResourceModel, private privateState,
	diags *diag.Diagnostics,
) bool {
	var checks diag.Diagnostics
	held := heldRoleRenamed(ctx, private, plan.Role, state.Role)
	renamedOutside := r.data.checkRoleChange(ctx, accountRoleAssignment, plan.Role, held, &checks)
	what := fmt.Sprintf("the account %s (id %s)", state.Email.ValueString(), state.ID.ValueString())
	if pendingReason(state) == "" {
		appendChecksOfExisting(diags, what, checks)
	} else {
		appendWithErrorNote(diags, checks, diag.SeverityWarning, "This is a warning rather than an error because "+what+
			" exists already. Vision One accepts no change to it for now, so the plan keeps its role "+state.Role.String()+
			", and applying the plan does not change it.")
	}
	return renamedOutside
}

// deferPendingChanges plans the state's values for the changes Vision One refuses for now, with a
// warning naming them. Terraform accepts a plan that keeps the prior value of a configured
// attribute, so the plan, the apply and the state all show what Vision One really holds, and the
// change reappears in the first plan after the account becomes active.
//
// A new role name that is the account's role renamed by this run (renamed says whether the role
// named from is renamed to to) is no change of the account: Vision One shows the new name on it
// without a write (API.md, "Decision: role renames reach holders"), so the plan keeps it, and
// Update sends nothing and reads it back once the rename has ended. Whether this process knows of
// the rename depends on the order in which Terraform plans the two (see followsRoleRename); a name
// still unknown is planned as it is, and judged in the apply's plan. A role name that is the
// account's role before a rename outside this configuration, which no role has any more
// (roleRenamedOutside; its warning Role Not Found says so), is kept too, but not named in the
// warning: no apply, after the invitation is accepted or any other, could apply it.
func deferPendingChanges(plan *accountResourceModel, state accountResourceModel, renamed func(from, to string) bool,
	roleRenamedOutside bool, diags *diag.Diagnostics,
) {
	reason := pendingReason(state)
	if reason == "" {
		return
	}
	var held []string
	if !plan.Role.IsUnknown() && !plan.Role.Equal(state.Role) && !renamed(state.Role.ValueString(), plan.Role.ValueString()) {
		if !roleRenamedOutside {
			held = append(held, fmt.Sprintf("role %q (now %q)", plan.Role.ValueString(), state.Role.ValueString()))
		}
		plan.Role = state.Role
	}
	if !plan.Enabled.IsUnknown() && !plan.Enabled.Equal(state.Enabled) {
		held = append(held, fmt.Sprintf("enabled = %t (now %t)", plan.Enabled.ValueBool(), state.Enabled.ValueBool()))
		plan.Enabled = state.Enabled
	}
	if !plan.Description.IsUnknown() && !plan.Description.Equal(state.Description) {
		held = append(held, fmt.Sprintf("description %q (now %q)", plan.Description.ValueString(), state.Description.ValueString()))
		plan.Description = state.Description
	}
	if len(held) == 0 {
		return
	}
	diags.AddWarning("Account Change Deferred",
		fmt.Sprintf("Not applying %s to the account %s (id %s) now: %s. Until then this warning repeats on every plan.",
			strings.Join(held, ", "), state.Email.ValueString(), state.ID.ValueString(), reason))
}

// followsRoleRename reports whether the plan of the account, from state, gives it the new name of
// its role, which this run renames, where Vision One accepts no change to the account for now
// (deferPendingChanges): the account keeps its role, so there is no assignment to check.
//
// A reference to the role (visionone_user_role.<name>.name) or depends_on makes Terraform plan the
// role first, in the plan and in the apply, which plans every change again just before it applies
// it (see nameReleases); a literal name, as -generate-config-out writes it, orders nothing. The plan
// after a refresh takes what this process knows: when it plans the account first, the change is
// deferred with a warning, as any other, and the plan of the account changes nothing, which
// Terraform does not plan again in the apply. So an account that the apply plans again has a plan
// that followed the rename, and planning the deferral now would break it ("Provider produced
// inconsistent final plan"): a plan of an account that this process did not refresh (refreshed
// false: the apply's plan, or a plan without refresh) waits a while for the role's plan to record
// the rename (awaitRoleRenamePlanned), where this run may still plan it.
func (r *accountResource) followsRoleRename(ctx context.Context, state, plan accountResourceModel, refreshed bool) bool {
	if pendingReason(state) == "" || plan.Role.IsUnknown() || plan.Role.Equal(state.Role) {
		return false
	}
	from, to := state.Role.ValueString(), plan.Role.ValueString()
	return r.data.roleRenamed(from, to) || !refreshed && r.data.awaitRoleRenamePlanned(ctx, from, to)
}

// plannedStatus is the status an update leaves: an invited account stays invited, an active one
// follows enabled. An update that leaves enabled alone sends no status, so the status stays what
// the API reported, even one this provider does not know (a newer API's "suspended", say):
// predicting "enabled" there would fail the apply with an inconsistent result.
func plannedStatus(plan, state accountResourceModel) types.String {
	switch {
	case state.Status.ValueString() == client.StatusInvited || state.Status.IsNull():
		return state.Status
	case plan.Enabled.IsUnknown():
		return types.StringUnknown()
	case plan.Enabled.Equal(state.Enabled):
		return state.Status
	case plan.Enabled.ValueBool():
		return types.StringValue(client.StatusEnabled)
	}
	return types.StringValue(client.StatusDisabled)
}

// toAPIInvite is the invitation this plan sends.
func (m accountResourceModel) toAPIInvite() client.AccountInvite {
	return client.AccountInvite{
		Email:       m.Email.ValueString(),
		Role:        m.Role.ValueString(),
		AuthType:    m.AuthType.ValueString(),
		Description: m.Description.ValueString(),
	}
}

// toAPIPatch holds the fields this plan changes from state, and reports whether there is any.
func (m accountResourceModel) toAPIPatch(state accountResourceModel) (client.AccountPatch, bool) {
	var patch client.AccountPatch
	if !m.Role.Equal(state.Role) {
		patch.Role = m.Role.ValueStringPointer()
	}
	if !m.Enabled.Equal(state.Enabled) {
		status := client.StatusDisabled
		if m.Enabled.ValueBool() {
			status = client.StatusEnabled
		}
		patch.Status = &status
	}
	if !m.Description.Equal(state.Description) {
		patch.Description = m.Description.ValueStringPointer()
	}
	return patch, patch.Role != nil || patch.Status != nil || patch.Description != nil
}

// readFromAPI overwrites the model's attributes with what the API holds; every attribute of an
// account is one the API reports. The model's email (from the plan or state) is kept when it
// differs only in letter case, since Vision One compares emails case-insensitively.
func (m *accountResourceModel) readFromAPI(account *client.Account) {
	if !client.SameName(m.Email.ValueString(), account.Email) {
		m.Email = types.StringValue(account.Email)
	}
	m.ID = types.StringValue(account.ID)
	m.AuthType = types.StringValue(account.AuthType)
	m.Role = types.StringValue(account.Role)
	m.Description = types.StringValue(account.Description)
	m.Enabled = enabledFromStatus(account.Status)
	m.Status = types.StringValue(account.Status)
	m.Name = types.StringValue(account.Name)
}
