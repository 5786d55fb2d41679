// Command protocolfloor is the protocol floor of `make bench`: a provider with this provider's name
// and schemas that answers every call Terraform makes for a managed object directly through
// terraform-plugin-go, with no work at all: no validation, a stored state passed through as it is,
// a refresh that changes nothing, the proposed state as the plan, the plan as the applied state.
// Only the schemas, and the provider-level calls made once per process, come from the provider's
// terraform-plugin-framework server. What a terraform command costs with it is what Terraform and
// its plugin protocol cost for an external provider of these schemas, whatever SDK serves it: the
// least any external provider can cost, against which BENCHMARKS.md reads the framework floor
// (bench/floorprovider) and the provider.
//
//	cd bench && go build -o ../.build/protocol-floor/terraform-provider-visionone ./protocolfloor
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/procdefaults"
	visionone "github.com/seed-ebba3aa9/terraform-provider-visionone/internal/provider"
)

func main() {
	procdefaults.QuietLogsUnlessRequested()
	err := tf6server.Serve("registry.terraform.io/seed-ebba3aa9/visionone", func() tfprotov6.ProviderServer {
		return newEchoServer(providerserver.NewProtocol6(visionone.New("protocol-floor")())())
	})
	if err != nil {
		log.Fatal(err)
	}
}

// echoServer answers the per-object calls itself and leaves the rest to the framework's server.
type echoServer struct{ tfprotov6.ProviderServer }

func newEchoServer(framework tfprotov6.ProviderServer) *echoServer { return &echoServer{framework} }

func (*echoServer) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (*echoServer) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// UpgradeResourceState returns the stored JSON as it is, which Terraform decodes itself.
func (*echoServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &tfprotov6.DynamicValue{JSON: req.RawState.JSON}}, nil
}

func (*echoServer) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// PlanResourceChange plans the proposed state: the configuration over the prior state, with the
// attributes only the provider sets left null on create, which Terraform accepts.
func (*echoServer) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}, nil
}

// ApplyResourceChange stores the plan (null on destroy). The plan has no unknown value as long as
// the configuration refers to other objects only by attributes it sets itself, as the benchmark's
// does (a role's name, not its id).
func (*echoServer) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState, Private: req.PlannedPrivate}, nil
}
