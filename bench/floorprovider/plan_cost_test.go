package main

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
	visionone "github.com/seed-ebba3aa9/terraform-provider-visionone/internal/provider"
)

// BenchmarkNoChangePlan measures what one resource costs the provider process in a no-change
// plan: the four calls Terraform makes for every object it manages (ValidateResourceConfig,
// UpgradeResourceState, ReadResource, PlanResourceChange), over the plugin protocol, against the
// emulator, in this process. "provider" is this provider; "framework" is floorProvider: the same
// schema served by the framework with a resource that does nothing, the floor this provider's cost
// sits on. BENCHMARKS.md discusses the figures; `make bench` runs it.
func BenchmarkNoChangePlan(b *testing.B) {
	ctx := context.Background()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	b.Cleanup(hs.Close)

	// Terraform plans and applies in provider processes of their own; so do these servers: a
	// process that planned the creates would take the unchanged objects' names for a second plan
	// of the same names.
	apply := newPlanCostServer(b, visionone.ProtocolServer(visionone.New("bench")())(), hs.URL, srv.AdminKey())
	ours := newPlanCostServer(b, visionone.ProtocolServer(visionone.New("bench")())(), hs.URL, srv.AdminKey())
	floor := newPlanCostServer(b, visionone.ProtocolServer(floorProvider{inner: visionone.New("bench")()})(), hs.URL, srv.AdminKey())

	configs := []struct {
		typeName string
		config   map[string]tftypes.Value
	}{
		{"visionone_user_role", map[string]tftypes.Value{
			"name":        tftypes.NewValue(tftypes.String, "bench-role"),
			"permissions": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "platform.apiKeys.view")}),
		}},
		{"visionone_account", map[string]tftypes.Value{
			"email": tftypes.NewValue(tftypes.String, "bench@example.com"),
			"role":  tftypes.NewValue(tftypes.String, "bench-role"),
		}},
		{"visionone_api_key", map[string]tftypes.Value{
			"name": tftypes.NewValue(tftypes.String, "bench-key"),
			"role": tftypes.NewValue(tftypes.String, "bench-role"),
		}},
	}
	for _, c := range configs {
		// Both servers plan the same object, created once through this provider.
		object := apply.create(ctx, b, c.typeName, c.config)
		for _, s := range []struct {
			name   string
			server *planCostServer
		}{{"provider", ours}, {"framework", floor}} {
			b.Run(c.typeName+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s.server.noChangePlan(ctx, b, object)
				}
			})
		}
	}
}

// planCostServer is a configured provider server and the schemas it serves.
type planCostServer struct {
	server  tfprotov6.ProviderServer
	schemas map[string]*tfprotov6.Schema
}

// managedObject is what Terraform keeps of one resource between plans.
type managedObject struct {
	typeName  string
	config    tfprotov6.DynamicValue
	stateJSON []byte
	private   []byte
}

func newPlanCostServer(b *testing.B, server tfprotov6.ProviderServer, endpoint, apiKey string) *planCostServer {
	b.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schemas.Diagnostics) {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	config := dynamicValue(b, schemas.Provider.ValueType(), map[string]tftypes.Value{
		"endpoint":            tftypes.NewValue(tftypes.String, endpoint),
		"api_key":             tftypes.NewValue(tftypes.String, apiKey),
		"requests_per_minute": tftypes.NewValue(tftypes.Number, big.NewFloat(100000)),
	})
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config})
	if err != nil || hasError(configured.Diagnostics) {
		b.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	return &planCostServer{server: server, schemas: schemas.ResourceSchemas}
}

