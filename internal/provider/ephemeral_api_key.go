package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

var (
	_ ephemeral.EphemeralResource              = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*apiKeyEphemeralResource)(nil)
)

// NewAPIKeyEphemeralResource is the constructor of the ephemeral visionone_api_key: a key made when
// Terraform opens it and deleted when Terraform closes it, whose value is never in a plan or state.
func NewAPIKeyEphemeralResource() ephemeral.EphemeralResource {
	return &apiKeyEphemeralResource{}
}

const (
	// ephemeralKeyDefaultPrefix and ephemeralKeyDefaultDescription mark the keys of this ephemeral
	// resource in the console and in visionone_api_keys, where a key left behind is looked for.
	ephemeralKeyDefaultPrefix      = "terraform-ephemeral-"
	ephemeralKeyDefaultDescription = "Made by Terraform for one run (ephemeral visionone_api_key); deleted when the run ends."
	// ephemeralKeyDefaultMonths bounds the life of a key that a crashed run could not delete.
	ephemeralKeyDefaultMonths = 1
)

// ephemeralKeyMonths are the validities an ephemeral key may have: never-expiring (0) is left
// out, as a key a failed close leaves behind must expire on its own.
var ephemeralKeyMonths = []int64{1, 3, 6, 12}

type apiKeyEphemeralResource struct {
	data *providerData
}

type apiKeyEphemeralModel struct {
	NamePrefix      types.String      `tfsdk:"name_prefix"`
	Role            types.String      `tfsdk:"role"`
	Description     types.String      `tfsdk:"description"`
	ExpiresInMonths types.Int64       `tfsdk:"expires_in_months"`
	ID              types.String      `tfsdk:"id"`
	Name            types.String      `tfsdk:"name"`
	Value           types.String      `tfsdk:"value"`
	ExpiresAt       timetypes.RFC3339 `tfsdk:"expires_at"`
}

// openedAPIKey is what Close needs of the key Open made.
type openedAPIKey struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

func (r *apiKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Vision One API key for the length of one Terraform run: Terraform creates it when it opens " +
			"the ephemeral resource (during plan, and again during apply) and deletes it at the end of that command, " +
			"also when the command fails or is interrupted. Its `value` never reaches the plan or the state. Use it to hand a short-lived, least-privilege " +
			"token to another provider configuration or to a write-only attribute. Terraform 1.11 or later, as for the whole provider.",
		Attributes: map[string]schema.Attribute{
			"name_prefix": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Beginning of the key's name; a %d-character suffix (the UTC creation time and "+
					"random hex digits) makes it unique. At most %d characters. Default `%s`. Choose one per use, so that a key "+
					"left behind is easy to recognise.", nameSuffixLength, apiKeyNameMaxLength-nameSuffixLength, ephemeralKeyDefaultPrefix),
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, apiKeyNameMaxLength-nameSuffixLength)},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "Name of the user role the key acts with: a role that allows API key assignment, not " +
					"`Master Administrator`. Give it only what the consumer of the key needs. Terraform opens the key during " +
					"the plan, before it applies anything, so a role that this configuration creates, or changes to allow API " +
					"keys, fails the plan (Role Not Applied Yet) until it is applied: apply it first, once, with " +
					"`terraform apply -target=visionone_user_role.<name>`, or use a role that exists already.",
				Required:   true,
				Validators: roleReferenceValidators(),
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A note about the key, at most 2048 characters. Default: a note that Terraform made the key for one run.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(2048)},
			},
			"expires_in_months": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How long the key is valid if it is not deleted: `1`, `3`, `6` or `12` months. "+
					"Default `%d`. The key is deleted at the end of the run; this bounds the life of a key left behind by a "+
					"run that was killed or whose delete failed.", ephemeralKeyDefaultMonths),
				Optional:   true,
				Computed:   true,
				Validators: []validator.Int64{int64validator.OneOf(ephemeralKeyMonths...)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id (a UUID).",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The key's generated name.",
				Computed:            true,
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The secret: use it as `Authorization: Bearer <value>`, or as another provider " +
					"configuration's API key. It stops working when Terraform closes the ephemeral resource.",
				Computed:  true,
				Sensitive: true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the key would expire if it were not deleted (RFC 3339, UTC).",
				Computed:            true,
				CustomType:          timetypes.RFC3339Type{},
			},
		},
	}
}

