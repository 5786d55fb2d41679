package provider

import (
	"fmt"
	"net/http/httptest"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// testAccProtoV6ProviderFactories runs the provider in-process, so tests need no registry.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"visionone": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccPreCheck fails, rather than skips, when the Terraform CLI is missing: a suite that silently
// skips every acceptance test would pass for the wrong reason.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("the acceptance tests need the terraform CLI on PATH (or TF_ACC_TERRAFORM_PATH): " + err.Error())
	}
}

// testEmulator is a Vision One emulator served over real HTTP on loopback for one test.
type testEmulator struct {
	*emulator.Server
	URL string
	// API is a client with the admin key, for changing objects "in the console" (drift) and for
	// CheckDestroy.
	API *client.Client
}

// startEmulator starts a fresh emulator for t and stops it when t ends.
func startEmulator(t *testing.T, opts emulator.Options) *testEmulator {
	t.Helper()
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	api, err := client.New(client.Config{Endpoint: hs.URL, APIKey: srv.AdminKey(), RequestsPerMinute: -1})
	if err != nil {
		t.Fatalf("building the admin client: %v", err)
	}
	return &testEmulator{Server: srv, URL: hs.URL, API: api}
}

// providerConfig is the provider block pointing at this emulator with its admin key.
func (e *testEmulator) providerConfig() string {
	return fmt.Sprintf(`
provider "visionone" {
  endpoint = %[1]q
  api_key  = %[2]q
}
`, e.URL, e.AdminKey())
}

// noWritesSince returns a check that fails when the emulator received any mutating request since
// before was taken: the proof that bad input was refused at plan time with nothing created.
func (e *testEmulator) noWritesSince(before emulator.Stats) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := e.Stats().Writes() - before.Writes(); n != 0 {
			return fmt.Errorf("expected no write request, the emulator received %d", n)
		}
		return nil
	}
}
