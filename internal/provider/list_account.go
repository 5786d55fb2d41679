package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

var (
	_ list.ListResource              = (*accountListResource)(nil)
	_ list.ListResourceWithConfigure = (*accountListResource)(nil)
)

// NewAccountListResource is the constructor of list "visionone_account", for `terraform query`.
func NewAccountListResource() list.ListResource {
	return &accountListResource{}
}

type accountListResource struct {
	data *providerData
}

type accountListModel struct {
	Role     types.String `tfsdk:"role"`
	Status   types.String `tfsdk:"status"`
	AuthType types.String `tfsdk:"auth_type"`
}

func (r *accountListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (r *accountListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the tenant's accounts (users, SAML users, SAML groups and pending invitations), for " +
			"`terraform query` (Terraform 1.14 or later): `terraform query -generate-config-out=<file>` writes a " +
			"`visionone_account` block and an `import` block for each. Each result is named by the account's email (its " +
			"identity), which stays when an invitation is accepted, and displayed with its role and status. `status` and " +
			"`auth_type` are filtered by the API, `role` by the provider.",
		Attributes: map[string]schema.Attribute{
			"role": schema.StringAttribute{
				MarkdownDescription: "Only accounts with this role name (exact, case-sensitive).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, accountMaxLength)},
			},
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
		},
	}
}

func (r *accountListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *accountListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	config, ok := listConfig[accountListModel](ctx, req, r.data, stream)
	if !ok {
		return
	}

	filter := accountsFilter(accountsDataSourceModel{Status: config.Status, AuthType: config.AuthType})
	tflog.Debug(ctx, "Listing accounts", map[string]any{"filter": string(filter)})
	accounts, err := r.data.client.ListAccountsWithRole(ctx, filter, config.Role.ValueString())
	if err != nil {
		endListWithAPIError(stream, "Error Listing Accounts", fmt.Sprintf("Listing the accounts (filter %q)", filter), err)
		return
	}
	var objects []listedObject[accountResourceModel]
	for i := range accounts {
		account := &accounts[i]
		var warnings diag.Diagnostics
		if account.Role == "" {
			warnNoRole(&warnings, fmt.Sprintf("The account %s (id %s)", account.Email, account.ID))
		}
		objects = append(objects, listedObject[accountResourceModel]{
			identity:    account.Email,
			displayName: fmt.Sprintf("%s (%s, %s)", account.Email, roleText(account.Role), account.Status),
			warnings:    warnings,
			resource: func() (accountResourceModel, diag.Diagnostics) {
				var model accountResourceModel
				model.readFromAPI(account)
				return model, nil
			},
		})
	}
	stream.Results = listResults(ctx, req, identityEmail, objects)
}
