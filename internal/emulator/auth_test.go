package emulator

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestAuthorizationMatrix checks every endpoint against its row of the table
// (API.md, "Authorization table"): a key whose role lacks the permission gets the official 403, a
// key whose role has it gets through, except that account writes are refused to every key but a
// Master Administrator's with a 403 that names that rule (API.md, "Who may do what").
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	roleID := ts.createRole("Target", nil, true, true)
	accountID, _ := ts.AcceptInvitation(ts.invite("target@example.com", "Target", "local"))
	keyID, _ := ts.createKey(map[string]any{"name": "target", "role": "Target"})

	perms := []string{permAccountsView, permAccountsConfig, permAPIKeysView, permAPIKeysConfig, permRolesView, permRolesConfig}
	keyWith := map[string]string{}
	for _, p := range perms {
		// A role holding every permission but p, so that only p decides.
		var others []string
		for _, o := range perms {
			if o != p {
				others = append(others, o)
			}
		}
		ts.createRole("with "+p, []string{p}, true, false)
		ts.createRole("without "+p, others, true, false)
		_, keyWith[p] = ts.createKey(map[string]any{"name": "with " + p, "role": "with " + p})
		_, keyWith["-"+p] = ts.createKey(map[string]any{"name": "without " + p, "role": "without " + p})
	}

	n := 0
	next := func() string { n++; return fmt.Sprint(n) }
	for _, tc := range []struct {
		perm string
		r    func() req
	}{
		// The account writes are checked below: only a Master Administrator gets through.
		{permAccountsView, func() req { return req{method: "GET", path: "/v3.0/iam/accounts"} }},
		{permAccountsView, func() req { return req{method: "GET", path: "/v3.0/iam/accounts/" + accountID} }},
		{permAPIKeysView, func() req { return req{method: "GET", path: "/v3.0/iam/apiKeys"} }},
		{permAPIKeysView, func() req { return req{method: "GET", path: "/v3.0/iam/apiKeys/" + keyID} }},
		{permAPIKeysConfig, func() req {
			return req{method: "POST", path: "/v3.0/iam/apiKeys", body: []map[string]any{{"name": "k" + next(), "role": "Target"}}}
		}},
		{permAPIKeysConfig, func() req {
			return req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + keyID, body: map[string]any{"description": next()}}
		}},
		{permAPIKeysConfig, func() req {
			return req{method: "POST", path: "/v3.0/iam/apiKeys/delete", body: []map[string]any{{"id": "missing"}}}
		}},
		{permRolesView, func() req { return req{method: "GET", path: "/v3.0/iam/roles"} }},
		{permRolesView, func() req { return req{method: "GET", path: "/v3.0/iam/roles/" + roleID} }},
		{permRolesView, func() req { return req{method: "GET", path: "/v3.0/iam/roles/" + roleID + "/permissions"} }},
		{permRolesView, func() req { return req{method: "GET", path: "/v3.0/iam/roles/permissionKeys"} }},
		{permRolesConfig, func() req {
			return req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{"name": "r" + next(), "description": "", "permissionKeys": []string{},
				"allowApiKeyAssignment": false, "allowUserAccountAssignment": false}}
		}},
		{permRolesConfig, func() req {
			return req{method: "PATCH", path: "/v3.0/iam/roles/" + roleID, body: map[string]any{"description": next()}}
		}},
		{permRolesConfig, func() req { return req{method: "DELETE", path: "/v3.0/iam/roles/missing"} }},
	} {
		denied := tc.r()
		denied.key = keyWith["-"+tc.perm]
		if e := ts.expect(denied, http.StatusForbidden).errorBody(t); e.Code != "AccessDenied" || e.Message != "Insufficient permissions." {
			t.Errorf("%s %s without %s: %+v", denied.method, denied.path, tc.perm, e)
		}
		allowed := tc.r()
		allowed.key = keyWith[tc.perm]
		if resp := ts.do(allowed); resp.status == http.StatusForbidden || resp.status == http.StatusUnauthorized {
			t.Errorf("%s %s with %s: %d %s", allowed.method, allowed.path, tc.perm, resp.status, resp.body)
		}
	}

	for _, r := range []func() req{
		func() req {
			return req{method: "POST", path: "/v3.0/iam/accounts", body: map[string]any{"email": "u" + next() + "@example.com", "role": "Target", "authType": "local"}}
		},
		func() req {
			return req{method: "PATCH", path: "/v3.0/iam/accounts/" + accountID, body: map[string]any{"description": next()}}
		},
		func() req { return req{method: "DELETE", path: "/v3.0/iam/accounts/missing"} },
	} {
		denied := r()
		denied.key = keyWith["-"+permAccountsConfig]
		if e := ts.expect(denied, http.StatusForbidden).errorBody(t); e.Message != "Insufficient permissions." {
			t.Errorf("%s %s without %s: %+v", denied.method, denied.path, permAccountsConfig, e)
		}
		notMaster := r()
		notMaster.key = keyWith[permAccountsConfig]
		if e := ts.expect(notMaster, http.StatusForbidden).errorBody(t); e.Code != "AccessDenied" || e.Message != ruleAccounts {
			t.Errorf("%s %s by a key that is not a Master Administrator's: %+v", notMaster.method, notMaster.path, e)
		}
		master := r() // the admin key
		if resp := ts.do(master); resp.status == http.StatusForbidden || resp.status == http.StatusUnauthorized {
			t.Errorf("%s %s by the Master Administrator: %d %s", master.method, master.path, resp.status, resp.body)
		}
	}
	// Any valid key may check connectivity.
	ts.expect(req{method: "GET", path: "/v3.0/healthcheck/connectivity", key: keyWith[permRolesView]}, http.StatusOK)
}

