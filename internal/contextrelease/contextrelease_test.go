package contextrelease

import (
	"context"
	"errors"
	"reflect"
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

// TestWrapOffersEveryCallOfTheFramework checks that the wrapped server has every method of the
// framework's server. The plugin server finds the list resource, action and state store calls by
// type assertion and answers "unimplemented" for a set the wrapper hides; this fails when a
// framework release adds a set that frameworkServer lacks. A server without the framework's sets is
// returned as it is.
func TestWrapOffersEveryCallOfTheFramework(t *testing.T) {
	t.Parallel()
	framework := providerserver.NewProtocol6(testProvider{})()
	wrapped := Wrap(framework)
	if _, ok := wrapped.(*server); !ok {
		t.Fatal("Wrap left the framework's server unwrapped")
	}
	frameworkType, wrappedType := reflect.TypeOf(framework), reflect.TypeOf(wrapped)
	for i := range frameworkType.NumMethod() {
		if name := frameworkType.Method(i).Name; !hasMethod(wrappedType, name) {
			t.Errorf("the framework's server answers %s and the wrapped one does not: add its set to frameworkServer", name)
		}
	}
	var bare struct{ tfprotov6.ProviderServer }
	if got := Wrap(bare); got != tfprotov6.ProviderServer(bare) {
		t.Error("a server without the framework's RPC sets was wrapped")
	}
}

func hasMethod(ty reflect.Type, name string) bool {
	_, ok := ty.MethodByName(name)
	return ok
}

// releasedCalls are the calls made per resource or data source instance, whose context Wrap
// releases when they return. Every other call gets its own context: the streaming ones (list
// results, action events, state bytes) are consumed after the method returns, and the others are
// made once per process, or a few times per run (ephemeral resources, list resource and action
// validation, action plans).
var releasedCalls = map[string]bool{
	"ValidateResourceConfig": true, "UpgradeResourceState": true, "UpgradeResourceIdentity": true,
	"ReadResource": true, "PlanResourceChange": true, "ApplyResourceChange": true, "ImportResourceState": true,
	"MoveResourceState": true, "GenerateResourceConfig": true, "ValidateDataResourceConfig": true, "ReadDataSource": true,
}

// TestWrapPassesEveryCall makes every call of a framework server through the wrapper, identity,
// list resource, ephemeral resource, action and state store calls included, and checks that each
// reaches the framework's method of the same name with its request and its context's values, and
// comes back with the framework's answer; that the framework keeps nothing of the per-instance
// calls' contexts; and that it gets every other call's own context.
func TestWrapPassesEveryCall(t *testing.T) {
	t.Parallel()
	inner := &recorder{calls: map[any]recordedCall{}}
	served := reflect.ValueOf(Wrap(inner))
	if _, ok := served.Interface().(*server); !ok {
		t.Fatal("Wrap left the server unwrapped")
	}
	calls := reflect.TypeFor[frameworkServer]()
	for i := range calls.NumMethod() {
		name := calls.Method(i).Name
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.WithValue(t.Context(), valueKey{}, name))
			defer cancel()
			req := reflect.New(calls.Method(i).Type.In(1).Elem())
			out := served.MethodByName(name).Call([]reflect.Value{reflect.ValueOf(ctx), req})

			got, ok := inner.calls[req.Interface()]
			if !ok {
				t.Fatal("the call did not reach the framework's method with its request")
			}
			if err, _ := out[1].Interface().(error); out[0].Interface() != got.response || !errors.Is(err, errAnswered) {
				t.Errorf("the call answered %v, %v, not the framework's answer", out[0].Interface(), out[1].Interface())
			}
			if got.value != name {
				t.Errorf("during the call the framework saw the value %v, want the call's %q", got.value, name)
			}
			if releasedCalls[name] {
				if got.ctx.Value(valueKey{}) != nil || got.ctx.Err() == nil {
					t.Error("after the call the framework still holds the call's context")
				}
			} else if got.ctx != ctx {
				t.Error("the framework got another context than the call's own")
			}
		})
	}
}

// errAnswered is the error every recorder call returns beside its response, so that a test can
// tell the framework's answer from the wrapper's.
var errAnswered = errors.New("answered by the framework's server")

// recorder is a framework server that notes for each request the context it was called with, and
// the value that context carried during the call.
type recorder struct {
	calls map[any]recordedCall
}

type recordedCall struct {
	ctx      context.Context
	value    any
	response any
}

