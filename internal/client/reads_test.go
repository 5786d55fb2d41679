package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// These tests cover success answers that are not what was asked for: a single GET answered with
// something other than the object (API.md, "Single reads"), and a list page without its items
// (API.md, "Pagination"). A state written from either would lose objects that exist.

const answerTrace = "trace-of-the-answer"

// singleRead is one way to read one object by id.
type singleRead struct {
	collection string
	read       func(context.Context, *client.Client, string) error
	// object is the JSON of an object of the collection with the id %[1]q.
	object string
}

var singleReads = map[string]singleRead{
	"GetRole": {"/v3.0/iam/roles/", func(ctx context.Context, c *client.Client, id string) error {
		_, err := c.GetRole(ctx, id)
		return err
	}, `{"id":%[1]q,"name":"ops","type":"custom","permissionKeys":["a"]}`},
	"RefreshRole": {"/v3.0/iam/roles/", func(ctx context.Context, c *client.Client, id string) error {
		_, err := c.RefreshRole(ctx, id)
		return err
	}, `{"id":%[1]q,"name":"ops","type":"custom","permissionKeys":["a"]}`},
	"GetAPIKey": {"/v3.0/iam/apiKeys/", func(ctx context.Context, c *client.Client, id string) error {
		_, err := c.GetAPIKey(ctx, id)
		return err
	}, `{"id":%[1]q,"name":"ci","role":"SIEM","status":"enabled"}`},
	"RefreshAPIKey": {"/v3.0/iam/apiKeys/", func(ctx context.Context, c *client.Client, id string) error {
		_, err := c.RefreshAPIKey(ctx, id)
		return err
	}, `{"id":%[1]q,"name":"ci","role":"SIEM","status":"enabled"}`},
	// An invitation: only its acceptance gives an account another id (API.md, "Accounts: lifecycle").
	"GetAccount": {"/v3.0/iam/accounts/", func(ctx context.Context, c *client.Client, id string) error {
		_, err := c.GetAccount(ctx, id, "")
		return err
	}, `{"id":%[1]q,"email":"a@example.com","authType":"local","role":"Auditor","status":"invited"}`},
	"RefreshAccount": {"/v3.0/iam/accounts/", func(ctx context.Context, c *client.Client, id string) error {
		_, err := c.RefreshAccount(ctx, id, "")
		return err
	}, `{"id":%[1]q,"email":"a@example.com","authType":"local","role":"Auditor","status":"invited"}`},
}