func (r *apiKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// Open creates the key. Its id goes into the private data that Terraform hands back to Close.
func (r *apiKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var model apiKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The schema cannot hold defaults for an ephemeral resource: unset attributes arrive null.
	if model.NamePrefix.IsNull() {
		model.NamePrefix = types.StringValue(ephemeralKeyDefaultPrefix)
	}
	if model.Description.IsNull() {
		model.Description = types.StringValue(ephemeralKeyDefaultDescription)
	}
	if model.ExpiresInMonths.IsNull() {
		model.ExpiresInMonths = types.Int64Value(ephemeralKeyDefaultMonths)
	}
	r.data.checkRoleAssignable(ctx, apiKeyRoleAssignment, model.Role, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		r.data.checkPlannedRoleApplied(ctx, apiKeyRoleAssignment, model.Role, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	name := r.data.uniqueAPIKeyName(ctx, model.NamePrefix.ValueString(), &resp.Diagnostics)
	if name == "" {
		return
	}
	tflog.Debug(ctx, "Creating ephemeral API key", map[string]any{"name": name, "role": model.Role.ValueString()})
	created, err := r.data.client.CreateAPIKey(ctx, model.toAPICreate(name))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Creating Ephemeral API Key",
			fmt.Sprintf("Creating API key %q with role %q for this run", name, model.Role.ValueString()), err)
		return
	}

	model.ExpiresAt = rfc3339Value(created.ExpiredDateTime)
	opened := openedAPIKey{ID: created.ID, Name: name, ExpiresAt: model.ExpiresAt.ValueString()}
	// Recorded for the process at once: Terraform does not close a key whose open fails, nor one
	// whose users failed or were interrupted, and the provider deletes those when it is stopped.
	unclosedEphemeralKeys.add(r.data.client, opened)

	warnUnreadable(&resp.Diagnostics, fmt.Sprintf("The answer to the creation of ephemeral API key %s (%q)", created.ID, name),
		created.Unreadable, ephemeralCreatedUnreadableEffects)
	model.ID = types.StringValue(created.ID)
	model.Name = types.StringValue(name)
	model.Value = types.StringValue(created.Value)
	// Recorded before the result: a key Close does not know of would be left behind.
	resp.Diagnostics.Append(setPrivate(ctx, resp.Private, privateOpenedKey, opened)...)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &model)...)
}

// toAPICreate is the create request for this configuration under the generated name: the
// resource's request for an enabled key with the same role, description and expiry.
func (m apiKeyEphemeralModel) toAPICreate(name string) client.APIKeyCreate {
	return apiKeyResourceModel{
		Role: m.Role, Description: m.Description, ExpiresInMonths: m.ExpiresInMonths, Enabled: types.BoolValue(true),
	}.toAPICreate(name)
}

// Close deletes the key Open made. A key that is already gone counts as deleted.
func (r *apiKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	opened, diags, err := getPrivate[openedAPIKey](ctx, req.Private, privateOpenedKey)
	resp.Diagnostics.Append(diags...)
	if err != nil {
		resp.Diagnostics.AddError("Error Deleting Ephemeral API Key",
			"The record of the API key made for this run could not be read, so it was not deleted: "+err.Error()+
				"\n\n"+leftoverKeyAdvice)
		return
	}
	if resp.Diagnostics.HasError() || opened.ID == "" {
		return
	}
	if !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	tflog.Debug(ctx, "Deleting ephemeral API key", map[string]any{"id": opened.ID, "name": opened.Name})
	if err := r.data.client.DeleteAPIKeys(ctx, opened.ID); err != nil {
		// The key stays in the process's record: the provider tries again when Terraform stops it.
		until := ""
		if opened.ExpiresAt != "" {
			until = " at " + opened.ExpiresAt
		}
		advice := fmt.Sprintf("The provider tries once more to delete it when Terraform stops the provider, at the end "+
			"of this command, and logs the outcome (TF_LOG_PROVIDER=info). If that fails too, the key stays valid until "+
			"it expires%s, unless it is deleted. %s", until, leftoverKeyAdvice)
		// What failed and what the API said come first, then what to do about the key left behind.
		if failure := errorAdvice(err); failure != "" {
			advice = failure + "\n\n" + advice
		}
		addAPIErrorWith(&resp.Diagnostics, "Error Deleting Ephemeral API Key",
			fmt.Sprintf("Deleting API key %s (%q), made for this run, when Terraform closed it", opened.ID, opened.Name), err, advice)
		return
	}
	unclosedEphemeralKeys.remove(opened.ID)
}

// ephemeralCreatedUnreadableEffects says what an unreadable field of the create answer means for
// the ephemeral key; its value is in the result regardless.
var ephemeralCreatedUnreadableEffects = map[string]string{
	"id":              "the key's id was taken from the answer's Location header instead",
	"expiredDateTime": "expires_at is null, and an error deleting the key cannot say until when it stays valid",
}

// leftoverKeyAdvice says how to find and remove a key that Close could not delete.
const leftoverKeyAdvice = "Delete it in the console (Administration > API Keys); keys left behind by ephemeral " +
	"visionone_api_key resources are listed by the visionone_api_keys data source, by their name prefix."