// create plans and applies a new object, as terraform apply does.
func (s *planCostServer) create(ctx context.Context, b *testing.B, typeName string, attrs map[string]tftypes.Value) managedObject {
	b.Helper()
	typ := s.schemas[typeName].ValueType()
	config := dynamicValue(b, typ, attrs)
	null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		b.Fatal(err)
	}
	planned, err := s.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: &null, ProposedNewState: &config, Config: &config,
	})
	if err != nil || hasError(planned.Diagnostics) {
		b.Fatalf("planning %s: %v %v", typeName, err, planned.Diagnostics)
	}
	applied, err := s.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: &null, PlannedState: planned.PlannedState, Config: &config,
		PlannedPrivate: planned.PlannedPrivate,
	})
	if err != nil || hasError(applied.Diagnostics) {
		b.Fatalf("creating %s: %v %v", typeName, err, applied.Diagnostics)
	}
	state, err := applied.NewState.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	return managedObject{typeName: typeName, config: config, stateJSON: stateJSON(b, state), private: applied.Private}
}

// noChangePlan makes the calls of a plan (with its refresh) of an object whose configuration
// matches it, and fails if the plan is not empty.
func (s *planCostServer) noChangePlan(ctx context.Context, b *testing.B, o managedObject) {
	config := &o.config
	validated, err := s.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: o.typeName, Config: config})
	if err != nil || hasError(validated.Diagnostics) {
		b.Fatalf("ValidateResourceConfig: %v %v", err, validated.Diagnostics)
	}
	upgraded, err := s.server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: o.typeName, RawState: &tfprotov6.RawState{JSON: o.stateJSON},
	})
	if err != nil || hasError(upgraded.Diagnostics) {
		b.Fatalf("UpgradeResourceState: %v %v", err, upgraded.Diagnostics)
	}
	read, err := s.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName: o.typeName, CurrentState: upgraded.UpgradedState, Private: o.private,
	})
	if err != nil || hasError(read.Diagnostics) {
		b.Fatalf("ReadResource: %v %v", err, read.Diagnostics)
	}
	// The object and its configuration agree, so Terraform's proposed new state is the refreshed one.
	planned, err := s.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: o.typeName, PriorState: read.NewState, ProposedNewState: read.NewState, Config: config, PriorPrivate: read.Private,
	})
	if err != nil || hasError(planned.Diagnostics) {
		b.Fatalf("PlanResourceChange: %v %v", err, planned.Diagnostics)
	}
	if len(planned.RequiresReplace) > 0 || string(planned.PlannedState.MsgPack) != string(read.NewState.MsgPack) {
		b.Fatalf("%s: the plan is not empty", o.typeName)
	}
}

// dynamicValue is a protocol value of the object type typ with the given attributes and every
// other one null, as a configuration that leaves them unset.
func dynamicValue(b *testing.B, typ tftypes.Type, set map[string]tftypes.Value) tfprotov6.DynamicValue {
	b.Helper()
	object, ok := typ.(tftypes.Object)
	if !ok {
		b.Fatalf("dynamicValue needs an object type, got %s", typ)
	}
	attrs := make(map[string]tftypes.Value, len(object.AttributeTypes))
	for name, t := range object.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
		if v, ok := set[name]; ok {
			attrs[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		b.Fatal(err)
	}
	return dv
}

// stateJSON renders a state as Terraform stores it in the state file.
func stateJSON(b *testing.B, v tftypes.Value) []byte {
	b.Helper()
	data, err := json.Marshal(jsonOf(b, v))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func jsonOf(b *testing.B, v tftypes.Value) any {
	b.Helper()
	if v.IsNull() {
		return nil
	}
	var err error
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		err = v.As(&s)
		if err == nil {
			return s
		}
	case v.Type().Is(tftypes.Bool):
		var x bool
		err = v.As(&x)
		if err == nil {
			return x
		}
	case v.Type().Is(tftypes.Number):
		var n big.Float
		err = v.As(&n)
		if err == nil {
			return json.Number(n.Text('f', -1))
		}
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err = v.As(&m); err == nil {
			out := make(map[string]any, len(m))
			for k, e := range m {
				out[k] = jsonOf(b, e)
			}
			return out
		}
	default:
		var l []tftypes.Value
		if err = v.As(&l); err == nil {
			out := make([]any, len(l))
			for i, e := range l {
				out[i] = jsonOf(b, e)
			}
			return out
		}
	}
	b.Fatalf("rendering %s as JSON: %v", v.Type(), err)
	return nil
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
