package provider

import (
	"context"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type ballastKey struct{}

// TestProtocolServer_keepsNothingOfFinishedCalls checks that the server main.go and the acceptance
// tests serve keeps nothing of a call's context once the call has returned: the framework alone
// keeps every one until an interrupt, and with it the SDKs' loggers and the gRPC stream. Each call
// carries a 16 KiB value in its context and is canceled when it returns, as gRPC cancels it. The
// test measures the live heap, not time, and does not run in parallel, so that no other test's
// allocations count.
func TestProtocolServer_keepsNothingOfFinishedCalls(t *testing.T) {
	const calls = 300
	ctx := t.Context()
	server := ProtocolServer(New("test")())()
	var roleSchema resource.SchemaResponse
	NewUserRoleResource().Schema(ctx, resource.SchemaRequest{}, &roleSchema)
	config := dynamicValue(t, roleSchema.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "auditors"),
	})
	req := &tfprotov6.ValidateResourceConfigRequest{TypeName: "visionone_user_role", Config: &config}

	before := liveHeap()
	for range calls {
		callCtx, cancel := context.WithCancel(context.WithValue(ctx, ballastKey{}, make([]byte, 16<<10)))
		_, err := server.ValidateResourceConfig(callCtx, req)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	growth := int64(liveHeap()) - int64(before)
	runtime.KeepAlive(server)
	t.Logf("the live heap grew by %d bytes over %d calls", growth, calls)
	if perCall := growth / calls; perCall > 4<<10 {
		t.Errorf("the served provider kept %d bytes per finished call, want well under the 16 KiB each call's context carried", perCall)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
