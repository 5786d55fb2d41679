package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/contextrelease"
)

// ProtocolServer returns the factory of the protocol 6 server that serves p to Terraform: p served
// by terraform-plugin-framework, behind internal/contextrelease. It is the one place that decides
// how the provider is served: main.go serves ProtocolServer(New(version)()), the acceptance tests
// run the same server in process, and the benchmark's framework floor serves its do-nothing
// resources through it, so that what is tested and measured is what ships.
func ProtocolServer(p provider.Provider) func() tfprotov6.ProviderServer {
	return contextrelease.WrapFactory(providerserver.NewProtocol6(p))
}
