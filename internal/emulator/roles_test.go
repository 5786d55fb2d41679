package emulator

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoleCRUD(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: fixedClock(base)})

	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{
		"name": "Auditors", "description": "third-party auditors",
		"permissionKeys":        []string{"reports.reportManagement.thirdPartyAuditing", "platform.userAccounts.view", "platform.userAccounts.view"},
		"allowApiKeyAssignment": true, "allowUserAccountAssignment": true,
	}}, http.StatusCreated)
	var created roleView
	resp.json(t, &created)
	if created.ID == "" || created.Type != "custom" || created.Name != "Auditors" || created.LastUpdatedDateTime != "2030-01-01T00:00:00Z" ||
		!slices.Equal(created.PermissionKeys, []string{"platform.userAccounts.view", "reports.reportManagement.thirdPartyAuditing"}) {
		t.Fatalf("created role %+v", created)
	}
	if loc := resp.header.Get("Location"); loc != ts.URL+"/v3.0/iam/roles/"+created.ID {
		t.Errorf("Location %q", loc)
	}

	get := ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + created.ID}, http.StatusOK)
	etag1 := get.header.Get("ETag")
	if etag1 == "" || strings.Contains(etag1, `"`) {
		t.Fatalf("ETag %q must be present and unquoted", etag1)
	}
	var perms struct{ PermissionKeys []string }
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + created.ID + "/permissions"}, http.StatusOK).json(t, &perms)
	if !slices.Equal(perms.PermissionKeys, created.PermissionKeys) {
		t.Errorf("permissions %v", perms.PermissionKeys)
	}

	ts.AdvanceClock(time.Hour)
	patch := ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + created.ID, body: map[string]any{"description": "changed"},
		headers: map[string]string{"If-Match": etag1}}, http.StatusNoContent)
	if len(patch.body) != 0 {
		t.Errorf("204 with a body: %s", patch.body)
	}
	get = ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + created.ID}, http.StatusOK)
	var got roleView
	get.json(t, &got)
	if got.Description != "changed" || got.LastUpdatedDateTime != "2030-01-01T01:00:00Z" || got.Name != "Auditors" {
		t.Errorf("after PATCH: %+v", got)
	}
	if get.header.Get("ETag") == etag1 {
		t.Error("ETag did not change after PATCH")
	}
	// The stale ETag is refused.
	e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + created.ID, body: map[string]any{"description": "x"},
		headers: map[string]string{"If-Match": etag1}}, http.StatusPreconditionFailed).errorBody(t)
	if e.Code != "ConditionNotMet" || e.InnerError == nil || e.InnerError.Code != "ETag check failed" ||
		e.InnerError.Message != "ETag in request header not match the latest ETag." {
		t.Errorf("412 body %+v", e)
	}

	ts.expect(req{method: "DELETE", path: "/v3.0/iam/roles/" + created.ID}, http.StatusNoContent)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + created.ID}, http.StatusNotFound)
	ts.expect(req{method: "DELETE", path: "/v3.0/iam/roles/" + created.ID}, http.StatusNotFound)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + created.ID + "/permissions"}, http.StatusNotFound)
}

func TestIfMatchForms(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	id := ts.createRole("R", nil, false, false)
	for _, form := range []func(string) string{
		func(e string) string { return e },
		func(e string) string { return `"` + e + `"` },
		func(e string) string { return `W/"` + e + `"` },
		func(string) string { return "*" },
		func(string) string { return "" },
	} {
		etag := ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + id}, http.StatusOK).header.Get("ETag")
		ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + id, body: map[string]any{"description": "d"},
			headers: map[string]string{"If-Match": form(etag)}}, http.StatusNoContent)
	}
}

// TestQuotedETags: with QuotedETags, every single-object GET and a role's create write the ETag in
// double quotes, and a PATCH with it, quoted or bare, is accepted.
func TestQuotedETags(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{QuotedETags: true, StrictIfMatch: true})
	id := ts.createRole("R", nil, false, false)
	quoted := regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	path := "/v3.0/iam/roles/" + id
	for _, bare := range []bool{false, true} {
		etag := ts.expect(req{method: "GET", path: path}, http.StatusOK).header.Get("ETag")
		if !quoted.MatchString(etag) {
			t.Fatalf("GET %s: ETag %q, want a quoted one", path, etag)
		}
		if bare {
			etag = strings.Trim(etag, `"`)
		}
		ts.expect(req{method: "PATCH", path: path, body: map[string]any{"description": fmt.Sprint(bare)},
			headers: map[string]string{"If-Match": etag}}, http.StatusNoContent)
	}
	created := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{"name": "Q", "description": "",
		"permissionKeys": []string{}, "allowApiKeyAssignment": false, "allowUserAccountAssignment": false}}, http.StatusCreated)
	if etag := created.header.Get("ETag"); !quoted.MatchString(etag) {
		t.Errorf("a role's create: ETag %q, want a quoted one", etag)
	}
}

