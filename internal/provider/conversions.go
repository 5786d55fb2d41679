package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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

// timeString renders an API timestamp as RFC 3339 in UTC, or null when the API gave none.
func timeString(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
