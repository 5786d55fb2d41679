package client_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// TestDecodeRoleWithoutRepeatedPermissionKeys: a role whose permission keys repeat one (as a
// console or a migration may leave them) is read with each key once, in a single GET, a listing
// and the /permissions fallback alike: Terraform refuses a set with a duplicate element, and one
// such role would break every read of every role.
func TestDecodeRoleWithoutRepeatedPermissionKeys(t *testing.T) {
	ctx := context.Background()
	want := []string{"a", "b", "c"}
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3.0/iam/roles/r1":
			writeJSON(w, http.StatusOK, `{"id":"r1","name":"ops","type":"custom","permissionKeys":["a","b","b","c","a"]}`)
		case "/v3.0/iam/roles/r2":
			writeJSON(w, http.StatusOK, `{"id":"r2","name":"dev","type":"custom"}`)
		case "/v3.0/iam/roles/r2/permissions":
			writeJSON(w, http.StatusOK, `{"permissionKeys":["a","b","b","c"]}`)
		case "/v3.0/iam/roles":
			writeJSON(w, http.StatusOK, `{"items":[{"id":"r1","name":"ops","type":"custom","permissionKeys":["a","b","b","c","a"]}]}`)
		default:
			writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"Not found"}}`)
		}
	})
	for _, id := range []string{"r1", "r2"} {
		role, err := c.GetRole(ctx, id)
		if err != nil || !slices.Equal(role.PermissionKeys, want) {
			t.Errorf("GetRole(%s) = %+v, %v; want the permission keys %v", id, role, err, want)
		}
	}
	roles, err := c.ListRoles(ctx, "")
	if err != nil || len(roles) != 1 || !slices.Equal(roles[0].PermissionKeys, want) {
		t.Errorf("ListRoles = %+v, %v; want one role with the permission keys %v", roles, err, want)
	}
}

// TestDecodeEnumsRegardlessOfCase: a known value in another letter case is read in the casing the
// client compares with (a "Disabled" key is disabled, a "SAMLGroup" account a SAML group), and an
// unknown one is kept as sent.
func TestDecodeEnumsRegardlessOfCase(t *testing.T) {
	ctx := context.Background()
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3.0/iam/roles/r1":
			writeJSON(w, http.StatusOK, `{"id":"r1","name":"ops","type":"Custom","permissionKeys":[]}`)
		case "/v3.0/iam/roles/r2":
			writeJSON(w, http.StatusOK, `{"id":"r2","name":"sys","type":"System","permissionKeys":[]}`)
		case "/v3.0/iam/accounts/a1":
			writeJSON(w, http.StatusOK, `{"id":"a1","email":"ops@example.com","authType":"SAMLGroup","role":"Auditor","status":"Disabled"}`)
		case "/v3.0/iam/apiKeys/k1":
			writeJSON(w, http.StatusOK, `{"id":"k1","name":"ci","role":"SIEM","status":"DISABLED"}`)
		case "/v3.0/iam/apiKeys/k2":
			writeJSON(w, http.StatusOK, `{"id":"k2","name":"cd","role":"SIEM","status":"ENABLED"}`)
		default:
			writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"Not found"}}`)
		}
	})
	for id, want := range map[string]string{"r1": client.RoleTypeCustom, "r2": "System"} {
		if role, err := c.GetRole(ctx, id); err != nil || role.Type != want {
			t.Errorf("GetRole(%s) = %+v, %v; want the type %q", id, role, err, want)
		}
	}
	account, err := c.GetAccount(ctx, "a1", "")
	if err != nil || account.AuthType != client.AuthTypeSAMLGroup || account.Status != client.StatusDisabled {
		t.Errorf("GetAccount = %+v, %v; want a disabled SAML group", account, err)
	}
	for id, want := range map[string]string{"k1": client.StatusDisabled, "k2": client.StatusEnabled} {
		if key, err := c.GetAPIKey(ctx, id); err != nil || key.Status != want {
			t.Errorf("GetAPIKey(%s) = %+v, %v; want the status %q", id, key, err, want)
		}
	}
}
