package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

var (
	_ datasource.DataSource              = (*apiKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*apiKeysDataSource)(nil)
)

// NewAPIKeysDataSource is the constructor of the visionone_api_keys data source.
func NewAPIKeysDataSource() datasource.DataSource {
	return &apiKeysDataSource{}
}

type apiKeysDataSource struct {
	data *providerData
}

type apiKeysDataSourceModel struct {
	Role           types.String         `tfsdk:"role"`
	Status         types.String         `tfsdk:"status"`
	Name           types.String         `tfsdk:"name"`
	ExpiringWithin timetypes.GoDuration `tfsdk:"expiring_within"`
	ServerTime     timetypes.RFC3339    `tfsdk:"server_time"`
	APIKeys        []apiKeysItemModel   `tfsdk:"api_keys"`
}

type apiKeysItemModel struct {
	ID          types.String      `tfsdk:"id"`
	Name        types.String      `tfsdk:"name"`
	Role        types.String      `tfsdk:"role"`
	Description types.String      `tfsdk:"description"`
	Status      types.String      `tfsdk:"status"`
	Enabled     types.Bool        `tfsdk:"enabled"`
	ExpiresAt   timetypes.RFC3339 `tfsdk:"expires_at"`
	Expired     types.Bool        `tfsdk:"expired"`
	LastUsedAt  timetypes.RFC3339 `tfsdk:"last_used_at"`
	CreatedAt   timetypes.RFC3339 `tfsdk:"created_at"`
}

func (d *apiKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_keys"
}

func (d *apiKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The tenant's API keys, including keys made in the console, without their secret values. " +
			"With `expiring_within`, a pipeline can alert on keys about to expire. Expiry is judged by the API's clock.",
		Attributes: map[string]schema.Attribute{
			"role": schema.StringAttribute{
				MarkdownDescription: "Only keys with this role name (exact match, evaluated by the API; a name with a `'` is " +
					"matched by the provider, as Trend does not publish how its filter reads one, and so is a name the API " +
					"finds no key of, such as one Vision One holds in another Unicode normal form).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, roleNameMaxLength)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only keys with this status: `enabled` or `disabled` (evaluated by the API).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.StatusEnabled, client.StatusDisabled)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only the key with this name, compared case-insensitively, as key names are unique regardless of case. " +
					"`api_keys` is empty when no key has it; to fail the plan instead, take `one(data.visionone_api_keys.this.api_keys)` " +
					"or state the expectation in a `check` block.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, apiKeyNameMaxLength)},
			},
			"expiring_within": schema.StringAttribute{
				MarkdownDescription: "Only keys that expire within this duration of the API's current time, or have expired " +
					"already, such as `720h` (30 days). A Go duration (units `s`, `m`, `h`), at most `8784h` (366 days, longer than any key's validity); `0s` lists only the keys that have expired. Keys that never expire are left out.",
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{validators.DurationBetween(0, maxRotateBefore)},
			},
			"server_time": schema.StringAttribute{
				MarkdownDescription: "The API's current time (RFC 3339, UTC) that `expired` and `expiring_within` were judged by.",
				Computed:            true,
				CustomType:          timetypes.RFC3339Type{},
			},
			"api_keys": schema.ListNestedAttribute{
				MarkdownDescription: "The matching keys, sorted by name: an empty list, not an error, when no key matches.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          schema.StringAttribute{MarkdownDescription: "The key's id.", Computed: true},
						"name":        schema.StringAttribute{MarkdownDescription: "The key's name.", Computed: true},
						"role":        schema.StringAttribute{MarkdownDescription: "The name of the key's role.", Computed: true},
						"description": schema.StringAttribute{MarkdownDescription: "The key's description.", Computed: true},
						"status": schema.StringAttribute{
							MarkdownDescription: "`enabled` or `disabled`, or a status from a newer API as Vision One sends it.",
							Computed:            true,
						},
						"enabled": schema.BoolAttribute{
							MarkdownDescription: "False when the status is `disabled`, true otherwise: a status this provider does not " +
								"know reads as enabled, as on the `visionone_api_key` resource.",
							Computed: true,
						},
						"expires_at": schema.StringAttribute{
							MarkdownDescription: "When the key expires (RFC 3339, UTC), or null when it never expires. Also null, with a " +
								"warning, when the API writes it in a form the provider cannot read.",
							Computed:   true,
							CustomType: timetypes.RFC3339Type{},
						},
						"expired": schema.BoolAttribute{
							MarkdownDescription: "Whether the key has expired by `server_time` (an expired key no longer authenticates).",
							Computed:            true,
						},
						"last_used_at": schema.StringAttribute{
							MarkdownDescription: "When the key last authenticated (RFC 3339, UTC), or null.",
							Computed:            true,
							CustomType:          timetypes.RFC3339Type{},
						},
						"created_at": schema.StringAttribute{
							MarkdownDescription: "When the key was created (RFC 3339, UTC), where the API reports it.",
							Computed:            true,
							CustomType:          timetypes.RFC3339Type{},
						},
					},
				},
			},
		},
	}
}

