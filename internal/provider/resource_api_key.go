package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/planmodifiers"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

var (
	_ resource.Resource                     = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigure        = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*apiKeyResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState      = (*apiKeyResource)(nil)
	_ resource.ResourceWithIdentity         = (*apiKeyResource)(nil)
)

// NewAPIKeyResource is the constructor of visionone_api_key.
func NewAPIKeyResource() resource.Resource {
	return &apiKeyResource{}
}

const (
	// apiKeyNameMaxLength is the API's limit on key names (API.md, "API keys: object").
	apiKeyNameMaxLength = 128
	// nameSuffixLength is the length of what uniqueAPIKeyName appends to name_prefix: a UTC
	// timestamp (14 digits) and 8 random hex digits.
	nameSuffixLength = 22
	// maxRotateBefore is the longest validity a key can have (12 months); a longer window would
	// replace the key on every plan.
	maxRotateBefore = 366 * 24 * time.Hour
	// defaultMonthsToExpiration is expires_in_months when the configuration leaves it out, as in
	// the console.
	defaultMonthsToExpiration = 12
)

type apiKeyResource struct {
	data *providerData
}

type apiKeyResourceModel struct {
	ID              types.String         `tfsdk:"id"`
	Name            types.String         `tfsdk:"name"`
	NamePrefix      types.String         `tfsdk:"name_prefix"`
	Role            types.String         `tfsdk:"role"`
	Description     types.String         `tfsdk:"description"`
	Enabled         types.Bool           `tfsdk:"enabled"`
	ExpiresInMonths types.Int64          `tfsdk:"expires_in_months"`
	RotateBefore    timetypes.GoDuration `tfsdk:"rotate_before"`
	Keepers         types.Map            `tfsdk:"keepers"`
	Value           types.String         `tfsdk:"value"`
	ExpiresAt       timetypes.RFC3339    `tfsdk:"expires_at"`
	LastUsedAt      timetypes.RFC3339    `tfsdk:"last_used_at"`
	CreatedAt       timetypes.RFC3339    `tfsdk:"created_at"`
}

// apiKeyManagedAttributes are the attributes an update writes (see toAPIPatch).
var apiKeyManagedAttributes = []string{"name", "role", "description", "enabled"}

// apiKeyType is this resource's type name, under which the objects it manages are recorded
// (noteManaged).
const apiKeyType = "visionone_api_key"

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Vision One API key: a bearer token bound to one user role, for an integration or an auditor. " +
			"Vision One shows the secret `value` only once, when the key is created; this resource keeps it in the Terraform state " +
			"(as a sensitive value), so protect the state, and saved plan files, accordingly. Expiry is judged by the API's clock, and a key that has " +
			"expired, or is within `rotate_before` of its expiry, is planned for replacement.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id (a UUID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The key's name, unique in the tenant (compared case-insensitively), at most 128 characters. " +
					"Changed in place. Exactly one of `name` and `name_prefix` must be set; with `name_prefix` this is the generated name.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, apiKeyNameMaxLength),
					validators.NotBlank(),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name_prefix": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Creates a unique name beginning with this prefix: a %d-character suffix "+
					"(the UTC creation time and random hex digits) is appended. Use it instead of `name` with "+
					"`lifecycle { create_before_destroy = true }`, so that the new key can exist next to the old one "+
					"(names are unique in a tenant). At most %d characters. Changing it replaces the key, unless the current "+
					"name already begins with the new prefix.", nameSuffixLength, apiKeyNameMaxLength-nameSuffixLength),
				Optional: true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, apiKeyNameMaxLength-nameSuffixLength),
				},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplaceIf(namePrefixNoLongerMatches,
						"Replaces the key when its current name does not begin with the new prefix.",
						"Replaces the key when its current name does not begin with the new prefix."),
				},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "Name of the user role the key acts with, e.g. `SIEM`, or `visionone_user_role.<name>.name` for a " +
					"custom role. Changed in place. `Master Administrator`, a role that does not allow API key assignment " +
					"(`allow_api_key_assignment`) and a role that does not exist are plan errors for a new key; for a key that exists, " +
					"the plan warns and the apply refuses the change before writing it, so that `terraform destroy` is not blocked by " +
					"a role renamed or deleted outside Terraform. A role created or changed by the same " +
					"configuration is judged by the flags the configuration gives it, provided the key refers to the role " +
					"(`visionone_user_role.<name>.name`) or lists it in `depends_on`: a bare name does not order the two, so Terraform " +
					"may plan or create the key before the role (the plan then fails with Role Not Found) and destroy the role before the key. " +
					"Should the role be renamed after the plan (in the console, say) while the apply changes something else of the key, " +
					"the change is applied, and the apply fails with Role Renamed During Apply, the state holding the role's new name.",
				Required:   true,
				Validators: roleReferenceValidators(),
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A note about the key, at most 2048 characters. Changed in place. Default empty.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(2048)},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the key can authenticate (status `enabled`) or not (`disabled`). Changed in place. Default `true`. " +
					"A status this provider does not know is read as `true`, so it causes no change unless `enabled` is `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"expires_in_months": schema.Int64Attribute{
				MarkdownDescription: "How long the key is valid from its creation: `1`, `3`, `6` or `12` months, or `0` for never. " +
					"Default `12`, as in the console. The API cannot change an expiry, so changing this replaces the key; so does " +
					"leaving it out for a key that exists with another validity, which the plan warns of, naming the value that keeps the key. " +
					"An import works it out from the key's creation and expiry times; when the API does not report enough to " +
					"tell, it stays null (the default does not apply then) until the configuration sets it, which is adopted " +
					"without replacing the key.",
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(defaultMonthsToExpiration),
				Validators: []validator.Int64{
					int64validator.OneOf(client.MonthsToExpiration...),
				},
				// An imported key's expires_in_months cannot always be recovered from its dates: it is then
				// null, and neither the default nor the true value written later replaces the key.
				PlanModifiers: []planmodifier.Int64{
					planmodifiers.Int64PriorNullOverDefault(),
					planmodifiers.Int64RequiresReplaceUnlessPriorNull(),
				},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "Replace the key once the API's current time is within this duration before `expires_at`, " +
					"for example `720h` (30 days). A Go duration (units `s`, `m`, `h`), shorter than the shortest validity " +
					"`expires_in_months` can give (28 days for 1 month, 89 for 3, 181 for 6, 365 for 12), since a longer one would replace " +
					"the key on every run; with `expires_in_months = 0` the key never expires and `rotate_before` has no effect. " +
					"The decision is made at plan time and stated in a plan warning. Without it, the key is replaced only once it has " +
					"expired. Changed in place.",
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{validators.DurationBetween(time.Second, maxRotateBefore)},
			},
			"keepers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings; any change to them replaces the key, for rotation on demand " +
					"(for example from `time_rotating`). Setting keepers on a key that had none (such as an imported key) " +
					"does not replace it.",
				Optional:      true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.Map{planmodifiers.MapRequiresReplaceUnlessPriorNull()},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The secret: use it as `Authorization: Bearer <value>`. Vision One returns it only when the key " +
					"is created, so it is null for an imported key; to get a new value, replace the key " +
					"(`terraform apply -replace=<address>`), which needs a role that new keys may have.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the key expires (RFC 3339, UTC), or null when it never expires. Also null, with a warning, " +
					"when the API writes it in a form the provider cannot read; the key is then not replaced on expiry.",
				Computed:      true,
				CustomType:    timetypes.RFC3339Type{},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_used_at": schema.StringAttribute{
				MarkdownDescription: "When the key last authenticated (RFC 3339, UTC), or null if never. Refreshed on every read; " +
					"an in-place update keeps the value of the refresh before it, as changing a key does not use it.",
				Computed:      true,
				CustomType:    timetypes.RFC3339Type{},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the key was created (RFC 3339, UTC), where the API reports it. The provider does not read a " +
					"key back after creating it: until a refresh reads the key, this is the time of Vision One's answer to the " +
					"create (its `Date` header), normally the same second. A key's creation time never changes, so when a refresh " +
					"finds none (Vision One does not document `createdDateTime` as part of a key), the one in the state is kept: " +
					"a key created by Terraform keeps the time of that answer, and an imported key has null.",
				Computed:      true,
				CustomType:    timetypes.RFC3339Type{},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema names a key by its id, which never changes.