func TestStrictIfMatch(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{StrictIfMatch: true})
	id := ts.createRole("R", nil, false, false)
	e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + id, body: map[string]any{"description": "d"}}, http.StatusBadRequest).errorBody(t)
	if e.Target != "If-Match" || e.InnerError == nil || e.InnerError.Code != innerMissingParameter {
		t.Errorf("strict 400: %+v", e)
	}
	etag := ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + id}, http.StatusOK).header.Get("ETag")
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + id, body: map[string]any{"description": "d"},
		headers: map[string]string{"If-Match": etag}}, http.StatusNoContent)
}

func TestRoleValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	full := func(change map[string]any) map[string]any {
		return withChanges(map[string]any{"name": "New", "description": "", "permissionKeys": []string{}, "allowApiKeyAssignment": false, "allowUserAccountAssignment": false}, change)
	}
	ts.createRole("Existing", nil, false, false)
	for _, tc := range []struct {
		name, target, inner, message string
		body                         map[string]any
	}{
		{"missing name", "name", innerMissingParameter, "", full(map[string]any{"name": nil})},
		{"missing description", "description", innerMissingParameter, "", full(map[string]any{"description": nil})},
		{"missing keys", "permissionKeys", innerMissingParameter, "", full(map[string]any{"permissionKeys": nil})},
		{"missing flag", "allowApiKeyAssignment", innerMissingParameter, "", full(map[string]any{"allowApiKeyAssignment": nil})},
		{"missing flag 2", "allowUserAccountAssignment", innerMissingParameter, "", full(map[string]any{"allowUserAccountAssignment": nil})},
		{"blank name", "name", innerMissingParameter, "", full(map[string]any{"name": "  "})},
		{"long name", "name", innerInvalidParameter, "limit is 128", full(map[string]any{"name": strings.Repeat("n", 129)})},
		{"long description", "description", innerInvalidParameter, "", full(map[string]any{"description": strings.Repeat("d", 2049)})},
		{"unknown key", "permissionKeys", innerInvalidParameter, "platform.nope", full(map[string]any{"permissionKeys": []string{"platform.userRoles.view", "platform.nope"}})},
		{"duplicate name", "name", innerDuplicate, "Existing", full(map[string]any{"name": "existing"})},
		{"predefined name", "name", innerDuplicate, "Master Administrator", full(map[string]any{"name": "master administrator"})},
		{"wrong type", "allowApiKeyAssignment", innerInvalidParameter, "boolean", full(map[string]any{"allowApiKeyAssignment": "yes"})},
		{"unknown field", "scope", innerInvalidParameter, "", full(map[string]any{"scope": "all"})},
		{"read-only field", "type", innerImmutable, "", full(map[string]any{"type": "predefined"})},
	} {
		e := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: tc.body}, http.StatusBadRequest).errorBody(t)
		if e.Code != "BadRequest" || e.Target != tc.target || e.InnerError == nil || e.InnerError.Code != tc.inner || !strings.Contains(e.Message, tc.message) {
			t.Errorf("%s: %+v", tc.name, e)
		}
	}
	if n := ts.Stats().Objects["roles"]; n != 1 {
		t.Errorf("%d custom roles after refused creates, want 1", n)
	}
}