func (d *apiKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *apiKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var config apiKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var within time.Duration
	if !config.ExpiringWithin.IsNull() {
		var diags diag.Diagnostics
		if within, diags = config.ExpiringWithin.ValueGoDuration(); diags.HasError() {
			resp.Diagnostics.Append(diags...)
			return
		}
	}

	query := config.apiQuery()
	tflog.Debug(ctx, "Listing API keys", map[string]any{"filter": string(query.Filter())})
	keys, err := d.data.client.ListAPIKeysMatching(ctx, query)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Listing API Keys", fmt.Sprintf("Listing API keys with filter %q", query.Filter()), err)
		return
	}
	now, err := d.data.client.ServerNow(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading the API Time", "Reading the Vision One API's current time to judge key expiry", err)
		return
	}

	config.ServerTime = timetypes.NewRFC3339TimeValue(now.UTC())
	config.APIKeys = make([]apiKeysItemModel, 0, len(keys))
	for i := range keys {
		warnUnreadable(&resp.Diagnostics, fmt.Sprintf("API key %s (%q)", keys[i].ID, keys[i].Name),
			keys[i].UnreadableFields(), apiKeysItemUnreadableEffects)
		if !config.ExpiringWithin.IsNull() && !expiresBy(&keys[i], now.Add(within)) {
			continue
		}
		var item apiKeysItemModel
		item.readFromAPI(&keys[i], now)
		config.APIKeys = append(config.APIKeys, item)
	}
	slices.SortFunc(config.APIKeys, func(a, b apiKeysItemModel) int {
		return strings.Compare(a.Name.ValueString(), b.Name.ValueString())
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// apiQuery selects the keys of the configured name, role and status (all that the API can filter
// keys on besides id); expiring_within is judged here, against the API's clock.
func (m apiKeysDataSourceModel) apiQuery() client.APIKeyQuery {
	return client.APIKeyQuery{Name: m.Name.ValueStringPointer(), Role: m.Role.ValueStringPointer(), Status: m.Status.ValueStringPointer()}
}

// apiKeysItemUnreadableEffects says what an unreadable date of a listed key means.
var apiKeysItemUnreadableEffects = map[string]string{
	"expiredDateTime": "its expires_at is null and expired false, and expiring_within leaves it out; " +
		"check its expiry in Administration → API Keys",
	"lastUsedDateTime": "its last_used_at is null",
	"createdDateTime":  "its created_at is null",
}

// readFromAPI overwrites the model's attributes with what the API reports of key; expired is
// judged at the API time now.
func (m *apiKeysItemModel) readFromAPI(key *client.APIKey, now time.Time) {
	expires, expiring := key.ExpiredDateTime.Time()
	m.ID = types.StringValue(key.ID)
	m.Name = types.StringValue(key.Name)
	m.Role = types.StringValue(key.Role)
	m.Description = types.StringValue(key.Description)
	m.Status = types.StringValue(key.Status)
	m.Enabled = enabledFromStatus(key.Status)
	m.ExpiresAt = rfc3339Value(key.ExpiredDateTime)
	m.Expired = types.BoolValue(expiring && !now.Before(expires))
	m.LastUsedAt = rfc3339Value(key.LastUsedDateTime)
	m.CreatedAt = rfc3339Value(key.CreatedDateTime)
}
