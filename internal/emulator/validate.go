package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// bodyFields says which members a request object may carry: writable ones, and read-only ones
// that get a clearer message than "unknown".
type bodyFields struct {
	writable []string
	readOnly []string
}

// decodeObject decodes one JSON object strictly into dst (a struct of pointer fields) and returns
// the names of the members present (null ones included). Unknown members, read-only members and
// wrong types are 400s naming the member as target.
func decodeObject(raw []byte, fields bodyFields, dst any) (map[string]bool, *httpError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, badRequest("", innerInvalidParameter, "The request body must be a JSON object.")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, badRequest("", innerInvalidParameter, "The request body is not valid JSON: %v.", err)
	}
	for _, name := range slices.Sorted(maps.Keys(members)) {
		switch {
		case slices.Contains(fields.writable, name):
		case slices.Contains(fields.readOnly, name):
			return nil, badRequest(name, innerImmutable, "The field %q cannot be set or changed.", name)
		default:
			return nil, invalidParam(name, "The field %q is not supported; allowed fields are %s.", name, strings.Join(fields.writable, ", "))
		}
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, invalidParam(typeErr.Field, "The field %q must be a %s, not a JSON %s.", typeErr.Field, jsonTypeName(typeErr.Type.Kind().String()), typeErr.Value)
		}
		return nil, badRequest("", innerInvalidParameter, "The request body is not valid JSON: %v.", err)
	}
	present := make(map[string]bool, len(members))
	for name := range members {
		present[name] = true
	}
	return present, nil
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice":
		return "array"
	case "int", "int64", "float64":
		return "number"
	default:
		return kind
	}
}

// decodeArray splits a JSON array body into its elements, for the batch endpoints.
func decodeArray(raw []byte, what string) ([]json.RawMessage, *httpError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return nil, badRequest("", innerInvalidParameter, "The request body must be a JSON array of %s.", what)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, badRequest("", innerInvalidParameter, "The request body is not valid JSON: %v.", err)
	}
	if len(items) == 0 {
		return nil, badRequest("", innerMissingParameter, "The request body is an empty array; send at least one of %s.", what)
	}
	return items, nil
}

// checkLength refuses values longer than max characters.
func checkLength(target, v string, limit int) *httpError {
	if n := utf8.RuneCountInString(v); n > limit {
		return invalidParam(target, "The field %q is %d characters long; the limit is %d.", target, n, limit)
	}
	return nil
}

// checkRequired refuses a missing or blank string.
func checkRequired(target string, v *string) *httpError {
	if v == nil || strings.TrimSpace(*v) == "" {
		return missingParam(target)
	}
	return nil
}

func checkEnum(target, v string, allowed ...string) *httpError {
	if !slices.Contains(allowed, v) {
		return invalidParam(target, "The field %q must be one of %s, not %q.", target, strings.Join(allowed, ", "), v)
	}
	return nil
}

// roleByExactName resolves a role reference. Names are unique regardless of case, and a reference
// must use the exact spelling, so that what is stored is what the caller wrote.
func (st *store) roleByExactName(target, name string) (*role, *httpError) {
	r := st.roleNamed(name)
	if r == nil {
		return nil, invalidParam(target, "The role %q does not exist.", name)
	}
	if r.Name != name {
		return nil, invalidParam(target, "The role %q does not exist; did you mean %q?", name, r.Name)
	}
	return r, nil
}
