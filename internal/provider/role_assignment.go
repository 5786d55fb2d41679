package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

// roleAssignment is one kind of holder a role can be given to, with the control flag of the role
// that allows it (API.md, "Roles: object"; API.md, "Who may do what").
type roleAssignment struct {
	// holder names what gets the role, as in "does not allow <holder> assignment".
	holder string
	// flag is the control flag's attribute on visionone_user_role.
	flag string
	// summary is the diagnostic summary of a role that does not allow this assignment.
	summary string
	// allowedBy reads the flag from a role the tenant has.
	allowedBy func(client.Role) bool
	// plannedAllowedBy reads the flag from a role this run plans; it may be unknown.
	plannedAllowedBy func(plannedRole) types.Bool
	// refusesMasterAdministrator is true for API keys, which Vision One never gives Master
	// Administrator, whatever its flags say.
	refusesMasterAdministrator bool
}

var (
	// accountRoleAssignment is the role of a visionone_account.
	accountRoleAssignment = roleAssignment{
		holder:           "user account",
		flag:             "allow_user_account_assignment",
		summary:          "Role Not Assignable to Accounts",
		allowedBy:        func(r client.Role) bool { return r.AllowUserAccountAssignment },
		plannedAllowedBy: func(r plannedRole) types.Bool { return r.AllowUserAccountAssignment },
	}
	// apiKeyRoleAssignment is the role of a visionone_api_key. Master Administrator may not be
	// given to new keys since October 2025 (API.md, "Who may do what").
	apiKeyRoleAssignment = roleAssignment{
		holder:                     "API key",
		flag:                       "allow_api_key_assignment",
		summary:                    "Role Not Assignable to API Keys",
		allowedBy:                  func(r client.Role) bool { return r.AllowAPIKeyAssignment },
		plannedAllowedBy:           func(r plannedRole) types.Bool { return r.AllowAPIKeyAssignment },
		refusesMasterAdministrator: true,
	}
)

// roleReferenceValidators check, at validation, the name by which an account or an API key refers
// to its role: a role name holds 1 to 128 characters (API.md, "Decision: role limits"), and one of
// whitespace only is a mistake Vision One refuses as missing. An empty one has its own message
// (roleNotEmpty), not the length validator's.
func roleReferenceValidators() []validator.String {
	return []validator.String{roleNotEmpty{}, stringvalidator.UTF8LengthAtMost(roleNameMaxLength), validators.NotBlank()}
}

// roleNotEmpty refuses role = "", which configuration generated from an account or an API key with
// no role holds (see warnNoRole): Terraform validates the configuration before it plans, so the
// plan never shows the query's warning, and this error says what it would.
type roleNotEmpty struct{}

var _ validator.String = roleNotEmpty{}

func (roleNotEmpty) Description(context.Context) string {
	return "must name a role: it must not be empty"
}

func (v roleNotEmpty) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (roleNotEmpty) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() != "" {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, noRoleSummary,
		fmt.Sprintf("Attribute %s is empty, so it names no role. Configuration generated from an account or an API key "+
			"(terraform query or terraform plan -generate-config-out) holds role = \"\" when that object %s.", req.Path, noRoleAdvice))
}

// roleReferenceHint says how to name a role that this configuration creates. Terraform plans (and
// applies) a resource after a role only when the resource refers to the role, so a literal name
// can be checked before the role is planned.
const roleReferenceHint = "Role names are case-sensitive; the visionone_user_roles data source lists the roles and their " +
	"flags. For a role created by this configuration, refer to it, as in role = visionone_user_role.<name>.name, or add " +
	"depends_on = [visionone_user_role.<name>]: with a bare name, Terraform may plan and create this resource before the role."

// roleGoneSincePlan is the advice on a role that is missing while Terraform applies a plan made when
// it existed: Terraform checks each change once more as it applies it, and a role of this
// configuration renamed or deleted in the console since a saved plan was made is not found then.
const roleGoneSincePlan = "If this configuration manages the role and this is an apply, the role may have been renamed or " +
	"deleted outside Terraform since the plan was made: run terraform plan again, whose refresh sees the change."

