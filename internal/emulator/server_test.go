package emulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEveryResponseHasTraceIDAndEmulatorDate(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: fixedClock(base)})
	for _, r := range []req{
		{method: "GET", path: "/v3.0/healthcheck/connectivity"},
		{method: "GET", path: "/v3.0/iam/roles", key: "-"},
		{method: "GET", path: "/v3.0/iam/roles/nope"},
		{method: "GET", path: "/v3.0/nothing-here"},
		{method: "PUT", path: "/v3.0/iam/roles"},
		{method: "GET", path: "/_emulator/stats", key: "wrong"},
	} {
		resp := ts.do(r)
		if resp.header.Get("x-trace-id") == "" {
			t.Errorf("%s %s: no x-trace-id", r.method, r.path)
		}
		if got, want := resp.header.Get("Date"), base.Format(http.TimeFormat); got != want {
			t.Errorf("%s %s: Date %q, want %q", r.method, r.path, got, want)
		}
		if resp.status >= 400 {
			resp.errorBody(t)
		}
	}
	ts.AdvanceClock(48 * time.Hour)
	resp := ts.expect(req{method: "GET", path: "/v3.0/healthcheck/connectivity"}, http.StatusOK)
	if got, want := resp.header.Get("Date"), base.Add(48*time.Hour).Format(http.TimeFormat); got != want {
		t.Errorf("after AdvanceClock: Date %q, want %q", got, want)
	}
	if !ts.Now().Equal(base.Add(48 * time.Hour)) {
		t.Errorf("Now() = %v", ts.Now())
	}
	a := ts.do(req{method: "GET", path: "/v3.0/healthcheck/connectivity"})
	b := ts.do(req{method: "GET", path: "/v3.0/healthcheck/connectivity"})
	if a.header.Get("x-trace-id") == b.header.Get("x-trace-id") {
		t.Error("two requests share a trace id")
	}
}

func TestConnectivity(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	var out map[string]string
	ts.expect(req{method: "GET", path: "/v3.0/healthcheck/connectivity"}, http.StatusOK).json(t, &out)
	if out["status"] != "available" {
		t.Errorf("connectivity = %v", out)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{AdminKey: "admin-secret"})
	if ts.AdminKey() != "admin-secret" {
		t.Fatalf("AdminKey() = %q", ts.AdminKey())
	}
	for name, header := range map[string]string{
		"missing":      "",
		"wrong scheme": "Basic admin-secret",
		"wrong key":    "Bearer admin-secreT",
		"empty bearer": "Bearer ",
		"prefix":       "Bearer admin-secre",
	} {
		resp := ts.do(req{method: "GET", path: "/v3.0/iam/roles", key: "-", headers: map[string]string{"Authorization": header}})
		if resp.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, resp.status)
			continue
		}
		e := resp.errorBody(t)
		if e.Code != "InvalidCredentials" || e.Message != "Invalid token, Authorization token invaild for header" ||
			e.InnerError == nil || e.InnerError.Code != "InvalidToken" || e.InnerError.Service != "svp" {
			t.Errorf("%s: body %s is not the official 401", name, resp.body)
		}
	}
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles", key: "admin-secret"}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles", headers: map[string]string{"Authorization": "bearer admin-secret"}}, http.StatusOK)

	// The admin key is not listed among the API keys.
	var list listEnvelope[apiKeyView]
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys"}, http.StatusOK).json(t, &list)
	if list.TotalCount != 0 {
		t.Errorf("the admin key shows up as an API key: %+v", list)
	}
}

func TestGeneratedAdminKeyIsRandom(t *testing.T) {
	t.Parallel()
	a, _ := New(Options{})
	b, _ := New(Options{})
	if a.AdminKey() == "" || a.AdminKey() == b.AdminKey() {
		t.Errorf("generated admin keys %q and %q", a.AdminKey(), b.AdminKey())
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	if e := ts.expect(req{method: "GET", path: "/v3.0/iam/widgets"}, http.StatusNotFound).errorBody(t); e.Code != "NotFound" {
		t.Errorf("code %q", e.Code)
	}
	if e := ts.expect(req{method: "DELETE", path: "/v3.0/iam/apiKeys/x"}, http.StatusMethodNotAllowed).errorBody(t); e.Code != "MethodNotAllowed" {
		t.Errorf("code %q", e.Code)
	}
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles", key: "-"}, http.StatusUnauthorized)
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	big := `{"name":"` + strings.Repeat("a", maxBodyBytes) + `"}`
	e := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: big}, http.StatusRequestEntityTooLarge).errorBody(t)
	if e.Code != "RequestEntityTooLarge" {
		t.Errorf("code %q", e.Code)
	}
	// Without a Content-Length the limit still holds while reading.
	hr, _ := http.NewRequest("POST", ts.URL+"/v3.0/iam/roles", struct{ *bytes.Reader }{bytes.NewReader([]byte(big))})
	hr.Header.Set("Authorization", "Bearer "+ts.AdminKey())
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: status %d", resp.StatusCode)
	}
}

