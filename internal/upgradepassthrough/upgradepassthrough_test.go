package upgradepassthrough

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/provider"
)

// frameworkServers returns the provider's framework server and the same server wrapped.
func frameworkServers(t testing.TB) (framework tfprotov6.ProviderServer, wrapped *server) {
	t.Helper()
	framework = providerserver.NewProtocol6(provider.New("test")())()
	wrapped, ok := Wrap(framework).(*server)
	if !ok {
		t.Fatal("Wrap left the framework's server unwrapped")
	}
	return framework, wrapped
}

func TestNewProtocol6(t *testing.T) {
	t.Parallel()
	if _, ok := NewProtocol6(provider.New("test")())().(*server); !ok {
		t.Error("NewProtocol6 does not put the wrapper in front of the framework's server")
	}
}

// resourceTypes lists the provider's resource types in a fixed order.
func resourceTypes(t testing.TB, s *server) []string {
	t.Helper()
	names := slices.Sorted(maps.Keys(s.schemas()))
	if len(names) < 3 {
		t.Fatalf("the provider's resource schemas were not read: %v", names)
	}
	return names
}

// sampleJSON is a stored state of type ty with every attribute set, as Terraform writes it.
func sampleJSON(ty tftypes.Type) any {
	switch {
	case ty.Is(tftypes.String):
		return "sample"
	case ty.Is(tftypes.Bool):
		return true
	case ty.Is(tftypes.Number):
		return 42
	}
	switch typed := ty.(type) {
	case tftypes.List:
		return []any{sampleJSON(typed.ElementType)}
	case tftypes.Set:
		return []any{sampleJSON(typed.ElementType)}
	case tftypes.Map:
		return map[string]any{"key": sampleJSON(typed.ElementType)}
	case tftypes.Object:
		out := map[string]any{}
		for name, attr := range typed.AttributeTypes {
			out[name] = sampleJSON(attr)
		}
		return out
	}
	panic(fmt.Sprintf("no sample for %s", ty))
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// sameAnswer fails t unless the wrapped server answers req exactly as the framework does: the same
// diagnostics and the same upgraded state.
func sameAnswer(t testing.TB, framework tfprotov6.ProviderServer, wrapped *server, req *tfprotov6.UpgradeResourceStateRequest) {
	t.Helper()
	ctx := context.Background()
	want, err := framework.UpgradeResourceState(ctx, req)
	if err != nil {
		t.Fatalf("framework: %v", err)
	}
	got, err := wrapped.UpgradeResourceState(ctx, req)
	if err != nil {
		t.Fatalf("wrapped: %v", err)
	}
	if fmt.Sprint(diagnostics(got.Diagnostics)) != fmt.Sprint(diagnostics(want.Diagnostics)) {
		t.Fatalf("diagnostics differ:\nwrapped   %v\nframework %v", diagnostics(got.Diagnostics), diagnostics(want.Diagnostics))
	}
	if (got.UpgradedState == nil) != (want.UpgradedState == nil) {
		t.Fatalf("upgraded state: wrapped %v, framework %v", got.UpgradedState, want.UpgradedState)
	}
	if want.UpgradedState == nil {
		return
	}
	ty := wrapped.schemas()[req.TypeName].valueType
	gotValue, err := got.UpgradedState.Unmarshal(ty)
	if err != nil {
		t.Fatalf("decoding the wrapped answer: %v", err)
	}
	wantValue, err := want.UpgradedState.Unmarshal(ty)
	if err != nil {
		t.Fatalf("decoding the framework's answer: %v", err)
	}
	if !gotValue.Equal(wantValue) {
		t.Fatalf("upgraded states differ:\nwrapped   %s\nframework %s", gotValue, wantValue)
	}
}

func diagnostics(ds []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s: %s: %s", d.Severity, d.Summary, d.Detail))
	}
	return out
}

