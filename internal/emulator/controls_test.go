package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestControlsAnswerOnlyTheAdminKey(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.createRole("Everything", []string{permAPIKeysView, permAPIKeysConfig, permRolesView, permRolesConfig, permAccountsView, permAccountsConfig}, true, true)
	_, value := ts.createKey(map[string]any{"name": "strong", "role": "Everything"})
	for _, r := range []req{
		{method: "POST", path: "/_emulator/clock", body: map[string]string{"advance": "1h"}},
		{method: "POST", path: "/_emulator/faults", body: map[string]any{}},
		{method: "POST", path: "/_emulator/ratelimit", body: map[string]int{"per_minute": 1}},
		{method: "POST", path: "/_emulator/limits", body: map[string]int{"api_keys": 1}},
		{method: "GET", path: "/_emulator/stats"},
		{method: "POST", path: "/_emulator/reset"},
		{method: "POST", path: "/_emulator/accounts/x/accept"},
	} {
		for _, key := range []string{"-", value, "nonsense"} {
			r.key = key
			if e := ts.expect(r, http.StatusUnauthorized).errorBody(t); e.Code != "InvalidCredentials" {
				t.Errorf("%s %s: %+v", r.method, r.path, e)
			}
		}
	}
	if n := ts.Stats().Objects["apiKeys"]; n != 1 {
		t.Errorf("a refused reset changed the tenant: %d keys", n)
	}
}

// TestNoControls proves that Options.NoControls leaves nothing under /_emulator/, whatever the
// key, while the API itself is served as usual.
func TestNoControls(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{NoControls: true})
	before := ts.Now()
	for _, r := range []req{
		{method: "POST", path: "/_emulator/clock", body: map[string]string{"advance": "1h"}},
		{method: "POST", path: "/_emulator/faults", body: map[string]any{"error_rate": 1}},
		{method: "POST", path: "/_emulator/ratelimit", body: map[string]int{"per_minute": 1}},
		{method: "POST", path: "/_emulator/limits", body: map[string]int{"api_keys": 1}},
		{method: "GET", path: "/_emulator/stats"},
		{method: "POST", path: "/_emulator/reset"},
		{method: "POST", path: "/_emulator/accounts/x/accept"},
		{method: "GET", path: "/_emulator/"},
	} {
		for _, key := range []string{"", "-"} {
			r.key = key
			if e := ts.expect(r, http.StatusNotFound).errorBody(t); e.Code != "NotFound" {
				t.Errorf("%s %s: %+v", r.method, r.path, e)
			}
		}
	}
	ts.createRole("Still served", []string{permRolesView}, false, false)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK)
	if st := ts.Stats(); st.Objects["roles"] != 1 || st.FaultsInjected != 0 || ts.Now().Sub(before) > time.Minute {
		t.Errorf("a control acted: %+v, clock moved from %s to %s", st, before, ts.Now())
	}
}

