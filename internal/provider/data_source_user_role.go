package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
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
	_ datasource.DataSource                     = (*userRoleDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*userRoleDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userRoleDataSource)(nil)
)

// NewUserRoleDataSource returns the visionone_user_role data source: one role, predefined or
// custom, by id or by name.
func NewUserRoleDataSource() datasource.DataSource {
	return &userRoleDataSource{}
}

type userRoleDataSource struct {
	data *providerData
}

func (d *userRoleDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_role"
}

func (d *userRoleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := roleDataSourceAttributes()
	attributes["id"] = schema.StringAttribute{
		MarkdownDescription: "Id of the role (a UUID). Exactly one of `id` and `name` must be set.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attributes["name"] = schema.StringAttribute{
		MarkdownDescription: "Exact name of the role, as shown in the console under **Administration > User Roles**. " +
			"Exactly one of `id` and `name` must be set.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Vision One user role, predefined (such as `Master Administrator`, `Auditor` or `SIEM`) or " +
			"custom, looked up by `name` or by `id`. Use it to refer to a predefined role, which the `visionone_user_role` " +
			"resource cannot manage, or to a role managed elsewhere.",
		Attributes: attributes,
	}
}

// roleDataSourceAttributes returns the attributes of a role as data sources report it, all
// read-only: the visionone_user_role data source and each item of visionone_user_roles.
func roleDataSourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "Id of the role (a UUID).",
			Computed:            true,
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "Name of the role; accounts and API keys refer to the role by it.",
			Computed:            true,
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "Description of the role.",
			Computed:            true,
		},
		"permissions": schema.SetAttribute{
			MarkdownDescription: "Permission keys the role grants.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"allow_api_key_assignment": schema.BoolAttribute{
			MarkdownDescription: "Whether API keys may be given this role.",
			Computed:            true,
		},
		"allow_user_account_assignment": schema.BoolAttribute{
			MarkdownDescription: "Whether user accounts may be given this role.",
			Computed:            true,
		},
		"type": schema.StringAttribute{
			MarkdownDescription: "`predefined` for a role maintained by Trend Micro, `custom` for one created in the tenant.",
			Computed:            true,
		},
		"last_updated_at": schema.StringAttribute{
			MarkdownDescription: "When the role was last changed, as an RFC 3339 timestamp.",
			Computed:            true,
			CustomType:          timetypes.RFC3339Type{},
		},
	}
}

func (d *userRoleDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *userRoleDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *userRoleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var config userRoleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var (
		role *client.Role
		err  error
		what string
	)
	if !config.ID.IsNull() {
		what = "id " + config.ID.ValueString()
		tflog.Debug(ctx, "Reading a Vision One user role by id", map[string]any{"id": config.ID.ValueString()})
		role, err = d.data.client.GetRole(ctx, config.ID.ValueString())
	} else {
		what = fmt.Sprintf("name %q", config.Name.ValueString())
		tflog.Debug(ctx, "Reading a Vision One user role by name", map[string]any{"name": config.Name.ValueString()})
		role, err = d.data.client.FindRoleByName(ctx, config.Name.ValueString())
	}
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("User Role Not Found",
			fmt.Sprintf("No Vision One user role has the %s. Role names are matched exactly; the visionone_user_roles "+
				"data source lists every role of the tenant.", what))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading User Role", "Reading the user role with the "+what, err)
		return
	}

	var model userRoleModel
	resp.Diagnostics.Append(model.readFromAPI(ctx, role)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