// flagChangeRule is who may change a custom role's control flags (API.md, "Who may do what").
const flagChangeRule = "Only a Master Administrator may change that flag: a Master Administrator API key made " +
	"before October 27, 2025 (no key made since can have that role), or a Master Administrator in the console."

// checkRoleAssignable fails the plan when the role name is known and the role either does not
// exist or does not allow this assignment, so that nothing is written. A role this run plans
// (visionone_user_role records it, see plannedRoles) is judged by its planned flags, since it may
// not exist yet or may be about to change; otherwise the tenant's role is. An unknown name is left
// alone: Terraform plans the change again just before applying it, with the name known by then, so
// the check still runs before the write. When the tenant cannot be asked, the plan only warns and
// the API judges at apply. For an object that exists already, the plan turns the errors into
// warnings (appendChecksOfExisting) and Update runs the check again before writing.
func (d *providerData) checkRoleAssignable(ctx context.Context, use roleAssignment, role types.String, diags *diag.Diagnostics) {
	d.checkRoleChange(ctx, use, role, "", diags)
}

// checkRoleChange is checkRoleAssignable for the plan and the update of a holder that exists: held
// is the role it has, when a refresh found that role renamed from the name role gives
// (heldRoleRenamed), or "". A role not found then is the holder's own, renamed outside this
// configuration, and the error says so (roleNotFoundDetail); checkRoleChange reports whether it
// did, so that nothing else promises the role.
func (d *providerData) checkRoleChange(ctx context.Context, use roleAssignment, role types.String, held string, diags *diag.Diagnostics) (renamedOutside bool) {
	if d == nil || role.IsNull() || role.IsUnknown() {
		return false
	}
	name := role.ValueString()
	if use.refusesMasterAdministrator && strings.EqualFold(name, client.MasterAdministratorRole) {
		diags.AddAttributeError(path.Root("role"), use.summary,
			fmt.Sprintf("The role %q cannot be assigned to API keys: Vision One refuses it for new keys since October 2025. "+
				"Use a role meant for integrations, such as SIEM or SOAR, or a custom role that allows API key assignment "+
				"with only the permissions the key needs.", name))
		return false
	}
	if planned, ok := d.plannedRole(name); ok {
		if allowed := use.plannedAllowedBy(planned); !allowed.IsUnknown() && !allowed.ValueBool() {
			diags.AddAttributeError(path.Root("role"), use.summary,
				fmt.Sprintf("The role %q does not allow %s assignment: this configuration sets its %s to false. "+
					"Set it to true, or choose another role. %s", name, use.holder, use.flag, flagChangeRule))
		}
		return false
	}
	found, err := d.client.RefreshRoleSummaryByName(ctx, name)
	switch {
	case client.IsNotFound(err):
		detail, renamedOutside := d.roleNotFoundDetail(ctx, use, name, held)
		diags.AddAttributeError(path.Root("role"), roleNotFoundSummary, detail)
		return renamedOutside
	case err != nil:
		diags.AddAttributeWarning(path.Root("role"), "Role Not Checked",
			fmt.Sprintf("Could not check the role %q at plan time, so Vision One judges it at apply: %s", name, errorWithAdvice(err)))
	case !use.allowedBy(*found):
		next := fmt.Sprintf("Choose another role, or set %s = true on its visionone_user_role (or in the console). %s",
			use.flag, flagChangeRule)
		if found.Type == client.RoleTypePredefined {
			next = fmt.Sprintf("It is a predefined role, whose flags Trend Micro sets: choose another role, or create a custom "+
				"role (visionone_user_role) with the permissions needed and %s = true.", use.flag)
		}
		diags.AddAttributeError(path.Root("role"), use.summary,
			fmt.Sprintf("The role %q does not allow %s assignment (its %s is false), so Vision One would refuse it. %s",
				name, use.holder, use.flag, next))
	}
	return false
}

// roleNotFoundSummary is the summary of the error on a role name that no role has.
const roleNotFoundSummary = "Role Not Found"