func TestClockControl(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: fixedClock(base)})
	var out map[string]string
	ts.expect(req{method: "POST", path: "/_emulator/clock", body: map[string]string{"advance": "36h"}}, http.StatusOK).json(t, &out)
	if out["now"] != "2030-01-02T12:00:00Z" || !ts.Now().Equal(base.Add(36*time.Hour)) {
		t.Errorf("clock control answered %v; Now %v", out, ts.Now())
	}
	for _, bad := range []string{"soon", "-1h", ""} {
		ts.expect(req{method: "POST", path: "/_emulator/clock", body: map[string]string{"advance": bad}}, http.StatusBadRequest)
	}
	ts.expect(req{method: "POST", path: "/_emulator/clock", body: `{"advance":"1h","extra":1}`}, http.StatusBadRequest)
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{"error_rate": 1, "statuses": []int{429}}}, http.StatusOK)
	resp := ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusTooManyRequests)
	if resp.header.Get("Retry-After") != "1" || resp.errorBody(t).Code != "TooManyRequests" {
		t.Errorf("injected 429: headers %v body %s", resp.header, resp.body)
	}
	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{"error_rate": 1, "statuses": []int{429}, "retry_after": "2500ms"}}, http.StatusOK)
	if got := ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusTooManyRequests).header.Get("Retry-After"); got != "3" {
		t.Errorf("Retry-After %q, want 3 (2.5s rounded up)", got)
	}
	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{"error_rate": 1, "statuses": []int{429}, "omit_retry_after": true}}, http.StatusOK)
	if resp := ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusTooManyRequests); resp.header.Get("Retry-After") != "" {
		t.Errorf("Retry-After %q sent although omitted", resp.header.Get("Retry-After"))
	}
	// Controls are never faulted.
	ts.expect(req{method: "GET", path: "/_emulator/stats"}, http.StatusOK)

	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{"error_rate": 1, "statuses": []int{503}}}, http.StatusOK)
	// Injected 5xx answers carry an innererror, as the 401 and the official mock's 500 do.
	if e := ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusServiceUnavailable).errorBody(t); e.Code != "ServiceUnavailable" ||
		e.InnerError == nil || e.InnerError.Code != "InjectedFault" || e.InnerError.Message == "" {
		t.Errorf("injected 503: %+v %+v", e, e.InnerError)
	}
	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{"error_rate": 1}}, http.StatusOK)
	if e := ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusInternalServerError).errorBody(t); e.Code != "InternalServerError" ||
		e.InnerError == nil || e.InnerError.Code != "InjectedFault" {
		t.Errorf("injected 500: %+v %+v", e, e.InnerError)
	}

	// Dropped connections get no answer at all.
	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{"drop_rate": 1}}, http.StatusOK)
	// A fresh connection, so that net/http does not retry the idempotent GET on another one.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if _, err := fresh.Get(ts.URL + "/v3.0/iam/roles"); err == nil || !isConnectionError(err) {
		t.Errorf("dropped request: err %v", err)
	}

	// {} clears the faults.
	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{}}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK)

	if got := ts.Stats().FaultsInjected; got != 6 {
		t.Errorf("FaultsInjected = %d, want 6", got)
	}
	for _, bad := range []string{`{"error_rate":2}`, `{"statuses":[200]}`, `{"latency":"fast"}`, `{"drop_rate":-1}`, `{"retry_after":"-1s"}`} {
		ts.expect(req{method: "POST", path: "/_emulator/faults", body: bad}, http.StatusBadRequest)
	}
}

// TestLatency: the latency is applied before a request is: with an hour of it, a request is not
// answered until its client gives up, and then it is not applied at all. No clock is read: the
// request is known to be waiting once the emulator has counted it.
func TestLatency(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	id := ts.createRole("Kept", []string{permRolesView}, false, false)
	var set map[string]any
	ts.expect(req{method: "POST", path: "/_emulator/faults", body: map[string]any{"latency": "1h"}}, http.StatusOK).json(t, &set)
	if set["latency"] != "1h0m0s" {
		t.Fatalf("the faults control answered %v, want the latency of an hour it set", set)
	}

	// A DELETE has no body, so the server notices at once when its client hangs up.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	deletion, err := http.NewRequestWithContext(ctx, http.MethodDelete, ts.URL+"/v3.0/iam/roles/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	deletion.Header.Set("Authorization", "Bearer "+ts.AdminKey())
	answered := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(deletion)
		if err == nil {
			_ = resp.Body.Close()
		}
		answered <- err
	}()
	const key = "DELETE /v3.0/iam/roles/{id}"
	for giveUp := time.After(10 * time.Second); ts.Stats().Requests[key] == 0; {
		select {
		case err := <-answered:
			t.Fatalf("the DELETE was answered (error %v) within its hour of latency", err)
		case <-giveUp:
			t.Fatal("the DELETE never reached the emulator")
		case <-time.After(time.Millisecond):
		}
	}
	select {
	case err := <-answered:
		t.Fatalf("the DELETE was answered within its hour of latency: %v", err)
	default:
	}
	cancel()
	if err := <-answered; !errors.Is(err, context.Canceled) {
		t.Fatalf("the DELETE ended with %v, want its client's cancellation", err)
	}

	ts.SetFaults(Faults{})
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + id}, http.StatusOK)
	if got := ts.Stats().Requests[key]; got != 1 {
		t.Errorf("%d DELETE requests counted, want 1", got)
	}
}