func TestUpgradeResourceStateMatchesFramework(t *testing.T) {
	t.Parallel()
	framework, wrapped := frameworkServers(t)
	for _, typeName := range resourceTypes(t, wrapped) {
		schema := wrapped.schemas()[typeName]
		full, ok := sampleJSON(schema.valueType).(map[string]any)
		if !ok {
			t.Fatalf("%s: a resource's state is not an object", typeName)
		}
		withRemoved := map[string]any{"attribute_of_an_older_release": "x"}
		maps.Copy(withRemoved, full)
		// An object where the schema has a string: the first string attribute, in name order.
		var stringAttribute string
		objectType, _ := schema.valueType.(tftypes.Object)
		for _, name := range slices.Sorted(maps.Keys(objectType.AttributeTypes)) {
			if objectType.AttributeTypes[name].Is(tftypes.String) {
				stringAttribute = name
				break
			}
		}
		if stringAttribute == "" {
			t.Fatalf("%s has no string attribute", typeName)
		}
		wrongType := map[string]any{stringAttribute: map[string]any{"not": "a string"}}

		for _, tc := range []struct {
			name string
			req  tfprotov6.UpgradeResourceStateRequest
			// passthrough: the wrapper answers itself; otherwise the framework answers.
			passthrough bool
		}{
			{"every attribute set", tfprotov6.UpgradeResourceStateRequest{Version: schema.version, RawState: &tfprotov6.RawState{JSON: mustJSON(t, full)}}, true},
			{"an attribute the schema no longer has", tfprotov6.UpgradeResourceStateRequest{Version: schema.version, RawState: &tfprotov6.RawState{JSON: mustJSON(t, withRemoved)}}, true},
			{"attributes missing", tfprotov6.UpgradeResourceStateRequest{Version: schema.version, RawState: &tfprotov6.RawState{JSON: []byte(`{}`)}}, true},
			{"an attribute of the wrong type", tfprotov6.UpgradeResourceStateRequest{Version: schema.version, RawState: &tfprotov6.RawState{JSON: mustJSON(t, wrongType)}}, false},
			{"not JSON", tfprotov6.UpgradeResourceStateRequest{Version: schema.version, RawState: &tfprotov6.RawState{JSON: []byte(`{"id":`)}}, false},
			{"an older schema version", tfprotov6.UpgradeResourceStateRequest{Version: schema.version - 1, RawState: &tfprotov6.RawState{JSON: mustJSON(t, full)}}, false},
			{"a newer schema version", tfprotov6.UpgradeResourceStateRequest{Version: schema.version + 1, RawState: &tfprotov6.RawState{JSON: mustJSON(t, full)}}, false},
			{"a flatmap state of Terraform 0.11", tfprotov6.UpgradeResourceStateRequest{Version: schema.version, RawState: &tfprotov6.RawState{Flatmap: map[string]string{"id": "x"}}}, false},
			{"no state", tfprotov6.UpgradeResourceStateRequest{Version: schema.version}, false},
		} {
			t.Run(typeName+"/"+tc.name, func(t *testing.T) {
				req := tc.req
				req.TypeName = typeName
				if _, ok := wrapped.currentVersionState(&req); ok != tc.passthrough {
					t.Errorf("answered by the wrapper: %v, want %v", ok, tc.passthrough)
				}
				sameAnswer(t, framework, wrapped, &req)
			})
		}
	}
}

// TestWrapKeepsEveryRPCSet checks that the wrapper still offers the RPC sets the plugin server looks
// for by type assertion, and that a server without them is left as it is.
func TestWrapKeepsEveryRPCSet(t *testing.T) {
	t.Parallel()
	_, wrapped := frameworkServers(t)
	var served tfprotov6.ProviderServer = wrapped
	if _, ok := served.(tfprotov6.ListResourceServer); !ok {
		t.Error("the wrapper hides the framework's list resource RPCs")
	}
	if _, ok := served.(tfprotov6.ActionServer); !ok {
		t.Error("the wrapper hides the framework's action RPCs")
	}
	if _, ok := served.(tfprotov6.StateStoreServer); !ok {
		t.Error("the wrapper hides the framework's state store RPCs")
	}
	var plain struct{ tfprotov6.ProviderServer }
	if got := Wrap(plain); got != tfprotov6.ProviderServer(plain) {
		t.Errorf("Wrap changed a server without the framework's RPC sets: %T", got)
	}
}

func TestUpgradeResourceStateOfUnknownType(t *testing.T) {
	t.Parallel()
	framework, wrapped := frameworkServers(t)
	req := &tfprotov6.UpgradeResourceStateRequest{TypeName: "visionone_no_such_thing", RawState: &tfprotov6.RawState{JSON: []byte(`{}`)}}
	if _, ok := wrapped.currentVersionState(req); ok {
		t.Error("the wrapper answered for a resource type the provider does not have")
	}
	sameAnswer(t, framework, wrapped, req)
	got, err := wrapped.UpgradeResourceState(context.Background(), req)
	if err != nil || len(got.Diagnostics) == 0 {
		t.Errorf("an unknown resource type gave no diagnostic: %v, %v", got, err)
	}
}

