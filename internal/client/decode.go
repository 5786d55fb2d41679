package client

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Objects are decoded liberally: a console-made object must be readable, importable and listable
// whatever spelling of a known value the API gives it, since one object the provider cannot read
// breaks every read of its whole collection. Known values of an enum are written in the casing
// API.md gives them, whatever the casing of the answer, so that "Disabled" is not read as enabled
// nor "SAMLGroup" as another auth type that forces a replacement; unknown values are kept as sent.
// A scalar sent in another JSON type than its field's is read for the value it spells
// (decodeLiberally).

// UnmarshalJSON reads a role, its type in the documented casing and its permission keys without
// repeats: they are a set, and Terraform refuses a set with a duplicate element.
func (r *Role) UnmarshalJSON(b []byte) error {
	type plain Role
	if err := decodeLiberally(b, (*plain)(r)); err != nil {
		return err
	}
	r.Type = canonical(r.Type, RoleTypePredefined, RoleTypeCustom)
	r.PermissionKeys = withoutRepeats(r.PermissionKeys)
	return nil
}

// UnmarshalJSON reads an account, its auth type and status in the documented casing.
func (a *Account) UnmarshalJSON(b []byte) error {
	type plain Account
	if err := decodeLiberally(b, (*plain)(a)); err != nil {
		return err
	}
	a.AuthType = canonical(a.AuthType, AuthTypes...)
	a.Status = canonical(a.Status, AccountStatuses...)
	return nil
}

// UnmarshalJSON reads an API key, its status in the documented casing.
func (k *APIKey) UnmarshalJSON(b []byte) error {
	type plain APIKey
	if err := decodeLiberally(b, (*plain)(k)); err != nil {
		return err
	}
	k.Status = canonical(k.Status, StatusEnabled, StatusDisabled)
	return nil
}

// decodeLiberally decodes the JSON object b into v, a pointer to a struct, reading a member sent
// in another JSON type than its field's for the value it spells: a number or a boolean for a text
// ("id": 12 is "12"), a string or number holding a boolean for a flag ("true", 1). A member in any
// other form (an object for a name) still fails the decode: the object read without it could be
// written back without it.
func decodeLiberally(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(b, &members) != nil {
		return err
	}
	for range members { // each round respells at least one member
		respelledAny := false
		for name, raw := range members {
			// encoding/json matches a member to a field in any letter case.
			if strings.EqualFold(name, typeErr.Field) {
				if fixed, ok := respelled(raw, typeErr.Type.Kind()); ok {
					members[name], respelledAny = fixed, true
				}
			}
		}
		if !respelledAny {
			return err
		}
		if b, err = json.Marshal(members); err != nil {
			return err
		}
		reflect.ValueOf(v).Elem().SetZero() // no value of the failed decode stays
		if err = json.Unmarshal(b, v); !errors.As(err, &typeErr) {
			return err
		}
	}
	return err
}

// respelled returns raw as a value of kind when it is a scalar that spells one.
func respelled(raw json.RawMessage, kind reflect.Kind) (json.RawMessage, bool) {
	var scalar any
	if json.Unmarshal(raw, &scalar) != nil {
		return nil, false
	}
	switch scalar := scalar.(type) {
	case float64, bool:
		if kind == reflect.String {
			text, err := json.Marshal(strings.TrimSpace(string(raw)))
			return text, err == nil
		}
		if number, ok := scalar.(float64); ok && kind == reflect.Bool && (number == 0 || number == 1) {
			return json.RawMessage(strconv.FormatBool(number == 1)), true
		}
	case string:
		if flag, err := strconv.ParseBool(strings.TrimSpace(scalar)); err == nil && kind == reflect.Bool {
			return json.RawMessage(strconv.FormatBool(flag)), true
		}
	}
	return nil, false
}

// canonical returns the known value that value spells in any letter case, or value itself.
func canonical(value string, known ...string) string {
	for _, k := range known {
		if strings.EqualFold(value, k) {
			return k
		}
	}
	return value
}

// withoutRepeats returns keys with each key once, in the order of its first appearance; nil stays
// nil (a role without permissionKeys is not a role without permissions).
func withoutRepeats(keys []string) []string {
	if keys == nil {
		return nil
	}
	seen := make(map[string]bool, len(keys))
	return slices.DeleteFunc(keys, func(k string) bool {
		repeated := seen[k]
		seen[k] = true
		return repeated
	})
}
