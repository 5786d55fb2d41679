package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// These tests cover answers the API may give but the emulator does not, and a retried write that
// meets its own effect. The answers are the fallbacks of (API.md, "Decision: role bodies"),
// (API.md, "Decision: role write answers"), (API.md, "Decision: invitation answer") and
// (API.md, "Decision: API-key expiry and absent dates"). Everything else runs against the emulator
// in emulator_test.go.

// recorder notes each request as "METHOD path" and the headers of interest.
type recorder struct {
	mu       sync.Mutex
	requests []string
	ifMatch  []string
}

func (rec *recorder) note(r *http.Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = append(rec.requests, r.Method+" "+r.URL.Path)
	if v := r.Header.Get("If-Match"); v != "" {
		rec.ifMatch = append(rec.ifMatch, v)
	}
}

func (rec *recorder) count(request string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n := 0
	for _, r := range rec.requests {
		if r == request {
			n++
		}
	}
	return n
}

func TestGetRoleFallsBackToPermissionsEndpoint(t *testing.T) {
	rec := &recorder{}
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		switch r.URL.Path {
		case "/v3.0/iam/roles/r1":
			w.Header().Set("ETag", "etag-1")
			writeJSON(w, 200, `{"id":"r1","name":"ops","type":"custom"}`)
		case "/v3.0/iam/roles/r1/permissions":
			writeJSON(w, 200, `{"permissionKeys":["platform.userRoles.view"]}`)
		case "/v3.0/iam/roles/r2":
			writeJSON(w, 200, `{"id":"r2","name":"none","type":"custom","permissionKeys":[]}`)
		default:
			writeJSON(w, 404, `{"error":{"code":"NotFound","message":"Not found"}}`)
		}
	})
	role, err := c.GetRole(context.Background(), "r1")
	if err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	if role.Version != "etag-1" || !slices.Equal(role.PermissionKeys, []string{"platform.userRoles.view"}) {
		t.Errorf("role = %+v, want the ETag and the keys from /permissions", role)
	}
	empty, err := c.GetRole(context.Background(), "r2")
	if err != nil || empty.PermissionKeys == nil || len(empty.PermissionKeys) != 0 {
		t.Errorf("GetRole(r2) = %+v, %v; want an empty, non-nil key list", empty, err)
	}
	if rec.count("GET /v3.0/iam/roles/r2/permissions") != 0 {
		t.Error("an empty permissionKeys list was treated as absent")
	}
	if _, err := c.GetRole(context.Background(), "gone"); !client.IsNotFound(err) {
		t.Errorf("GetRole(gone) error = %v, want IsNotFound", err)
	}
}

func TestRoleWritesAcceptAnySuccessCode(t *testing.T) {
	for _, status := range []int{200, 201, 204} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				switch r.Method + " " + r.URL.Path {
				case "POST /v3.0/iam/roles":
					w.Header().Set("Location", "http://"+r.Host+"/v3.0/iam/roles/r9")
					w.WriteHeader(status)
				case "GET /v3.0/iam/roles/r9":
					w.Header().Set("ETag", "e9")
					writeJSON(w, 200, `{"id":"r9","name":"ops","type":"custom","permissionKeys":["a"]}`)
				case "PATCH /v3.0/iam/roles/r9", "DELETE /v3.0/iam/roles/r9":
					w.WriteHeader(status)
				default:
					t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
				}
			})
			ctx := context.Background()
			role, err := c.CreateRole(ctx, client.RoleCreate{Name: "ops", PermissionKeys: []string{"a"}})
			if err != nil || role.ID != "r9" || role.Version != "e9" {
				t.Fatalf("CreateRole = %+v, %v; want r9 read back with its ETag", role, err)
			}
			name := "ops2"
			if err := c.UpdateRole(ctx, "r9", role.Version, client.RolePatch{Name: &name}); err != nil {
				t.Errorf("UpdateRole: %v", err)
			}
			if err := c.DeleteRole(ctx, "r9"); err != nil {
				t.Errorf("DeleteRole: %v", err)
			}
		})
	}
}

func TestInviteTakesTheIDFromLocation(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v3.0/iam/accounts":
			w.Header().Set("Location", "http://"+r.Host+"/v3.0/iam/accounts/tmp-1")
			w.WriteHeader(201)
		default: // the account is not read back
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	account, err := c.InviteAccount(context.Background(), client.AccountInvite{Email: "a@example.com", Role: "Analyst", AuthType: "local"})
	if err != nil || account.ID != "tmp-1" || account.Status != client.StatusInvited || account.Email != "a@example.com" {
		t.Fatalf("InviteAccount = %+v, %v", account, err)
	}
}