// TestBodyLimitAnswersAClientThatSendsEverythingFirst: a client that writes its whole request body
// before it reads the answer gets the 413 with its envelope, not a reset connection, whether the
// body has a Content-Length or is chunked; the connection is closed after the answer.
func TestBodyLimitAnswersAClientThatSendsEverythingFirst(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	host := strings.TrimPrefix(ts.URL, "http://")
	body := `{"name":"` + strings.Repeat("a", 8<<20) + `"}`
	chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	for name, request := range map[string]string{
		"Content-Length": fmt.Sprintf("POST /v3.0/iam/roles HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", host, ts.AdminKey(), len(body), body),
		"chunked": fmt.Sprintf("POST /v3.0/iam/roles HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%s", host, ts.AdminKey(), chunked),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", host)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
			if _, err := io.WriteString(conn, request); err != nil {
				t.Fatalf("sending the whole request: %v", err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("reading the answer after sending the whole request: %v", err)
			}
			defer resp.Body.Close()
			var env errorEnvelope
			if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge ||
				env.Error.Code != "RequestEntityTooLarge" || !resp.Close {
				t.Errorf("answer %d, close %t, body %+v (%v); want a 413 envelope and Connection: close", resp.StatusCode, resp.Close, env, err)
			}
		})
	}
	// net/http's client writes the body while it waits for the answer.
	resp, err := http.Post(ts.URL+"/v3.0/iam/roles", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("net/http client: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("net/http client: status %d", resp.StatusCode)
	}
}

func TestBadJSON(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	for _, r := range []req{
		{method: "POST", path: "/v3.0/iam/roles", body: "{not json"},
		{method: "POST", path: "/v3.0/iam/roles", body: "[]"},
		{method: "POST", path: "/v3.0/iam/accounts", body: ""},
		{method: "POST", path: "/v3.0/iam/apiKeys", body: `{"name":"x"}`},
		{method: "POST", path: "/v3.0/iam/apiKeys", body: `[`},
		{method: "POST", path: "/v3.0/iam/apiKeys/delete", body: `{}`},
	} {
		if e := ts.expect(r, http.StatusBadRequest).errorBody(t); e.Code != "BadRequest" {
			t.Errorf("%s %s %q: code %q", r.method, r.path, r.body, e.Code)
		}
	}
}

func TestLoggerNeverSeesSecrets(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	ts := newTestServer(t, Options{AdminKey: "admin-secret-value", Logger: &log})
	ts.createRole("Keys", []string{permAPIKeysView}, true, false)
	_, value := ts.createKey(map[string]any{"name": "k", "role": "Keys"})
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: value}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles", key: value}, http.StatusForbidden)
	out := log.String()
	if strings.Contains(out, "admin-secret-value") || strings.Contains(out, value) {
		t.Fatalf("log contains a secret:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want one line per request (4), got %d:\n%s", len(lines), out)
	}
	last := lines[3]
	for _, want := range []string{"GET", "/v3.0/iam/roles", "403", "trace="} {
		if !strings.Contains(last, want) {
			t.Errorf("log line %q lacks %q", last, want)
		}
	}
}

// TestCreateAnswerIsDatedWhenApplied: a create's answer carries the Date of the second the key was
// made, not of the moment the request arrived, even when the clock moves in between (as it does
// under -latency): clients take a new key's createdDateTime from that Date.
func TestCreateAnswerIsDatedWhenApplied(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var mu sync.Mutex
	ticks := 0
	ticking := func() time.Time { // one second later at every reading
		mu.Lock()
		defer mu.Unlock()
		ticks++
		return base.Add(time.Duration(ticks) * time.Second)
	}
	ts := newTestServer(t, Options{Clock: ticking})
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys",
		body: []map[string]any{{"name": "dated", "role": "Auditor"}}}, http.StatusMultiStatus)
	var items []createdItem
	resp.json(t, &items)
	if len(items) != 1 || items[0].Status != http.StatusCreated {
		t.Fatalf("create answered %s", resp.body)
	}
	var k apiKeyView
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + items[0].Body.ID}, http.StatusOK).json(t, &k)
	created, err := time.Parse(time.RFC3339, k.CreatedDateTime)
	if err != nil {
		t.Fatalf("createdDateTime %q: %v", k.CreatedDateTime, err)
	}
	if got, want := resp.header.Get("Date"), created.Format(http.TimeFormat); got != want {
		t.Errorf("create answered with Date %q, the key was created at %q", got, want)
	}
}