func TestPredefinedRoles(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	var list listEnvelope[roleView]
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK).json(t, &list)
	byName := map[string]roleView{}
	for _, r := range list.Items {
		byName[r.Name] = r
	}
	// allowApiKeyAssignment, allowUserAccountAssignment (API.md, "Roles: predefined")
	want := map[string][2]bool{
		"Master Administrator": {false, true}, "Operator": {true, true}, "Auditor": {true, true},
		"Senior Analyst": {true, true}, "Analyst": {true, true}, "Endpoint Administrator": {true, true},
		"SIEM": {true, false}, "SOAR": {true, false},
	}
	if len(list.Items) != len(want) || list.TotalCount != len(want) {
		t.Fatalf("%d roles listed, want %d", len(list.Items), len(want))
	}
	for name, flags := range want {
		r, ok := byName[name]
		if !ok {
			t.Errorf("predefined role %q missing", name)
			continue
		}
		if r.Type != "predefined" || r.AllowAPIKeyAssignment != flags[0] || r.AllowUserAccountAssignment != flags[1] || len(r.PermissionKeys) == 0 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if got, want := len(byName["Master Administrator"].PermissionKeys), len(defaultCatalog().Permissions); got != want {
		t.Errorf("Master Administrator has %d permissions, the catalog %d", got, want)
	}
	ma := byName["Master Administrator"].ID
	e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + ma, body: map[string]any{"description": "x"}}, http.StatusBadRequest).errorBody(t)
	if e.InnerError == nil || e.InnerError.Code != innerPredefinedRole {
		t.Errorf("PATCH predefined: %+v", e)
	}
	ts.expect(req{method: "DELETE", path: "/v3.0/iam/roles/" + byName["SIEM"].ID}, http.StatusBadRequest)
}

func TestRoleInUseCannotBeDeleted(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	forAccounts := ts.createRole("People", nil, false, true)
	forKeys := ts.createRole("Robots", nil, true, false)
	accountID := ts.invite("a@example.com", "People", "local")
	keyID, _ := ts.createKey(map[string]any{"name": "bot", "role": "Robots"})

	for _, id := range []string{forAccounts, forKeys} {
		e := ts.expect(req{method: "DELETE", path: "/v3.0/iam/roles/" + id}, http.StatusBadRequest).errorBody(t)
		if e.InnerError == nil || e.InnerError.Code != innerInUse || !strings.Contains(e.Message, "assigned to") {
			t.Errorf("delete in-use role: %+v", e)
		}
	}
	ts.expect(req{method: "DELETE", path: "/v3.0/iam/accounts/" + accountID}, http.StatusNoContent)
	ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys/delete", body: []map[string]string{{"id": keyID}}}, http.StatusMultiStatus)
	ts.expect(req{method: "DELETE", path: "/v3.0/iam/roles/" + forAccounts}, http.StatusNoContent)
	ts.expect(req{method: "DELETE", path: "/v3.0/iam/roles/" + forKeys}, http.StatusNoContent)
}

func TestRoleRenameCarriesOverToAssignments(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	id := ts.createRole("Old", nil, true, true)
	accountID := ts.invite("a@example.com", "Old", "local")
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + id, body: map[string]any{"name": "New"}}, http.StatusNoContent)
	var a accountView
	ts.expect(req{method: "GET", path: "/v3.0/iam/accounts/" + accountID}, http.StatusOK).json(t, &a)
	if a.Role != "New" {
		t.Errorf("account role %q after rename", a.Role)
	}
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + id, body: map[string]any{"name": "Analyst"}}, http.StatusBadRequest)
}

func TestPermissionKeysCatalog(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	var out listEnvelope[Permission]
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/permissionKeys"}, http.StatusOK).json(t, &out)
	if out.TotalCount != len(out.Items) || out.Count != len(out.Items) || len(out.Items) < 30 {
		t.Fatalf("catalog envelope: total %d count %d items %d", out.TotalCount, out.Count, len(out.Items))
	}
	type named struct{ app, name string }
	have := map[named]string{}
	for _, p := range out.Items {
		if p.Key == "" || p.Name == "" || p.App == "" || p.Category == "" {
			t.Errorf("incomplete permission %+v", p)
		}
		have[named{p.App, p.Name}] = p.Key
	}
	// Every permission the console procedures (the third-party auditor's, an integration's API token)
	// and the authorization matrix name.
	for _, want := range []named{
		{"Report Management", "Third-party auditing (API only)"},
		{"Workbench", "View, filter, and search"},
		{"Observed Attack Techniques", "View, filter, and search"},
		{"Search", "View, filter, and search"},
		{"User Accounts", "View"}, {"User Accounts", "Configure account settings"},
		{"User Roles", "View"}, {"User Roles", "Configure user roles"},
		{"API Keys", "View"}, {"API Keys", "Configure settings"},
	} {
		if _, ok := have[want]; !ok {
			t.Errorf("catalog lacks %s → %s", want.app, want.name)
		}
	}
}