func TestOnlyMasterAdministratorSetsControlFlags(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.createRole("Role admins", []string{permRolesView, permRolesConfig}, true, false)
	_, key := ts.createKey(map[string]any{"name": "role-admin", "role": "Role admins"})
	body := func(apiKeys bool) map[string]any {
		return map[string]any{"name": fmt.Sprint("r", apiKeys), "description": "", "permissionKeys": []string{},
			"allowApiKeyAssignment": apiKeys, "allowUserAccountAssignment": false}
	}
	e := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", key: key, body: body(true)}, http.StatusForbidden).errorBody(t)
	if e.Code != "AccessDenied" || e.Message != ruleControlFlags {
		t.Errorf("403 body %+v, want the message naming the rule", e)
	}
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", key: key, body: body(false)}, http.StatusCreated)
	var r roleView
	resp.json(t, &r)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + r.ID, key: key, body: map[string]any{"allowUserAccountAssignment": true}}, http.StatusForbidden)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + r.ID, key: key, body: map[string]any{"allowUserAccountAssignment": false, "description": "same flags"}}, http.StatusNoContent)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + r.ID, body: map[string]any{"allowUserAccountAssignment": true}}, http.StatusNoContent)
}

func TestLinksUseTheRequestHost(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	for i := range 45 { // 53 roles with the predefined ones: two pages of 50
		ts.createRole(fmt.Sprint("role ", i), nil, false, false)
	}
	send := func(method, path, body, host string) *http.Response {
		t.Helper()
		hr, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		hr.Host = host
		hr.Header.Set("Authorization", "Bearer "+ts.AdminKey())
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := send("GET", "/v3.0/iam/roles", "", "api.xdr.trendmicro.com")
	var env listEnvelope[roleView]
	data, _ := io.ReadAll(resp.Body)
	response{status: resp.StatusCode, body: data}.json(t, &env)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(env.NextLink, "http://api.xdr.trendmicro.com/v3.0/iam/roles?") {
		t.Errorf("status %d, nextLink %q", resp.StatusCode, env.NextLink)
	}
	resp = send("POST", "/v3.0/iam/roles", `{"name":"x","description":"","permissionKeys":[],"allowApiKeyAssignment":false,"allowUserAccountAssignment":false}`, "api.eu.xdr.trendmicro.com")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusCreated || !strings.HasPrefix(loc, "http://api.eu.xdr.trendmicro.com/v3.0/iam/roles/") {
		t.Errorf("status %d, Location %q", resp.StatusCode, loc)
	}
}