func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema(identityID, "The key's id (a UUID).")
}

func (r *apiKeyResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("name_prefix")),
	}
}

// ValidateConfig refuses a rotate_before at least as long as the key's validity: every new key
// would be within it of its expiry as soon as it is created, so every run would replace the key
// (and revoke the one the previous run handed out). With expires_in_months = 0 it only warns, as
// rotate_before then has no effect.
func (r *apiKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var rotateBefore timetypes.GoDuration
	var months types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotate_before"), &rotateBefore)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("expires_in_months"), &months)...)
	if resp.Diagnostics.HasError() || rotateBefore.IsNull() || rotateBefore.IsUnknown() || months.IsUnknown() {
		return
	}
	window, diags := rotateBefore.ValueGoDuration()
	if diags.HasError() {
		return // the attribute's type reports it
	}
	monthCount := int64(defaultMonthsToExpiration)
	if !months.IsNull() {
		monthCount = months.ValueInt64()
	}
	if monthCount == 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("rotate_before"), "rotate_before Has No Effect",
			fmt.Sprintf("rotate_before = %q has no effect: expires_in_months = 0 makes a key that never expires, so it is never "+
				"within rotate_before of an expiry. Remove rotate_before, or set expires_in_months to 1, 3, 6 or 12 to rotate the key.",
				rotateBefore.ValueString()))
		return
	}
	shortest := client.ShortestValidity(monthCount)
	if window < shortest {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "rotate_before Not Shorter Than the Key's Validity",
		fmt.Sprintf("rotate_before = %q (%s) is at least as long as the validity of a key with expires_in_months = %d, which can "+
			"be as short as %s: every new key would be within rotate_before of its expiry as soon as it is created, so every "+
			"run would replace it and revoke the key the previous run handed out. Set rotate_before below %s, or raise "+
			"expires_in_months.", rotateBefore.ValueString(), hoursAndDays(window), monthCount, hoursAndDays(shortest), hoursAndDays(shortest)))
}

// hoursAndDays renders a duration in hours, as rotate_before is written, and in days, as people
// count, each to two decimal places at most.
func hoursAndDays(d time.Duration) string {
	hours := d.Hours()
	return fmt.Sprintf("%sh, %s days", twoDecimals(hours), twoDecimals(hours/24))
}

