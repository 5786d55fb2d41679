// Package provider is the Terraform provider for Trend Vision One IAM: schemas, and the translation
// between Terraform models and the types of internal/client. It holds no HTTP logic of its own.
package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/validators"
)

var (
	_ provider.Provider                       = (*visionOneProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*visionOneProvider)(nil)
	_ provider.ProviderWithListResources      = (*visionOneProvider)(nil)
)

// New returns the provider factory; version is "dev" locally, "test" under tests, and the release
// version in builds (it goes into the User-Agent).
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &visionOneProvider{version: version}
	}
}

type visionOneProvider struct {
	version string
}

type providerModel struct {
	APIKey            types.String         `tfsdk:"api_key"`
	Region            types.String         `tfsdk:"region"`
	Endpoint          types.String         `tfsdk:"endpoint"`
	MaxRetries        types.Int64          `tfsdk:"max_retries"`
	RequestTimeout    timetypes.GoDuration `tfsdk:"request_timeout"`
	RequestsPerMinute types.Int64          `tfsdk:"requests_per_minute"`
}

// Environment variables read when the matching provider attribute is not set.
const (
	envAPIKey   = "VISIONONE_API_KEY"
	envRegion   = "VISIONONE_REGION"
	envEndpoint = "VISIONONE_ENDPOINT"
)

const (
	maxMaxRetries     = 20
	minRequestTimeout = time.Second
	maxRequestTimeout = 10 * time.Minute
)

func (p *visionOneProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "visionone"
	resp.Version = p.version
}

func (p *visionOneProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage Trend Vision One identity and access management: custom user roles, user accounts and API keys.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Vision One API key the provider authenticates with, created in the console under " +
					"**Administration > API Keys**. Its role needs the *User Roles*, *User Accounts* and *API Keys* " +
					"permissions for what you manage; managing accounts and setting the control flags of roles take a " +
					"Master Administrator key (see \"Which key can do what\" above). Required, here or through the `" +
					envAPIKey + "` environment variable (the attribute wins); prefer the environment variable so the key " +
					"stays out of your configuration. Whitespace around the key, such as the line break at the end of " +
					"a file read with `file()`, is dropped: a Vision One key holds none. " + emptyMeansUnset(envAPIKey),
				Optional:  true,
				Sensitive: true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Vision One region of the tenant, which selects the API host. One of " + quotedList(client.Regions) +
					". May also be set with the `" + envRegion + "` environment variable. Default `" + client.DefaultRegion + "`. " +
					"Conflicts with `endpoint`. " + emptyMeansUnset(envRegion),
				Optional: true,
				Validators: []validator.String{
					clientCheck(client.CheckRegion, "value must be one of "+strings.Join(client.Regions, ", ")),
					regionConflictsWithEndpoint(),
				},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Full base URL of the API instead of a region's host, for a proxy or the local emulator, " +
					"such as `http://127.0.0.1:8080`. An absolute `http` or `https` URL without query string; the provider " +
					"appends the `/v3.0/...` paths to it. May also be set with the `" + envEndpoint + "` environment variable. " +
					"Conflicts with `region`. " + emptyMeansUnset(envEndpoint),
				Optional: true,
				Validators: []validator.String{
					clientCheck(client.CheckEndpoint, "value must be an absolute http or https URL without credentials, query string or fragment"),
				},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one request is retried after a 5xx or a network error, with exponential "+
					"back-off, or after a 429, once the tenant's rate-limit window has ended (a rate limit's 429 is retried beyond "+
					"this count until a minute has passed since the request's first; a 429 at the tenant's cap on objects, and one "+
					"on a key of an API-key batch create, only this many times). Between 0 (no retry) and %d. Default %d.",
					maxMaxRetries, client.DefaultMaxRetries),
				Optional: true,
				Validators: []validator.Int64{
					int64validator.Between(0, maxMaxRetries),
				},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Timeout of one HTTP attempt, as a Go duration such as `30s` or `2m`, between %s and %s. "+
					"Default `%s`, the API's own limit. The check of the key when the provider is configured gives up after "+
					"%s, retries included, or after this when it is set longer.", minRequestTimeout, maxRequestTimeout, client.DefaultRequestTimeout,
					credentialsCheckTimeout),
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{
					validators.DurationBetween(minRequestTimeout, maxRequestTimeout),
				},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Hard cap on the requests per minute of the provider: it spaces its requests evenly, so " +
					"that no 60 seconds hold more than this, with a second to spare for the time they take to reach the tenant " +
					"(Terraform starts the provider anew for a plan and for an apply, each with a count of its own). " +
					"At least 1. Default none: the pace is learned from the tenant's `429` answers " +
					"(on a `429` every request waits for the tenant's next window, as its `Retry-After` says or, without one, " +
					"as the provider estimates; then the provider paces just under what the tenant accepted and probes upward " +
					"each minute). Set it to leave part of the tenant's limit to other tools that " +
					"call the same tenant.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AtLeast(1),
				},
			},
		},
	}
}

// Configure builds the one client of this provider process from the provider block and the
// environment, checks its key against the API, and hands it to every resource and data source.
func (p *visionOneProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.warnUnknown(&resp.Diagnostics) {
		return
	}
	clientConfig := config.clientConfig(req.TerraformVersion, p.version, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := client.New(clientConfig)
	if err != nil {
		addConfigError(&resp.Diagnostics, err)
		return
	}

	ctx = tflog.MaskMessageStrings(ctx, clientConfig.APIKey)
	ctx = tflog.MaskAllFieldValuesStrings(ctx, clientConfig.APIKey)
	tflog.Debug(ctx, "Configuring the Vision One client", map[string]any{
		"base_url":            c.BaseURL(),
		"max_retries":         config.MaxRetries.String(),
		"request_timeout":     config.RequestTimeout.String(),
		"requests_per_minute": config.RequestsPerMinute.String(),
	})
	checkCredentials(ctx, c, clientConfig, credentialsCheckTimeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data := newProviderData(c)
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

func (p *visionOneProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewUserRoleResource,
		NewAccountResource,
		NewAPIKeyResource,
	}
}

func (p *visionOneProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewUserRoleDataSource,
		NewUserRolesDataSource,
		NewPermissionsDataSource,
		NewAccountDataSource,
		NewAccountsDataSource,
		NewAPIKeysDataSource,
	}
}

func (p *visionOneProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAPIKeyEphemeralResource,
	}
}

func (p *visionOneProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewUserRoleListResource,
		NewAccountListResource,
		NewAPIKeyListResource,
	}
}

// emptyMeansUnset tells, in an attribute's description, that an empty string is no value (isSet).
func emptyMeansUnset(env string) string {
	return "An empty or blank string counts as unset, so that a variable that defaults to `\"\"` leaves the " +
		"value to the `" + env + "` environment variable."
}

// quotedList renders values as a Markdown list of code spans: `a`, `b`, `c`.
func quotedList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}
