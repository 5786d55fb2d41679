package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

var (
	_ list.ListResource              = (*userRoleListResource)(nil)
	_ list.ListResourceWithConfigure = (*userRoleListResource)(nil)
)

// NewUserRoleListResource is the constructor of list "visionone_user_role", for `terraform query`.
func NewUserRoleListResource() list.ListResource {
	return &userRoleListResource{}
}

type userRoleListResource struct {
	data *providerData
}

type userRoleListModel struct {
	IncludePredefined types.Bool `tfsdk:"include_predefined"`
}

func (r *userRoleListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_role"
}

func (r *userRoleListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the tenant's custom user roles, for `terraform query` (Terraform 1.14 or later): " +
			"`terraform query -generate-config-out=<file>` writes a `visionone_user_role` block and an `import` block " +
			"for each. Each result is named by the role's id (its identity) and displayed by its name.",
		Attributes: map[string]schema.Attribute{
			"include_predefined": schema.BoolAttribute{
				MarkdownDescription: "Whether to list the predefined roles too (`Master Administrator`, `Auditor`, ...). " +
					"Default `false`: Trend Micro maintains them, so they cannot be imported or managed; list them " +
					"only to see them, and read them with the `visionone_user_role` data source. Leave it out when generating " +
					"configuration (`-generate-config-out`): the next plan refuses the import blocks written for predefined roles. " +
					"A role whose type Vision One reports as neither custom nor predefined, or not at all, is listed whatever this says, " +
					"with a warning naming its type: it cannot be imported either.",
				Optional: true,
			},
		},
	}
}

func (r *userRoleListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *userRoleListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	config, ok := listConfig[userRoleListModel](ctx, req, r.data, stream)
	if !ok {
		return
	}

	tflog.Debug(ctx, "Listing user roles", map[string]any{"include_predefined": config.IncludePredefined.ValueBool()})
	// The API filters roles by name and id only: the type is judged here. The roles come as listed,
	// without their permission keys where the API leaves them out: those are read for the results
	// whose resource object Terraform asks for alone, one request per role.
	roles, err := r.data.client.ListRolesAsListed(ctx, "")
	if err != nil {
		endListWithAPIError(stream, "Error Listing User Roles", "Listing the user roles", err)
		return
	}
	var objects []listedObject[userRoleModel]
	for i := range roles {
		role := &roles[i]
		display := role.Name
		var warnings diag.Diagnostics
		switch role.Type {
		case client.RoleTypeCustom:
		case client.RoleTypePredefined:
			if !config.IncludePredefined.ValueBool() {
				continue
			}
			display += " (predefined, cannot be imported)"
		default:
			// Neither custom nor predefined: listed whatever include_predefined says, since a role
			// left out with nothing said would look as if it did not exist (API.md, "Decision: role
			// type values").
			display += " (" + roleTypeText(role.Type) + ", cannot be imported)"
			warnings.AddWarning("User Role of Unknown Type",
				fmt.Sprintf("The role %q (id %s) has %s, where Vision One documents \"custom\" or \"predefined\". "+
					"Terraform manages custom roles only, so its import is refused: remove the blocks -generate-config-out "+
					"writes for it, and read it with the visionone_user_role data source.", role.Name, role.ID, roleTypeText(role.Type)))
		}
		objects = append(objects, listedObject[userRoleModel]{
			identity:    role.ID,
			displayName: display,
			warnings:    warnings,
			resource: func() (userRoleModel, diag.Diagnostics) {
				var diags diag.Diagnostics
				if err := r.data.client.FillPermissionKeys(ctx, role); err != nil {
					addAPIError(&diags, "Error Reading User Role", fmt.Sprintf("Reading the permissions of the user role %s (%q)", role.ID, role.Name), err)
					return userRoleModel{}, diags
				}
				warnUnreadable(&diags, fmt.Sprintf("User role %s (%q)", role.ID, role.Name), role.UnreadableFields(), userRoleUnreadableEffects)
				var model userRoleModel
				diags.Append(model.readFromAPI(ctx, role)...)
				return model, diags
			},
		})
	}
	stream.Results = listResults(ctx, req, identityID, objects)
}
