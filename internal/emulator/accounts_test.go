package emulator

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAccountLifecycle(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: fixedClock(base)})

	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/accounts", body: map[string]any{
		"email": "Jane.Doe@Example.com", "role": "Auditor", "authType": "local", "description": "auditor",
	}}, http.StatusCreated)
	var out struct{ ID string }
	resp.json(t, &out)
	if out.ID == "" || resp.header.Get("Location") != ts.URL+"/v3.0/iam/accounts/"+out.ID {
		t.Fatalf("invite: id %q Location %q", out.ID, resp.header.Get("Location"))
	}
	var a accountView
	get := ts.expect(req{method: "GET", path: "/v3.0/iam/accounts/" + out.ID}, http.StatusOK)
	get.json(t, &a)
	want := accountView{ID: out.ID, Email: "Jane.Doe@Example.com", Name: "Jane.Doe", AuthType: "local", Role: "Auditor",
		Status: "invited", Description: "auditor", CreatedDateTime: "2030-05-06T07:08:09Z"}
	if a != want {
		t.Errorf("account %+v, want %+v", a, want)
	}
	if get.header.Get("ETag") == "" {
		t.Error("no ETag on account GET")
	}

	// Invited users cannot be updated
	// (API.md, "Decision: updates of invited accounts and SAML groups").
	e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/" + out.ID, body: map[string]any{"status": "disabled"}}, http.StatusBadRequest).errorBody(t)
	if !strings.Contains(e.Message, "invit") {
		t.Errorf("PATCH invited: %+v", e)
	}

	permanent, err := ts.AcceptInvitation(out.ID)
	if err != nil || permanent == "" || permanent == out.ID {
		t.Fatalf("AcceptInvitation = %q, %v", permanent, err)
	}
	if _, err := ts.AcceptInvitation(permanent); !errors.Is(err, ErrNotInvited) {
		t.Errorf("accepting twice: %v", err)
	}
	if _, err := ts.AcceptInvitation("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("accepting unknown: %v", err)
	}
	ts.expect(req{method: "GET", path: "/v3.0/iam/accounts/" + out.ID}, http.StatusNotFound)
	get = ts.expect(req{method: "GET", path: "/v3.0/iam/accounts/" + permanent}, http.StatusOK)
	get.json(t, &a)
	if a.Status != "enabled" || a.Email != "Jane.Doe@Example.com" || a.CreatedDateTime != "2030-05-06T07:08:09Z" {
		t.Errorf("accepted account %+v", a)
	}

	etag := get.header.Get("ETag")
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/" + permanent, headers: map[string]string{"If-Match": etag},
		body: map[string]any{"status": "disabled", "role": "Analyst", "description": "moved"}}, http.StatusNoContent)
	get = ts.expect(req{method: "GET", path: "/v3.0/iam/accounts/" + permanent}, http.StatusOK)
	get.json(t, &a)
	if a.Status != "disabled" || a.Role != "Analyst" || a.Description != "moved" {
		t.Errorf("patched account %+v", a)
	}
	if get.header.Get("ETag") == etag {
		t.Error("ETag unchanged after PATCH")
	}
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/" + permanent, headers: map[string]string{"If-Match": etag},
		body: map[string]any{"status": "enabled"}}, http.StatusPreconditionFailed)

	ts.expect(req{method: "DELETE", path: "/v3.0/iam/accounts/" + permanent}, http.StatusNoContent)
	ts.expect(req{method: "DELETE", path: "/v3.0/iam/accounts/" + permanent}, http.StatusNotFound)
}

// TestInviteOmitBody: with InviteOmitBody, an invitation is answered with its Location alone.
func TestInviteOmitBody(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{InviteOmitBody: true})
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/accounts", body: map[string]any{
		"email": "jane@example.com", "role": "Auditor", "authType": "local",
	}}, http.StatusCreated)
	location := resp.header.Get("Location")
	if len(resp.body) != 0 || !strings.HasPrefix(location, ts.URL+"/v3.0/iam/accounts/") {
		t.Fatalf("invite: body %q, Location %q; want no body and the Location", resp.body, location)
	}
	ts.expect(req{method: "GET", path: strings.TrimPrefix(location, ts.URL)}, http.StatusOK)
}

