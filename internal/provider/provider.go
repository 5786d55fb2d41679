// Package provider is the Terraform provider for Trend Vision One IAM: schemas, and the translation
// between Terraform models and the types of internal/client. It holds no HTTP logic of its own.
//
// SKELETON: the provider configuration work (issue 4) completes Schema and Configure; each resource
// issue adds its constructors to Resources and DataSources.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

var _ provider.Provider = (*visionOneProvider)(nil)

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

func (p *visionOneProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "visionone"
	resp.Version = p.version
}

func (p *visionOneProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage Trend Vision One identity and access management: custom user roles, user accounts and API keys.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Vision One API key the provider authenticates with. May also be set with the `VISIONONE_API_KEY` environment variable.",
				Optional:            true,
				Sensitive:           true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Vision One region of the tenant. May also be set with `VISIONONE_REGION`. Default `us`.",
				Optional:            true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Full base URL of the API, for proxies and the emulator. May also be set with `VISIONONE_ENDPOINT`. Conflicts with `region`.",
				Optional:            true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times one request is retried after a 429, a 5xx or a network error.",
				Optional:            true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of one HTTP request, as a Go duration such as `60s`.",
				Optional:            true,
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Client-side rate limit shared by every request of one Terraform run.",
				Optional:            true,
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
	c, err := client.New(client.Config{
		Region:    config.Region.ValueString(),
		Endpoint:  config.Endpoint.ValueString(),
		APIKey:    config.APIKey.ValueString(),
		UserAgent: "terraform-provider-visionone/" + p.version,
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid Provider Configuration", err.Error())
		return
	}
	data := &providerData{client: c}
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *visionOneProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAccountResource,
	}
}

func (p *visionOneProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAccountDataSource,
		NewAccountsDataSource,
	}
}
