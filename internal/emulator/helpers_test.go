package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is an emulator served over real HTTP for one test.
type testServer struct {
	*Server
	t   *testing.T
	URL string
}

func newTestServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testServer{Server: srv, t: t, URL: hs.URL}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// errorBody returns the envelope's error (and fails when the body is no envelope).
func (r response) errorBody(t *testing.T) apiError {
	t.Helper()
	var env errorEnvelope
	r.json(t, &env)
	if env.Error.Code == "" {
		t.Fatalf("no error envelope in %s", r.body)
	}
	return env.Error
}

// req is one request: method, path, body (marshalled unless []byte or string), headers.
type req struct {
	method  string
	path    string
	body    any
	key     string // bearer token; "" means the admin key, "-" means none
	headers map[string]string
}

func (ts *testServer) do(r req) response {
	ts.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	case string:
		body = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	hr, err := http.NewRequest(r.method, ts.URL+r.path, body)
	if err != nil {
		ts.t.Fatal(err)
	}
	switch r.key {
	case "":
		hr.Header.Set("Authorization", "Bearer "+ts.AdminKey())
	case "-":
	default:
		hr.Header.Set("Authorization", "Bearer "+r.key)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func (ts *testServer) expect(r req, status int) response {
	ts.t.Helper()
	resp := ts.do(r)
	if resp.status != status {
		ts.t.Fatalf("%s %s: status %d, want %d; body %s", r.method, r.path, resp.status, status, resp.body)
	}
	return resp
}

// createRole makes a custom role and returns its id.
func (ts *testServer) createRole(name string, keys []string, apiKeys, accounts bool) string {
	ts.t.Helper()
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{
		"name": name, "description": "test role", "permissionKeys": keys,
		"allowApiKeyAssignment": apiKeys, "allowUserAccountAssignment": accounts,
	}}, http.StatusCreated)
	var r roleView
	resp.json(ts.t, &r)
	return r.ID
}

// invite invites an account and returns its id.
func (ts *testServer) invite(email, role, authType string) string {
	ts.t.Helper()
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/accounts", body: map[string]any{
		"email": email, "role": role, "authType": authType,
	}}, http.StatusCreated)
	var out struct{ ID string }
	resp.json(ts.t, &out)
	return out.ID
}

// createKey creates one API key and returns its id and secret.
func (ts *testServer) createKey(item map[string]any) (id, value string) {
	ts.t.Helper()
	items := ts.createKeys(item)
	if items[0].Status != http.StatusCreated {
		ts.t.Fatalf("creating key %v: item %+v", item, items[0])
	}
	return items[0].Body.ID, items[0].Body.Value
}

type createdItem struct {
	Status  int          `json:"status"`
	Headers []headerPair `json:"headers"`
	Body    struct {
		ID              string          `json:"id"`
		Value           string          `json:"value"`
		ExpiredDateTime json.RawMessage `json:"expiredDateTime"`
		Error           *apiError       `json:"error"`
	} `json:"body"`
}

func (ts *testServer) createKeys(items ...map[string]any) []createdItem {
	ts.t.Helper()
	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys", body: items}, http.StatusMultiStatus)
	var out []createdItem
	resp.json(ts.t, &out)
	if len(out) != len(items) {
		ts.t.Fatalf("207 with %d items for %d requested: %s", len(out), len(items), resp.body)
	}
	return out
}

// fixedClock is a settable base clock for tests.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// syncBuffer is a bytes.Buffer safe for the server's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// withChanges returns body with change applied: a nil value removes the member.
func withChanges(body, change map[string]any) map[string]any {
	for k, v := range change {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	return body
}
