// Package provider is the Terraform provider for Trend Vision One IAM: schemas, and the translation
// between Terraform models and the types of internal/client. It holds no HTTP logic of its own.
//
// SKELETON: the provider configuration work (issue 4) completes Schema and Configure; each resource
// issue adds its constructors to Resources and DataSources.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	APIKey            types.String `tfsdk:"api_key"`
	Region            types.String `tfsdk:"region"`
	Endpoint          types.String `tfsdk:"endpoint"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	RequestTimeout    types.String `tfsdk:"request_timeout"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
}

// Environment variables read when the matching provider attribute is not set.
const (
	envAPIKey   = "VISIONONE_API_KEY"
	envRegion   = "VISIONONE_REGION"
	envEndpoint = "VISIONONE_ENDPOINT"
)

// attributeEnv maps each attribute with an environment variable fallback to that variable.
var attributeEnv = map[string]string{
	"api_key":  envAPIKey,
	"region":   envRegion,
	"endpoint": envEndpoint,
}

const (
	defaultRegion     = "us"
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
					"permissions for what you manage. Required, here or through the `" + envAPIKey + "` environment variable " +
					"(the attribute wins); prefer the environment variable so the key stays out of your configuration.",
				Optional:  true,
				Sensitive: true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Vision One region of the tenant, which selects the API host. One of " + quotedList(client.Regions) +
					". May also be set with the `" + envRegion + "` environment variable. Default `" + defaultRegion + "`. " +
					"Conflicts with `endpoint`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf(client.Regions...),
					stringvalidator.ConflictsWith(path.MatchRoot("endpoint")),
				},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Full base URL of the API instead of a region's host, for a proxy or the local emulator, " +
					"such as `http://127.0.0.1:8080`. An absolute `http` or `https` URL without query string; the provider " +
					"appends the `/v3.0/...` paths to it. May also be set with the `" + envEndpoint + "` environment variable. " +
					"Conflicts with `region`.",
				Optional: true,
				Validators: []validator.String{
					validators.AbsoluteHTTPURL(),
				},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one request is retried after a 429 (honouring `Retry-After`), a 5xx or a network "+
					"error, with exponential back-off. Between 0 (no retry) and %d. Default %d.", maxMaxRetries, client.DefaultMaxRetries),
				Optional: true,
				Validators: []validator.Int64{
					int64validator.Between(0, maxMaxRetries),
				},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Timeout of one HTTP attempt, as a Go duration such as `30s` or `2m`, between %s and %s. "+
					"Default `%s`, the API's own limit.", minRequestTimeout, maxRequestTimeout, client.DefaultRequestTimeout),
				Optional: true,
				Validators: []validator.String{
					validators.DurationBetween(minRequestTimeout, maxRequestTimeout),
				},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Client-side rate limit, in requests per minute, shared by every request of one "+
					"Terraform run, so that a large configuration stays under the tenant's API limit instead of running into 429 "+
					"answers. At least 1. Default %d.", client.DefaultRequestsPerMinute),
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AtLeast(1),
				},
			},
		},
	}
}

