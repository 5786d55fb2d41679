package provider

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

var (
	_ datasource.DataSource              = (*permissionsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*permissionsDataSource)(nil)
)

// NewPermissionsDataSource returns the visionone_permissions data source: the tenant's permission
// catalog, so that keys can be found by the names the console shows.
func NewPermissionsDataSource() datasource.DataSource {
	return &permissionsDataSource{}
}

type permissionsDataSource struct {
	data *providerData
}

type permissionsDataSourceModel struct {
	App          types.String      `tfsdk:"app"`
	Category     types.String      `tfsdk:"category"`
	NameContains types.String      `tfsdk:"name_contains"`
	NameRegex    types.String      `tfsdk:"name_regex"`
	Keys         types.Set         `tfsdk:"keys"`
	Permissions  []permissionModel `tfsdk:"permissions"`
}

type permissionModel struct {
	Key      types.String `tfsdk:"key"`
	Name     types.String `tfsdk:"name"`
	App      types.String `tfsdk:"app"`
	Category types.String `tfsdk:"category"`
}

func (d *permissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permissions"
}

func (d *permissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The permission catalog of the tenant: every permission key a custom role can grant, with the " +
			"name, app and category the console's role editor shows for it. Filter by those console names to find the keys " +
			"for `visionone_user_role.permissions`; all filters are optional, case-insensitive and combined with *and*. The " +
			"catalog is a recent addition to Trend's API that a tenant or region may not offer yet: the read then fails " +
			"saying so (see \"Compatibility\" in the provider documentation).",
		Attributes: map[string]schema.Attribute{
			"app": schema.StringAttribute{
				MarkdownDescription: "Only permissions of this app, such as `Workbench` or `User Accounts` (exact name, any case).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"category": schema.StringAttribute{
				MarkdownDescription: "Only permissions of this category, the group above the app in the console, such as " +
					"`XDR Threat Investigation` or `Administration` (exact name, any case).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name_contains": schema.StringAttribute{
				MarkdownDescription: "Only permissions whose name contains this text, such as `Third-party auditing` or " +
					"`View, filter, and search` (any case).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Only permissions whose name matches this regular expression ([RE2 syntax](https://github.com/google/re2/wiki/Syntax), " +
					"case-insensitive), such as `^View`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), validators.RE2()},
			},
			"keys": schema.SetAttribute{
				MarkdownDescription: "Keys of the matching permissions, ready for `visionone_user_role.permissions`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"permissions": schema.ListNestedAttribute{
				MarkdownDescription: "The matching permissions, ordered by category, app and name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"key": schema.StringAttribute{
							MarkdownDescription: "Permission key, as `visionone_user_role.permissions` takes it.",
							Computed:            true,
						},
						"name": schema.StringAttribute{
							MarkdownDescription: "Name of the permission in the console, such as `View, filter, and search`.",
							Computed:            true,
						},
						"app": schema.StringAttribute{
							MarkdownDescription: "App the permission belongs to, such as `Workbench`.",
							Computed:            true,
						},
						"category": schema.StringAttribute{
							MarkdownDescription: "Category of the app in the console's role editor.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *permissionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *permissionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var config permissionsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	match, err := permissionFilter(config)
	if err != nil { // validators.RE2 refuses it before Terraform reads the data source
		resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", err.Error())
		return
	}

	catalog, err := d.data.permissions(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Permission Catalog",
			"Reading the tenant's permission catalog", err)
		return
	}

	var matching []client.Permission
	for _, p := range catalog {
		if match(p) {
			matching = append(matching, p)
		}
	}
	slices.SortFunc(matching, func(a, b client.Permission) int {
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.App, b.App), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key))
	})

	config.Permissions = make([]permissionModel, len(matching))
	keys := make([]string, len(matching))
	for i, p := range matching {
		config.Permissions[i].readFromAPI(p)
		keys[i] = p.Key
	}
	keySet, diags := types.SetValueFrom(ctx, types.StringType, keys)
	resp.Diagnostics.Append(diags...)
	config.Keys = keySet
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// permissionFilter turns the filter attributes into one predicate; null filters match everything.
// A name_regex matches case-insensitively, like the other filters.
func permissionFilter(config permissionsDataSourceModel) (func(client.Permission) bool, error) {
	var nameRegex *regexp.Regexp
	if !config.NameRegex.IsNull() {
		var err error
		if nameRegex, err = regexp.Compile("(?i)" + config.NameRegex.ValueString()); err != nil {
			return nil, err
		}
	}
	nameContains := strings.ToLower(config.NameContains.ValueString())
	return func(p client.Permission) bool {
		return (config.App.IsNull() || strings.EqualFold(p.App, config.App.ValueString())) &&
			(config.Category.IsNull() || strings.EqualFold(p.Category, config.Category.ValueString())) &&
			strings.Contains(strings.ToLower(p.Name), nameContains) &&
			(nameRegex == nil || nameRegex.MatchString(p.Name))
	}, nil
}

// readFromAPI overwrites the model's attributes with one catalog entry.
func (m *permissionModel) readFromAPI(p client.Permission) {
	m.Key = types.StringValue(p.Key)
	m.Name = types.StringValue(p.Name)
	m.App = types.StringValue(p.App)
	m.Category = types.StringValue(p.Category)
}