// twoDecimals is x rounded to two decimal places, without trailing zeros: 28.04 for 673h in days,
// 28 for 672h.
func twoDecimals(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// ModifyPlan refuses roles that do not exist or cannot hold API keys, and plans the replacement of
// a key that has expired or is within rotate_before of its expiry. Both need the API, so they are
// skipped while the provider is not configured (validate, or a provider configuration still
// unknown). Create does not check the role again: Terraform plans each change once more just
// before applying it, so a role name known only at apply is checked here before the write. For a
// key that exists, the role check only warns (see plan_checks.go), and Update checks it again.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		if r.data != nil {
			// A destroy gives the name up, for the creates of this plan that take it.
			recordPlannedDestroy(ctx, req, resp, func(state apiKeyResourceModel) {
				reportPlannedDestroy(&resp.Diagnostics, &r.data.keyReleases, apiKeyRecreatedSummary, "API key", apiKeyRecreatedCost,
					state.ID.ValueString(), state.Name.ValueString())
				r.data.noteManaged(apiKeyType, state.ID.ValueString()) // after the record, as a refresh notes it
			})
		}
		return
	}
	if unknownProvider(ctx, r.data) {
		return
	}
	plan, state, diags := modifyPlanModels[apiKeyResourceModel](ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state == nil {
		// The create that replaces a key knows its id (see privatePlannedFromKey).
		replaces, diags := plannedFromID(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		// A replacement's private state is the key's plan's: a role renamed outside is the key's
		// (heldRoleRenamed), which no note on the new key's role would explain.
		var roleChecks diag.Diagnostics
		held := ""
		if replaces != "" {
			held = recordedRoleRename(ctx, req.Private, plan.Role)
		}
		if renamedOutside := r.data.checkRoleChange(ctx, apiKeyRoleAssignment, plan.Role, held, &roleChecks); replaces == "" || renamedOutside {
			resp.Diagnostics.Append(roleChecks...)
		} else {
			appendWithErrorNote(&resp.Diagnostics, roleChecks, diag.SeverityError, replacedRoleNote(replaces))
		}
		if !plan.Name.IsNull() && !plan.Name.IsUnknown() {
			reportPlannedCreate(&resp.Diagnostics, &r.data.keyReleases, apiKeyRecreatedSummary, "API key", apiKeyRecreatedCost,
				plan.Name.ValueString(), replaces)
		}
		r.checkName(ctx, plan.Name, replaces, nil, false, &resp.Diagnostics, &resp.Diagnostics)
		return
	}
	id := state.ID.ValueString()
	// Not refreshed by this process: this is the apply planning the change again (see
	// nameReleases), or a plan without refresh.
	refreshed := r.seenManaged(id)

	// A name renamed outside Terraform is set back; with name_prefix the original generated name
	// is not known any more, so Update generates a new one. Under ignore_changes, Terraform puts
	// the prior name into the configuration, and the plan must keep it.
	var configName types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &configName)...)
	if prefix := plan.NamePrefix; configName.IsNull() && !prefix.IsNull() && !prefix.IsUnknown() &&
		!strings.HasPrefix(state.Name.ValueString(), prefix.ValueString()) {
		plan.Name = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("name"), plan.Name)...)
	}
	// Before noteManaged (see nameReleases.await) and checkName, which tells from it whether
	// renames form a cycle.
	r.data.keyReleases.planRename(id, state.Name.ValueString(), plan.Name)
	r.data.noteManaged(apiKeyType, id)
	resp.Diagnostics.Append(notePlannedFrom(ctx, resp.Private, id)...)

	var checks diag.Diagnostics
	if !plan.Role.Equal(state.Role) {
		held := heldRoleRenamed(ctx, req.Private, plan.Role, state.Role)
		r.data.checkRoleChange(ctx, apiKeyRoleAssignment, plan.Role, held, &checks)
	}
	r.checkName(ctx, plan.Name, id, state, refreshed, &resp.Diagnostics, &checks)
	appendChecksOfExisting(&resp.Diagnostics, fmt.Sprintf("API key %s (%q)", id, state.Name.ValueString()), checks)

	if !r.planExpiry(ctx, req, *state, plan, refreshed, resp) && !resp.Diagnostics.HasError() {
		warnDefaultValidity(ctx, req.Config, *state, plan, &resp.Diagnostics)
	}
}

