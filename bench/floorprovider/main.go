// Command floorprovider is the framework floor of `make bench`: a provider with this provider's
// name, schemas and resource identity schemas, served as the provider is served (ProtocolServer of internal/provider), whose
// resources do nothing (no API request, no model conversion, no plan logic). What a terraform
// command costs with it is what the framework and Terraform's plugin protocol cost for these
// schemas, whoever writes the resources, so that BENCHMARKS.md can tell the provider's own cost
// from the cost of its stack. It applies the provider's process defaults (internal/procdefaults),
// and `make bench` measures it beside the provider.
//
//	cd bench && go build -o ../.build/floor/terraform-provider-visionone ./floorprovider
//	go run . -provider ../.build/floor/terraform-provider-visionone -n 500
package main

import (
	"context"
	"fmt"
	"log"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/procdefaults"
	visionone "github.com/seed-ebba3aa9/terraform-provider-visionone/internal/provider"
)

func main() {
	procdefaults.QuietLogsUnlessRequested()
	serve := visionone.ProtocolServer(floorProvider{inner: visionone.New("floor")()})
	err := tf6server.Serve("registry.terraform.io/seed-ebba3aa9/visionone", serve)
	if err != nil {
		log.Fatal(err)
	}
}

// floorProvider serves the resource schemas of inner through resources that do nothing.
type floorProvider struct{ inner provider.Provider }

func (p floorProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.inner.Metadata(ctx, req, resp)
}

func (p floorProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.inner.Schema(ctx, req, resp)
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (p floorProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newResource := range p.inner.Resources(ctx) {
		out = append(out, func() resource.Resource {
			inner := newResource()
			if withIdentity, ok := inner.(resource.ResourceWithIdentity); ok {
				return floorResourceWithIdentity{floorResource{inner: inner}, withIdentity}
			}
			return floorResource{inner: inner}
		})
	}
	return out
}

// floorResource has the name and schema of inner. It stores the plan as it comes, with the values
// known only after apply left null, and keeps the state as it is on refresh.
type floorResource struct{ inner resource.Resource }

func (r floorResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.inner.Metadata(ctx, req, resp)
}

func (r floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.inner.Schema(ctx, req, resp)
}

func (floorResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	storePlan(req.Plan, &resp.State, &resp.Diagnostics)
}

func (floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	storePlan(req.Plan, &resp.State, &resp.Diagnostics)
}

func (floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// floorResourceWithIdentity is floorResource for a resource with an identity: it declares the same
// identity schema, so that the framework's identity handling (decoding, checking and encoding an
// identity in every create, read, update and import) is counted in the floor and not as the
// provider's own cost, and sets the identity as little as the framework allows.
type floorResourceWithIdentity struct {
	floorResource
	identity resource.ResourceWithIdentity
}

func (r floorResourceWithIdentity) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	r.identity.IdentitySchema(ctx, req, resp)
}

func (r floorResourceWithIdentity) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	storePlan(req.Plan, &resp.State, &resp.Diagnostics)
	identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Read keeps the identity Terraform sends (1.12 and later); an older Terraform sends none, and the
// framework wants one after every read.
func (r floorResourceWithIdentity) Read(ctx context.Context, _ resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Identity != nil && resp.Identity.Raw.IsFullyNull() {
		identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func (r floorResourceWithIdentity) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	storePlan(req.Plan, &resp.State, &resp.Diagnostics)
	if resp.Identity != nil && resp.Identity.Raw.IsFullyNull() {
		identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	}
}

// floorIDs numbers the objects the floor creates, whose ids are otherwise unknown after apply.
var floorIDs atomic.Int64

// identityFromState gives each identity attribute the value of the state attribute of the same
// name (the provider's resources name their objects by id or email). One still null, an id known
// only after apply, gets a made-up value, in the state too.
func identityFromState(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	for name := range identity.Schema.GetAttributes() {
		var value types.String
		diags.Append(state.GetAttribute(ctx, path.Root(name), &value)...)
		if value.IsNull() {
			value = types.StringValue(fmt.Sprintf("floor-%d", floorIDs.Add(1)))
			diags.Append(state.SetAttribute(ctx, path.Root(name), value)...)
		}
		diags.Append(identity.SetAttribute(ctx, path.Root(name), value)...)
	}
}

// storePlan makes the plan the new state, every value known only after apply being null, which
// Terraform accepts for a computed attribute.
func storePlan(plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	raw, err := tftypes.Transform(plan.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		diags.AddError("Floor Provider", err.Error())
		return
	}
	state.Raw = raw
}