// answering serves body, with a trace id, to every GET of path; anything else is a 404.
func answering(path, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-trace-id", answerTrace)
		if r.Method == http.MethodGet && r.URL.Path == path {
			writeJSON(w, http.StatusOK, body)
			return
		}
		writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"Not found"}}`)
	}
}

// wantUnusable fails the test unless err is an *AnswerError of the 200 answer to GET path that
// carries the answer's trace id, and is not taken for a 404.
func wantUnusable(t *testing.T, err error, path string) {
	t.Helper()
	var answer *client.AnswerError
	if !errors.As(err, &answer) {
		t.Fatalf("error = %v, want an *AnswerError", err)
	}
	if answer.Method != http.MethodGet || answer.Path != path || answer.StatusCode != http.StatusOK ||
		answer.TraceID != answerTrace || answer.Problem == "" {
		t.Errorf("error = %#v, want GET %s, status 200, trace id %s and a problem", *answer, path, answerTrace)
	}
	if client.IsNotFound(err) {
		t.Errorf("error %v is taken for a 404: the object would leave the state", err)
	}
}

// TestSingleReadsMustAnswerTheObject: a 200 to a single GET whose body has no id (`{}`, `null`,
// the object inside an envelope, a role's permission keys alone) or is another object is an
// *AnswerError with the answer's status and trace id.
func TestSingleReadsMustAnswerTheObject(t *testing.T) {
	const id = "9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0"
	for name, read := range singleReads {
		bodies := map[string]string{
			"an empty object":           `{}`,
			"null":                      `null`,
			"the object in an envelope": `{"data":` + fmt.Sprintf(read.object, id) + `}`,
			"the permission keys alone": `{"permissionKeys":[]}`,
			"another object":            fmt.Sprintf(read.object, "4d5d11b1-84d3-403f-8bfd-85af78933c7a"),
			"an empty id":               fmt.Sprintf(read.object, ""),
		}
		for what, body := range bodies {
			t.Run(name+"/"+what, func(t *testing.T) {
				t.Parallel()
				c := newHandlerClient(t, answering(read.collection+id, body))
				wantUnusable(t, read.read(context.Background(), c, id), read.collection+id)
			})
		}
	}
}

// TestSingleReadsCompareIDsRegardlessOfCase: a UUID means the same in either case, so an answer
// that spells the id asked for in other letters is that object.
func TestSingleReadsCompareIDsRegardlessOfCase(t *testing.T) {
	const id = "9d7d1f42-2ac9-412a-a5f9-d90bbdbe4dc0"
	for name, read := range singleReads {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newHandlerClient(t, answering(read.collection+id, fmt.Sprintf(read.object, strings.ToUpper(id))))
			if err := read.read(context.Background(), c, id); err != nil {
				t.Errorf("an answer with the id in capitals: %v", err)
			}
		})
	}
}

// TestReadsAroundWritesMustAnswerTheObject: the reads a write makes (the ETag before an update,
// the role after its create) refuse an answer that is not the object, as any single GET does: an
// update sends nothing, and a created role keeps the id its create answered.
func TestReadsAroundWritesMustAnswerTheObject(t *testing.T) {
	ctx := context.Background()
	t.Run("role created, read back as its permission keys alone", func(t *testing.T) {
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-trace-id", answerTrace)
			switch r.Method + " " + r.URL.Path {
			case "POST /v3.0/iam/roles":
				w.Header().Set("Location", "http://"+r.Host+"/v3.0/iam/roles/r9")
				w.WriteHeader(http.StatusCreated)
			case "GET /v3.0/iam/roles/r9":
				writeJSON(w, http.StatusOK, `{"permissionKeys":[]}`)
			default:
				writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"Not found"}}`)
			}
		})
		role, err := c.CreateRole(ctx, client.RoleCreate{Name: "ops", PermissionKeys: []string{"a"}})
		var readBack *client.ReadBackError
		if !errors.As(err, &readBack) {
			t.Fatalf("CreateRole error = %v, want a *ReadBackError", err)
		}
		wantUnusable(t, err, "/v3.0/iam/roles/r9")
		if role == nil || role.ID != "r9" || role.Name != "ops" {
			t.Errorf("CreateRole = %+v, want the role r9 as the request described it", role)
		}
	})
	updates := map[string]struct {
		path   string
		update func(*client.Client) error
	}{
		"UpdateRole": {"/v3.0/iam/roles/r1", func(c *client.Client) error {
			name := "b"
			return c.UpdateRole(ctx, "r1", "", client.RolePatch{Name: &name})
		}},
		"UpdateAPIKey": {"/v3.0/iam/apiKeys/k1", func(c *client.Client) error {
			name := "b"
			return c.UpdateAPIKey(ctx, "k1", "", client.APIKeyPatch{Name: &name})
		}},
		"UpdateAccount": {"/v3.0/iam/accounts/a1", func(c *client.Client) error {
			description := "b"
			return c.UpdateAccount(ctx, "a1", "", client.AccountPatch{Description: &description})
		}},
	}
	for name, tc := range updates {
		t.Run(name+" reading its ETag as {}", func(t *testing.T) {
			rec := &recorder{}
			handler := answering(tc.path, `{}`)
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				rec.note(r)
				handler(w, r)
			})
			wantUnusable(t, tc.update(c), tc.path)
			if n := rec.count("PATCH " + tc.path); n != 0 {
				t.Errorf("%d PATCH sent after an answer that was not the object", n)
			}
		})
	}
}