// roleNotFoundDetail says that no role is named name, which this run does not plan either, and
// whether it says that the holder's role was renamed outside this configuration. When
// the holder that exists has the role held (see checkRoleChange), which the tenant has, and which
// this run neither plans nor renames, it leads with that: its role was renamed outside this
// configuration, and the configuration is to name it so. The advice on a role this configuration
// creates or renames would mislead there. A role of this configuration renamed outside Terraform,
// which the role's plan names back, is not known here when Terraform plans the holder first (a
// literal name orders nothing): the advice is then the one on a rename outside this configuration.
func (d *providerData) roleNotFoundDetail(ctx context.Context, use roleAssignment, name, held string) (detail string, renamedOutside bool) {
	if _, planned := d.plannedRole(held); held != "" && !planned && !d.roleReleases.renamesFrom(held) {
		// A predefined role is never renamed: a holder that has one was given it instead.
		if found, err := d.client.RefreshRoleSummaryByName(ctx, held); err == nil && found.Type != client.RoleTypePredefined {
			return fmt.Sprintf("The %[1]s holds the role now named %[2]q (renamed outside this configuration, in the console "+
				"or by the configuration that manages it), and no role named %[3]q exists in the Vision One tenant, so the %[1]s "+
				"is not written: set role = %[2]q, or refer to the role by its id through the visionone_user_role data source, "+
				"which follows later renames:\n\n  data \"visionone_user_role\" \"<name>\" {\n    id = %[4]q\n  }\n\n"+
				"with role = data.visionone_user_role.<name>.name.", use.holder, held, name, found.ID), true
		}
	}
	notFound := fmt.Sprintf("No role named %q exists in the Vision One tenant, and this configuration does not plan one, "+
		"so the %s is not written.", name, use.holder)
	return fmt.Sprintf("%s%s %s %s", notFound, d.closestRoles(ctx, name), roleReferenceHint, roleGoneSincePlan), false
}

// heldRoleRenamed returns the role of a holder (an API key or an account) that the plan gives the
// role planned while its state has held, when a refresh of the holder found held where its state
// had planned before, and the holder has had held since (noteRefreshedRole): its role renamed
// outside Terraform, most likely, which the configuration still names by the old name. It is ""
// otherwise: the holder's role did not change name in a refresh, so that a name the configuration
// gives is a change of the holder's role, or a mistake. The rename travels in the private state
// (privateRoleRenamedKey), from the plan's refresh to the apply, which Terraform runs in another
// provider process. It is only a hint, without which the advice is the general one.
func heldRoleRenamed(ctx context.Context, private privateState, planned, held types.String) string {
	if held.IsNull() || held.IsUnknown() {
		return ""
	}
	if to := recordedRoleRename(ctx, private, planned); to != "" && to == held.ValueString() {
		return to
	}
	return ""
}

// recordedRoleRename returns the name to which the rename that the private state records
// (privateRoleRenamedKey) renamed the role named planned, or "" when it records none from that
// name. The create that replaces an API key has no state, and the private state of the key's own
// plan (see privatePlannedFromKey): the key's role is the one renamed.
func recordedRoleRename(ctx context.Context, private privateState, planned types.String) string {
	if planned.IsNull() || planned.IsUnknown() {
		return ""
	}
	found, diags, err := getPrivate[roleRename](ctx, private, privateRoleRenamedKey)
	if err != nil || diags.HasError() {
		tflog.Warn(ctx, "Ignoring an unreadable role rename in the private state", map[string]any{"key": privateRoleRenamedKey})
		return ""
	}
	if found.From == planned.ValueString() {
		return found.To
	}
	return ""
}

// forgetRoleRename drops the rename of a holder's role that the private state records: an update
// that wrote the holder's role has made it none of the holder's business, and a later plan that
// gives it a role of the old name (a new role, say) is not told that it holds the role renamed.
func forgetRoleRename(ctx context.Context, private privateState) diag.Diagnostics {
	return private.SetKey(ctx, privateRoleRenamedKey, nil)
}

