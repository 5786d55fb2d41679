package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// providerData is what Configure hands to every resource and data source: one client, and the
// caches that must be shared by everything in one provider process.
type providerData struct {
	client *client.Client

	permissionCatalog onceValue[[]client.Permission]
	predefinedRoles   onceValue[[]client.Role]
	plannedRoles      plannedRoles
}

func newProviderData(c *client.Client) *providerData {
	return &providerData{client: c}
}

// onceValue fetches a value at most once per provider process and remembers the result, error
// included: plan-time checks of many resources then cost one request, and an unavailable endpoint
// costs one failed request rather than one per resource.
type onceValue[T any] struct {
	once  sync.Once
	value T
	err   error
}

func (o *onceValue[T]) get(fetch func() (T, error)) (T, error) {
	o.once.Do(func() { o.value, o.err = fetch() })
	return o.value, o.err
}

// permissions returns the tenant's permission catalog (GET /v3.0/iam/roles/permissionKeys),
// fetched once per provider process.
func (d *providerData) permissions(ctx context.Context) ([]client.Permission, error) {
	return d.permissionCatalog.get(func() ([]client.Permission, error) {
		tflog.Debug(ctx, "Reading the Vision One permission catalog")
		return d.client.ListPermissions(ctx)
	})
}

// predefinedRoleList returns the tenant's predefined roles, fetched once per provider process:
// Trend Micro maintains them, so they do not change while Terraform runs.
func (d *providerData) predefinedRoleList(ctx context.Context) ([]client.Role, error) {
	return d.predefinedRoles.get(func() ([]client.Role, error) {
		tflog.Debug(ctx, "Reading the Vision One roles to find the predefined ones")
		roles, err := d.client.ListRoles(ctx, "")
		if err != nil {
			return nil, err
		}
		return slices.DeleteFunc(roles, func(r client.Role) bool { return r.Type != client.RoleTypePredefined }), nil
	})
}

// providerDataFrom converts the ProviderData of a resource or data source Configure request. It
// returns nil without error when the provider is not configured yet (validate, early plan).
func providerDataFrom(in any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if in == nil {
		return nil, diags
	}
	data, ok := in.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data Type",
			fmt.Sprintf("Expected *providerData, got: %T. This is always a bug in the provider code and should be reported to the provider developers.", in))
		return nil, diags
	}
	return data, diags
}

// providerNotConfiguredDetail explains an unconfigured provider where a component cannot do without
// the client.
const providerNotConfiguredDetail = "The visionone provider is not configured, usually because its configuration " +
	"depends on values that are not known yet. Set the provider attributes statically or through the VISIONONE_* " +
	"environment variables, or apply the resources they depend on first with -target."

// addAPIError reports a failed API call as an error diagnostic: what was being done, what the API
// said (status, Vision One code, message, trace id, from client.APIError) and what to do next.
func addAPIError(diags *diag.Diagnostics, summary, doing string, err error) {
	detail := doing + ": " + err.Error()
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		if advice := apiErr.Advice(); advice != "" {
			detail += "\n\n" + advice
		}
	}
	diags.AddError(summary, detail)
}
