package provider

import (
	"context"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// Resource identity (Terraform 1.12 and later): each resource names its object by one string
// attribute, which an import block's identity argument and `terraform query` use. Terraform before
// 1.12 neither asks for it nor stores it; the framework still requires it after every create and
// read, so the resources set it whatever the CLI.

// Identity attributes: a role and an API key keep their id for life; an account is named by its
// email, because its id changes when the invitation is accepted.
const (
	identityID    = "id"
	identityEmail = "email"
)

// stringIdentitySchema is an identity of one string attribute, required to import by identity.
func stringIdentitySchema(name, description string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			name: identityschema.StringAttribute{RequiredForImport: true, Description: description},
		},
	}
}

// setIdentity makes identity hold value in its one attribute name. It builds the value directly
// and leaves an identity that already holds it alone: Read sets it for every object of every plan.
// A nil identity (a call that is not Terraform's, as in unit tests) is left nil.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, name, value string) {
	if identity == nil {
		return
	}
	want := tftypes.NewValue(identity.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		name: tftypes.NewValue(tftypes.String, value),
	})
	if !identity.Raw.Equal(want) {
		identity.Raw = want
	}
}

// importKey is what an import names the object by: the import id (`terraform import`, or an import
// block's id), or else the identity attribute name (an import block's identity).
func importKey(ctx context.Context, req resource.ImportStateRequest, name string) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var value types.String
	diags := req.Identity.GetAttribute(ctx, path.Root(name), &value)
	return value.ValueString(), diags
}

// uuidPattern recognises an id in an import key: API keys and roles have UUIDs (API.md, "Dates and
// ids").
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// findByIDOrName finds the object an import key names, for the resources whose objects have UUIDs
// and import by id or by name: by id (byID) when the key has the form of one, and by name (byName)
// when it has not or no object has that id, as a name may have the form of a UUID too. A failure
// other than "not found" ends the search.
func findByIDOrName[T any](ctx context.Context, key string, byID, byName func(context.Context, string) (*T, error)) (*T, error) {
	if uuidPattern.MatchString(key) {
		found, err := byID(ctx, key)
		if found != nil || (err != nil && !client.IsNotFound(err)) {
			return found, err
		}
	}
	return byName(ctx, key)
}

// keyValueCheck refuses a key that names an object (an import ID or identity, or the id, name or
// email a data source looks up) but looksLikeKeyValue: a key's value pasted there would go to the
// API, in a path or a filter, and come back quoted in "not found". It is refused unsent and
// unquoted.
type keyValueCheck struct {
	summary   string    // "Import ID Looks Like an API Key's Value"
	attribute path.Path // the data source attribute that holds the key; empty for an import
	subject   string    // "Importing API key: the import ID"
	form      string    // what the key is: "a key's id or name"
	limited   string    // whose length the key may have at most: "a key's name"
	maxLength int
	instead   string // what to give instead, and where to find it
}

// importKeyValueCheck is the keyValueCheck of the import of what ("API key").
func importKeyValueCheck(what, form, limited string, maxLength int, instead string) keyValueCheck {
	return keyValueCheck{summary: "Import ID Looks Like an API Key's Value", subject: "Importing " + what + ": the import ID",
		form: form, limited: limited, maxLength: maxLength, instead: instead}
}

// refused reports, on diags, whether key looksLikeKeyValue, saying what to do instead.
func (c keyValueCheck) refused(key string, diags *diag.Diagnostics) bool {
	if !looksLikeKeyValue(key, c.maxLength) {
		return false
	}
	shown := "Terraform has printed the import ID above"
	if len(c.attribute.Steps()) > 0 {
		shown = "Terraform may show the value with this error"
	}
	detail := fmt.Sprintf("%s has the form of an API key's value (a token, or longer than the %d characters %s may have), "+
		"not of %s. It was not sent to Vision One. %s %s: if it is a live key's value, treat that value as exposed and "+
		"replace the key.", c.subject, c.maxLength, c.limited, c.form, c.instead, shown)
	if len(c.attribute.Steps()) == 0 {
		diags.AddError(c.summary, detail)
	} else {
		diags.AddAttributeError(c.attribute, c.summary, detail)
	}
	return true
}

// lookupRefused applies to the id or else the other key that a data source looks an object up by
// (it sets exactly one) its keyValueCheck.
func lookupRefused(diags *diag.Diagnostics, id types.String, idCheck keyValueCheck, other types.String, otherCheck keyValueCheck) bool {
	if !id.IsNull() {
		return idCheck.refused(id.ValueString(), diags)
	}
	return otherCheck.refused(other.ValueString(), diags)
}

// looksLikeKeyValue reports whether key, which names an object by its id (a UUID) or by a name, id
// or email of at most maxLength characters, is none of those but has the form of an API key's
// value: a token, or a text longer than any of those can be.
func looksLikeKeyValue(key string, maxLength int) bool {
	return !uuidPattern.MatchString(key) &&
		(client.ShapedLikeKeyValue(key) || utf8.RuneCountInString(key) > maxLength)
}