// TestRoleBodiesWithoutPermissionKeys: with RolesOmitPermissionKeys the bodies of roles (a create's
// answer, a single GET, the items of the list) have no permissionKeys member, as Trend's Okta
// connector shows roles, and /roles/{id}/permissions holds them (API.md, "Decision: role bodies").
func TestRoleBodiesWithoutPermissionKeys(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{RolesOmitPermissionKeys: true})
	keys := []string{"platform.userAccounts.view"}
	created := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{
		"name": "Auditors", "description": "", "permissionKeys": keys,
		"allowApiKeyAssignment": true, "allowUserAccountAssignment": true,
	}}, http.StatusCreated)
	var role map[string]any
	created.json(t, &role)
	id, _ := role["id"].(string)
	bodies := map[string][]map[string]any{"the create's answer": {role}}
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + id}, http.StatusOK).json(t, &role)
	bodies["a GET"] = []map[string]any{role}
	var list struct{ Items []map[string]any }
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles?top=200"}, http.StatusOK).json(t, &list)
	bodies["the list"] = list.Items
	for what, roles := range bodies {
		for _, r := range roles {
			if _, has := r["permissionKeys"]; has || r["id"] == nil || r["name"] == nil || r["allowApiKeyAssignment"] == nil {
				t.Errorf("a role of %s: %v, want every field but permissionKeys", what, r)
			}
		}
	}
	if len(list.Items) < 2 {
		t.Errorf("the list holds %d roles, want the predefined ones and the one created", len(list.Items))
	}
	var perms struct{ PermissionKeys []string }
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + id + "/permissions"}, http.StatusOK).json(t, &perms)
	if !slices.Equal(perms.PermissionKeys, keys) {
		t.Errorf("/permissions = %v, want %v", perms.PermissionKeys, keys)
	}
}

// TestOlderRoleEndpoints: with the older role endpoints alone (SetOlderRoleEndpoints, switched
// while the server runs), the role routes of Trend's newest client answer 404 with the body of an
// unknown path, whatever role they name, while GET /roles and /roles/{id}/permissions serve as
// before and the roles stay; switched back, every route serves again.
func TestOlderRoleEndpoints(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	keys := []string{"platform.userAccounts.view"}
	id := ts.createRole("Auditors", keys, true, true)
	unknown := ts.expect(req{method: "GET", path: "/v3.0/iam/no-such-path"}, http.StatusNotFound).errorBody(t)

	ts.SetOlderRoleEndpoints(true)
	role := map[string]any{"name": "Others", "description": "", "permissionKeys": keys,
		"allowApiKeyAssignment": true, "allowUserAccountAssignment": true}
	for _, r := range []req{
		{method: "POST", path: "/v3.0/iam/roles", body: role},
		{method: "GET", path: "/v3.0/iam/roles/permissionKeys"},
		{method: "GET", path: "/v3.0/iam/roles/" + id},
		{method: "PATCH", path: "/v3.0/iam/roles/" + id, body: map[string]any{"description": "x"}, headers: map[string]string{"If-Match": "*"}},
		{method: "DELETE", path: "/v3.0/iam/roles/" + id},
		{method: "PUT", path: "/v3.0/iam/roles/" + id},
	} {
		got := ts.expect(r, http.StatusNotFound).errorBody(t)
		want := unknown
		want.Message = strings.Replace(want.Message, "/v3.0/iam/no-such-path", strings.SplitN(r.path, "?", 2)[0], 1)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s: %+v, want the body of an unknown path %+v", r.method, r.path, got, want)
		}
	}
	var list struct{ Items []roleView }
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles?top=200"}, http.StatusOK).json(t, &list)
	if !slices.ContainsFunc(list.Items, func(r roleView) bool { return r.ID == id }) {
		t.Errorf("the list lacks the role %s: %+v", id, list.Items)
	}
	var perms struct{ PermissionKeys []string }
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + id + "/permissions"}, http.StatusOK).json(t, &perms)
	if !slices.Equal(perms.PermissionKeys, keys) {
		t.Errorf("/permissions = %v, want %v", perms.PermissionKeys, keys)
	}
	if got := ts.Stats().Objects["roles"]; got != 1 {
		t.Errorf("%d custom roles, want the one created before", got)
	}

	ts.SetOlderRoleEndpoints(false)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + id}, http.StatusOK)
	ts.expect(req{method: "DELETE", path: "/v3.0/iam/roles/" + id}, http.StatusNoContent)
}
