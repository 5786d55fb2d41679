package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// enabledFromStatus reads the status of an account or an API key as its enabled attribute: only
// "disabled" is false. An invited account is not disabled, and neither is an object whose status
// this provider does not know (a newer API's "suspended", say): reading that as disabled would have
// every plan write "enabled" back, to an object nobody changed.
func enabledFromStatus(status string) types.Bool {
	return types.BoolValue(status != client.StatusDisabled)
}

// knownStrings returns the known, non-null elements of a set or list of strings, in the
// collection's order. Unknown elements (from values computed by other resources) are skipped.
func knownStrings(collection interface{ Elements() []attr.Value }) []string {
	elements := collection.Elements()
	out := make([]string, 0, len(elements))
	for _, element := range elements {
		if s, ok := element.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// nonNilStrings turns a nil slice into an empty one, so that an absent list in an API answer
// becomes an empty set in state rather than a null one.
func nonNilStrings(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}

// rfc3339Value renders an API date as RFC 3339 in UTC, or null when the API gave none, or gave
// one in a form the client cannot read (which warnUnreadable reports).
func rfc3339Value(d client.DateTime) timetypes.RFC3339 {
	t, ok := d.Time()
	if !ok {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(t)
}

// warnUnreadable adds a warning for each field of an API object that the client could not read
// and read the object without. what names the object; effects says, per API field name, what
// not knowing the field means for the user.
func warnUnreadable(diags *diag.Diagnostics, what string, fields []client.UnreadableField, effects map[string]string) {
	for _, f := range fields {
		effect, ok := effects[f.Field]
		if !ok {
			effect = "nothing the provider shows depends on it"
		}
		diags.AddWarning("Unreadable Value From the API",
			fmt.Sprintf("%s: Vision One sent %s as %s, a form the provider does not read. The rest of the object was "+
				"read and the value is treated as unknown: %s. If this keeps happening, report it to the provider's "+
				"maintainers with this message.", what, f.Field, f.Value, effect))
	}
}
