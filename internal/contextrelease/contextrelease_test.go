package contextrelease

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// testProvider serves one resource type, test_thing, whose config validation hands the context it
// was given to validated.
type testProvider struct{ validated func(context.Context) }

func (testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}
func (testProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (testProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (p testProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return thing(p) }}
}

type thing testProvider

func (thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}
func (thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"name": schema.StringAttribute{Optional: true}}}
}
func (t thing) ValidateConfig(ctx context.Context, _ resource.ValidateConfigRequest, _ *resource.ValidateConfigResponse) {
	if t.validated != nil {
		t.validated(ctx)
	}
}
func (thing) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (thing) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func validateRequest(t *testing.T) *tfprotov6.ValidateResourceConfigRequest {
	t.Helper()
	ty := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}}
	config, err := tfprotov6.NewDynamicValue(ty, tftypes.NewValue(ty, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "a")}))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ValidateResourceConfigRequest{TypeName: "test_thing", Config: &config}
}

type ballastKey struct{}

// liveHeapGrowth returns how much the live heap grew over calls ValidateResourceConfig calls to s,
// each with a context of its own carrying a 16 KiB value and canceled when the call returns, as gRPC
// cancels a call's context once it has answered.
func liveHeapGrowth(t *testing.T, s tfprotov6.ProviderServer, calls int) int64 {
	t.Helper()
	req := validateRequest(t)
	before := liveHeap()
	for range calls {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ballastKey{}, make([]byte, 16<<10)))
		resp, err := s.ValidateResourceConfig(ctx, req)
		cancel()
		if err != nil || len(resp.Diagnostics) != 0 {
			t.Fatalf("ValidateResourceConfig: %v, %v", err, resp.Diagnostics)
		}
	}
	growth := int64(liveHeap()) - int64(before)
	runtime.KeepAlive(s)
	return growth
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestWrapReleasesEachCallsContext measures memory, not time: the live heap after a collection. It
// runs alone (not in parallel) so that no other test's allocations are counted.
func TestWrapReleasesEachCallsContext(t *testing.T) {
	const calls = 500
	wrapped := liveHeapGrowth(t, Wrap(providerserver.NewProtocol6(testProvider{})()), calls)
	t.Logf("wrapped: the live heap grew by %d bytes over %d calls", wrapped, calls)
	if perCall := wrapped / calls; perCall > 1<<10 {
		t.Errorf("the wrapped framework kept %d bytes per completed call, want under 1 KiB", perCall)
	}

	// The framework alone keeps every call's context, and the 16 KiB value with it. When this fails,
	// the framework lets go of finished calls' contexts itself, and this package can go.
	alone := liveHeapGrowth(t, providerserver.NewProtocol6(testProvider{})(), calls)
	t.Logf("framework alone: the live heap grew by %d bytes over %d calls", alone, calls)
	if alone < calls*16<<10 {
		t.Errorf("the framework alone kept %d bytes over %d calls, less than their contexts' values: it no longer keeps them", alone, calls)
	}
}

type valueKey struct{}

// TestCallSeesItsContextUntilItReturns checks that the provider's code sees the call's values,
// deadline and cancellation during the call, and that a context it kept is canceled and empty
// afterwards, as the call's own context would be canceled.
func TestCallSeesItsContextUntilItReturns(t *testing.T) {
	t.Parallel()
	deadline := time.Now().Add(time.Hour)
	outer, cancelOuter := context.WithDeadline(context.WithValue(context.Background(), valueKey{}, "request value"), deadline)
	defer cancelOuter()

	var kept context.Context
	s := Wrap(providerserver.NewProtocol6(testProvider{validated: func(ctx context.Context) {
		kept = ctx
		if got := ctx.Value(valueKey{}); got != "request value" {
			t.Errorf("during the call the value is %v", got)
		}
		if got, ok := ctx.Deadline(); !ok || !got.Equal(deadline) {
			t.Errorf("during the call the deadline is %v, %v", got, ok)
		}
		if ctx.Err() != nil {
			t.Errorf("during the call the context is already done: %v", ctx.Err())
		}
		cancelOuter()
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Errorf("canceling the call's context left the provider's context with %v", ctx.Err())
		}
	}})())
	if _, err := s.ValidateResourceConfig(outer, validateRequest(t)); err != nil {
		t.Fatal(err)
	}
	if kept == nil {
		t.Fatal("the resource's validation did not run")
	}
	if !errors.Is(kept.Err(), context.Canceled) {
		t.Errorf("after the call the kept context's error is %v, want canceled", kept.Err())
	}
	select {
	case <-kept.Done():
	default:
		t.Error("after the call the kept context is not done")
	}
	if got := kept.Value(valueKey{}); got != nil {
		t.Errorf("after the call the kept context still holds the call's value %v", got)
	}
}

// TestWrapKeepsEveryServerSet checks that the plugin server still finds the RPC sets it looks up by
// type assertion, and that a server without them is returned as it is.
func TestWrapKeepsEveryServerSet(t *testing.T) {
	t.Parallel()
	s := Wrap(providerserver.NewProtocol6(testProvider{})())
	if _, ok := s.(*server); !ok {
		t.Fatal("Wrap left the framework's server unwrapped")
	}
	if _, ok := s.(frameworkServer); !ok {
		t.Error("the wrapped server lacks one of the framework's RPC sets")
	}
	var bare struct{ tfprotov6.ProviderServer }
	if got := Wrap(bare); got != tfprotov6.ProviderServer(bare) {
		t.Error("a server without the framework's RPC sets was wrapped")
	}
}