// planExpiry plans the replacement of a key that has expired or is within rotate_before of its
// expiry, and reports whether it did. A plan that refreshed the key (refreshed) judges at the API's
// current time, known from the refresh's answers. Terraform's apply plans an in-place change again,
// in a process that has not refreshed the key, which judges at the time recorded with the state
// (storeReadAt): no later than the plan's, and as the decision only grows with time, it decides as
// the plan did, also for a saved plan applied days later. (A replacement the apply plans as a
// create, with no expiry to judge.) A plan without refresh judges at the recorded time too.
func (r *apiKeyResource) planExpiry(ctx context.Context, req resource.ModifyPlanRequest, state, plan apiKeyResourceModel,
	refreshed bool, resp *resource.ModifyPlanResponse,
) bool {
	if state.ExpiresAt.IsNull() || plan.RotateBefore.IsUnknown() {
		return false
	}
	// The attributes' types have refused a value that is not a time or a duration already.
	expiresAt, diags := state.ExpiresAt.ValueRFC3339Time()
	resp.Diagnostics.Append(diags...)
	var rotateBefore time.Duration
	if !plan.RotateBefore.IsNull() {
		rotateBefore, diags = plan.RotateBefore.ValueGoDuration()
		resp.Diagnostics.Append(diags...)
	}
	if resp.Diagnostics.HasError() {
		return false
	}
	now, diags := storedReadAt(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if refreshed || now.IsZero() {
		// Without a recorded time (state written before read_at existed), the current time too.
		current, err := r.data.client.ServerNow(ctx)
		switch {
		case err == nil:
			now = current
		case now.IsZero():
			addAPIError(&resp.Diagnostics, "Error Reading the API Time",
				fmt.Sprintf("Reading the Vision One API's current time to judge the expiry of API key %s", state.ID.ValueString()), err)
			return false
		}
	}
	decision, reason := expiryReplacement(now, expiresAt, rotateBefore)
	if decision == expiryNotDue {
		return false
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("expires_at"), "API Key Will Be Replaced",
		fmt.Sprintf("API key %s (%q): %s", state.ID.ValueString(), state.Name.ValueString(), reason))
	// The new key has a new expiry, and Terraform replaces a resource only over an attribute whose
	// planned value differs from the prior one.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), timetypes.NewRFC3339Unknown())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expires_at"))
	return true
}

// warnDefaultValidity warns when the plan replaces a key that exists only because its configuration
// leaves expires_in_months out while the key has another validity: the default then differs from
// the state, and Vision One cannot change a key's validity (Int64RequiresReplaceUnlessPriorNull).
// A configuration written by hand for an imported key easily leaves it out, and the plan's
// "forces replacement" alone does not say that setting the key's own validity keeps it. A key that
// is replaced for another reason as well (name_prefix, keepers, its expiry) gets no such warning.
func warnDefaultValidity(ctx context.Context, config tfsdk.Config, state, plan apiKeyResourceModel, diags *diag.Diagnostics) {
	var configured types.Int64
	diags.Append(config.GetAttribute(ctx, path.Root("expires_in_months"), &configured)...)
	months := state.ExpiresInMonths
	if !configured.IsNull() || months.IsNull() || months.IsUnknown() || plan.ExpiresInMonths.IsNull() ||
		plan.ExpiresInMonths.IsUnknown() || plan.ExpiresInMonths.Equal(months) || replacedOverPrefixOrKeepers(state, plan) {
		return
	}
	n := months.ValueInt64()
	diags.AddAttributeWarning(path.Root("expires_in_months"), "API Key Will Be Replaced",
		fmt.Sprintf("API key %s (%q) has expires_in_months = %d (%s), and its configuration leaves expires_in_months out, "+
			"which means the default, %d. Vision One cannot change a key's validity, so the plan replaces the key: the apply "+
			"deletes it, and its value stops working for whoever holds it, and creates a new key with a new value. Set "+
			"expires_in_months = %d to keep this key.", state.ID.ValueString(), state.Name.ValueString(), n, validityText(n),
			plan.ExpiresInMonths.ValueInt64(), n))
}

// validityText says what expires_in_months = months means.
func validityText(months int64) string {
	switch months {
	case 0:
		return "it never expires"
	case 1:
		return "valid for 1 month from its creation"
	}
	return fmt.Sprintf("valid for %d months from its creation", months)
}

// replacedOverPrefixOrKeepers reports whether the plan replaces the key over name_prefix or keepers,
// as their plan modifiers decide (namePrefixNoLongerMatches, MapRequiresReplaceUnlessPriorNull).
func replacedOverPrefixOrKeepers(state, plan apiKeyResourceModel) bool {
	prefix := plan.NamePrefix
	prefixReplaces := !prefix.Equal(state.NamePrefix) && !prefix.IsNull() &&
		(prefix.IsUnknown() || !strings.HasPrefix(state.Name.ValueString(), prefix.ValueString()))
	return prefixReplaces || !state.Keepers.IsNull() && !plan.Keepers.Equal(state.Keepers)
}

// replacedRoleNote explains a failed role check of the new key that would replace the key id: the
// replacement, which an expiry plans without any change to the configuration (as when an expired
// key is imported), is the cause, not the key that exists.
func replacedRoleNote(id string) string {
	return fmt.Sprintf("API key %s is planned for replacement (the warning \"API Key Will Be Replaced\" says why when it has "+
		"expired or is within rotate_before), and this check is of the new key that would replace it: a key that exists keeps "+
		"its role, but a new key cannot be given it. To leave the key as it is, remove its import block and its resource "+
		"block (for a key Terraform manages already, put a removed block in place of the resource block); if it is no "+
		"longer needed, delete it in Administration → API Keys and remove it from the configuration.", id)
}

// checkName refuses a key name that another key planned in this run, or a key of the tenant, has
// regardless of case, as Vision One would at apply. owner is the id of the key planned (state) or
// replaced, or "" for a new key; refreshed says whether this process has read the key planned. An
// error about a key that exists goes to checks, which the plan only warns about (see
// plan_checks.go); other errors go to errs. A name still unknown is checked when Terraform plans
// the key again before applying it; a generated one (name_prefix) is unique.
//
// A key of the tenant that has the name is judged as reportTakenName says: the clash may be left to
// the apply or to the plan of that key, or only warned about.
func (r *apiKeyResource) checkName(ctx context.Context, planned types.String, owner string, state *apiKeyResourceModel, refreshed bool,
	errs, checks *diag.Diagnostics,
) {
	if planned.IsNull() || planned.IsUnknown() {
		return
	}
	name := planned.ValueString()
	target := errs
	if state != nil {
		target = checks
	}
	if other, clash := r.data.plannedAPIKeys.note(name, owner, struct{}{}); clash {
		if other.owner == "" {
			target = errs // a new key is involved
		}
		target.AddAttributeError(path.Root("name"), "API Key Already Exists",
			plannedNameClashDetail(apiKeyType, "API key", "name", name, other.name, other.owner))
		return
	}
	if state != nil && planned.Equal(state.Name) {
		return
	}
	existing, err := r.data.apiKeyNamed(ctx, name)
	if err != nil {
		tflog.Warn(ctx, "Could not list the API keys; Vision One decides about the key name at apply", map[string]any{"error": err.Error()})
		return
	}
	if existing == nil || existing.ID == owner {
		return
	}
	r.data.reportTakenName(ctx, target, "API Key Already Exists", &r.data.keyReleases, apiKeyNameClash(existing, name, state == nil),
		name, owner, state == nil, refreshed)
}

// apiKeyRecreatedSummary titles the warning of a key destroyed and created again under another
// resource address with the same name (warnRecreated).
const apiKeyRecreatedSummary = "API Key Destroyed and Created Again"

// apiKeyImportRemark is what an import of an API key cannot bring.
const apiKeyImportRemark = "An import cannot recover the key's value: Vision One shows it only once, when the key is created."

// apiKeyDeleteRemark says when a key may be deleted rather than imported: only when no one uses it,
// as the key may be another configuration's or an automation's, whose integrations hold its value.
const apiKeyDeleteRemark = "Delete it in the console (Administration > API Keys) and apply again only if no one uses it, " +
	"such as a key that an earlier apply made without the answer to its create arriving. To tell, read its last_used_at " +
	"in the visionone_api_keys data source (with name set): a date means something authenticates with the key; null " +
	"only that nothing has yet."

// apiKeyNameClash describes the existing key whose name a new (creates) or renamed key would take,
// planned as name.
func apiKeyNameClash(existing *client.APIKey, name string, creates bool) nameClash {
	clash := nameClash{
		typeName: apiKeyType, object: "API key", field: "name", name: existing.Name, id: existing.ID,
		importHint: importHint(apiKeyType, existing.ID, apiKeyImportRemark+" Or, instead of importing it, give this resource another name. "+
			apiKeyDeleteRemark),
	}
	// The key a create_before_destroy replacement clashes with has exactly the planned name.
	if creates && existing.Name == name {
		clash.replacedHint = "a key cannot keep a fixed name through such a replacement: use name_prefix instead of name, " +
			"which gives every new key a name of its own."
	}
	return clash
}

// createClashDetail says what to do about the key that has the name a create wanted (generated:
// from name_prefix), which err, the create's error, refused, and whose holder takeName found
// (refused). When an earlier attempt of the create got no clear answer, the client may have been
// unable to tell that key from one this very create made whose secret never reached it (API.md,
// "API keys: create"), so checking and deleting it comes before importing it. A create refused at
// its first attempt made no key.
func (r *apiKeyResource) createClashDetail(name string, generated bool, err error, refused *nameRefusal[client.APIKey]) string {
	remark := apiKeyImportRemark
	if !generated {
		remark += " Or, instead of importing it, give this resource another name."
	}
	mayBeOwn := mayBeOwnCreate(err)
	hint := func(id string) string {
		if !mayBeOwn {
			return importHint(apiKeyType, id, remark+" "+apiKeyDeleteRemark)
		}
		return "It may be a key that this apply created without its secret reaching the provider (the answer to the " +
			"create was lost or could not be read): check it in Administration → API Keys and, if so, delete it and " +
			"apply again. Otherwise it is someone else's key. " + importHint(apiKeyType, id, remark)
	}
	clash := apiKeyNameClash(refused.holder, name, true)
	clash.importHint = hint(refused.holder.ID)
	if generated {
		clash.replacedHint = "" // a generated name is not the current key's
	}
	if generated || mayBeOwn && refused.outcome == releaseUnknown {
		// No change of this apply was waited for (see takeName).
		return r.data.nameClashDetail(clash)
	}
	return r.data.refusedNameDetail(clash, refused.outcome, refused.release)
}

// seenManaged reports whether this process has seen the key with this id in this configuration's
// state.
func (r *apiKeyResource) seenManaged(id string) bool { return r.data.seenManaged(apiKeyType, id) }

// currentNameHolder looks up afresh the key that has name regardless of case, and returns it and
// its id, or nil when there is none or the keys cannot be listed: takeName asks it after a refusal,
// when the per-process listing (providerData.apiKeyNamed) may be out of date.
func (r *apiKeyResource) currentNameHolder(ctx context.Context, name string) (*client.APIKey, string) {
	key, err := r.data.client.FindAPIKeyByName(ctx, name)
	if err != nil {
		return nil, ""
	}
	return key, key.ID
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	if plan.Name.IsUnknown() || plan.Name.IsNull() {
		if name = r.data.uniqueAPIKeyName(ctx, plan.NamePrefix.ValueString(), &resp.Diagnostics); name == "" {
			return
		}
	}

	tflog.Debug(ctx, "Creating API key", map[string]any{"name": name, "role": plan.Role.ValueString()})
	generated := plan.Name.IsUnknown() || plan.Name.IsNull()
	seen := r.seenManaged
	if generated {
		// No change of this run gives up a name just generated: a holder of it is not waited for.
		seen = func(string) bool { return true }
	}
	var created *client.CreatedAPIKey
	refusal, err := takeName(ctx, &r.data.keyReleases, "", func() error {
		var err error
		created, err = r.data.client.CreateAPIKey(ctx, plan.toAPICreate(name))
		return err
	}, func() (*client.APIKey, string) { return r.currentNameHolder(ctx, name) }, seen)
	if refusal != nil && refusal.holder != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "API Key Already Exists", fmt.Sprintf("Creating API key %q: %s\n\n%s",
			name, err, r.createClashDetail(name, generated, err, refusal)))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Creating API Key",
			fmt.Sprintf("Creating API key %q with role %q", name, plan.Role.ValueString()), err)
		return
	}
	warnUnreadable(&resp.Diagnostics, fmt.Sprintf("The answer to the creation of API key %s (%q)", created.ID, name),
		created.Unreadable, createdAPIKeyUnreadableEffects)
	// The create's request and answer say all there is to know of a new key (the client takes its
	// creation time from the answer), so it is not read back: the refresh of the next plan reads the
	// version that protects an update.
	plan.Value = types.StringValue(created.Value)
	plan.readFromAPI(&created.APIKey)
	r.setState(ctx, &created.APIKey, nil, &plan, &resp.State, resp.Private, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, identityID, created.ID)
}

