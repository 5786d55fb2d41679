package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

var (
	_ list.ListResource              = (*apiKeyListResource)(nil)
	_ list.ListResourceWithConfigure = (*apiKeyListResource)(nil)
)

// NewAPIKeyListResource is the constructor of list "visionone_api_key", for `terraform query`.
func NewAPIKeyListResource() list.ListResource {
	return &apiKeyListResource{}
}

type apiKeyListResource struct {
	data *providerData
}

type apiKeyListModel struct {
	Role           types.String         `tfsdk:"role"`
	Status         types.String         `tfsdk:"status"`
	ExpiringWithin timetypes.GoDuration `tfsdk:"expiring_within"`
}

func (r *apiKeyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the tenant's API keys, without their values, for `terraform query` (Terraform 1.14 " +
			"or later): `terraform query -generate-config-out=<file>` writes a `visionone_api_key` block (with `name`, " +
			"never `name_prefix` or `value`) and an `import` block for each. Each result is named by the key's id (its " +
			"identity) and displayed with its name and role. `role` and `status` are filtered by the API, " +
			"`expiring_within` by the provider, against the API's clock.",
		Attributes: map[string]schema.Attribute{
			"role": schema.StringAttribute{
				MarkdownDescription: "Only keys with this role name (exact match).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, roleNameMaxLength)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only keys with this status: `enabled` or `disabled`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.StatusEnabled, client.StatusDisabled)},
			},
			"expiring_within": schema.StringAttribute{
				MarkdownDescription: "Only keys that expire within this duration of the API's current time, or have expired " +
					"already, such as `720h` (30 days). A Go duration (units `s`, `m`, `h`), at most `8784h` (366 days); `0s` " +
					"finds only the keys that have expired. Keys that never expire, or whose expiry the API sends in a form the " +
					"provider does not read, are left out.",
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{validators.DurationBetween(0, maxRotateBefore)},
			},
		},
	}
}

func (r *apiKeyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *apiKeyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	config, ok := listConfig[apiKeyListModel](ctx, req, r.data, stream)
	if !ok {
		return
	}

	query := client.APIKeyQuery{Role: config.Role.ValueStringPointer(), Status: config.Status.ValueStringPointer()}
	tflog.Debug(ctx, "Listing API keys", map[string]any{"filter": string(query.Filter())})
	keys, err := r.data.client.ListAPIKeysMatching(ctx, query)
	if err != nil {
		endListWithAPIError(stream, "Error Listing API Keys", fmt.Sprintf("Listing API keys with filter %q", query.Filter()), err)
		return
	}
	var deadline *time.Time
	if !config.ExpiringWithin.IsNull() {
		within, diags := config.ExpiringWithin.ValueGoDuration()
		if diags.HasError() {
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		now, err := r.data.client.ServerNow(ctx)
		if err != nil {
			endListWithAPIError(stream, "Error Reading the API Time", "Reading the Vision One API's current time to judge key expiry", err)
			return
		}
		by := now.Add(within)
		deadline = &by
	}

	var objects []listedObject[apiKeyResourceModel]
	for i := range keys {
		key := &keys[i]
		if deadline != nil && !expiresBy(key, *deadline) {
			continue
		}
		var warnings diag.Diagnostics
		if key.Role == "" {
			warnNoRole(&warnings, fmt.Sprintf("The API key %s (%q)", key.ID, key.Name))
		}
		objects = append(objects, listedObject[apiKeyResourceModel]{
			identity:    key.ID,
			displayName: fmt.Sprintf("%s (%s)", key.Name, roleText(key.Role)),
			warnings:    warnings,
			resource: func() (apiKeyResourceModel, diag.Diagnostics) {
				var diags diag.Diagnostics
				warnUnreadable(&diags, fmt.Sprintf("API key %s (%q)", key.ID, key.Name), key.UnreadableFields(), apiKeyUnreadableEffects)
				return apiKeyModelFromListing(key), diags
			},
		})
	}
	stream.Results = listResults(ctx, req, identityID, objects)
}

// expiresBy reports whether key expires at or before deadline; a key that never expires, or whose
// expiry the client could not read, does not.
func expiresBy(key *client.APIKey, deadline time.Time) bool {
	expires, ok := key.ExpiredDateTime.Time()
	return ok && !expires.After(deadline)
}

// apiKeyModelFromListing is the state an import of key reads: what the API reports, with
// expires_in_months recovered from its dates, and the Terraform-only attributes and the secret
// null. The configuration generated from it therefore names the key (`name`, not `name_prefix`),
// holds no value, and keeps expires_in_months, which a change would replace the key over.
func apiKeyModelFromListing(key *client.APIKey) apiKeyResourceModel {
	model := apiKeyResourceModel{Keepers: types.MapNull(types.StringType)}
	model.readFromAPI(key)
	model.ExpiresInMonths = monthsToExpirationOf(key)
	return model
}