// statefulRole is a one-role server whose ETag changes on each PATCH; failFirstPatch applies the
// first PATCH and then answers 503, as a gateway losing the answer would.
type statefulRole struct {
	mu             sync.Mutex
	rec            recorder
	name           string
	etag           int
	failFirstPatch bool
	// changeBehind renames the role as another writer would, right after the first PATCH.
	changeBehind string
	// etagForm, when set, is how GET writes the ETag (quoted, weak); a PATCH must send it bare.
	etagForm string
}

func (s *statefulRole) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.rec.note(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		etag := fmt.Sprint(s.etag)
		if s.etagForm != "" {
			etag = fmt.Sprintf(s.etagForm, s.etag)
		}
		w.Header().Set("ETag", etag)
		body, _ := json.Marshal(map[string]any{"id": "r1", "name": s.name, "type": "custom", "permissionKeys": []string{}})
		writeJSON(w, 200, string(body))
	case http.MethodPatch:
		if r.Header.Get("If-Match") != fmt.Sprint(s.etag) {
			writeJSON(w, 412, `{"error":{"code":"ConditionNotMet","message":"Precondition failed.","innererror":{"code":"ETag check failed"}}}`)
			return
		}
		var patch client.RolePatch
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &patch)
		if patch.Name != nil {
			s.name = *patch.Name
		}
		s.etag++
		if s.failFirstPatch {
			s.failFirstPatch = false
			if s.changeBehind != "" {
				s.name = s.changeBehind
				s.etag++
			}
			writeJSON(w, 503, `{"error":{"code":"ServiceUnavailable","message":"lost"}}`)
			return
		}
		w.WriteHeader(204)
	}
}

func TestUpdateSendsIfMatchAndStopsAt412(t *testing.T) {
	srv := &statefulRole{name: "a", etag: 7}
	c := newHandlerClient(t, srv.ServeHTTP)
	ctx := context.Background()
	name := "b"
	if err := c.UpdateRole(ctx, "r1", "", client.RolePatch{Name: &name}); err != nil {
		t.Fatalf("UpdateRole without an ETag: %v", err)
	}
	if srv.rec.count("GET /v3.0/iam/roles/r1") != 1 || !slices.Equal(srv.rec.ifMatch, []string{"7"}) {
		t.Errorf("requests %v with If-Match %v; want a GET for the ETag, then PATCH with If-Match 7", srv.rec.requests, srv.rec.ifMatch)
	}
	err := c.UpdateRole(ctx, "r1", "7", client.RolePatch{Name: &name})
	if !client.IsPreconditionFailed(err) {
		t.Fatalf("UpdateRole with a stale ETag: %v, want a 412", err)
	}
	if srv.rec.count("PATCH /v3.0/iam/roles/r1") != 2 {
		t.Errorf("the 412 was retried: %v", srv.rec.requests)
	}
	want := "PATCH /v3.0/iam/roles/r1: 412 ConditionNotMet: Precondition failed. (ETag check failed)"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

// TestIfMatchIsSentBare: however the ETag was quoted, If-Match carries it without quotes or a weak
// prefix, as Trend's SDK sends it and its mock requires.
func TestIfMatchIsSentBare(t *testing.T) {
	for _, form := range []string{`"%d"`, `W/"%d"`, `%d`} {
		srv := &statefulRole{name: "a", etag: 7, etagForm: form}
		c := newHandlerClient(t, srv.ServeHTTP)
		name := "b"
		if err := c.UpdateRole(context.Background(), "r1", "", client.RolePatch{Name: &name}); err != nil {
			t.Errorf("ETag %s: UpdateRole: %v", fmt.Sprintf(form, 7), err)
		}
		if err := c.UpdateRole(context.Background(), "r1", fmt.Sprintf(form, 8), client.RolePatch{Name: &name}); err != nil {
			t.Errorf("ETag %s given: UpdateRole: %v", fmt.Sprintf(form, 8), err)
		}
		if !slices.Equal(srv.rec.ifMatch, []string{"7", "8"}) {
			t.Errorf("ETag %s: If-Match sent %q, want [7 8]", form, srv.rec.ifMatch)
		}
	}
}

func TestRetriedPatchMeetingItsOwnEffect(t *testing.T) {
	ctx := context.Background()
	name := "b"

	applied := &statefulRole{name: "a", etag: 1, failFirstPatch: true}
	c := newHandlerClient(t, applied.ServeHTTP)
	if err := c.UpdateRole(ctx, "r1", "1", client.RolePatch{Name: &name}); err != nil {
		t.Errorf("a retried PATCH whose first attempt applied failed: %v", err)
	}
	if applied.name != "b" || applied.rec.count("PATCH /v3.0/iam/roles/r1") != 2 {
		t.Errorf("name %q after %v", applied.name, applied.rec.requests)
	}

	overwritten := &statefulRole{name: "a", etag: 1, failFirstPatch: true, changeBehind: "c"}
	c = newHandlerClient(t, overwritten.ServeHTTP)
	if err := c.UpdateRole(ctx, "r1", "1", client.RolePatch{Name: &name}); !client.IsPreconditionFailed(err) {
		t.Errorf("a retried PATCH overtaken by another writer gave %v, want the 412", err)
	}
	if overwritten.name != "c" {
		t.Errorf("the other writer's change was overwritten: name %q", overwritten.name)
	}
}

func TestDeleteRetriedAfterAmbiguousFailure(t *testing.T) {
	rec := &recorder{}
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		if rec.count("DELETE /v3.0/iam/accounts/a1") == 1 {
			writeJSON(w, 502, `{"error":{"code":"BadGateway","message":"lost"}}`)
			return
		}
		writeJSON(w, 404, `{"error":{"code":"NotFound","message":"Not found"}}`)
	})
	if err := c.DeleteAccount(context.Background(), "a1"); err != nil {
		t.Errorf("DeleteAccount whose first attempt deleted the account: %v", err)
	}
	if err := c.DeleteAccount(context.Background(), "a1"); !client.IsNotFound(err) {
		t.Errorf("DeleteAccount of an absent account: %v, want IsNotFound", err)
	}
}

