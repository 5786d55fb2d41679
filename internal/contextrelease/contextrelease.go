// Package contextrelease keeps terraform-plugin-framework from holding on to the context of every
// call it has served.
//
// The framework's protocol server derives a cancelable context for each call and appends its
// cancel function to a list that only StopProvider empties (UPSTREAM.md beside this file shows
// where), and Terraform sends StopProvider only when interrupted.
// Each cancel function keeps its context, and with it the whole chain of contexts the call
// arrived with: terraform-plugin-go's per-call loggers, their option copies and the gRPC stream.
// A provider process so kept several KB for every call of its graph walk: in a large plan or apply
// its live heap grew with the number of objects, and garbage collection with it.
//
// Wrap hands the framework, for each call Terraform makes per resource or data source instance,
// a context that answers from the call's own context while the call runs and lets go of it when
// the call returns; the framework then keeps only that small shell. After the call such a context
// is canceled and holds no values, as the call's own context is canceled once gRPC has answered.
// Every other call reaches the framework unchanged: the calls made once per process or a few
// times per run (ephemeral resources, list resource and action validation, action plans), and
// the streaming calls (list results, action events, state bytes), whose results are consumed
// after the method returns.
package contextrelease

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Wrap returns inner with the contexts of its per-instance calls released when each call
// returns. A server that lacks any of the RPC sets a framework server has is returned as it is:
// hiding one of them from the plugin server would turn its calls into "unimplemented" errors.
func Wrap(inner tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	framework, ok := inner.(frameworkServer)
	if !ok {
		return inner
	}
	return &server{frameworkServer: framework}
}

// WrapFactory returns factory with Wrap applied to the server it makes, for tf6server.Serve.
func WrapFactory(factory func() tfprotov6.ProviderServer) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return Wrap(factory()) }
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
}

// releasable is the context the framework gets for one call: the call's context until release,
// then a canceled context without values. The framework may still read it after the call (a
// StopProvider cancels every context it kept), so the swap is atomic.
type releasable struct {
	current atomic.Pointer[context.Context]
}

// released is what a releasable answers from once its call has returned.
var released = func() *context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return &ctx
}()

func newReleasable(ctx context.Context) *releasable {
	r := &releasable{}
	r.current.Store(&ctx)
	return r
}

func (r *releasable) release() { r.current.Store(released) }

func (r *releasable) ctx() context.Context { return *r.current.Load() }

func (r *releasable) Deadline() (time.Time, bool) { return r.ctx().Deadline() }
func (r *releasable) Done() <-chan struct{}       { return r.ctx().Done() }
func (r *releasable) Err() error                  { return r.ctx().Err() }
func (r *releasable) Value(key any) any           { return r.ctx().Value(key) }

// call runs fn with a releasable context made from ctx and releases it when fn returns.
func call[Req, Resp any](ctx context.Context, req Req, fn func(context.Context, Req) (Resp, error)) (Resp, error) {
	r := newReleasable(ctx)
	defer r.release()
	return fn(r, req)
}

func (s *server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s *server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s *server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.frameworkServer.ReadResource)
}

func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s *server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s *server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s *server) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s *server) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s *server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.frameworkServer.ReadDataSource)
}
