package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

var (
	_ datasource.DataSource                     = (*accountDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*accountDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*accountDataSource)(nil)
)

// NewAccountDataSource is the visionone_account data source: one account, by email or by id.
func NewAccountDataSource() datasource.DataSource {
	return &accountDataSource{}
}

type accountDataSource struct {
	data *providerData
}

// accountDataSourceModel is one account as the data sources show it (visionone_account, and each
// element of visionone_accounts).
type accountDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	Email       types.String `tfsdk:"email"`
	AuthType    types.String `tfsdk:"auth_type"`
	Role        types.String `tfsdk:"role"`
	Description types.String `tfsdk:"description"`
	Status      types.String `tfsdk:"status"`
	Name        types.String `tfsdk:"name"`
}

func (d *accountDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (d *accountDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := accountDataSourceAttributes()
	attributes["id"] = schema.StringAttribute{
		MarkdownDescription: "Id of the account to read. Exactly one of `id` and `email` must be set. An invited account's id is temporary: prefer `email`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, accountMaxLength)},
	}
	attributes["email"] = schema.StringAttribute{
		MarkdownDescription: "Email address of the account to read, compared case-insensitively. Exactly one of `id` and `email` must be set.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, accountMaxLength)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Vision One account (user, SAML user, SAML group or pending invitation), by email or by id.",
		Attributes:          attributes,
	}
}

func (d *accountDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email")),
	}
}

func (d *accountDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

// accountIDLookupCheck and accountEmailLookupCheck refuse a key's value given as the id or the
// email, which the lookup would carry in the path or a filter.
var (
	accountIDLookupCheck = keyValueCheck{summary: "Account ID Looks Like an API Key's Value", attribute: path.Root("id"),
		subject: "The `id` of the visionone_account data source", form: "an account's id", limited: "an account's id",
		maxLength: accountMaxLength, instead: "Set `id` to the account's id, or `email` to its email address; the " +
			"visionone_accounts data source lists the accounts."}
	accountEmailLookupCheck = keyValueCheck{summary: "Account Email Looks Like an API Key's Value", attribute: path.Root("email"),
		subject: "The `email` of the visionone_account data source", form: "an email address", limited: "an account's email",
		maxLength: accountMaxLength, instead: "Set `email` to the account's email address; the visionone_accounts data " +
			"source lists the accounts."}
)

func (d *accountDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var config accountDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if lookupRefused(&resp.Diagnostics, config.ID, accountIDLookupCheck, config.Email, accountEmailLookupCheck) {
		return
	}

	var account *client.Account
	var err error
	what := "id " + config.ID.ValueString()
	if !config.Email.IsNull() {
		what = "email " + config.Email.ValueString()
		tflog.Debug(ctx, "reading account by email", map[string]any{"email": config.Email.ValueString()})
		account, err = d.data.client.FindAccountByEmail(ctx, config.Email.ValueString())
	} else {
		tflog.Debug(ctx, "reading account", map[string]any{"id": config.ID.ValueString()})
		account, err = d.data.client.GetAccount(ctx, config.ID.ValueString(), "")
	}
	if client.IsNotFound(err) {
		// Each way of looking up gets its own advice: what may be wrong with an email is not what
		// may be wrong with an id.
		advice := "An invited account gets a new id when its invitation is accepted, so look it up by email instead of id."
		if !config.Email.IsNull() {
			advice = "Emails are compared case-insensitively: check the address for a typo, and whether the account was " +
				"deleted or not invited yet."
		}
		resp.Diagnostics.AddError("Account Not Found",
			fmt.Sprintf("Vision One has no account with %s. %s The visionone_accounts data source lists the accounts.", what, advice))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Account", "Reading the account with "+what, err)
		return
	}
	var model accountDataSourceModel
	model.readFromAPI(account)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

// accountDataSourceAttributes are the attributes the data sources compute for every account; the
// callers add id and email, which differ between lookup and listing.
func accountDataSourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"auth_type": schema.StringAttribute{
			MarkdownDescription: "How the account signs in: `local`, `saml` or `samlGroup`.",
			Computed:            true,
		},
		"role": schema.StringAttribute{
			MarkdownDescription: "Name of the account's user role.",
			Computed:            true,
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "Free-text note about the account.",
			Computed:            true,
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "`invited` until the invitation is accepted, then `enabled` or `disabled`.",
			Computed:            true,
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "Display name of the user or SAML group.",
			Computed:            true,
		},
	}
}

// readFromAPI overwrites the model's attributes with what the API reports of account.
func (m *accountDataSourceModel) readFromAPI(account *client.Account) {
	m.ID = types.StringValue(account.ID)
	m.Email = types.StringValue(account.Email)
	m.AuthType = types.StringValue(account.AuthType)
	m.Role = types.StringValue(account.Role)
	m.Description = types.StringValue(account.Description)
	m.Status = types.StringValue(account.Status)
	m.Name = types.StringValue(account.Name)
}