func TestCreateNeverResentBlindly(t *testing.T) {
	ctx := context.Background()
	rolesAt := func(stamp string) string {
		return `{"items":[{"id":"r1","name":"ops","type":"custom","permissionKeys":[],"lastUpdatedDateTime":"` + stamp + `"}]}`
	}
	t.Run("created by the failed attempt: adopted", func(t *testing.T) {
		rec := &recorder{}
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			rec.note(r)
			w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
			switch r.Method + " " + r.URL.Path {
			case "POST /v3.0/iam/roles":
				writeJSON(w, 504, `{"error":{"code":"GatewayTimeout","message":"late"}}`)
			case "GET /v3.0/iam/roles":
				if r.Header.Get("TMV1-Filter") != "name eq 'ops'" {
					t.Errorf("lookup filter %q", r.Header.Get("TMV1-Filter"))
				}
				writeJSON(w, 200, rolesAt(time.Now().UTC().Format(time.RFC3339)))
			case "GET /v3.0/iam/roles/r1":
				writeJSON(w, 200, `{"id":"r1","name":"ops","type":"custom","permissionKeys":[]}`)
			}
		})
		role, err := c.CreateRole(ctx, client.RoleCreate{Name: "ops"})
		if err != nil || role.ID != "r1" {
			t.Fatalf("CreateRole = %+v, %v", role, err)
		}
		if rec.count("POST /v3.0/iam/roles") != 1 {
			t.Errorf("the create was sent %d times", rec.count("POST /v3.0/iam/roles"))
		}
	})
	t.Run("older role of that name: duplicate, not adopted", func(t *testing.T) {
		rec := &recorder{}
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			rec.note(r)
			w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
			switch r.Method + " " + r.URL.Path {
			case "POST /v3.0/iam/roles":
				dropConnection(t, w)
			case "GET /v3.0/healthcheck/connectivity":
				writeJSON(w, 200, available)
			case "GET /v3.0/iam/roles":
				writeJSON(w, 200, rolesAt("2020-01-01T00:00:00Z"))
			}
		})
		_, err := c.CreateRole(ctx, client.RoleCreate{Name: "ops"})
		if !client.IsAlreadyExists(err) || rec.count("POST /v3.0/iam/roles") != 1 {
			t.Fatalf("CreateRole = %v after %v; want a duplicate error after one POST", err, rec.requests)
		}
	})
	t.Run("not created: sent again", func(t *testing.T) {
		rec := &recorder{}
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			rec.note(r)
			switch r.Method + " " + r.URL.Path {
			case "POST /v3.0/iam/roles":
				if rec.count("POST /v3.0/iam/roles") == 1 {
					writeJSON(w, 500, `{"error":{"code":"InternalServerError","message":"oops"}}`)
					return
				}
				writeJSON(w, 201, `{"id":"r2"}`)
			case "GET /v3.0/iam/roles":
				writeJSON(w, 200, `{"items":[]}`)
			case "GET /v3.0/iam/roles/r2":
				writeJSON(w, 200, `{"id":"r2","name":"ops","type":"custom","permissionKeys":[]}`)
			}
		})
		role, err := c.CreateRole(ctx, client.RoleCreate{Name: "ops"})
		// The lookup asks the filter, then the whole list: names are unique regardless of case.
		if err != nil || role.ID != "r2" || rec.count("POST /v3.0/iam/roles") != 2 || rec.count("GET /v3.0/iam/roles") != 2 {
			t.Fatalf("CreateRole = %+v, %v after %v; want a lookup between two POSTs", role, err, rec.requests)
		}
	})
	// A create that keeps failing without a clear answer is looked up and sent again until the
	// retries run out, and its error says how often it was sent, as any retried request's does.
	for name, fail := range map[string]func(w http.ResponseWriter){
		"5xx every time": func(w http.ResponseWriter) {
			writeJSON(w, 500, `{"error":{"code":"InternalServerError","message":"oops"}}`)
		},
		"connection dropped every time": func(w http.ResponseWriter) { dropConnection(t, w) },
	} {
		t.Run(name+": the attempts are counted", func(t *testing.T) {
			rec := &recorder{}
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				rec.note(r)
				w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
				switch r.Method + " " + r.URL.Path {
				case "POST /v3.0/iam/roles", "POST /v3.0/iam/accounts", "POST " + createKeysPath:
					fail(w)
				case "GET /v3.0/healthcheck/connectivity":
					writeJSON(w, 200, available)
				default:
					writeJSON(w, 200, `{"items":[]}`)
				}
			}, func(cfg *client.Config) { cfg.MaxRetries = 2 })
			for what, create := range map[string]func() error{
				"role": func() error { _, err := c.CreateRole(ctx, client.RoleCreate{Name: "ops"}); return err },
				"invitation": func() error {
					_, err := c.InviteAccount(ctx, client.AccountInvite{Email: "a@example.com", Role: "Analyst", AuthType: client.AuthTypeLocal})
					return err
				},
				"API key": func() error { _, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: "ci", Role: "SIEM"}); return err },
			} {
				err := create()
				var answer *client.APIError
				var reqErr *client.RequestError
				attempts := 0
				switch {
				case errors.As(err, &answer):
					attempts = answer.Attempts
				case errors.As(err, &reqErr):
					attempts = reqErr.Attempts
				}
				if attempts != 3 || !strings.Contains(err.Error(), "after 3 attempts") {
					t.Errorf("%s: error %v (%d attempts), want it to say that the create was sent 3 times", what, err, attempts)
				}
			}
		})
	}
	t.Run("429 is retried without a lookup", func(t *testing.T) {
		rec := &recorder{}
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			rec.note(r)
			switch r.Method + " " + r.URL.Path {
			case "POST /v3.0/iam/accounts":
				if rec.count("POST /v3.0/iam/accounts") == 1 {
					writeJSON(w, 429, `{"error":{"code":"TooManyRequests","message":"slow"}}`)
					return
				}
				writeJSON(w, 201, `{"id":"a1"}`)
			case "GET /v3.0/iam/accounts/a1":
				writeJSON(w, 200, `{"id":"a1","email":"a@example.com"}`)
			default:
				t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			}
		})
		if _, err := c.InviteAccount(ctx, client.AccountInvite{Email: "a@example.com"}); err != nil {
			t.Fatalf("InviteAccount: %v", err)
		}
	})
}