func (p *visionOneProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value that comes from another resource is unknown while planning. Failing here would fail
	// every plan of such a configuration, so the provider stays unconfigured for this run instead:
	// resources keep their prior state and skip the live checks, and nothing is written, because
	// by apply time Terraform knows the value and configures the provider again.
	configurationUnknown := false
	for _, attribute := range []struct {
		name  string
		value attr.Value
	}{
		{"api_key", config.APIKey},
		{"region", config.Region},
		{"endpoint", config.Endpoint},
		{"max_retries", config.MaxRetries},
		{"request_timeout", config.RequestTimeout},
		{"requests_per_minute", config.RequestsPerMinute},
	} {
		if !attribute.value.IsUnknown() {
			continue
		}
		configurationUnknown = true
		hint := ""
		if env, ok := attributeEnv[attribute.name]; ok {
			hint = " or use the " + env + " environment variable"
		}
		resp.Diagnostics.AddAttributeWarning(path.Root(attribute.name), "Provider Configuration Not Known Until Apply",
			fmt.Sprintf("The provider attribute %q depends on a value that is only known after apply, so this plan cannot "+
				"read Vision One: existing objects are not refreshed and permission keys are not checked. "+
				"Set %q statically%s, or apply the resources it depends on first with -target.", attribute.name, attribute.name, hint))
	}
	if configurationUnknown {
		return
	}

	apiKey := stringFromConfigOrEnv(config.APIKey, envAPIKey)
	endpoint := stringFromConfigOrEnv(config.Endpoint, envEndpoint)
	region := stringFromConfigOrEnv(config.Region, envRegion)

	if strings.TrimSpace(apiKey) == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Vision One API Key",
			"The provider needs an API key to call Vision One. Set the `api_key` provider attribute or the "+envAPIKey+
				" environment variable to a key created in the Vision One console under Administration > API Keys.")
	}
	if endpoint != "" {
		if err := validators.CheckAbsoluteHTTPURL(endpoint); err != nil {
			shown := endpoint
			if u, parseErr := url.Parse(endpoint); parseErr == nil {
				shown = u.Redacted() // a password in the URL must not reach the diagnostic
			}
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Vision One Endpoint",
				fmt.Sprintf("The endpoint %q (from the `endpoint` attribute or %s) is not usable: %s. "+
					"Set it to an absolute http or https base URL such as \"http://127.0.0.1:8080\", or remove it to use `region`.",
					shown, envEndpoint, err))
		}
		// An endpoint replaces the region's host. A region from the environment is then ignored
		// rather than refused, so a shell that exports VISIONONE_REGION can still use the emulator;
		// a region written in the configuration next to an endpoint from the environment is a
		// contradiction the user should resolve.
		if !config.Region.IsNull() && config.Endpoint.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("region"), "Conflicting Vision One Region and Endpoint",
				fmt.Sprintf("The configuration sets region %q while the %s environment variable sets the endpoint %q. "+
					"Remove one of them: `endpoint` for a proxy or the emulator, `region` for a Vision One tenant.",
					region, envEndpoint, endpoint))
		}
		region = ""
	} else {
		if region == "" {
			region = defaultRegion
		}
		if !slices.Contains(client.Regions, region) {
			resp.Diagnostics.AddAttributeError(path.Root("region"), "Invalid Vision One Region",
				fmt.Sprintf("The region %q (from the `region` attribute or %s) is not a Vision One region. "+
					"Use one of %s, or set `endpoint` to the full URL of the API.", region, envRegion, quotedList(client.Regions)))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Zero values of the client configuration select the client's defaults.
	clientConfig := client.Config{
		Region:            region,
		Endpoint:          endpoint,
		APIKey:            apiKey,
		UserAgent:         "terraform-provider-visionone/" + p.version,
		MaxRetries:        int(config.MaxRetries.ValueInt64()),
		RequestsPerMinute: int(config.RequestsPerMinute.ValueInt64()),
	}
	if !config.MaxRetries.IsNull() && config.MaxRetries.ValueInt64() == 0 {
		clientConfig.MaxRetries = client.NoRetries // a zero client.Config.MaxRetries means the default
	}
	if !config.RequestTimeout.IsNull() {
		// The schema validator has already accepted this value as a duration.
		clientConfig.RequestTimeout, _ = time.ParseDuration(config.RequestTimeout.ValueString())
	}

	ctx = tflog.MaskMessageStrings(ctx, apiKey)
	ctx = tflog.MaskAllFieldValuesStrings(ctx, apiKey)
	tflog.Debug(ctx, "Configuring the Vision One client", map[string]any{
		"region":              region,
		"endpoint":            endpoint,
		"max_retries":         config.MaxRetries.String(),
		"request_timeout":     config.RequestTimeout.String(),
		"requests_per_minute": config.RequestsPerMinute.String(),
	})

	c, err := client.New(clientConfig)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Provider Configuration",
			"Building the Vision One client from the provider configuration failed: "+err.Error()+
				"\n\nCorrect the provider block or the VISIONONE_* environment variables and run the command again.")
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

// stringFromConfigOrEnv returns the configured value, or the environment variable when the
// attribute is null.
func stringFromConfigOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// quotedList renders values as a Markdown list of code spans: `a`, `b`, `c`.
func quotedList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}