func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Set before anything can return: the framework wants an identity after every read.
	setIdentity(ctx, resp.Identity, identityID, state.ID.ValueString())
	if unknownProvider(ctx, r.data) {
		return
	}

	tflog.Debug(ctx, "Reading API key", map[string]any{"id": state.ID.ValueString()})
	key, err := r.data.client.RefreshAPIKey(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning("API Key Deleted Outside Terraform",
			fmt.Sprintf("API key %s (%q) no longer exists in Vision One: it was deleted outside Terraform. "+
				"It is dropped from the state, and a plan with it in the configuration creates a new key, which has a new value.",
				state.ID.ValueString(), state.Name.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading API Key", fmt.Sprintf("Reading API key %s", state.ID.ValueString()), err)
		return
	}
	warnUnreadableKey(&resp.Diagnostics, key)
	refreshed := state
	if refreshed.ExpiresInMonths.IsNull() {
		refreshed.ExpiresInMonths = monthsToExpirationOf(key)
	}
	refreshed.readFromAPI(key)
	resp.Diagnostics.Append(noteRefreshedRole(ctx, resp.Private, state.Role, refreshed.Role)...)
	r.setState(ctx, key, &state, &refreshed, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// Terraform before 1.12 plans no identity: the framework wants one after every update.
	setIdentity(ctx, resp.Identity, identityID, id)
	// Writes that need the current name wait for this update (takeName).
	renamed, end := false, r.data.keyReleases.beginUpdate(id)
	defer func() { end(renamed) }()
	name := plan.Name.ValueString()
	if plan.Name.IsUnknown() {
		if name = r.data.uniqueAPIKeyName(ctx, plan.NamePrefix.ValueString(), &resp.Diagnostics); name == "" {
			return
		}
	}

	patch, changed := plan.toAPIPatch(name, state)
	if changed {
		if patch.Role != nil {
			// The plan only warned about a role that fails the check (see ModifyPlan); this process did
			// not refresh the key, and the plan's refresh hands a rename of its role on (heldRoleRenamed).
			held := heldRoleRenamed(ctx, req.Private, plan.Role, state.Role)
			if r.data.checkRoleChange(ctx, apiKeyRoleAssignment, plan.Role, held, &resp.Diagnostics); resp.Diagnostics.HasError() {
				return
			}
		}
		version, diags := storedVersion(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		tflog.Debug(ctx, "Updating API key", map[string]any{"id": id})
		var refusal *nameRefusal[client.APIKey]
		err := guardedUpdate[apiKeyResourceModel]{
			summary: "API Key Changed Outside Terraform", object: fmt.Sprintf("API key %s (%q)", id, state.Name.ValueString()),
			prior: state, plan: plan, managed: apiKeyManagedAttributes, ownChange: r.data.ownRoleRename(ctx),
			send: func(version string) error {
				var err error
				refusal, err = takeName(ctx, &r.data.keyReleases, id,
					func() error { return r.data.client.UpdateAPIKey(ctx, id, version, patch) },
					func() (*client.APIKey, string) { return r.currentNameHolder(ctx, name) }, r.seenManaged)
				return err
			},
			reread: func() (apiKeyResourceModel, string, error) {
				key, err := r.data.client.GetAPIKey(ctx, id)
				if err != nil {
					return state, "", err
				}
				warnUnreadableKey(&resp.Diagnostics, key)
				current := state
				current.readFromAPI(key)
				r.setState(ctx, key, nil, &current, &resp.State, resp.Private, &resp.Diagnostics)
				return current, key.Version, nil
			},
		}.run(ctx, &resp.Diagnostics, version)
		if client.IsPreconditionFailed(err) {
			return // reported by run
		}
		if refusal != nil && refusal.holder != nil && refusal.holder.ID != id {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "API Key Already Exists",
				fmt.Sprintf("Renaming API key %s (%q) to %q: %s", id, state.Name.ValueString(), name,
					r.data.refusedNameDetail(apiKeyNameClash(refusal.holder, name, false), refusal.outcome, refusal.release)))
			return
		}
		if err != nil {
			// Only the create's answer carries the value: a key whose state holds it was created through the API.
			created := !state.Value.IsNull() && !state.Value.IsUnknown()
			addAPIErrorWith(&resp.Diagnostics, "Error Updating API Key", fmt.Sprintf("Updating API key %s (%q)", id, state.Name.ValueString()),
				err, keyEditAdvice(err, created))
			return
		}
		renamed = patch.Name != nil
		if patch.Role != nil {
			resp.Diagnostics.Append(forgetRoleRename(ctx, resp.Private)...)
		}
	}

	key, err := r.data.client.GetAPIKey(ctx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Updated API Key", fmt.Sprintf("Reading API key %s back after updating it", id), err)
		return
	}
	warnUnreadableKey(&resp.Diagnostics, key)
	plan.Value = state.Value
	// An update does not use the key, so the plan keeps last_used_at from the refresh, and
	// Terraform refuses a result that differs from the plan: a use of the key since the refresh
	// is reported by the next one.
	lastUsedAt, planned := plan.LastUsedAt, plan.Role
	plan.readFromAPI(key)
	plan.LastUsedAt = lastUsedAt
	// A rename of the role after the plan shows here without a write (keepRoleShown).
	if patch.Role == nil {
		r.data.keepRoleShown(ctx, fmt.Sprintf("The API key %s (%q)", id, plan.Name.ValueString()), planned, &plan.Role, resp.Private, &resp.Diagnostics)
	}
	r.setState(ctx, key, nil, &plan, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Writes that need the key's name wait for the delete (takeName); recorded before noteManaged
	// (see nameReleases.await).
	end := r.data.keyReleases.beginDelete(state.ID.ValueString(), state.Name.ValueString())
	r.data.noteManaged(apiKeyType, state.ID.ValueString())
	tflog.Debug(ctx, "Deleting API key", map[string]any{"id": state.ID.ValueString()})
	// The batch delete counts a key that is already gone as deleted.
	err := r.data.client.DeleteAPIKeys(ctx, state.ID.ValueString())
	end(err == nil)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Deleting API Key",
			fmt.Sprintf("Deleting API key %s (%q)", state.ID.ValueString(), state.Name.ValueString()), err)
	}
}

// apiKeyImportCheck refuses a key's value given as the import ID, which a lookup by name would
// carry in a filter.
var apiKeyImportCheck = importKeyValueCheck("API key", "a key's id or name", "a key's name", apiKeyNameMaxLength,
	"Import the key by its id or its name; the data source visionone_api_keys lists them.")

// ImportState accepts a key's id or its name, or an import block's identity (the id).
func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	importID, diags := importKey(ctx, req, identityID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || apiKeyImportCheck.refused(importID, &resp.Diagnostics) {
		return
	}
	// Many imports in one plan are served from the listing that refreshes share.
	key, err := findByIDOrName(ctx, importID, r.data.client.RefreshAPIKey, r.data.client.RefreshAPIKeyByName)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("API Key Not Found",
			fmt.Sprintf("Importing API key %q: no API key in the tenant has this id or name. The data source visionone_api_keys lists the keys.", importID))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Importing API Key", fmt.Sprintf("Looking up API key %q", importID), err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), key.ID)...)
	setIdentity(ctx, resp.Identity, identityID, key.ID)
	if key.Role == "" {
		warnNoRole(&resp.Diagnostics, fmt.Sprintf("The API key %s (%q)", key.ID, key.Name))
	}
	resp.Diagnostics.AddWarning("API Key Value Not Imported",
		fmt.Sprintf("API key %s (%q) was imported without its secret: Vision One shows a key's value only once, when it is "+
			"created, and it cannot be recovered. %s", key.ID, key.Name, r.importedValueUse(ctx, key)))
}

// importedValueUse says who the value of an imported key works for, which depends on the key's
// state: only an enabled key that has not expired authenticates (API.md, "API keys: expiry"); and
// how to get a value Terraform knows. An expired key needs no advice: the plan replaces it
// (ModifyPlan), and the new key's value is in the state; unless a new key cannot have its role, when
// the plan's role check of the new key fails (replacedRoleNote), and the warning says so rather
// than promise the replacement.
func (r *apiKeyResource) importedValueUse(ctx context.Context, key *client.APIKey) string {
	if expires, ok := key.ExpiredDateTime.Time(); ok {
		now, err := r.data.client.ServerNow(ctx)
		if err == nil && !expires.After(now) {
			expired := "The key expired at " + expires.UTC().Format(time.RFC3339) + ", so its value works for nobody"
			if _, refused := r.newKeyRoleRefusal(ctx, key.Role); refused {
				return fmt.Sprintf("%s. The plan would replace it (the warning \"API Key Will Be Replaced\"), but a new key "+
					"cannot have its role %q: unless its configuration sets role to another one, the replacement cannot be "+
					"made, and the plan fails with %q, which says what to do.", expired, key.Role, apiKeyRoleAssignment.summary)
			}
			return expired + ", and the plan replaces it (the warning \"API Key Will Be Replaced\"): the new key's value " +
				"is in the Terraform state."
		}
	}
	// Said of the key as it is: the plan, which the import cannot see, may replace it (see
	// warnDefaultValidity).
	use := "Whoever holds the value can use it for as long as the key exists (replacing the key deletes it)"
	if key.Status == client.StatusDisabled {
		use = "The key is disabled, so its value works for nobody until the key is enabled again"
	}
	return use + ", but value is null in the Terraform state. " + r.newValueAdvice(ctx, key.Role)
}

// newValueAdvice says how an imported key with this role gets a value Terraform knows: by its
// replacement, when a new key may have the role (checkRoleAssignable). Otherwise the replacement
// would fail with "Role Not Assignable to API Keys" (a Master Administrator key kept from before
// October 2025, a custom role whose allow_api_key_assignment was turned off since), so the key
// keeps a null value until its role, or the key's, changes. A key with no role, or whose role
// cannot be checked now, is advised the replacement: the plan checks the role the new key gets.
func (r *apiKeyResource) newValueAdvice(ctx context.Context, role string) string {
	why, refused := r.newKeyRoleRefusal(ctx, role)
	if !refused {
		return "To get a value Terraform knows, replace the key: terraform apply -replace=<address of this resource> (add " +
			"lifecycle { create_before_destroy = true } and name_prefix to rotate without downtime)."
	}
	advice := fmt.Sprintf("Replacing the key, which would give it a new value, fails with %q, as a new key cannot have the "+
		"role %q: %s\n\nWhile the key has this role, its value stays null in the Terraform state. To get a value Terraform "+
		"knows, ", apiKeyRoleAssignment.summary, role, why)
	if strings.EqualFold(role, client.MasterAdministratorRole) {
		return advice + "move the key to another role (set role in its configuration, and apply), then replace it. " +
			masterAdministratorKeys + " So a key moved to another role cannot have it back."
	}
	return advice + "move the key to another role (set role in its configuration, and apply), or have its role allow API key " +
		"assignment as above, then replace it."
}

// newKeyRoleRefusal reports whether a new key would be refused the role of an imported key, as the
// plan of its replacement would be ("Role Not Assignable to API Keys", checkRoleAssignable), and
// why. No role, or one that cannot be checked now, is not refused: the plan checks the role the new
// key gets.
func (r *apiKeyResource) newKeyRoleRefusal(ctx context.Context, role string) (string, bool) {
	if role == "" {
		return "", false
	}
	var checks diag.Diagnostics
	r.data.checkRoleAssignable(ctx, apiKeyRoleAssignment, types.StringValue(role), &checks)
	errs := checks.Errors()
	refused := slices.IndexFunc(errs, func(d diag.Diagnostic) bool { return d.Summary() == apiKeyRoleAssignment.summary })
	if refused < 0 {
		return "", false
	}
	return errs[refused].Detail(), true
}

// setState writes model, which the caller has completed with what the API reports about key, as
// the new state (unless prior, the model read from that state or nil, already holds it), and keeps
// the key's version and the API time of the read (or of the create) in private state
// (storeReadAt). It records the key as managed by this configuration (noteManaged).
func (r *apiKeyResource) setState(ctx context.Context, key *client.APIKey, prior, model *apiKeyResourceModel, state *tfsdk.State, private privateState, diags *diag.Diagnostics) {
	r.data.noteManaged(apiKeyType, key.ID)
	diags.Append(storeVersion(ctx, private, key.Version)...)
	diags.Append(r.storeReadAt(ctx, private, model)...)
	diags.Append(setStateIfChanged(ctx, state, prior, model)...)
}

// warnUnreadableKey warns of the dates of a key read from the API that the client could not read.
func warnUnreadableKey(diags *diag.Diagnostics, key *client.APIKey) {
	warnUnreadable(diags, fmt.Sprintf("API key %s (%q)", key.ID, key.Name), key.UnreadableFields(), apiKeyUnreadableEffects)
}

// apiKeyUnreadableEffects says what an unreadable date of a key read from the API means.
var apiKeyUnreadableEffects = map[string]string{
	"expiredDateTime": "expires_at is null, so Terraform cannot tell when the key expires and will not replace it " +
		"when it expires or enters rotate_before; check its expiry in Administration → API Keys",
	"lastUsedDateTime": "last_used_at is null",
	"createdDateTime": "created_at keeps the creation time the state holds (null for an imported key), and the " +
		"expires_in_months of an imported key cannot be worked out",
}

// createdAPIKeyUnreadableEffects says what an unreadable field of the create answer means. The key
// and its value are in the state regardless.
var createdAPIKeyUnreadableEffects = map[string]string{
	"id":              "the key's id was taken from the answer's Location header instead",
	"expiredDateTime": "expires_at is null until the next refresh reads it from the key",
	"createdDateTime": "created_at is null until the next refresh reads it from the key",
}

// toAPICreate is the create request for this plan under the given (possibly generated) name.
func (m apiKeyResourceModel) toAPICreate(name string) client.APIKeyCreate {
	months := m.ExpiresInMonths.ValueInt64()
	return client.APIKeyCreate{
		Name:               name,
		Role:               m.Role.ValueString(),
		MonthsToExpiration: &months,
		Description:        m.Description.ValueString(),
		Status:             apiKeyStatus(m.Enabled.ValueBool()),
	}
}

// readFromAPI overwrites the model's attributes with what the API reports of key. The
// Terraform-only attributes (name_prefix, expires_in_months, rotate_before, keepers) and the
// secret are left alone. A creation time the model knows is kept when the API reports none: it
// cannot change, and a tenant whose keys carry no createdDateTime (Trend's mock shows none: API.md,
// "API keys: object") would otherwise turn the one the create's answer gave to null at the next
// refresh, and an in-place update would return something other than its plan.
func (m *apiKeyResourceModel) readFromAPI(key *client.APIKey) {
	m.ID = types.StringValue(key.ID)
	m.Name = types.StringValue(key.Name)
	m.Role = types.StringValue(key.Role)
	m.Description = types.StringValue(key.Description)
	m.Enabled = enabledFromStatus(key.Status)
	m.ExpiresAt = rfc3339Value(key.ExpiredDateTime)
	m.LastUsedAt = rfc3339Value(key.LastUsedDateTime)
	if created := rfc3339Value(key.CreatedDateTime); !created.IsNull() || m.CreatedAt.IsUnknown() {
		m.CreatedAt = created
	}
}

// toAPIPatch is the PATCH that turns state into this plan under the given (possibly generated)
// name, and whether it changes anything.
func (m apiKeyResourceModel) toAPIPatch(name string, state apiKeyResourceModel) (client.APIKeyPatch, bool) {
	var patch client.APIKeyPatch
	if name != state.Name.ValueString() {
		patch.Name = &name
	}
	if role := m.Role.ValueString(); role != state.Role.ValueString() {
		patch.Role = &role
	}
	if description := m.Description.ValueString(); description != state.Description.ValueString() {
		patch.Description = &description
	}
	if enabled := m.Enabled.ValueBool(); enabled != state.Enabled.ValueBool() {
		status := apiKeyStatus(enabled)
		patch.Status = &status
	}
	return patch, patch != client.APIKeyPatch{}
}

func apiKeyStatus(enabled bool) string {
	if enabled {
		return client.StatusEnabled
	}
	return client.StatusDisabled
}

// expiryDecision is what a key's expiry calls for at an API time. It only grows as time passes:
// a key not due comes within rotate_before of its expiry, then expires, never the reverse.
type expiryDecision int

const (
	expiryNotDue expiryDecision = iota
	expiryWithinRotateBefore
	expiryExpired
)

// expiryReplacement decides about a key expiring at expiresAt at the API time now, and says why it
// must be replaced, or "" when nothing is due. rotateBefore 0 means "only once expired".
func expiryReplacement(now, expiresAt time.Time, rotateBefore time.Duration) (expiryDecision, string) {
	if !now.Before(expiresAt) {
		return expiryExpired, fmt.Sprintf("the key expired at %s (the API's time is now %s) and no longer authenticates, "+
			"so Terraform replaces it with a new key, which has a new value.",
			expiresAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if rotateBefore > 0 && !now.Before(expiresAt.Add(-rotateBefore)) {
		return expiryWithinRotateBefore, fmt.Sprintf("the key expires at %s, within rotate_before (%s) of the API's current time %s, "+
			"so Terraform replaces it now with a new key, which has a new value.",
			expiresAt.UTC().Format(time.RFC3339), rotateBefore, now.UTC().Format(time.RFC3339))
	}
	return expiryNotDue, ""
}

// expiryDecisionAt is expiryReplacement's decision for the model's expires_at and rotate_before at
// the API time now; a key whose expiry is unknown is never due.
func (m apiKeyResourceModel) expiryDecisionAt(now time.Time) expiryDecision {
	expiresAt, diags := m.ExpiresAt.ValueRFC3339Time()
	if diags.HasError() {
		return expiryNotDue
	}
	var rotateBefore time.Duration
	if !m.RotateBefore.IsNull() && !m.RotateBefore.IsUnknown() {
		rotateBefore, _ = m.RotateBefore.ValueGoDuration()
	}
	decision, _ := expiryReplacement(now, expiresAt, rotateBefore)
	return decision
}

// monthsToExpirationOf recovers expires_in_months for an imported key from its creation and
// expiry times (client.APIKey.MonthsToExpiration); it is null when the API does not report enough
// to tell.
func monthsToExpirationOf(key *client.APIKey) types.Int64 {
	months, known := key.MonthsToExpiration()
	if !known {
		return types.Int64Null()
	}
	return types.Int64Value(months)
}

// uniqueAPIKeyName appends the API's current time (UTC) and random digits to prefix, as the
// name_prefix documentation promises: the time is the key's creation time as Vision One records
// it, whatever the local clock says. It returns "" after adding an error when the API's time
// cannot be told. The resource and the ephemeral key both name keys this way.
func (d *providerData) uniqueAPIKeyName(ctx context.Context, prefix string, diags *diag.Diagnostics) string {
	now, err := d.client.ServerNow(ctx)
	if err != nil {
		addAPIError(diags, "Error Reading the API Time",
			fmt.Sprintf("Reading the Vision One API's current time for the name of a key with name_prefix %q", prefix), err)
		return ""
	}
	random := make([]byte, 4)
	_, _ = rand.Read(random) // crypto/rand.Read never fails (Go 1.24+).
	return prefix + now.UTC().Format("20060102150405") + hex.EncodeToString(random)
}

// namePrefixNoLongerMatches replaces the key when its current name does not begin with the new
// name_prefix; a key whose name already fits (an imported one, or a shortened prefix) is kept.
func namePrefixNoLongerMatches(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.PlanValue.IsNull() {
		// Switching to a fixed name renames the key in place.
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.RequiresReplace = req.PlanValue.IsUnknown() || !strings.HasPrefix(name.ValueString(), req.PlanValue.ValueString())
}

// storeReadAt records the API time of the read just made (the client keeps it from the answer's
// Date header), for ModifyPlan (privateReadAtKey), unless the time recorded already leads to the
// same decision about model's expiry (expiryDecisionAt): the private state is saved with the
// state, and a refresh that changed nothing but this time would still change the state, a new
// state version on every apply and refresh-only apply. The time kept decides as the time of the
// read does for as long as it is kept, as the decision only grows with time.
func (r *apiKeyResource) storeReadAt(ctx context.Context, private privateState, model *apiKeyResourceModel) diag.Diagnostics {
	now, err := r.data.client.ServerNow(ctx)
	if err != nil {
		// ModifyPlan then asks the API for its time itself.
		tflog.Warn(ctx, "The API time of the read is unknown", map[string]any{"error": err.Error()})
		return nil
	}
	stored, diags := storedReadAt(ctx, private)
	if !stored.IsZero() && model.expiryDecisionAt(stored) == model.expiryDecisionAt(now) {
		return diags
	}
	return append(diags, setPrivate(ctx, private, privateReadAtKey, now.UTC())...)
}

// storedReadAt returns the API time recorded by storeReadAt, or the zero time when there is none or
// it cannot be read.
func storedReadAt(ctx context.Context, private privateState) (time.Time, diag.Diagnostics) {
	readAt, diags, err := getPrivate[time.Time](ctx, private, privateReadAtKey)
	if err != nil {
		tflog.Warn(ctx, "Ignoring an unreadable time in the private state", map[string]any{"key": privateReadAtKey, "error": err.Error()})
	}
	return readAt, diags
}