// TestListPagesMustHaveItems: a page without an items member is no page of the list (API.md,
// "Pagination"): an *AnswerError, on the first page as on a later one, never an empty list. Items
// null or [] are an empty page.
func TestListPagesMustHaveItems(t *testing.T) {
	lists := map[string]struct {
		path string
		list func(*client.Client) (int, error)
	}{
		"ListRoles": {"/v3.0/iam/roles", func(c *client.Client) (int, error) {
			items, err := c.ListRoles(context.Background(), "")
			return len(items), err
		}},
		"ListAPIKeys": {"/v3.0/iam/apiKeys", func(c *client.Client) (int, error) {
			items, err := c.ListAPIKeys(context.Background(), "")
			return len(items), err
		}},
		"ListAccounts": {"/v3.0/iam/accounts", func(c *client.Client) (int, error) {
			items, err := c.ListAccounts(context.Background(), "")
			return len(items), err
		}},
		"ListPermissions": {"/v3.0/iam/roles/permissionKeys", func(c *client.Client) (int, error) {
			items, err := c.ListPermissions(context.Background())
			return len(items), err
		}},
	}
	for name, tc := range lists {
		for what, body := range map[string]string{"no member": `{"totalCount":0,"count":0}`, "null": `null`, "{}": `{}`} {
			t.Run(name+"/first page: "+what, func(t *testing.T) {
				t.Parallel()
				n, err := tc.list(newHandlerClient(t, answering(tc.path, body)))
				wantUnusable(t, err, tc.path)
				if n != 0 {
					t.Errorf("%d items returned with the error", n)
				}
			})
		}
		t.Run(name+"/second page without items", func(t *testing.T) {
			t.Parallel()
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("x-trace-id", answerTrace)
				if r.URL.Query().Has("skipToken") {
					writeJSON(w, http.StatusOK, `{"nextLink":""}`)
					return
				}
				writeJSON(w, http.StatusOK, `{"items":[],"nextLink":"http://`+r.Host+tc.path+`?skipToken=p2"}`)
			})
			_, err := tc.list(c)
			wantUnusable(t, err, tc.path)
		})
		for what, body := range map[string]string{"null": `{"items":null}`, "[]": `{"items":[],"totalCount":0,"count":0}`} {
			if name == "ListPermissions" {
				continue // a catalog without a permission is no catalog (TestPermissionCatalogMustHaveKeys)
			}
			t.Run(name+"/items "+what, func(t *testing.T) {
				t.Parallel()
				n, err := tc.list(newHandlerClient(t, answering(tc.path, body)))
				if err != nil || n != 0 {
					t.Errorf("got %d items, %v; want an empty list", n, err)
				}
			})
		}
	}
}

// TestAccountAnsweredUnderItsNewID: should the API answer an accepted invitation's temporary id
// with the account under its new id (API.md, "Accounts: lifecycle"), that account is read, unless
// it has another email than the caller knows (or is still invited: TestSingleReadsMustAnswerTheObject).
func TestAccountAnsweredUnderItsNewID(t *testing.T) {
	const temporary, accepted = "tmp-1", "4d5d11b1-84d3-403f-8bfd-85af78933c7a"
	c := newHandlerClient(t, answering("/v3.0/iam/accounts/"+temporary,
		`{"id":"`+accepted+`","email":"A@example.com","authType":"local","role":"Auditor","status":"enabled"}`))
	ctx := context.Background()
	for _, email := range []string{"a@example.com", ""} {
		account, err := c.GetAccount(ctx, temporary, email)
		if err != nil || account.ID != accepted {
			t.Errorf("GetAccount(%q) = %+v, %v; want the account under its new id", email, account, err)
		}
	}
	_, err := c.GetAccount(ctx, temporary, "b@example.com")
	wantUnusable(t, err, "/v3.0/iam/accounts/"+temporary)
	_, err = c.RefreshAccount(ctx, temporary, "b@example.com")
	wantUnusable(t, err, "/v3.0/iam/accounts/"+temporary)
}

// TestListItemsMustHaveIDs: a role, key or account listed without an id cannot be told apart from
// the others, nor read, updated or imported: the page is an *AnswerError. The permission catalog's
// items have keys, not ids (TestPermissionCatalogMustHaveKeys).
func TestListItemsMustHaveIDs(t *testing.T) {
	lists := map[string]struct {
		path string
		list func(*client.Client) error
	}{
		"ListRoles": {"/v3.0/iam/roles", func(c *client.Client) error {
			_, err := c.ListRoles(context.Background(), "")
			return err
		}},
		"RefreshRoleByName": {"/v3.0/iam/roles", func(c *client.Client) error {
			_, err := c.RefreshRoleByName(context.Background(), "ops")
			return err
		}},
		"ListAPIKeys": {"/v3.0/iam/apiKeys", func(c *client.Client) error {
			_, err := c.ListAPIKeys(context.Background(), "")
			return err
		}},
		"ListAccounts": {"/v3.0/iam/accounts", func(c *client.Client) error {
			_, err := c.ListAccounts(context.Background(), "")
			return err
		}},
	}
	for name, tc := range lists {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newHandlerClient(t, answering(tc.path, `{"items":[{"id":"r1","name":"a","permissionKeys":[]},`+
				`{"name":"ops","email":"a@example.com","permissionKeys":[]}]}`))
			wantUnusable(t, tc.list(c), tc.path)
		})
	}
	t.Run("ListPermissions", func(t *testing.T) {
		c := newHandlerClient(t, answering("/v3.0/iam/roles/permissionKeys", `{"items":[{"key":"a.view"}]}`))
		if permissions, err := c.ListPermissions(context.Background()); err != nil || len(permissions) != 1 {
			t.Errorf("ListPermissions = %v, %v; want the one permission", permissions, err)
		}
	})
}

