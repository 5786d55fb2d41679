package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
)

const fuzzToken = "eyJhbGciOiJSUzI1NiJ9.eyJjaWQiOiJmdXp6In0.c2lnbmF0dXJl"

func TestDecodeError(t *testing.T) {
	trace := http.Header{"X-Trace-Id": {"123"}}
	tests := []struct {
		name   string
		method string
		path   string
		status int
		header http.Header
		body   string
		want   string
	}{
		{"412 envelope", "PATCH", "/v3.0/iam/roles/abc", 412, trace,
			`{"error":{"code":"ConditionNotMet","message":"Precondition failed.","innererror":{"code":"ETag check failed"}}}`,
			`PATCH /v3.0/iam/roles/abc: 412 ConditionNotMet: Precondition failed. (ETag check failed) [trace id 123]`},
		{"inner message and target", "POST", "/v3.0/iam/accounts", 400, nil,
			`{"error":{"code":"BadRequest","message":"Invalid request format.","target":"email","innererror":{"code":"InvalidParameter","message":"bad email"}}}`,
			`POST /v3.0/iam/accounts: 400 BadRequest: Invalid request format. (InvalidParameter: bad email; field email)`},
		{"inner message repeating the message", "POST", "/v3.0/iam/accounts", 400, nil,
			`{"error":{"code":"BadRequest","message":"Role not assignable.","target":"role","innererror":{"code":"RoleNotAssignable","message":"Role not assignable."}}}`,
			`POST /v3.0/iam/accounts: 400 BadRequest: Role not assignable. (RoleNotAssignable; field role)`},
		{"inner message only", "POST", "/v3.0/iam/accounts", 400, nil,
			`{"error":{"code":"BadRequest","message":"m","innererror":{"message":"details"}}}`,
			`POST /v3.0/iam/accounts: 400 BadRequest: m (details)`},
		{"flat 429", "GET", "/v3.0/iam/apiKeys", 429, nil, `{"code":"TooManyRequests","message":"Rate limit exceeded"}`,
			`GET /v3.0/iam/apiKeys: 429 TooManyRequests: Rate limit exceeded`},
		{"401 of the troubleshooting guide", "GET", "/v3.0/iam/roles", 401, nil,
			`{"error":{"code":"InvalidCredentials","message":"Invalid token, Authorization token invaild for header","innererror":{"code":"InvalidToken","service":"svp"}}}`,
			`GET /v3.0/iam/roles: 401 InvalidCredentials: Invalid token, Authorization token invaild for header (InvalidToken)`},
		{"empty body", "GET", "/v3.0/iam/roles", 403, nil, ``,
			`GET /v3.0/iam/roles: 403 Forbidden: the response had no error details`},
		{"plain text", "DELETE", "/v3.0/iam/roles/x", 500, nil, "upstream connect error\r\nor disconnect",
			`DELETE /v3.0/iam/roles/x: 500 Internal Server Error: upstream connect error or disconnect`},
		{"json without error", "GET", "/v3.0/iam/roles", 404, nil, `{"items":[]}`,
			`GET /v3.0/iam/roles: 404 Not Found: {"items":[]}`},
		{"token echoed back", "GET", "/v3.0/iam/roles", 401, nil, `{"error":{"code":"InvalidCredentials","message":"bad token ` + fuzzToken + `"}}`,
			`GET /v3.0/iam/roles: 401 InvalidCredentials: bad token ***`},
		{"bearer header echoed back", "GET", "/v3.0/iam/roles", 400, nil, `Authorization: Bearer abc.def`,
			`GET /v3.0/iam/roles: 400 Bad Request: Authorization: Bearer ***`},
		{"unknown status", "GET", "/x", 491, nil, `{"error":{"code":"InnerError","message":"m"}}`,
			`GET /x: 491 InnerError: m`},
		// A member in a form API.md does not show costs only itself, never the code and message.
		{"innererror a code as a string", "POST", "/v3.0/iam/apiKeys", 400, nil,
			`{"error":{"code":"RequestTimeout","message":"The request timed out.","innererror":"GatewayTimeout"}}`,
			`POST /v3.0/iam/apiKeys: 400 RequestTimeout: The request timed out. (GatewayTimeout)`},
		{"innererror a sentence", "POST", "/v3.0/iam/apiKeys", 400, nil,
			`{"error":{"code":"RequestTimeout","message":"m","innererror":"upstream took too long"}}`,
			`POST /v3.0/iam/apiKeys: 400 RequestTimeout: m (upstream took too long)`},
		{"innererror neither object nor string", "POST", "/v3.0/iam/apiKeys", 400, nil,
			`{"error":{"code":"BadRequest","message":"m","innererror":[1,2]}}`,
			`POST /v3.0/iam/apiKeys: 400 BadRequest: m`},
		{"target an array", "POST", "/v3.0/iam/accounts", 400, nil,
			`{"error":{"code":"BadRequest","message":"m","target":["email","role"]}}`,
			`POST /v3.0/iam/accounts: 400 BadRequest: m (field email, role)`},
		{"target an object", "POST", "/v3.0/iam/accounts", 400, nil,
			`{"error":{"code":"BadRequest","message":"m","target":{"name":"email"}}}`,
			`POST /v3.0/iam/accounts: 400 BadRequest: m`},
		{"code a number", "POST", "/v3.0/iam/accounts", 400, nil,
			`{"error":{"code":4001,"message":"m"}}`,
			`POST /v3.0/iam/accounts: 400 4001: m`},
		{"error a string", "GET", "/v3.0/iam/roles", 400, nil,
			`{"error":"invalid_request","message":"The request is missing a parameter."}`,
			`GET /v3.0/iam/roles: 400 invalid_request: The request is missing a parameter.`},
		{"message beside the error object", "GET", "/v3.0/iam/roles", 400, nil,
			`{"error":{"code":"BadRequest"},"message":"top-level message"}`,
			`GET /v3.0/iam/roles: 400 BadRequest: top-level message`},
		{"empty envelope", "GET", "/v3.0/iam/roles", 400, nil, `{"error":{},"detail":"not quoted"}`,
			`GET /v3.0/iam/roles: 400 Bad Request: the response had no error message`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeError(tt.method, tt.path, tt.status, tt.header, []byte(tt.body), []string{fuzzToken}).Error()
			if got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRequiredPermission(t *testing.T) {
	tests := []struct {
		method, path string
		want         string
	}{
		{"POST", "/v3.0/iam/apiKeys", "API Keys: Configure settings"},
		{"POST", "/v3.0/iam/apiKeys/delete", "API Keys: Configure settings"},
		{"GET", "/v3.0/iam/apiKeys/x", "API Keys: View"},
		{"GET", "/v3.0/iam/accounts/x", "User Accounts: View"},
		{"DELETE", "/v3.0/iam/accounts/x", "User Accounts: Configure account settings"},
		{"PATCH", "/v3.0/iam/roles/x", "User Roles: Configure user roles"},
		{"GET", "/v3.0/iam/roles/permissionKeys", "User Roles: View"},
		{"GET", "/v3.0/healthcheck/connectivity", ""},
	}
	for _, tt := range tests {
		e := &APIError{Method: tt.method, Path: tt.path, StatusCode: http.StatusForbidden}
		if got := e.RequiredPermission(); got != tt.want {
			t.Errorf("RequiredPermission() of %s %s = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestEditsAPIKey: only the PATCH of one key is an edit, which Vision One refuses for a key moved
// from the User Accounts app.
func TestEditsAPIKey(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		want         bool
	}{
		{"PATCH", "/v3.0/iam/apiKeys/x", true},
		{"PATCH", "/visionone/v3.0/iam/apiKeys/x", true},
		{"GET", "/v3.0/iam/apiKeys/x", false},
		{"POST", "/v3.0/iam/apiKeys", false},
		{"POST", "/v3.0/iam/apiKeys/delete", false},
		{"PATCH", "/v3.0/iam/roles/x", false},
	} {
		e := &APIError{Method: tt.method, Path: tt.path, StatusCode: http.StatusForbidden}
		if after, ok := strings.CutPrefix(tt.path, "/visionone"); ok {
			e.apiPath = after
		}
		if got := e.EditsAPIKey(); got != tt.want {
			t.Errorf("EditsAPIKey() of %s %s = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestRuleOf pins which requests a 403 explains by a Master Administrator rule: what the request
// sent decides, never a guess about the key.
func TestRuleOf(t *testing.T) {
	yes, no := true, false
	name := "renamed"
	tests := []struct {
		name string
		req  request
		want Rule
	}{
		{"account invite", request{method: "POST", path: accountsPath, body: AccountInvite{}}, RuleMasterAdministratorManagesAccounts},
		{"account patch", request{method: "PATCH", path: objectPath(accountsPath, "a"), body: AccountPatch{}}, RuleMasterAdministratorManagesAccounts},
		{"account delete", request{method: "DELETE", path: objectPath(accountsPath, "a")}, RuleMasterAdministratorManagesAccounts},
		{"account read", request{method: "GET", path: objectPath(accountsPath, "a")}, NoRule},
		{"role create with a flag", request{method: "POST", path: rolesPath, body: RoleCreate{AllowUserAccountAssignment: true}}, RuleMasterAdministratorSetsControlFlags},
		{"role create without flags", request{method: "POST", path: rolesPath, body: RoleCreate{Name: "r"}}, NoRule},
		{"role patch of a flag", request{method: "PATCH", path: objectPath(rolesPath, "r"), body: RolePatch{AllowAPIKeyAssignment: &no}}, RuleMasterAdministratorSetsControlFlags},
		{"role patch of a flag to true", request{method: "PATCH", path: objectPath(rolesPath, "r"), body: RolePatch{AllowUserAccountAssignment: &yes}}, RuleMasterAdministratorSetsControlFlags},
		{"role patch of the name", request{method: "PATCH", path: objectPath(rolesPath, "r"), body: RolePatch{Name: &name}}, NoRule},
		{"role delete", request{method: "DELETE", path: objectPath(rolesPath, "r")}, NoRule},
		{"API key create", request{method: "POST", path: apiKeysPath, body: []APIKeyCreate{{Name: "k"}}}, NoRule},
	}
	for _, tt := range tests {
		if got := ruleOf(tt.req); got != tt.want {
			t.Errorf("%s: ruleOf = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	wrapped := fmt.Errorf("reading: %w", &APIError{StatusCode: 404})
	if !IsNotFound(wrapped) || IsPreconditionFailed(wrapped) || IsNotFound(errors.New("404")) {
		t.Error("IsNotFound / IsPreconditionFailed do not look through wrapping correctly")
	}
	multi := &MultiStatusError{Method: "POST", Path: "/v3.0/iam/apiKeys/delete", Total: 2, Items: []*APIError{
		{Method: "POST", Path: "/v3.0/iam/apiKeys/delete", StatusCode: 403, Code: "AccessDenied", Message: "Insufficient permissions.", Item: "k1"},
	}}
	if !hasStatus(multi, http.StatusForbidden) || hasStatus(multi, http.StatusUnauthorized) {
		t.Error("the helpers do not see the items of a MultiStatusError")
	}
	want := `POST /v3.0/iam/apiKeys/delete: 1 of 2 items failed: POST /v3.0/iam/apiKeys/delete item "k1": 403 AccessDenied: Insufficient permissions.`
	if multi.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", multi.Error(), want)
	}
	dup := &APIError{StatusCode: 400, Code: "BadRequest", Message: "An API key with this name already exists."}
	if !IsAlreadyExists(dup) || IsAlreadyExists(&APIError{StatusCode: 400, Message: "bad"}) {
		t.Error("IsAlreadyExists does not tell a duplicate from another 400")
	}
	inUse := &APIError{Method: http.MethodDelete, Path: rolesPath + "/r1", StatusCode: 400, Code: "BadRequest", InnerCode: "ItemInUse"}
	if !IsRoleInUse(fmt.Errorf("deleting: %w", inUse)) || IsRoleInUse(&APIError{Method: http.MethodPatch, Path: rolesPath + "/r1", StatusCode: 400}) ||
		IsRoleInUse(&APIError{Method: http.MethodDelete, Path: rolesPath + "/r1", StatusCode: 404, InnerCode: "ItemInUse"}) ||
		IsRoleInUse(&APIError{Method: http.MethodDelete, Path: accountsPath + "/a1", StatusCode: 400, InnerCode: "ItemInUse"}) {
		t.Error("IsRoleInUse does not tell a refused role delete from other 400s")
	}
	// Only an answer that says the role is in use is one: Vision One refuses other deletes too.
	if !IsRoleInUse(&APIError{Method: http.MethodDelete, Path: rolesPath + "/r1", StatusCode: 400, Message: "The role is in use."}) ||
		IsRoleInUse(&APIError{Method: http.MethodDelete, Path: rolesPath + "/r1", StatusCode: 400, Code: "BadRequest",
			Message: "Roles migrated from Cloud One Workload Security cannot be deleted."}) {
		t.Error("IsRoleInUse does not tell a role in use from another refused role delete")
	}
}

// FuzzDecodeError feeds arbitrary answers to the error decoder: it must never panic, and must give
// a non-empty, one-line message that never holds the bearer token.
func FuzzDecodeError(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{401, ``},
		{502, `<html><head><title>502 Bad Gateway</title></head></html>`},
		{412, `{"error":{"code":"ConditionNotMet","message":"m","innererror":{"code":"ETag check failed"}}}`},
		{429, `{"code":"TooManyRequests","message":"slow down"}`},
		{400, `{"error":{"code":"BadRequest","message":"` + fuzzToken + `"}}`},
		{500, "Bearer " + fuzzToken},
		{403, `<title>` + fuzzToken[:20] + `</title>` + fuzzToken[20:]},
		{400, `{"error":null}`},
		{0, "\x00\xff<"},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body), "trace")
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, traceID string) {
		header := http.Header{"X-Trace-Id": {traceID}}
		e := decodeError("GET", "/v3.0/iam/roles", status, header, body, []string{fuzzToken})
		msg := e.Error()
		if e.Message == "" || msg == "" {
			t.Fatalf("empty message for status %d body %q", status, body)
		}
		if strings.Contains(msg, fuzzToken) {
			t.Fatalf("the token leaked into %q", msg)
		}
		if strings.ContainsFunc(msg, func(r rune) bool { return r == '\n' || r == '\r' || !unicode.IsPrint(r) }) {
			t.Fatalf("message is not one printable line: %q", msg)
		}
	})
}

// TestRequestErrorSaysEachThingOnce: the error of a request whose wait before a retry was cut short
// holds what the last attempt met, itself a *RequestError or an *APIError with the same method and
// path: its text names the request, its cause and its attempts once each.
func TestRequestErrorSaysEachThingOnce(t *testing.T) {
	const method, path = http.MethodGet, "/v3.0/healthcheck/connectivity"
	refused := errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	cutShort := fmt.Errorf("%w: %w", errCanceledWhileWaiting, &deadlineTooNear{wait: 15 * time.Second, left: 3 * time.Second})
	tests := map[string]struct {
		err   *RequestError
		cause string
	}{
		"a connection refused": {&RequestError{Method: method, Path: path, Attempts: 3, Err: refused}, "connection refused"},
		"a connection refused, then a wait cut short": {&RequestError{Method: method, Path: path, Attempts: 5, Err: cutShort,
			LastFailure: &RequestError{Method: method, Path: path, Attempts: 5, Err: refused}}, "connection refused"},
		"an attempt timed out, then a wait cut short": {&RequestError{Method: method, Path: path, Attempts: 2, Err: cutShort,
			LastFailure: &RequestError{Method: method, Path: path, Attempts: 2, Err: refused, Timeout: time.Minute}},
			"exceeded the timeout of 1m0s"},
		"a 503, then a wait cut short": {&RequestError{Method: method, Path: path, Attempts: 4, Err: cutShort,
			LastFailure: &APIError{Method: method, Path: path, Attempts: 4, StatusCode: 503, Code: "ServiceUnavailable",
				Message: "busy"}}, "503 ServiceUnavailable"},
		"a redirect": {&RequestError{Method: method, Path: path, Attempts: 1,
			Err: &redirectError{status: 301, location: "http://127.0.0.1:2" + path}}, "301 Moved Permanently"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			msg := tt.err.Error()
			once := []string{method + " " + path, tt.cause}
			if tt.err.Attempts > 1 {
				once = append(once, fmt.Sprintf("after %d attempts", tt.err.Attempts))
			}
			for _, text := range once {
				if n := strings.Count(msg, text); n != 1 {
					t.Errorf("%q appears %d times in %q, want once", text, n, msg)
				}
			}
			if n := strings.Count(msg, "could not reach the API"); n > 1 {
				t.Errorf("%q says twice that it could not reach the API", msg)
			}
			if tt.err.LastFailure != nil && !strings.Contains(msg, "gave up waiting to retry") {
				t.Errorf("%q does not say that the wait was cut short", msg)
			}
		})
	}
}

// TestIsNotOffered: a 501, a 400 NotSupported and a 404 (or a create's 405) marked as the answer of a
// route the tenant does not serve are calls not offered, and the marked 404 is no object that is
// not found, and says why; a 404 unmarked is not found, a 405 unmarked nothing of the two.
func TestIsNotOffered(t *testing.T) {
	marked := func(status int, methodToo bool) error {
		err := error(&APIError{Method: http.MethodDelete, Path: "/v3.0/iam/roles/r1", StatusCode: status})
		markNotOffered(fmt.Errorf("wrapped: %w", err), methodToo, "the role is still listed")
		return err
	}
	tests := []struct {
		name              string
		err               error
		notOffered, found bool
	}{
		{"501", &APIError{StatusCode: http.StatusNotImplemented}, true, false},
		{"400 NotSupported", &APIError{StatusCode: http.StatusBadRequest, Code: CodeNotSupported}, true, false},
		{"400 BadRequest", &APIError{StatusCode: http.StatusBadRequest, Code: "BadRequest"}, false, false},
		{"404", &APIError{StatusCode: http.StatusNotFound}, false, true},
		{"404 marked", marked(http.StatusNotFound, false), true, false},
		{"405 marked as a create's", marked(http.StatusMethodNotAllowed, true), true, false},
		{"405 not a create's", marked(http.StatusMethodNotAllowed, false), false, false},
		{"no answer", errors.New("no answer"), false, false},
	}
	for _, tt := range tests {
		if got := IsNotOffered(tt.err); got != tt.notOffered {
			t.Errorf("%s: IsNotOffered = %t, want %t", tt.name, got, tt.notOffered)
		}
		if got := IsNotFound(tt.err); got != tt.found {
			t.Errorf("%s: IsNotFound = %t, want %t", tt.name, got, tt.found)
		}
	}
	if got := marked(http.StatusNotFound, false).Error(); !strings.HasSuffix(got,
		"; the role is still listed, so this Vision One tenant does not offer this call") {
		t.Errorf("the marked 404 reads %q, want it to say why the tenant does not offer the call", got)
	}
}