func isConnectionError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "EOF") ||
		strings.Contains(err.Error(), "connection reset")
}

// TestDropAfterWrite is the ambiguous create: the key exists although the client got no answer.
func TestDropAfterWrite(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.createRole("Robots", nil, true, false)
	ts.SetFaults(Faults{AfterWriteDropRate: 1})
	// Reads are never dropped by this fault.
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys"}, http.StatusOK)
	hr, _ := http.NewRequest("POST", ts.URL+"/v3.0/iam/apiKeys", strings.NewReader(`[{"name":"ambiguous","role":"Robots"}]`))
	hr.Header.Set("Authorization", "Bearer "+ts.AdminKey())
	if _, err := http.DefaultClient.Do(hr); err == nil {
		t.Fatal("the create was answered")
	}
	// A failed write is answered normally.
	ts.expect(req{method: "POST", path: "/v3.0/iam/roles", body: map[string]any{}}, http.StatusBadRequest)
	ts.SetFaults(Faults{})
	var env listEnvelope[apiKeyView]
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", headers: map[string]string{"TMV1-Filter": "name eq 'ambiguous'"}}, http.StatusOK).json(t, &env)
	if env.TotalCount != 1 {
		t.Errorf("the dropped create was not applied: %+v", env)
	}
	if got := ts.Stats().FaultsInjected; got != 1 {
		t.Errorf("FaultsInjected = %d, want 1", got)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{RequestsPerMinute: 2})
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK)
	resp := ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusTooManyRequests)
	if e := resp.errorBody(t); e.Code != "TooManyRequests" {
		t.Errorf("429 body %+v", e)
	}
	if secs, err := strconv.Atoi(resp.header.Get("Retry-After")); err != nil || secs < 1 || secs > 60 {
		t.Errorf("Retry-After %q", resp.header.Get("Retry-After"))
	}
	ts.expect(req{method: "GET", path: "/_emulator/stats"}, http.StatusOK)
	ts.expect(req{method: "POST", path: "/_emulator/ratelimit", body: map[string]int{"per_minute": 0}}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK)
	ts.expect(req{method: "POST", path: "/_emulator/ratelimit", body: map[string]int{"per_minute": 1}}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusTooManyRequests)
	ts.expect(req{method: "POST", path: "/_emulator/ratelimit", body: map[string]int{"per_minute": -1}}, http.StatusBadRequest)
}

// TestRateLimitWithoutRetryAfter: the rate limit's 429s go without Retry-After when the options,
// the control or SetRateLimitOmitRetryAfter say so, as Vision One documents none; a new limit keeps
// the choice, and a control body without omit_retry_after sends the header again.
func TestRateLimitWithoutRetryAfter(t *testing.T) {
	t.Parallel()
	roles := req{method: "GET", path: "/v3.0/iam/roles"}
	refused := func(ts *testServer, wantRetryAfter bool) {
		t.Helper()
		resp := ts.expect(roles, http.StatusTooManyRequests)
		if e := resp.errorBody(t); e.Code != "TooManyRequests" {
			t.Errorf("429 body %+v", e)
		}
		if got := resp.header.Get("Retry-After"); (got != "") != wantRetryAfter {
			t.Errorf("Retry-After %q, want it sent: %v", got, wantRetryAfter)
		}
	}

	ts := newTestServer(t, Options{RequestsPerMinute: 1, RateLimitOmitRetryAfter: true})
	ts.expect(roles, http.StatusOK)
	refused(ts, false)
	ts.SetRateLimit(1) // a new window, the same choice
	ts.expect(roles, http.StatusOK)
	refused(ts, false)
	ts.SetRateLimitOmitRetryAfter(false)
	refused(ts, true)

	ts = newTestServer(t, Options{})
	ts.expect(req{method: "POST", path: "/_emulator/ratelimit", body: map[string]any{"per_minute": 1, "omit_retry_after": true}}, http.StatusOK)
	ts.expect(roles, http.StatusOK)
	refused(ts, false)
	ts.expect(req{method: "POST", path: "/_emulator/ratelimit", body: map[string]any{"per_minute": 1}}, http.StatusOK)
	ts.expect(roles, http.StatusOK)
	refused(ts, true)
}

