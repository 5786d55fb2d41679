package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// An API key's value pasted where an account or a role is named (an import ID, or the id, email or
// name a data source looks up) would go to the API in a path or a filter, and come back quoted in
// "not found": it is refused unsent and unquoted, as the API key's import refuses it
// (TestAccAPIKey_importByValueRefused).

// shortToken has the form of a key's value (a JWT) but is shorter than any limit on an id, email or
// name.
const shortToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

// pastedLookupValues are a key's value (a JWT) and a text longer than any account id, email or
// role name, as a key of another form would be.
func pastedLookupValues(e *testEmulator) []string {
	return []string{pastedKeyValues(e)[0], strings.Repeat("opaque", accountMaxLength/len("opaque")+1)}
}

// TestAccAccount_importByValueRefused: with `terraform import` and an import block, and in the
// visionone_account data source.
func TestAccAccount_importByValueRefused(t *testing.T) {
	var pasted []string
	e, carried := startEmulatorWatching(t, &pasted)
	// A key's value is longer than an id or email may be, which the schema refuses first; a token
	// short enough gets past it.
	pasted = append(pastedLookupValues(e), shortToken)
	config := e.accountConfig(map[string]testAccAccount{"test": {email: e.email("adopted"), role: "Auditor"}})
	refused := regexpText("Import ID Looks Like an API Key's Value", "Importing the account: the import ID has the form of an API key's value",
		"not sent to Vision One", "Import the account by its email", "treat that value as exposed")
	lookup := func(attribute, value string) string {
		return e.providerConfig() + fmt.Sprintf("data \"visionone_account\" \"pasted\" {\n  %s = %q\n}\n", attribute, value)
	}
	testAccRefusedUnsent(t, carried, append(importByValueSteps(config, testAccAccountAddr, pasted, refused),
		resource.TestStep{Config: lookup("id", pasted[0]), ExpectError: regexpText("Invalid Attribute Value Length")},
		resource.TestStep{Config: lookup("id", shortToken), ExpectError: regexpText("Account ID Looks Like an API Key's Value", "not sent to Vision One")},
		resource.TestStep{Config: lookup("email", shortToken), ExpectError: regexpText("Account Email Looks Like an API Key's Value", "not sent to Vision One")},
	))
}

// TestAccUserRole_importByValueRefused: with `terraform import` and an import block, and in the
// visionone_user_role data source.
func TestAccUserRole_importByValueRefused(t *testing.T) {
	var pasted []string
	e, carried := startEmulatorWatching(t, &pasted)
	pasted = append(pastedLookupValues(e), shortToken)
	config := e.providerConfig() + testAccUserRoleMinimalConfig
	refused := regexpText("Import ID Looks Like an API Key's Value", "Importing user role: the import ID has the form of an API key's value",
		"not sent to Vision One", "Import the role by its id or its name", "treat that value as exposed")
	lookup := func(attribute, value string) string {
		return e.providerConfig() + fmt.Sprintf("data \"visionone_user_role\" \"pasted\" {\n  %s = %q\n}\n", attribute, value)
	}
	testAccRefusedUnsent(t, carried, append(importByValueSteps(config, userRoleAddr, pasted, refused),
		resource.TestStep{Config: lookup("id", pasted[0]), ExpectError: regexpText("Role ID Looks Like an API Key's Value", "not sent to Vision One")},
		resource.TestStep{Config: lookup("name", pasted[0]), ExpectError: regexpText("Role Name Looks Like an API Key's Value", "not sent to Vision One")},
		resource.TestStep{Config: lookup("name", shortToken), ExpectError: regexpText("Role Name Looks Like an API Key's Value", "not sent to Vision One")},
	))
}

// importByValueSteps import the resource at address by each of pasted, expecting refused: first
// with an import block (first, as an import block's step after another copies a state that none
// has written), then with `terraform import`.
func importByValueSteps(config, address string, pasted []string, refused *regexp.Regexp) []resource.TestStep {
	steps := []resource.TestStep{{Config: config, ResourceName: address, ImportState: true,
		ImportStateKind: resource.ImportBlockWithID, ImportStateId: pasted[0], ExpectError: refused}}
	for _, value := range pasted {
		steps = append(steps, resource.TestStep{Config: config, ResourceName: address, ImportState: true, ImportStateId: value,
			ExpectError: refused})
	}
	return steps
}

// testAccRefusedUnsent runs steps that each fail, then checks that no request carried a pasted
// value (startEmulatorWatching).
func testAccRefusedUnsent(t *testing.T, carried *atomic.Int64, steps []resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	if n := carried.Load(); n != 0 {
		t.Errorf("%d requests carried a pasted key value to the API", n)
	}
}

// importableResource is a resource imported by an import ID or an identity.
type importableResource interface {
	fwresource.ResourceWithIdentity
	fwresource.ResourceWithImportState
}

// TestImportByValueNotQuoted: the refusal of a pasted key value as the import ID or identity of
// an API key, an account or a role sends no request and does not quote the value, so that it
// reaches neither the terminal nor the log.
func TestImportByValueNotQuoted(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, emulator.Options{})
	e.requireEmulator("counting every request of the import")
	data := newProviderData(e.API)
	pasted := pastedLookupValues(e)
	for name, r := range map[string]importableResource{
		"API key":   &apiKeyResource{data: data},
		"account":   &accountResource{data: data},
		"user role": &userRoleResource{data: data},
	} {
		for _, value := range pasted {
			for _, byIdentity := range []bool{false, true} {
				before := e.Stats()
				req, resp := importRequest(t, r, value, byIdentity)
				r.ImportState(context.Background(), req, resp)
				errs := resp.Diagnostics.Errors()
				if len(errs) != 1 || errs[0].Summary() != "Import ID Looks Like an API Key's Value" {
					t.Errorf("%s: importing a pasted value of %d characters (identity %t): %v", name, len(value), byIdentity,
						strings.ReplaceAll(fmt.Sprint(resp.Diagnostics), value, "<VALUE>"))
					continue
				}
				if strings.Contains(errs[0].Detail(), value[:16]) {
					t.Errorf("%s: the refusal quotes the pasted value: %s", name, strings.ReplaceAll(errs[0].Detail(), value, "<VALUE>"))
				}
				if got := e.Stats().Requests; !maps.Equal(got, before.Requests) {
					t.Errorf("%s: the refusal sent requests: %v, before %v", name, got, before.Requests)
				}
			}
		}
	}
}

// importRequest is the request and response of an import of r by key: as its import ID, or as
// the one attribute of its identity (an import block's identity).
func importRequest(t *testing.T, r fwresource.ResourceWithIdentity, key string, byIdentity bool) (fwresource.ImportStateRequest, *fwresource.ImportStateResponse) {
	t.Helper()
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	var identityResp fwresource.IdentitySchemaResponse
	r.IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &identityResp)
	identityType := identityResp.IdentitySchema.Type().TerraformType(ctx)
	resp := &fwresource.ImportStateResponse{
		State:    tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)},
		Identity: &tfsdk.ResourceIdentity{Schema: identityResp.IdentitySchema, Raw: tftypes.NewValue(identityType, nil)},
	}
	if !byIdentity {
		return fwresource.ImportStateRequest{ID: key}, resp
	}
	attributes := map[string]tftypes.Value{}
	for name := range identityResp.IdentitySchema.Attributes {
		attributes[name] = tftypes.NewValue(tftypes.String, key)
	}
	return fwresource.ImportStateRequest{Identity: &tfsdk.ResourceIdentity{Schema: identityResp.IdentitySchema,
		Raw: tftypes.NewValue(identityType, attributes)}}, resp
}