func TestAcceptControl(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	id := ts.invite("u@example.com", "Analyst", "saml")
	ts.expect(req{method: "POST", path: "/_emulator/accounts/" + id + "/accept", key: "not-admin"}, http.StatusUnauthorized)
	var out struct{ ID string }
	ts.expect(req{method: "POST", path: "/_emulator/accounts/" + id + "/accept"}, http.StatusOK).json(t, &out)
	if out.ID == "" || out.ID == id {
		t.Fatalf("accept answered %+v", out)
	}
	ts.expect(req{method: "POST", path: "/_emulator/accounts/" + out.ID + "/accept"}, http.StatusBadRequest)
	ts.expect(req{method: "POST", path: "/_emulator/accounts/nope/accept"}, http.StatusNotFound)
}

func TestAccountValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.invite("taken@example.com", "Analyst", "local")
	ts.createRole("KeysOnly", nil, true, false)
	invite := func(change map[string]any) map[string]any {
		return withChanges(map[string]any{"email": "new@example.com", "role": "Analyst", "authType": "local"}, change)
	}
	for _, tc := range []struct {
		name, target, message string
		body                  map[string]any
	}{
		{"missing email", "email", "", invite(map[string]any{"email": nil})},
		{"missing role", "role", "", invite(map[string]any{"role": nil})},
		{"missing authType", "authType", "", invite(map[string]any{"authType": nil})},
		{"bad authType", "authType", "local, saml, samlGroup", invite(map[string]any{"authType": "ldap"})},
		{"bad email", "email", "not a valid email", invite(map[string]any{"email": "nobody"})},
		{"padded email", "email", "not a valid email", invite(map[string]any{"email": " new@example.com"})},
		{"long email", "email", "limit is 256", invite(map[string]any{"email": strings.Repeat("e", 250) + "@example.com"})},
		{"long description", "description", "limit is 256", invite(map[string]any{"description": strings.Repeat("d", 257)})},
		{"duplicate email", "email", "already exists", invite(map[string]any{"email": "TAKEN@example.com"})},
		{"unknown role", "role", "does not exist", invite(map[string]any{"role": "Nope"})},
		{"role case", "role", "did you mean \"Analyst\"", invite(map[string]any{"role": "analyst"})},
		{"role not for accounts", "role", "allowUserAccountAssignment", invite(map[string]any{"role": "SIEM"})},
		{"custom role not for accounts", "role", "allowUserAccountAssignment", invite(map[string]any{"role": "KeysOnly"})},
		{"status on invite", "status", "", invite(map[string]any{"status": "enabled"})},
	} {
		e := ts.expect(req{method: "POST", path: "/v3.0/iam/accounts", body: tc.body}, http.StatusBadRequest).errorBody(t)
		if e.Code != "BadRequest" || e.Target != tc.target || !strings.Contains(e.Message, tc.message) {
			t.Errorf("%s: %+v", tc.name, e)
		}
	}
	// A SAML group may be named by an object id rather than an email.
	ts.invite("3f2a9c1e-group-object-id", "Analyst", "samlGroup")

	id, _ := ts.AcceptInvitation(ts.invite("active@example.com", "Analyst", "local"))
	for _, tc := range []struct {
		name, target string
		body         map[string]any
	}{
		{"email immutable", "email", map[string]any{"email": "other@example.com"}},
		{"authType immutable", "authType", map[string]any{"authType": "saml"}},
		{"status invited", "status", map[string]any{"status": "invited"}},
		{"bad status", "status", map[string]any{"status": "paused"}},
		{"role not assignable", "role", map[string]any{"role": "SOAR"}},
		{"long description", "description", map[string]any{"description": strings.Repeat("d", 257)}},
	} {
		e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/" + id, body: tc.body}, http.StatusBadRequest).errorBody(t)
		if e.Target != tc.target {
			t.Errorf("%s: %+v", tc.name, e)
		}
	}
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/nope", body: map[string]any{"status": "enabled"}}, http.StatusNotFound)
}

func TestSAMLGroupsCannotBePatched(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	id, _ := ts.AcceptInvitation(ts.invite("group@example.com", "Analyst", "samlGroup"))
	e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/" + id, body: map[string]any{"description": "x"}}, http.StatusBadRequest).errorBody(t)
	if !strings.Contains(e.Message, "SAML group") {
		t.Errorf("PATCH SAML group: %+v", e)
	}
}

func TestAllowInvitedUpdates(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{AllowInvitedUpdates: true})
	id := ts.invite("x@example.com", "Analyst", "local")
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/" + id, body: map[string]any{"role": "Auditor"}}, http.StatusNoContent)
	group := ts.invite("g@example.com", "Analyst", "samlGroup")
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/accounts/" + group, body: map[string]any{"description": "d"}}, http.StatusNoContent)
}