func TestAPIKeyAmbiguousCreateWithOlderKeyOfThatName(t *testing.T) {
	rec := &recorder{}
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
		switch r.Method + " " + r.URL.Path {
		case "POST /v3.0/iam/apiKeys":
			writeJSON(w, 503, `{"error":{"code":"ServiceUnavailable","message":"down"}}`)
		case "GET /v3.0/iam/apiKeys":
			writeJSON(w, 200, `{"items":[{"id":"old","name":"Splunk","role":"SIEM","status":"enabled","createdDateTime":"2024-01-01T00:00:00Z"}]}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	_, err := c.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "splunk", Role: "SIEM"})
	if !client.IsAlreadyExists(err) {
		t.Fatalf("CreateAPIKey = %v, want a duplicate error", err)
	}
	if rec.count("POST /v3.0/iam/apiKeys/delete") != 0 || rec.count("POST /v3.0/iam/apiKeys") != 1 {
		t.Errorf("requests %v: someone else's key must not be deleted, nor the create re-sent", rec.requests)
	}
}

func TestPaginationFollowsNextLinkWithFilter(t *testing.T) {
	var mu sync.Mutex
	var filters, queries []string
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		filters = append(filters, r.Header.Get("TMV1-Filter"))
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		next := map[string]string{"top=200": "skipToken=p2", "skipToken=p2": "skipToken=p3"}[r.URL.RawQuery]
		link := ""
		if next != "" {
			link = `,"nextLink":"http://` + r.Host + r.URL.Path + "?" + next + `"`
		}
		writeJSON(w, 200, `{"items":[{"id":"`+r.URL.RawQuery+`"}]`+link+`}`)
	})
	filter := client.Eq("email", "o'brien+x@example.com")
	accounts, err := c.ListAccounts(context.Background(), filter)
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	if len(accounts) != 3 || accounts[2].ID != "skipToken=p3" {
		t.Errorf("accounts = %+v, want one from each of 3 pages", accounts)
	}
	if !slices.Equal(queries, []string{"top=200", "skipToken=p2", "skipToken=p3"}) {
		t.Errorf("queries = %v, want top=200 then the links as given", queries)
	}
	for _, f := range filters {
		if f != string(filter) {
			t.Errorf("filters sent = %q, want %q on every page", filters, filter)
		}
	}
}

// TestListAccountsWithRole selects the accounts by role from the list, which takes no role filter:
// the role's name exactly, letter case and spaces included, and the list's own filter still sent.
func TestListAccountsWithRole(t *testing.T) {
	var filters []string
	var mu sync.Mutex
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		filters = append(filters, r.Header.Get("TMV1-Filter"))
		mu.Unlock()
		writeJSON(w, 200, `{"items":[`+
			`{"id":"a1","email":"a1@example.com","role":"console-role"},`+
			`{"id":"a2","email":"a2@example.com","role":"Console-Role"},`+
			`{"id":"a3","email":"a3@example.com","role":"console-role "},`+
			`{"id":"a4","email":"a4@example.com","role":"Auditor"},`+
			`{"id":"a5","email":"a5@example.com","role":"console-role"}]}`)
	})
	ctx := context.Background()
	status := client.Eq("status", client.StatusEnabled)
	accounts, err := c.ListAccountsWithRole(ctx, status, "console-role")
	if err != nil {
		t.Fatalf("ListAccountsWithRole: %v", err)
	}
	var ids []string
	for _, a := range accounts {
		ids = append(ids, a.ID)
	}
	if !slices.Equal(ids, []string{"a1", "a5"}) {
		t.Errorf("accounts with the role console-role = %v, want [a1 a5]: the name exactly, in the list's order", ids)
	}
	all, err := c.ListAccountsWithRole(ctx, "", "")
	if err != nil || len(all) != 5 {
		t.Errorf("without a role: %d accounts, %v; want all 5", len(all), err)
	}
	if !slices.Equal(filters, []string{string(status), ""}) {
		t.Errorf("filters sent = %q, want the list's filter and no role in it", filters)
	}
}

func TestDeleteAPIKeysReportsFailedItems(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 207, `[{"status":204},{"status":404,"body":{"error":{"code":"NotFound","message":"Not found"}}},`+
			`{"status":403,"error":{"code":"AccessDenied","message":"Insufficient permissions."}}]`)
	})
	err := c.DeleteAPIKeys(context.Background(), "k1", "k2", "k3")
	var multi *client.MultiStatusError
	if !errors.As(err, &multi) || len(multi.Items) != 1 || multi.Items[0].Item != "k3" || apiStatus(err) != http.StatusForbidden {
		t.Fatalf("DeleteAPIKeys = %v, want one failed item k3 (403); the 404 counts as deleted", err)
	}
}

func TestFilterWithControlCharacterIsNotSent(t *testing.T) {
	rec := &recorder{}
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) { rec.note(r) })
	_, err := c.ListAccounts(context.Background(), client.Eq("email", "a@example.com\r\nX-Injected: 1"))
	if err == nil || !strings.Contains(err.Error(), "control character") || len(rec.requests) != 0 {
		t.Fatalf("err = %v after %v; want a refusal before any request", err, rec.requests)
	}
}

func TestListStopsOnLoopingOrBrokenPages(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3.0/iam/roles":
			writeJSON(w, 200, `{"items":[],"nextLink":"http://`+r.Host+`/v3.0/iam/roles?skipToken=same"}`)
		default:
			writeJSON(w, 200, `{"items":{"not":"a list"}}`)
		}
	})
	if _, err := c.ListRoles(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "same nextLink twice") {
		t.Errorf("a looping list gave %v", err)
	}
	if _, err := c.ListAPIKeys(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "could not be read") {
		t.Errorf("a malformed page gave %v", err)
	}
}

func TestCreatedAPIKeyIDFromItemLocation(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 207, `[{"status":201,"headers":[{"name":"location","value":"http://x/v3.0/iam/apiKeys/k7"}],`+
			`"body":{"value":"`+createdValue+`","expiredDateTime":"2027-01-01T00:00:00Z"}}]`)
	})
	created, err := c.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "n", Role: "SIEM"})
	if err != nil || created.ID != "k7" || !isSet(created.ExpiredDateTime) {
		t.Fatalf("CreateAPIKey = %+v, %v; want the id from the item's Location", created, err)
	}
}

func TestMalformedMultiStatus(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 207, `[{"status":204},{"status":204}]`)
	})
	err := c.DeleteAPIKeys(context.Background(), "only-one")
	if err == nil || !strings.Contains(err.Error(), "2 items for 1 requested") {
		t.Errorf("a 207 with the wrong number of items gave %v", err)
	}
	var multi *client.MultiStatusError
	if errors.As(err, &multi) {
		t.Errorf("a malformed answer was reported as failed items: %v", err)
	}
}

// TestUnusableAnswers: a success answer the client cannot use is an *AnswerError that carries the
// answer's status and trace id, and says whether the object of a create may exist.
func TestUnusableAnswers(t *testing.T) {
	const trace = "trace-of-the-answer"
	answer := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-trace-id", trace)
			if r.Method == http.MethodGet && r.URL.Path == "/v3.0/iam/roles" {
				writeJSON(w, http.StatusOK, `{"items":[]}`) // the lookup after a create finds nothing
				return
			}
			writeJSON(w, status, body)
		}
	}
	tests := map[string]struct {
		handler  http.HandlerFunc
		call     func(*client.Client) error
		want     client.AnswerError
		wantText string
	}{
		"a GET whose body is not JSON": {
			handler: answer(http.StatusOK, `{"id":`),
			call: func(c *client.Client) error {
				_, err := c.GetRole(context.Background(), "r1")
				return err
			},
			want:     client.AnswerError{Method: http.MethodGet, Path: "/v3.0/iam/roles/r1", StatusCode: http.StatusOK},
			wantText: "GET /v3.0/iam/roles/r1: the 200 answer could not be used: its body could not be read: unexpected end of JSON input [trace id " + trace + "]",
		},
		"a GET answered with the object in an envelope": {
			handler: answer(http.StatusOK, `{"data":{"id":"r1","name":"ops"}}`),
			call: func(c *client.Client) error {
				_, err := c.GetRole(context.Background(), "r1")
				return err
			},
			want: client.AnswerError{Method: http.MethodGet, Path: "/v3.0/iam/roles/r1", StatusCode: http.StatusOK},
			wantText: `GET /v3.0/iam/roles/r1: the 200 answer could not be used: its body has no id, so it is not the object ` +
				`asked for (its members: "data") [trace id ` + trace + "]",
		},
		"a GET answered with another object": {
			handler: answer(http.StatusOK, `{"id":"k2","name":"other"}`),
			call: func(c *client.Client) error {
				_, err := c.GetAPIKey(context.Background(), "k1")
				return err
			},
			want: client.AnswerError{Method: http.MethodGet, Path: "/v3.0/iam/apiKeys/k1", StatusCode: http.StatusOK},
			wantText: `GET /v3.0/iam/apiKeys/k1: the 200 answer could not be used: its body is the object with the id "k2", ` +
				`not the one asked for [trace id ` + trace + "]",
		},
		"a list page without items": {
			handler: answer(http.StatusOK, `{"totalCount":0,"count":0}`),
			call: func(c *client.Client) error {
				_, err := c.ListAccounts(context.Background(), "")
				return err
			},
			want: client.AnswerError{Method: http.MethodGet, Path: "/v3.0/iam/accounts", StatusCode: http.StatusOK},
			wantText: "GET /v3.0/iam/accounts: the 200 answer could not be used: its body has no items, so it is no page " +
				"of the list [trace id " + trace + "]",
		},
		"a delete answered with an item too many": {
			handler: answer(http.StatusMultiStatus, `[{"status":204},{"status":204}]`),
			call:    func(c *client.Client) error { return c.DeleteAPIKeys(context.Background(), "k1") },
			want:    client.AnswerError{Method: http.MethodPost, Path: "/v3.0/iam/apiKeys/delete", StatusCode: http.StatusMultiStatus},
			wantText: "POST /v3.0/iam/apiKeys/delete: the 207 answer could not be used: 2 items for 1 requested [trace id " +
				trace + "]",
		},
		"a role created without its id, then not found": {
			handler: answer(http.StatusCreated, `{}`),
			call: func(c *client.Client) error {
				_, err := c.CreateRole(context.Background(), client.RoleCreate{Name: "Lost", PermissionKeys: []string{"p"}})
				return err
			},
			want: client.AnswerError{Method: http.MethodPost, Path: "/v3.0/iam/roles", StatusCode: http.StatusCreated, MayExist: true},
			wantText: "POST /v3.0/iam/roles: the 201 answer could not be used: no id for the new role (none in the body, " +
				"no Location), and no role matching the request could be found [trace id " + trace + "]",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := tc.call(newHandlerClient(t, tc.handler))
			var got *client.AnswerError
			if !errors.As(err, &got) {
				t.Fatalf("error = %v, want an *AnswerError", err)
			}
			want := tc.want
			want.TraceID, want.Problem = trace, got.Problem
			if *got != want || err.Error() != tc.wantText {
				t.Errorf("error = %#v\n%s\nwant %#v\n%s", *got, err, want, tc.wantText)
			}
		})
	}
}

func TestIDsAreEscapedOnce(t *testing.T) {
	const id = "a/b c%d'e"
	var got string
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		writeJSON(w, 200, fmt.Sprintf(`{"id":%q}`, id))
	})
	if _, err := c.GetAccount(context.Background(), id, ""); err != nil {
		t.Fatal(err)
	}
	segment, ok := strings.CutPrefix(got, "/v3.0/iam/accounts/")
	if !ok || strings.Contains(segment, "/") {
		t.Fatalf("path %q: the id is not one segment", got)
	}
	if back, err := url.PathUnescape(segment); err != nil || back != id {
		t.Errorf("segment %q unescapes to %q, want %q", segment, back, id)
	}
}

func TestAPIKeyAmbiguousCreateWithUndatedKeyOfThatName(t *testing.T) {
	rec := &recorder{}
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		switch r.Method + " " + r.URL.Path {
		case "POST /v3.0/iam/apiKeys":
			dropConnection(t, w)
		case "GET /v3.0/iam/apiKeys":
			writeJSON(w, 200, `{"items":[{"id":"k1","name":"splunk","role":"SIEM","status":"enabled"}]}`)
		case "GET /v3.0/healthcheck/connectivity":
			writeJSON(w, 200, available)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	_, err := c.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "splunk", Role: "SIEM"})
	if !client.IsAlreadyExists(err) || !strings.Contains(err.Error(), "does not say when it was created") {
		t.Fatalf("CreateAPIKey = %v, want a duplicate error explaining the key cannot be dated", err)
	}
	// The client found the key itself: the error claims no answer of the API.
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !apiErr.FoundByClient() || apiErr.StatusCode != 0 ||
		!strings.Contains(err.Error(), "POST /v3.0/iam/apiKeys got no clear answer, and an API key named") ||
		strings.Contains(err.Error(), "400") {
		t.Errorf("CreateAPIKey = %v, want an error found by the client, with no HTTP status", err)
	}
	if rec.count("POST /v3.0/iam/apiKeys/delete") != 0 {
		t.Error("a key that cannot be dated was deleted")
	}
}

// TestNextLinkIsFollowedOnTheBaseURL: whatever scheme and host a nextLink names, its path and query
// go to the base URL, as Trend's SDK sends them, so the key goes nowhere else; behind an endpoint
// with a path, a link with the API's own path or with the endpoint's one both go below the
// endpoint's path.
func TestNextLinkIsFollowedOnTheBaseURL(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		writeJSON(w, 200, `{"items":[]}`)
	}))
	t.Cleanup(other.Close)
	for name, tc := range map[string]struct {
		endpointPath string
		link         func(host string) string
	}{
		"another host":   {"", func(string) string { return other.URL + "/v3.0/iam/accounts?skipToken=p2" }},
		"another scheme": {"", func(host string) string { return "https://" + host + "/v3.0/iam/accounts?skipToken=p2" }},
		"a host name of the API": {"", func(host string) string {
			return "http://localhost:" + host[strings.LastIndex(host, ":")+1:] + "/v3.0/iam/accounts?skipToken=p2"
		}},
		"the API's path behind an endpoint path": {"/visionone", func(string) string {
			return other.URL + "/v3.0/iam/accounts?skipToken=p2"
		}},
		"the endpoint's path": {"/visionone", func(host string) string {
			return "http://" + host + "/visionone/v3.0/iam/accounts?skipToken=p2"
		}},
	} {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var requests []string
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests = append(requests, r.URL.RequestURI())
				mu.Unlock()
				if r.URL.Query().Has("skipToken") {
					writeJSON(w, 200, `{"items":[{"id":"b"}]}`)
					return
				}
				writeJSON(w, 200, `{"items":[{"id":"a"}],"nextLink":"`+tc.link(r.Host)+`"}`)
			}, func(cfg *client.Config) { cfg.Endpoint += tc.endpointPath })
			accounts, err := c.ListAccounts(context.Background(), "")
			if err != nil || len(accounts) != 2 {
				t.Fatalf("ListAccounts = %+v, %v; want both pages", accounts, err)
			}
			want := []string{tc.endpointPath + "/v3.0/iam/accounts?top=200", tc.endpointPath + "/v3.0/iam/accounts?skipToken=p2"}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(requests, want) {
				t.Errorf("requests = %q, want %q", requests, want)
			}
		})
	}
	if elsewhere.Load() != 0 {
		t.Errorf("the other host got %d requests, want none", elsewhere.Load())
	}
}

// TestNextLinkOutsideTheAPIIsNotFollowed: a nextLink whose path is not under the API's /v3.0 ends
// the listing with an error; nothing is sent for it.
func TestNextLinkOutsideTheAPIIsNotFollowed(t *testing.T) {
	for name, path := range map[string]string{
		"another version":         "/v2.0/iam/accounts?skipToken=p2",
		"another path":            "/admin?skipToken=p2",
		"a prefix of the version": "/v3.0x/iam/accounts?skipToken=p2",
		"dot segments":            "/v3.0/../admin?skipToken=p2",
		"escaped dot segments":    "/v3.0/%2e%2e/admin?skipToken=p2",
	} {
		t.Run(name, func(t *testing.T) {
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Has("skipToken") {
					t.Errorf("the link was followed: %s", r.URL)
				}
				writeJSON(w, 200, `{"items":[{"id":"a"}],"nextLink":"http://`+r.Host+path+`"}`)
			})
			_, err := c.ListAccounts(context.Background(), "")
			if err == nil || !strings.Contains(err.Error(), "outside the API's /v3.0; not following it") {
				t.Errorf("ListAccounts error = %v, want the link refused", err)
			}
		})
	}
}

// TestPermissionCatalogTakesNoPagingParameters: the catalog endpoint has no top parameter, so the
// client sends none there, and still follows a nextLink.
func TestPermissionCatalogTakesNoPagingParameters(t *testing.T) {
	var queries []string
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		if r.URL.RawQuery == "" {
			writeJSON(w, 200, `{"items":[{"key":"a.view"}],"nextLink":"http://`+r.Host+r.URL.Path+`?skipToken=p2"}`)
			return
		}
		writeJSON(w, 200, `{"items":[{"key":"b.view"}]}`)
	})
	permissions, err := c.ListPermissions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(permissions) != 2 || !slices.Equal(queries, []string{"", "skipToken=p2"}) {
		t.Errorf("got %d permissions with queries %q; want 2, the first request without a query", len(permissions), queries)
	}
}

// TestRolePatchClearsPermissionsOnlyWhenAsked sends a patch that empties the permission list and
// one that leaves it alone: the first must carry "permissionKeys":[] (an empty list clears the
// role's permissions), the second no permissionKeys at all (absent means unchanged).
func TestRolePatchClearsPermissionsOnlyWhenAsked(t *testing.T) {
	var bodies []string
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			return
		}
		body, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(body))
		w.WriteHeader(204)
	})
	ctx := context.Background()
	if err := c.UpdateRole(ctx, "r1", "e1", client.RolePatch{PermissionKeys: &[]string{}}); err != nil {
		t.Fatalf("UpdateRole clearing the permissions: %v", err)
	}
	name := "ops"
	if err := c.UpdateRole(ctx, "r1", "e1", client.RolePatch{Name: &name}); err != nil {
		t.Fatalf("UpdateRole renaming: %v", err)
	}
	want := []string{`{"permissionKeys":[]}`, `{"name":"ops"}`}
	if !slices.Equal(bodies, want) {
		t.Errorf("PATCH bodies = %q, want %q", bodies, want)
	}
}