// roleRename is what a refresh found of a holder's role, from the name its state had to the one
// Vision One showed (noteRefreshedRole).
type roleRename struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// noteRefreshedRole records in the private state what the refresh of a holder found of its role:
// was in the state, is in Vision One. A refresh that finds another name records the rename; one
// that finds the name unchanged keeps the rename recorded before, which a failed apply leaves as
// true as it was, and one that finds the holder with another role than the rename's drops it.
func noteRefreshedRole(ctx context.Context, private privateState, was, is types.String) diag.Diagnostics {
	if is.IsNull() || is.IsUnknown() {
		return nil
	}
	if !was.IsNull() && !was.IsUnknown() && was.ValueString() != "" && is.ValueString() != "" && !was.Equal(is) {
		return setPrivate(ctx, private, privateRoleRenamedKey, roleRename{From: was.ValueString(), To: is.ValueString()})
	}
	recorded, diags, err := getPrivate[roleRename](ctx, private, privateRoleRenamedKey)
	if err != nil || (recorded != roleRename{} && recorded.To != is.ValueString()) {
		diags.Append(forgetRoleRename(ctx, private)...)
	}
	return diags
}

// checkPlannedRoleApplied fails when the role is one this run plans, which checkRoleAssignable
// judges by its planned flags, but the tenant does not have yet, or has without this assignment
// allowed. It is for what is written as soon as Terraform opens it, as an ephemeral API key is, during
// the plan as well as the apply: a role this configuration creates or changes is not applied yet
// when the plan opens the key, and Vision One would refuse the key with an error that blames a
// configuration that is right. When the tenant cannot be asked, Vision One judges the role.
func (d *providerData) checkPlannedRoleApplied(ctx context.Context, use roleAssignment, role types.String, diags *diag.Diagnostics) {
	if d == nil || role.IsNull() || role.IsUnknown() {
		return
	}
	name := role.ValueString()
	if _, planned := d.plannedRole(name); !planned {
		return
	}
	found, err := d.client.RefreshRoleSummaryByName(ctx, name)
	var now string
	switch {
	case client.IsNotFound(err):
		now = "the Vision One tenant does not have it yet"
	case err != nil || use.allowedBy(*found):
		return
	default:
		now = fmt.Sprintf("the role in the Vision One tenant does not allow %s assignment yet (its %s is false there)", use.holder, use.flag)
	}
	diags.AddAttributeError(path.Root("role"), "Role Not Applied Yet",
		fmt.Sprintf("This configuration creates or changes the role %q, and %s, so no %s was created. Terraform opens an "+
			"ephemeral visionone_api_key during the plan as well as during the apply, before it creates or changes "+
			"anything, so the key's role must exist as configured before the key is opened. Apply the role first, once:"+
			"\n\n  terraform apply -target=visionone_user_role.<name>\n\nor give the key a role that exists already.",
			name, now, use.holder))
}

// roleSuggestions bounds the "did you mean" list of an unknown role name.
const roleSuggestions = 3

// closestRoles returns " Did you mean ...?" naming the roles of the tenant and of this run's plan
// whose names are closest to name (a typo, or another letter case), or "" when none is close or
// the roles cannot be listed: the suggestion only helps, the error stands without it.
func (d *providerData) closestRoles(ctx context.Context, name string) string {
	roles, err := d.client.ListRoleSummaries(ctx, "")
	if err != nil {
		return ""
	}
	names := d.plannedRoles.names()
	for _, role := range roles {
		names = append(names, role.Name)
	}
	slices.Sort(names)
	suggestions := validators.ClosestMatches(name, slices.Compact(names), roleSuggestions)
	if len(suggestions) == 0 {
		return ""
	}
	return " Did you mean " + orList(suggestions) + "?"
}

// noRoleSummary and noRoleAdvice say of an object with no role what happened and what to write:
// warnNoRole when the object is found, and roleNotEmpty when its generated configuration is planned.
const (
	noRoleSummary = "No Role"
	noRoleAdvice  = "has no role in Vision One (was its role deleted in the console?): its configuration must set role to " +
		"a role that exists"
)

// warnNoRole warns that an object found in the tenant (listed or imported) has no role, which
// happens when its role is deleted in the console: its configuration cannot keep the empty role
// Vision One reports, which `role` refuses, and the warning says what to write instead.
func warnNoRole(diags *diag.Diagnostics, object string) {
	diags.AddWarning(noRoleSummary,
		fmt.Sprintf("%s %s, which the apply then gives it. role = \"\", as configuration generated from it holds, is "+
			"refused.", object, noRoleAdvice))
}

// roleText is a role's name for a display name, or "no role" when the object has none.
func roleText(role string) string {
	if role == "" {
		return "no role"
	}
	return role
}
