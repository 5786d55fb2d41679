package client

import (
	"encoding/json"
	"slices"
	"strings"
)

// Objects are decoded liberally: a console-made object must be readable, importable and listable
// whatever spelling of a known value the API gives it, since one object the provider cannot read
// breaks every read of its whole collection. Known values of an enum are written in the casing
// API.md gives them, whatever the casing of the answer, so that "Disabled" is not read as enabled
// nor "SAMLGroup" as another auth type that forces a replacement; unknown values are kept as sent.

// UnmarshalJSON reads a role, its type in the documented casing and its permission keys without
// repeats: they are a set, and Terraform refuses a set with a duplicate element.
func (r *Role) UnmarshalJSON(b []byte) error {
	type plain Role
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	r.Type = canonical(r.Type, RoleTypePredefined, RoleTypeCustom)
	r.PermissionKeys = withoutRepeats(r.PermissionKeys)
	return nil
}

// UnmarshalJSON reads an account, its auth type and status in the documented casing.
func (a *Account) UnmarshalJSON(b []byte) error {
	type plain Account
	if err := json.Unmarshal(b, (*plain)(a)); err != nil {
		return err
	}
	a.AuthType = canonical(a.AuthType, AuthTypes...)
	a.Status = canonical(a.Status, AccountStatuses...)
	return nil
}

// UnmarshalJSON reads an API key, its status in the documented casing.
func (k *APIKey) UnmarshalJSON(b []byte) error {
	type plain APIKey
	if err := json.Unmarshal(b, (*plain)(k)); err != nil {
		return err
	}
	k.Status = canonical(k.Status, StatusEnabled, StatusDisabled)
	return nil
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
