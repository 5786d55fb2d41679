package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

var (
	_ datasource.DataSource              = (*accountsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*accountsDataSource)(nil)
)

// NewAccountsDataSource is the visionone_accounts data source: every account of the tenant, or
// those matching the filters.
func NewAccountsDataSource() datasource.DataSource {
	return &accountsDataSource{}
}

type accountsDataSource struct {
	data *providerData
}

type accountsDataSourceModel struct {
	Status   types.String             `tfsdk:"status"`
	AuthType types.String             `tfsdk:"auth_type"`
	Role     types.String             `tfsdk:"role"`
	Accounts []accountDataSourceModel `tfsdk:"accounts"`
}

func (d *accountsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_accounts"
}

func (d *accountsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := accountDataSourceAttributes()
	item["id"] = schema.StringAttribute{
		MarkdownDescription: "Account id (temporary while the account is invited).",
		Computed:            true,
	}
	item["email"] = schema.StringAttribute{
		MarkdownDescription: "Email address of the user, or distribution email of the SAML group.",
		Computed:            true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Vision One accounts (users, SAML users, SAML groups and pending invitations), optionally filtered. " +
			"`status` and `auth_type` are filtered by the API; `role` is filtered by the provider, as the API cannot filter on it.",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{
				MarkdownDescription: "Only accounts with this status: `enabled`, `disabled` or `invited`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.AccountStatuses...)},
			},
			"auth_type": schema.StringAttribute{
				MarkdownDescription: "Only accounts of this type: `local`, `saml` or `samlGroup`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.AuthTypes...)},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "Only accounts with this role name (exact, case-sensitive).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, accountMaxLength)},
			},
			"accounts": schema.ListNestedAttribute{
				MarkdownDescription: "The matching accounts, in the order the API lists them: an empty list, not an error, when no account matches.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *accountsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *accountsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var config accountsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	filter := accountsFilter(config)
	tflog.Debug(ctx, "listing accounts", map[string]any{"filter": string(filter)})
	accounts, err := d.data.client.ListAccountsWithRole(ctx, filter, config.Role.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Listing Accounts", fmt.Sprintf("Listing the accounts (filter %q)", filter), err)
		return
	}

	config.Accounts = make([]accountDataSourceModel, 0, len(accounts))
	for i := range accounts {
		var model accountDataSourceModel
		model.readFromAPI(&accounts[i])
		config.Accounts = append(config.Accounts, model)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// accountsFilter is the TMV1-Filter for the filters the API supports on accounts (id, email,
// authType, status: API.md, "Accounts: list"); role is not among them (see
// client.ListAccountsWithRole).
func accountsFilter(config accountsDataSourceModel) client.Filter {
	var filters []client.Filter
	if !config.Status.IsNull() {
		filters = append(filters, client.Eq("status", config.Status.ValueString()))
	}
	if !config.AuthType.IsNull() {
		filters = append(filters, client.Eq("authType", config.AuthType.ValueString()))
	}
	return client.And(filters...)
}