func TestStatsAndReset(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	roleID := ts.createRole("Robots", nil, true, true)
	ts.createKey(map[string]any{"name": "k", "role": "Robots"})
	ts.invite("a@example.com", "Robots", "local")
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/" + roleID}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles/nope"}, http.StatusNotFound)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + roleID, body: map[string]any{"description": "x"}}, http.StatusNoContent)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles", key: "-"}, http.StatusUnauthorized)

	var st Stats
	ts.expect(req{method: "GET", path: "/_emulator/stats"}, http.StatusOK).json(t, &st)
	wantRequests := map[string]int{
		"POST /v3.0/iam/roles": 1, "POST /v3.0/iam/apiKeys": 1, "POST /v3.0/iam/accounts": 1,
		"GET /v3.0/iam/roles/{id}": 2, "PATCH /v3.0/iam/roles/{id}": 1, "GET /v3.0/iam/roles": 1,
	}
	for k, v := range wantRequests {
		if st.Requests[k] != v {
			t.Errorf("Requests[%q] = %d, want %d (all: %v)", k, st.Requests[k], v, st.Requests)
		}
	}
	if len(st.Requests) != len(wantRequests) {
		t.Errorf("Requests %v", st.Requests)
	}
	if st.Writes() != 4 {
		t.Errorf("Writes() = %d, want 4", st.Writes())
	}
	wantResponses := map[string]int{"201": 2, "207": 1, "200": 1, "404": 1, "204": 1, "401": 1}
	for k, v := range wantResponses {
		if st.Responses[k] != v {
			t.Errorf("Responses[%q] = %d, want %d (all %v)", k, st.Responses[k], v, st.Responses)
		}
	}
	if st.Objects["roles"] != 1 || st.Objects["apiKeys"] != 1 || st.Objects["accounts"] != 1 {
		t.Errorf("Objects %v", st.Objects)
	}
	raw := ts.expect(req{method: "GET", path: "/_emulator/stats"}, http.StatusOK)
	var keys map[string]json.RawMessage
	raw.json(t, &keys)
	for _, k := range []string{"requests", "responses", "objects", "faults_injected"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("stats JSON lacks %q", k)
		}
	}

	ts.expect(req{method: "POST", path: "/_emulator/reset"}, http.StatusNoContent)
	st = ts.Stats()
	if st.Writes() != 0 || len(st.Requests) != 0 || st.Objects["roles"] != 0 || st.Objects["apiKeys"] != 0 || st.Objects["accounts"] != 0 {
		t.Errorf("after reset: %+v", st)
	}
	var roles listEnvelope[roleView]
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles"}, http.StatusOK).json(t, &roles)
	if roles.TotalCount != 8 {
		t.Errorf("%d roles after reset, want the 8 predefined", roles.TotalCount)
	}
}

func TestFaultsJSON(t *testing.T) {
	t.Parallel()
	in := Faults{ErrorRate: 0.2, Statuses: []int{500, 429}, DropRate: 0.05, Latency: 50 * time.Millisecond, AfterWriteDropRate: 0.1,
		RetryAfter: 2 * time.Second, OmitRetryAfter: true}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"latency":"50ms"`) || !strings.Contains(string(data), `"drop_after_write_rate":0.1`) {
		t.Errorf("marshalled %s", data)
	}
	var out Faults
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out.Latency != in.Latency || out.ErrorRate != in.ErrorRate || out.AfterWriteDropRate != in.AfterWriteDropRate || len(out.Statuses) != 2 ||
		out.RetryAfter != in.RetryAfter || !out.OmitRetryAfter {
		t.Errorf("round trip %+v", out)
	}
	if _, err := New(Options{Faults: Faults{ErrorRate: 3}}); err == nil {
		t.Error("New accepted an error rate of 3")
	}
}
