package emulator

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// refusedForLimit checks that e is a tenant limit's refusal naming kind.
func refusedForLimit(t *testing.T, e *apiError, kind string) {
	t.Helper()
	if e == nil || e.Code != "TooManyRequests" || e.InnerError == nil || e.InnerError.Code != innerTenantLimit ||
		!strings.Contains(e.Message, kind) {
		t.Errorf("refusal %+v, want TooManyRequests (inner %s) naming %s", e, innerTenantLimit, kind)
	}
}

// TestTenantLimitAPIKeys: beyond MaxAPIKeys, the items of a batch are refused one by one, the items
// before them made; each refusal carries Retry-After among its item's headers (the batch's answer
// none), and a delete makes room again.
func TestTenantLimitAPIKeys(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{MaxAPIKeys: 2})
	ts.createRole("Robots", []string{permAPIKeysView}, true, false)
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys", body: []map[string]any{
		{"name": "a", "role": "Robots"}, {"name": "b", "role": "Robots"}, {"name": "c", "role": "Robots"},
	}}, http.StatusMultiStatus)
	if resp.header.Get("Retry-After") != "" {
		t.Errorf("Retry-After %q on a batch answer, want it on the refused item only", resp.header.Get("Retry-After"))
	}
	var items []createdItem
	resp.json(t, &items)
	if len(items) != 3 || items[0].Status != 201 || items[1].Status != 201 || items[2].Status != tenantLimitStatus {
		t.Fatalf("items %+v, want 201, 201, %d", items, tenantLimitStatus)
	}
	refusedForLimit(t, items[2].Body.Error, "API keys")
	if want := []headerPair{{Name: "Retry-After", Value: "1"}}; !slices.Equal(items[2].Headers, want) {
		t.Errorf("refused item's headers %v, want %v", items[2].Headers, want)
	}
	if n := ts.Stats().Objects["apiKeys"]; n != 2 {
		t.Errorf("%d keys, want the cap of 2", n)
	}
	// A key refused for another reason still says so.
	if got := ts.createKeys(map[string]any{"name": "a", "role": "Robots"}); got[0].Body.Error.Code != "BadRequest" {
		t.Errorf("a duplicate at the cap: %+v", got[0].Body.Error)
	}
	ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys/delete", body: []map[string]string{{"id": items[0].Body.ID}}}, http.StatusMultiStatus)
	ts.createKey(map[string]any{"name": "c", "role": "Robots"})
}

// TestTenantLimitAccountsAndRoles: beyond MaxAccounts or MaxRoles the whole create is refused, with
// the Retry-After of Options.TenantLimitRetryAfter; predefined roles do not count.
func TestTenantLimitAccountsAndRoles(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{MaxAccounts: 1, MaxRoles: 1, TenantLimitRetryAfter: 2500 * time.Millisecond})
	ts.createRole("Robots", nil, true, true)
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{
		"name": "More", "description": "", "permissionKeys": []string{},
		"allowApiKeyAssignment": false, "allowUserAccountAssignment": false,
	}}, tenantLimitStatus)
	refusedForLimit(t, ptr(resp.errorBody(t)), "custom roles")
	if got := resp.header.Get("Retry-After"); got != "3" {
		t.Errorf("Retry-After %q on a refusal for the tenant limit, want 3 (2.5 s rounded up)", got)
	}

	ts.invite("a@example.com", "Robots", "local")
	resp = ts.expect(req{method: "POST", path: "/v3.0/iam/accounts", body: map[string]any{
		"email": "b@example.com", "role": "Robots", "authType": "local",
	}}, tenantLimitStatus)
	refusedForLimit(t, ptr(resp.errorBody(t)), "user accounts")
	if got := resp.header.Get("Retry-After"); got != "3" {
		t.Errorf("Retry-After %q on a refusal for the tenant limit, want 3", got)
	}
	if st := ts.Stats(); st.Objects["roles"] != 1 || st.Objects["accounts"] != 1 {
		t.Errorf("objects %v after refusals", st.Objects)
	}
}

// TestTenantLimitsControl: POST /_emulator/limits sets and removes the caps and their Retry-After;
// a negative cap or wait is refused, in the control as in New; a reset keeps them.
func TestTenantLimitsControl(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.createRole("Robots", nil, true, true)
	ts.expect(req{method: "POST", path: "/_emulator/limits", body: map[string]int{"api_keys": 1, "roles": 1}}, http.StatusOK)
	ts.createKey(map[string]any{"name": "a", "role": "Robots"})
	if got := ts.createKeys(map[string]any{"name": "b", "role": "Robots"}); got[0].Status != tenantLimitStatus {
		t.Errorf("a key beyond the control's cap: %+v", got[0])
	}
	ts.invite("a@example.com", "Robots", "local") // accounts: no cap
	ts.expect(req{method: "POST", path: "/_emulator/reset"}, http.StatusNoContent)
	ts.createRole("Robots", nil, true, true)
	ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{
		"name": "More", "description": "", "permissionKeys": []string{},
		"allowApiKeyAssignment": false, "allowUserAccountAssignment": false,
	}}, tenantLimitStatus)
	ts.expect(req{method: "POST", path: "/_emulator/limits", body: map[string]any{"roles": 1, "retry_after": "4s"}}, http.StatusOK)
	if got := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{
		"name": "More", "description": "", "permissionKeys": []string{},
		"allowApiKeyAssignment": false, "allowUserAccountAssignment": false,
	}}, tenantLimitStatus).header.Get("Retry-After"); got != "4" {
		t.Errorf("Retry-After %q with \"retry_after\": \"4s\"", got)
	}
	// "0s" sends none, as -limits-retry-after 0 does.
	for _, none := range []map[string]any{{"roles": 1, "omit_retry_after": true}, {"roles": 1, "retry_after": "0s"}} {
		ts.expect(req{method: "POST", path: "/_emulator/limits", body: none}, http.StatusOK)
		if got := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{
			"name": "More", "description": "", "permissionKeys": []string{},
			"allowApiKeyAssignment": false, "allowUserAccountAssignment": false,
		}}, tenantLimitStatus).header.Get("Retry-After"); got != "" {
			t.Errorf("Retry-After %q with %v", got, none)
		}
	}
	ts.expect(req{method: "POST", path: "/_emulator/limits", body: map[string]any{"retry_after": "-1s"}}, http.StatusBadRequest)
	ts.expect(req{method: "POST", path: "/_emulator/limits", body: map[string]any{"retry_after": "soon"}}, http.StatusBadRequest)
	ts.expect(req{method: "POST", path: "/_emulator/limits", body: map[string]int{"accounts": -1}}, http.StatusBadRequest)
	ts.expect(req{method: "POST", path: "/_emulator/limits", body: map[string]int{"nope": 1}}, http.StatusBadRequest)
	ts.expect(req{method: "POST", path: "/_emulator/limits", body: map[string]int{}}, http.StatusOK)
	ts.createKey(map[string]any{"name": "b", "role": "Robots"})
	ts.createKey(map[string]any{"name": "c", "role": "Robots"})
	if _, err := New(Options{MaxRoles: -1}); err == nil {
		t.Error("New accepted a negative MaxRoles")
	}
	if _, err := New(Options{TenantLimitRetryAfter: -time.Second}); err == nil {
		t.Error("New accepted a negative TenantLimitRetryAfter")
	}
}

func ptr[T any](v T) *T { return &v }