// TestRolePermissionsMustHavePermissionKeys: the answer of /roles/{id}/permissions has one member,
// permissionKeys; without it, the role would be read as having no permission at all (API.md,
// "Decision: role bodies"). null is an empty list.
func TestRolePermissionsMustHavePermissionKeys(t *testing.T) {
	const path = "/v3.0/iam/roles/r1/permissions"
	serve := func(permissions string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-trace-id", answerTrace)
			switch r.URL.Path {
			case "/v3.0/iam/roles/r1":
				writeJSON(w, http.StatusOK, `{"id":"r1","name":"ops","type":"custom"}`)
			case path:
				writeJSON(w, http.StatusOK, permissions)
			default:
				writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"Not found"}}`)
			}
		}
	}
	for _, body := range []string{`{}`, `null`, `{"data":{"permissionKeys":["a"]}}`} {
		t.Run(body, func(t *testing.T) {
			_, err := newHandlerClient(t, serve(body)).GetRole(context.Background(), "r1")
			wantUnusable(t, err, path)
		})
	}
	role, err := newHandlerClient(t, serve(`{"permissionKeys":null}`)).GetRole(context.Background(), "r1")
	if err != nil || role.PermissionKeys == nil || len(role.PermissionKeys) != 0 {
		t.Errorf("GetRole with permissionKeys null = %+v, %v; want an empty, non-nil list", role, err)
	}
}

// TestPermissionCatalogMustHaveKeys: the catalog's body is not published (API.md, "Roles:
// permission catalog"). A catalog whose items carry no key (the key under another name, such as
// permissionKey) or that lists no permission at all is an *AnswerError, whatever page it is on,
// rather than a list of empty keys against which every key of every role would be unknown.
func TestPermissionCatalogMustHaveKeys(t *testing.T) {
	const path = "/v3.0/iam/roles/permissionKeys"
	for what, body := range map[string]string{
		"key under another name": `{"items":[{"permissionKey":"platform.userAccounts.view","displayName":"View"},` +
			`{"permissionKey":"platform.apiKeys.view","displayName":"View"}],"totalCount":2,"count":2}`,
		"one item without a key": `{"items":[{"key":"a.view","name":"View"},{"name":"Configure"}]}`,
		"an empty key":           `{"items":[{"key":"","name":"View"}]}`,
		"items null":             `{"items":null}`,
		"items []":               `{"items":[],"totalCount":0,"count":0}`,
	} {
		t.Run(what, func(t *testing.T) {
			t.Parallel()
			permissions, err := newHandlerClient(t, answering(path, body)).ListPermissions(context.Background())
			wantUnusable(t, err, path)
			if permissions != nil {
				t.Errorf("%d permissions returned with the error", len(permissions))
			}
		})
	}
	t.Run("every page empty", func(t *testing.T) {
		t.Parallel()
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-trace-id", answerTrace)
			if r.URL.Query().Has("skipToken") {
				writeJSON(w, http.StatusOK, `{"items":[]}`)
				return
			}
			writeJSON(w, http.StatusOK, `{"items":[],"nextLink":"http://`+r.Host+path+`?skipToken=p2"}`)
		})
		_, err := c.ListPermissions(context.Background())
		wantUnusable(t, err, path)
	})
	t.Run("keys on the second page", func(t *testing.T) {
		t.Parallel()
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Has("skipToken") {
				writeJSON(w, http.StatusOK, `{"items":[{"key":"a.view"}]}`)
				return
			}
			writeJSON(w, http.StatusOK, `{"items":[],"nextLink":"http://`+r.Host+path+`?skipToken=p2"}`)
		})
		if permissions, err := c.ListPermissions(context.Background()); err != nil || len(permissions) != 1 {
			t.Errorf("ListPermissions = %v, %v; want the one permission of the second page", permissions, err)
		}
	})
}
