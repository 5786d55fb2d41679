// Package upgradepassthrough answers Terraform's UpgradeResourceState calls for states already at
// their resource's schema version, in front of a terraform-plugin-framework provider server.
//
// Terraform calls UpgradeResourceState for every managed object in every plan, refresh and apply,
// even when the stored state is at the current schema version. The framework then only decodes the
// stored JSON against the schema, dropping attributes the schema no longer has, and returns it.
// It does so through its generic request path (logger contexts, a new resource value, the schema's
// type rebuilt from its attributes). Made once per object, that path's garbage made garbage
// collection, under the provider's soft memory limit, the largest cost of a large no-change plan,
// slowing the other calls too (BENCHMARKS.md has the figures). The wrapper does the same decoding
// directly with terraform-plugin-go, the library the framework itself serves through,
// and hands every other call, and every state it cannot decode, to the framework unchanged: an
// older schema version (a state upgrader's job), a pre-0.12 flatmap state, an unknown resource
// type or a state that does not match the schema get the framework's own answer and diagnostics.
// Its tests hold its answers equal to the framework's.
package upgradepassthrough

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewProtocol6 is providerserver.NewProtocol6 with the wrapper in front: what the plugin server
// runs, and what acceptance tests run in process.
func NewProtocol6(p provider.Provider) func() tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(p)
	return func() tfprotov6.ProviderServer { return Wrap(framework()) }
}

// Wrap returns inner with UpgradeResourceState answered directly for states at the current schema
// version. inner's resource schemas are read once, on the first such call. A server that lacks any
// of the RPC sets a framework server has is returned as it is: hiding one of them from the plugin
// server would turn its calls into "unimplemented" errors.
func Wrap(inner tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	framework, ok := inner.(frameworkServer)
	if !ok {
		return inner
	}
	s := &server{frameworkServer: framework}
	s.schemas = sync.OnceValue(func() map[string]resourceSchema { return resourceSchemas(inner) })
	return s
}

// frameworkServer is every set of RPCs a terraform-plugin-framework server answers, including those
// the plugin server only finds by a type assertion (list resources, actions, state stores).
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// server embeds the framework's server, which answers every call server does not override.
type server struct {
	frameworkServer
	schemas func() map[string]resourceSchema
}

// resourceSchema is what decoding a stored state needs of a resource type's schema.
type resourceSchema struct {
	version   int64
	valueType tftypes.Type
}

// resourceSchemas reads inner's resource schemas. If inner cannot give them, the map is empty and
// every call goes to inner, which reports the problem itself.
func resourceSchemas(inner tfprotov6.ProviderServer) map[string]resourceSchema {
	resp, err := inner.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || resp == nil {
		return nil
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return nil
		}
	}
	out := make(map[string]resourceSchema, len(resp.ResourceSchemas))
	for name, s := range resp.ResourceSchemas {
		if s != nil {
			out[name] = resourceSchema{version: s.Version, valueType: s.ValueType()}
		}
	}
	return out
}

func (s *server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if state, ok := s.currentVersionState(req); ok {
		return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: state}, nil
	}
	return s.frameworkServer.UpgradeResourceState(ctx, req)
}

// currentVersionState decodes req's stored state as the framework does for a state at the current
// schema version (attributes the schema lacks are ignored) and encodes it for Terraform. It
// reports false when the framework has to answer.
func (s *server) currentVersionState(req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.DynamicValue, bool) {
	if req == nil || req.RawState == nil || req.RawState.JSON == nil {
		return nil, false
	}
	schema, ok := s.schemas()[req.TypeName]
	if !ok || req.Version != schema.version {
		return nil, false
	}
	value, err := req.RawState.UnmarshalWithOpts(schema.valueType, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return nil, false
	}
	state, err := tfprotov6.NewDynamicValue(schema.valueType, value)
	if err != nil {
		return nil, false
	}
	return &state, true
}