func record[Resp, Req any](r *recorder, ctx context.Context, req *Req) (*Resp, error) {
	resp := new(Resp)
	r.calls[req] = recordedCall{ctx: ctx, value: ctx.Value(valueKey{}), response: resp}
	return resp, errAnswered
}

func (r *recorder) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return record[tfprotov6.ApplyResourceChangeResponse](r, ctx, req)
}

func (r *recorder) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return record[tfprotov6.CallFunctionResponse](r, ctx, req)
}

func (r *recorder) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return record[tfprotov6.CloseEphemeralResourceResponse](r, ctx, req)
}

func (r *recorder) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return record[tfprotov6.ConfigureProviderResponse](r, ctx, req)
}

func (r *recorder) ConfigureStateStore(ctx context.Context, req *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return record[tfprotov6.ConfigureStateStoreResponse](r, ctx, req)
}

func (r *recorder) DeleteState(ctx context.Context, req *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return record[tfprotov6.DeleteStateResponse](r, ctx, req)
}

func (r *recorder) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return record[tfprotov6.GenerateResourceConfigResponse](r, ctx, req)
}

func (r *recorder) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return record[tfprotov6.GetFunctionsResponse](r, ctx, req)
}

func (r *recorder) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return record[tfprotov6.GetMetadataResponse](r, ctx, req)
}

func (r *recorder) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return record[tfprotov6.GetProviderSchemaResponse](r, ctx, req)
}

func (r *recorder) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return record[tfprotov6.GetResourceIdentitySchemasResponse](r, ctx, req)
}

func (r *recorder) GetStates(ctx context.Context, req *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return record[tfprotov6.GetStatesResponse](r, ctx, req)
}

func (r *recorder) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return record[tfprotov6.ImportResourceStateResponse](r, ctx, req)
}

func (r *recorder) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return record[tfprotov6.InvokeActionServerStream](r, ctx, req)
}

func (r *recorder) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return record[tfprotov6.ListResourceServerStream](r, ctx, req)
}

func (r *recorder) LockState(ctx context.Context, req *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return record[tfprotov6.LockStateResponse](r, ctx, req)
}

func (r *recorder) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return record[tfprotov6.MoveResourceStateResponse](r, ctx, req)
}

func (r *recorder) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return record[tfprotov6.OpenEphemeralResourceResponse](r, ctx, req)
}

func (r *recorder) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return record[tfprotov6.PlanActionResponse](r, ctx, req)
}

func (r *recorder) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return record[tfprotov6.PlanResourceChangeResponse](r, ctx, req)
}

func (r *recorder) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return record[tfprotov6.ReadDataSourceResponse](r, ctx, req)
}

func (r *recorder) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return record[tfprotov6.ReadResourceResponse](r, ctx, req)
}

func (r *recorder) ReadStateBytes(ctx context.Context, req *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	return record[tfprotov6.ReadStateBytesStream](r, ctx, req)
}

func (r *recorder) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return record[tfprotov6.RenewEphemeralResourceResponse](r, ctx, req)
}

func (r *recorder) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return record[tfprotov6.StopProviderResponse](r, ctx, req)
}

func (r *recorder) UnlockState(ctx context.Context, req *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return record[tfprotov6.UnlockStateResponse](r, ctx, req)
}

func (r *recorder) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return record[tfprotov6.UpgradeResourceIdentityResponse](r, ctx, req)
}

func (r *recorder) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return record[tfprotov6.UpgradeResourceStateResponse](r, ctx, req)
}

func (r *recorder) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return record[tfprotov6.ValidateActionConfigResponse](r, ctx, req)
}

func (r *recorder) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return record[tfprotov6.ValidateDataResourceConfigResponse](r, ctx, req)
}

func (r *recorder) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return record[tfprotov6.ValidateEphemeralResourceConfigResponse](r, ctx, req)
}

func (r *recorder) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return record[tfprotov6.ValidateListResourceConfigResponse](r, ctx, req)
}

func (r *recorder) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return record[tfprotov6.ValidateProviderConfigResponse](r, ctx, req)
}

func (r *recorder) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return record[tfprotov6.ValidateResourceConfigResponse](r, ctx, req)
}

func (r *recorder) ValidateStateStoreConfig(ctx context.Context, req *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return record[tfprotov6.ValidateStateStoreConfigResponse](r, ctx, req)
}

func (r *recorder) WriteStateBytes(ctx context.Context, req *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	return record[tfprotov6.WriteStateBytesResponse](r, ctx, req)
}
