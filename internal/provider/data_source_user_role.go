package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// roleIDLookupCheck and roleNameLookupCheck refuse a key's value given as the id or the name,
// which the lookup would carry in the path or a filter.
var (
	roleIDLookupCheck = keyValueCheck{summary: "Role ID Looks Like an API Key's Value", attribute: path.Root("id"),
		subject: "The `id` of the visionone_user_role data source", form: "a role's id (a UUID)", limited: "a role's id or name",
		maxLength: roleNameMaxLength, instead: "Set `id` to the role's id, or `name` to its name; the visionone_user_roles " +
			"data source lists the roles."}
	roleNameLookupCheck = keyValueCheck{summary: "Role Name Looks Like an API Key's Value", attribute: path.Root("name"),
		subject: "The `name` of the visionone_user_role data source", form: "a role's name", limited: "a role's name",
		maxLength: roleNameMaxLength, instead: "Set `name` to the role's name as the console shows it under " +
			"Administration > User Roles; the visionone_user_roles data source lists the roles."}
)

func (d *userRoleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var config userRoleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if lookupRefused(&resp.Diagnostics, config.ID, roleIDLookupCheck, config.Name, roleNameLookupCheck) {
		return
	}
	role, err := d.lookUp(ctx, config)
	if err != nil {
		d.addLookupError(ctx, config, err, &resp.Diagnostics)
		return
	}

	var model userRoleModel
	resp.Diagnostics.Append(model.readFromAPI(ctx, role)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// lookUp reads the role the configuration names, by id or by name.
func (d *userRoleDataSource) lookUp(ctx context.Context, config userRoleModel) (*client.Role, error) {
	if !config.ID.IsNull() {
		tflog.Debug(ctx, "Reading a Vision One user role by id", map[string]any{"id": config.ID.ValueString()})
		return d.data.client.GetRole(ctx, config.ID.ValueString())
	}
	tflog.Debug(ctx, "Reading a Vision One user role by name", map[string]any{"name": config.Name.ValueString()})
	return d.data.client.RefreshRoleByName(ctx, config.Name.ValueString())
}

// addLookupError reports a failed lookUp. A name not found gets the closest names of the tenant's
// roles, as a resource's role does (closestRoles): a name is often mistyped or in the wrong case.
// An id is copied, not typed, so one not found is more likely gone or from another tenant.
func (d *userRoleDataSource) addLookupError(ctx context.Context, config userRoleModel, err error, diags *diag.Diagnostics) {
	what := "id " + config.ID.ValueString()
	if config.ID.IsNull() {
		what = fmt.Sprintf("name %q", config.Name.ValueString())
	}
	switch {
	case !client.IsNotFound(err):
		addAPIError(diags, "Error Reading User Role", "Reading the user role with the "+what, err)
	case config.ID.IsNull():
		diags.AddError("User Role Not Found",
			fmt.Sprintf("No Vision One user role has the %s. Role names are matched exactly, letter case included.%s "+
				"The visionone_user_roles data source lists every role of the tenant.", what, d.data.closestRoles(ctx, config.Name.ValueString())))
	default:
		diags.AddError("User Role Not Found",
			fmt.Sprintf("No Vision One user role has the %s: the role may have been deleted, or the id may come from "+
				"another tenant or region. The visionone_user_roles data source lists every role of the tenant with its id; to find a role "+
				"by the name the console shows, set name instead of id.", what))
	}
}
