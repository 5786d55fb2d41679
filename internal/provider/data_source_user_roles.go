package provider

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

var (
	_ datasource.DataSource              = (*userRolesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*userRolesDataSource)(nil)
)

// NewUserRolesDataSource returns the visionone_user_roles data source: every role of the tenant.
func NewUserRolesDataSource() datasource.DataSource {
	return &userRolesDataSource{}
}

type userRolesDataSource struct {
	data *providerData
}

type userRolesDataSourceModel struct {
	Type  types.String    `tfsdk:"type"`
	Roles []userRoleModel `tfsdk:"roles"`
}

// roleTypes lists the values of a role's type (API.md, "Decision: role type values").
var roleTypes = []string{client.RoleTypePredefined, client.RoleTypeCustom}

func (d *userRolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_roles"
}

func (d *userRolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every Vision One user role of the tenant, predefined and custom, optionally only those of one type.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "Only roles of this type: " + quotedList(roleTypes) + ". Default: every role.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(roleTypes...)},
			},
			"roles": schema.ListNestedAttribute{
				MarkdownDescription: "The roles, ordered by name: an empty list, not an error, when the tenant has none of the `type` asked for.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: roleDataSourceAttributes(),
				},
			},
		},
	}
}

func (d *userRolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *userRolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var config userRolesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	tflog.Debug(ctx, "Listing Vision One user roles", map[string]any{"type": config.Type.ValueString()})
	// The role list filter knows only name and id (API.md, "Filters"), so the type is filtered here.
	roles, err := d.data.client.ListRoles(ctx, "")
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Listing User Roles", "Listing the user roles of the tenant", err)
		return
	}

	config.Roles = []userRoleModel{}
	for i := range roles {
		if !config.Type.IsNull() && roles[i].Type != config.Type.ValueString() {
			continue
		}
		var model userRoleModel
		resp.Diagnostics.Append(model.readFromAPI(ctx, &roles[i])...)
		config.Roles = append(config.Roles, model)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Ordered by name, then id, so that the list is stable between runs.
	slices.SortFunc(config.Roles, func(a, b userRoleModel) int {
		return cmp.Or(
			strings.Compare(a.Name.ValueString(), b.Name.ValueString()),
			strings.Compare(a.ID.ValueString(), b.ID.ValueString()),
		)
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