// TestUpgradeResourceStateKeepsValues checks the decoded values themselves, not only their
// agreement with the framework.
func TestUpgradeResourceStateKeepsValues(t *testing.T) {
	t.Parallel()
	_, wrapped := frameworkServers(t)
	schema := wrapped.schemas()["visionone_user_role"]
	req := &tfprotov6.UpgradeResourceStateRequest{TypeName: "visionone_user_role", Version: schema.version,
		RawState: &tfprotov6.RawState{JSON: []byte(`{"name":"auditor","permissions":["platform.apiKeys.view"]}`)}}
	resp, err := wrapped.UpgradeResourceState(context.Background(), req)
	if err != nil || len(resp.Diagnostics) != 0 {
		t.Fatalf("%v %v", err, diagnostics(resp.Diagnostics))
	}
	value, err := resp.UpgradedState.Unmarshal(schema.valueType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := value.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := attrs["name"].As(&name); err != nil || name != "auditor" {
		t.Errorf("name = %q (%v)", name, err)
	}
	var permissions []tftypes.Value
	if err := attrs["permissions"].As(&permissions); err != nil || len(permissions) != 1 {
		t.Errorf("permissions = %v (%v)", permissions, err)
	}
}

// FuzzUpgradeResourceStateMatchesFramework feeds arbitrary stored states and versions to the
// wrapper and the framework and requires the same answer.
func FuzzUpgradeResourceStateMatchesFramework(f *testing.F) {
	framework, wrapped := frameworkServers(f)
	types := resourceTypes(f, wrapped)
	for i, typeName := range types {
		schema := wrapped.schemas()[typeName]
		f.Add(uint8(i), schema.version, mustJSON(f, sampleJSON(schema.valueType)))
		f.Add(uint8(i), schema.version, []byte(`{"removed":1}`))
		f.Add(uint8(i), schema.version+1, []byte(`{}`))
	}
	f.Fuzz(func(t *testing.T, typeIndex uint8, version int64, raw []byte) {
		req := &tfprotov6.UpgradeResourceStateRequest{TypeName: types[int(typeIndex)%len(types)], Version: version,
			RawState: &tfprotov6.RawState{JSON: raw}}
		sameAnswer(t, framework, wrapped, req)
	})
}

// TestWrapPassesNewerRPCs calls, through the wrapper as the plugin server sees it, the RPCs of
// resource identity, list resources (found by type assertion) and ephemeral resources, and
// requires the framework's answers: the wrapper answers none of them itself.
func TestWrapPassesNewerRPCs(t *testing.T) {
	t.Parallel()
	framework, wrapped := frameworkServers(t)
	var served tfprotov6.ProviderServer = wrapped
	ctx := context.Background()
	schema, err := served.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// value encodes attributes (JSON) as a value of schema s.
	value := func(s *tfprotov6.Schema, attributes string) *tfprotov6.DynamicValue {
		t.Helper()
		if s == nil {
			t.Fatal("the schema is missing")
		}
		v, err := tfprotov6.NewDynamicValue(s.ValueType(), mustDecode(t, s.ValueType(), attributes))
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}

	t.Run("identity schemas", func(t *testing.T) {
		got, err := served.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := framework.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
		sameJSON(t, got, want)
		for name, attribute := range map[string]string{"visionone_user_role": "id", "visionone_api_key": "id", "visionone_account": "email"} {
			s := got.IdentitySchemas[name]
			if s == nil || len(s.IdentityAttributes) != 1 || s.IdentityAttributes[0].Name != attribute {
				t.Errorf("%s: identity schema %+v, want the one attribute %q", name, s, attribute)
			}
		}
	})

	t.Run("identity upgrade", func(t *testing.T) {
		req := &tfprotov6.UpgradeResourceIdentityRequest{TypeName: "visionone_account", Version: 0,
			RawIdentity: &tfprotov6.RawState{JSON: []byte(`{"email":"auditor@example.com"}`)}}
		got, err := served.UpgradeResourceIdentity(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := framework.UpgradeResourceIdentity(ctx, req)
		sameJSON(t, got, want)
		// There is only version 0 so far, which Terraform never asks to upgrade: the framework
		// says so, and that answer must come through.
		if len(got.Diagnostics) != 1 || got.Diagnostics[0].Summary != "Unexpected Identity Upgrade Request" {
			t.Errorf("not the framework's answer: %v", diagnostics(got.Diagnostics))
		}
	})

	t.Run("list resources", func(t *testing.T) {
		lister, ok := served.(tfprotov6.ListResourceServer)
		frameworkLister, frameworkOK := framework.(tfprotov6.ListResourceServer)
		if !ok || !frameworkOK {
			t.Fatalf("list resource RPCs: wrapper %t, framework %t", ok, frameworkOK)
		}
		listSchema := schema.ListResourceSchemas["visionone_api_key"]
		invalid := &tfprotov6.ValidateListResourceConfigRequest{TypeName: "visionone_api_key",
			Config: value(listSchema, `{"status":"expired"}`)}
		got, err := lister.ValidateListResourceConfig(ctx, invalid)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := frameworkLister.ValidateListResourceConfig(ctx, invalid)
		sameJSON(t, got, want)
		if len(got.Diagnostics) == 0 {
			t.Error("an invalid status passed the list resource's validation")
		}
		// Unconfigured, the list answers with the provider's own error.
		stream, err := lister.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: "visionone_api_key",
			Config: value(listSchema, `{}`), Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var summaries []string
		for result := range stream.Results {
			summaries = append(summaries, diagnostics(result.Diagnostics)...)
		}
		if fmt.Sprint(summaries) != "[ERROR: Provider Not Configured: "+providerNotConfigured+"]" {
			t.Errorf("list results: %v", summaries)
		}
	})

	t.Run("ephemeral resources", func(t *testing.T) {
		ephemeralSchema := schema.EphemeralResourceSchemas["visionone_api_key"]
		invalid := &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: "visionone_api_key",
			Config: value(ephemeralSchema, `{"role":"SIEM","expires_in_months":0}`)}
		got, err := served.ValidateEphemeralResourceConfig(ctx, invalid)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := framework.ValidateEphemeralResourceConfig(ctx, invalid)
		sameJSON(t, got, want)
		if len(got.Diagnostics) == 0 {
			t.Error("a never-expiring ephemeral key passed validation")
		}
		opened, err := served.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "visionone_api_key",
			Config: value(ephemeralSchema, `{"role":"SIEM"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(diagnostics(opened.Diagnostics)) != "[ERROR: Provider Not Configured: "+providerNotConfigured+"]" {
			t.Errorf("open: %v", diagnostics(opened.Diagnostics))
		}
	})

	t.Run("generated configuration", func(t *testing.T) {
		req := &tfprotov6.GenerateResourceConfigRequest{TypeName: "visionone_api_key",
			State: value(schema.ResourceSchemas["visionone_api_key"], `{"id":"k","name":"siem","role":"SIEM","value":"secret","enabled":true}`)}
		got, err := served.GenerateResourceConfig(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := framework.GenerateResourceConfig(ctx, req)
		sameJSON(t, got, want)
		if got.Config == nil || len(got.Diagnostics) > 0 {
			t.Errorf("no configuration generated: %v", diagnostics(got.Diagnostics))
		}
	})
}

// providerNotConfigured is the provider's error detail for a call that needs the client before
// ConfigureProvider.
const providerNotConfigured = "The visionone provider is not configured, usually because its configuration " +
	"depends on values that are not known yet. Set the provider attributes statically or through the VISIONONE_* " +
	"environment variables, or apply the resources they depend on first with -target."

// mustDecode turns JSON attributes into a value of type ty, with every attribute JSON lacks null.
func mustDecode(t testing.TB, ty tftypes.Type, attributes string) tftypes.Value {
	t.Helper()
	v, err := (&tfprotov6.RawState{JSON: []byte(attributes)}).UnmarshalWithOpts(ty, tfprotov6.UnmarshalOpts{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sameJSON fails t unless got and want encode to the same JSON.
func sameJSON(t testing.TB, got, want any) {
	t.Helper()
	if g, w := string(mustJSON(t, got)), string(mustJSON(t, want)); g != w {
		t.Errorf("the wrapper's answer differs from the framework's:\nwrapped   %s\nframework %s", g, w)
	}
}
