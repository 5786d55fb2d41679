package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startCommand runs RunCommand with args on a free port until the test ends, and returns the URL it
// printed and a channel with its exit code.
func startCommand(t *testing.T, ctx context.Context, args ...string) (string, <-chan int, *syncBuffer) {
	t.Helper()
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- RunCommand(ctx, append([]string{"-listen", "127.0.0.1:0", "-admin-key", "cmd-admin"}, args...), outW, stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	var url string
	for lines.Scan() {
		if m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
		}
		if strings.HasPrefix(lines.Text(), "Admin key: ") {
			// A key given with -admin-key is the caller's: the log does not hold it.
			if strings.Contains(lines.Text(), "cmd-admin") {
				t.Errorf("the emulator printed the admin key it was given: %q", lines.Text())
			}
			break
		}
	}
	if url == "" {
		t.Fatalf("no endpoint URL printed; stderr %s", stderr.String())
	}
	// What the admin key stands for in a real tenant is said next to it.
	if !lines.Scan() || !strings.Contains(lines.Text(), "Master Administrator API key made before October 27, 2025") {
		t.Errorf("the line after the admin key is %q, want what the key stands for", lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	return url, done, stderr
}

// commandRequest sends a request with the admin key and any other headers (name, value pairs) to a
// running command, and returns the status and the body.
func commandRequest(t *testing.T, method, url, body string, headers ...string) (int, string) {
	t.Helper()
	hr, _ := http.NewRequest(method, url, strings.NewReader(body))
	hr.Header.Set("Authorization", "Bearer cmd-admin")
	for i := 0; i+1 < len(headers); i += 2 {
		hr.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func TestRunCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stateFile := filepath.Join(t.TempDir(), "state.json")
	url, done, stderr := startCommand(t, ctx, "-rate-limit", "1000", "-latency", "1ms", "-state-file", stateFile, "-no-controls")

	for _, r := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/v3.0/healthcheck/connectivity", "", http.StatusOK},
		{"POST", "/v3.0/iam/accounts", `{"email":"cli@example.com","role":"Analyst","authType":"local"}`, http.StatusCreated},
		{"GET", "/_emulator/stats", "", http.StatusNotFound}, // -no-controls
	} {
		if status, _ := commandRequest(t, r.method, url+r.path, r.body); status != r.want {
			t.Errorf("%s %s through the command: %d", r.method, r.path, status)
		}
	}
	if data, err := os.ReadFile(stateFile); err != nil || !strings.Contains(string(data), "cli@example.com") {
		t.Errorf("state file after a write: %v %s", err, data)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d; stderr %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunCommand did not stop after its context was cancelled")
	}
}

// TestRunCommandAPIFlags: -absent-dates, -strict-if-match, -allow-invited-updates,
// -legacy-key-status, -role-permission-keys, -older-role-endpoints, -api-key-timestamps and
// -next-pages-keep-top reach the emulator.
func TestRunCommandAPIFlags(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	url, done, stderr := startCommand(t, ctx, "-absent-dates", "sentinel", "-strict-if-match", "-allow-invited-updates",
		"-legacy-key-status", "400", "-role-permission-keys=false", "-older-role-endpoints", "-api-key-timestamps=false",
		"-next-pages-keep-top=false")

	if status, body := commandRequest(t, "GET", url+"/v3.0/iam/roles", ""); status != http.StatusOK ||
		strings.Contains(body, "permissionKeys") || !strings.Contains(body, `"name":"Auditor"`) {
		t.Errorf("the roles with -role-permission-keys=false: %d %s, want them without permissionKeys", status, body)
	}
	if status, body := commandRequest(t, "GET", url+"/v3.0/iam/roles/permissionKeys", ""); status != http.StatusNotFound {
		t.Errorf("the permission catalog with -older-role-endpoints: %d %s, want 404", status, body)
	}

	status, body := commandRequest(t, "POST", url+"/v3.0/iam/apiKeys", `[{"name":"forever","role":"SIEM","monthsToExpiration":0}]`)
	if status != http.StatusMultiStatus || !strings.Contains(body, `"expiredDateTime":"9999-12-31T23:59:59Z"`) {
		t.Errorf("creating a never-expiring key with -absent-dates sentinel: %d %s", status, body)
	}
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no id in %s", body)
	}
	if status, body = commandRequest(t, "GET", url+"/v3.0/iam/apiKeys/"+id[1], ""); status != http.StatusOK ||
		strings.Contains(body, "createdDateTime") || strings.Contains(body, "lastModifiedDateTime") {
		t.Errorf("a key with -api-key-timestamps=false: %d %s, want it without createdDateTime and lastModifiedDateTime", status, body)
	}
	keys := make([]string, 150)
	for i := range keys {
		keys[i] = fmt.Sprintf(`{"name":"k%03d","role":"SIEM"}`, i)
	}
	if status, body = commandRequest(t, "POST", url+"/v3.0/iam/apiKeys", "["+strings.Join(keys, ",")+"]"); status != http.StatusMultiStatus {
		t.Fatalf("creating 150 keys: %d %s", status, body)
	}
	// 151 keys at top=100: a second page of 50 with -next-pages-keep-top=false, not of 51.
	_, body = commandRequest(t, "GET", url+"/v3.0/iam/apiKeys?top=100", "")
	var page struct {
		Count    int    `json:"count"`
		NextLink string `json:"nextLink"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || page.Count != 100 || page.NextLink == "" {
		t.Fatalf("the first page of keys: %v %s", err, body)
	}
	_, body = commandRequest(t, "GET", page.NextLink, "")
	if err := json.Unmarshal([]byte(body), &page); err != nil || page.Count != 50 {
		t.Errorf("the second page with -next-pages-keep-top=false holds %d keys, want 50 (%v)", page.Count, err)
	}
	status, body = commandRequest(t, "PATCH", url+"/v3.0/iam/apiKeys/"+id[1], `{"description":"no If-Match"}`)
	if status != http.StatusBadRequest || !strings.Contains(body, "MissingRequiredParameter") {
		t.Errorf("a PATCH without If-Match with -strict-if-match: %d %s", status, body)
	}
	status, body = commandRequest(t, "POST", url+"/v3.0/iam/accounts", `{"email":"invited@example.com","role":"Analyst","authType":"local"}`)
	account := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)
	if status != http.StatusCreated || account == nil {
		t.Fatalf("inviting an account: %d %s", status, body)
	}
	status, body = commandRequest(t, "PATCH", url+"/v3.0/iam/accounts/"+account[1], `{"description":"still invited"}`, "If-Match", "*")
	if status != http.StatusNoContent {
		t.Errorf("a PATCH of an invited account with -allow-invited-updates: %d %s", status, body)
	}
	if status, body = commandRequest(t, "POST", url+"/_emulator/apiKeys/"+id[1]+"/legacy", ""); status != http.StatusNoContent {
		t.Fatalf("marking the key as migrated: %d %s", status, body)
	}
	status, body = commandRequest(t, "PATCH", url+"/v3.0/iam/apiKeys/"+id[1], `{"description":"migrated"}`, "If-Match", "*")
	if status != http.StatusBadRequest || !strings.Contains(body, ruleLegacyKey) {
		t.Errorf("a PATCH of a migrated key with -legacy-key-status 400: %d %s", status, body)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d; stderr %s", code, stderr.String())
	}
}

// TestRunCommandRateLimitWithoutRetryAfter: -rate-limit-retry-after=false reaches the emulator:
// the rate limit's 429 goes without Retry-After.
func TestRunCommandRateLimitWithoutRetryAfter(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	url, done, stderr := startCommand(t, ctx, "-rate-limit", "1", "-rate-limit-retry-after=false")

	var statuses []int
	for range 2 {
		resp, err := http.Get(url + "/v3.0/healthcheck/connectivity")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "" {
			t.Errorf("the 429 carries Retry-After %q", resp.Header.Get("Retry-After"))
		}
	}
	if !reflect.DeepEqual(statuses, []int{http.StatusUnauthorized, http.StatusTooManyRequests}) {
		t.Errorf("statuses %v, want one request within the limit (401: no key), then a 429", statuses)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d; stderr %s", code, stderr.String())
	}
}

// TestRunCommandTenantLimits: -max-api-keys, -max-accounts, -max-roles and -limits-retry-after
// reach the emulator.
func TestRunCommandTenantLimits(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	url, done, stderr := startCommand(t, ctx, "-max-api-keys", "1", "-max-accounts", "1", "-max-roles", "1",
		"-limits-retry-after", "3s")

	status, body := commandRequest(t, "POST", url+"/v3.0/iam/apiKeys", `[{"name":"one","role":"SIEM"},{"name":"two","role":"SIEM"}]`)
	if status != http.StatusMultiStatus || !strings.Contains(body, `"status":201`) || !strings.Contains(body, "TenantLimitExceeded") ||
		!strings.Contains(body, `{"name":"Retry-After","value":"3"}`) {
		t.Errorf("two keys with -max-api-keys 1: %d %s", status, body)
	}
	for _, r := range []struct{ path, first, second string }{
		{"/v3.0/iam/accounts", `{"email":"one@example.com","role":"Analyst","authType":"local"}`,
			`{"email":"two@example.com","role":"Analyst","authType":"local"}`},
		{"/v3.0/iam/roles", `{"name":"one","description":"","permissionKeys":[],"allowApiKeyAssignment":false,"allowUserAccountAssignment":false}`,
			`{"name":"two","description":"","permissionKeys":[],"allowApiKeyAssignment":false,"allowUserAccountAssignment":false}`},
	} {
		if status, body := commandRequest(t, "POST", url+r.path, r.first); status != http.StatusCreated {
			t.Errorf("POST %s within the cap: %d %s", r.path, status, body)
		}
		if status, body := commandRequest(t, "POST", url+r.path, r.second); status != http.StatusTooManyRequests ||
			!strings.Contains(body, "TenantLimitExceeded") {
			t.Errorf("POST %s beyond the cap: %d %s", r.path, status, body)
		}
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d; stderr %s", code, stderr.String())
	}
}

func TestRunCommandFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "-listen"},
		{[]string{"-h"}, 0, "-absent-dates spelling"},
		{[]string{"-h"}, 0, "-strict-if-match"},
		{[]string{"-h"}, 0, "-allow-invited-updates"},
		{[]string{"-h"}, 0, "-rate-limit-retry-after"},
		{[]string{"-h"}, 0, "-limits-retry-after"},
		{[]string{"-h"}, 0, "-legacy-key-status"},
		{[]string{"-h"}, 0, "-role-permission-keys"},
		{[]string{"-h"}, 0, "-api-key-timestamps"},
		{[]string{"-h"}, 0, "-next-pages-keep-top"},
		{[]string{"-legacy-key-status", "404", "-listen", "127.0.0.1:0"}, 1, "LegacyKeyStatus must be 403 or 400"},
		{[]string{"-h"}, 0, "-max-api-keys"},
		{[]string{"-h"}, 0, "-max-accounts"},
		{[]string{"-h"}, 0, "-max-roles"},
		{[]string{"-max-roles", "-1", "-listen", "127.0.0.1:0"}, 1, "must not be negative"},
		{[]string{"-absent-dates", "zero"}, 2, `must be "empty", "null", "sentinel" or "omitted"`},
		{[]string{"-nope"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, "unexpected argument"},
		{[]string{"-listen", "256.0.0.1:99999"}, 1, "emulator:"},
		{[]string{"-fault-rate", "2", "-listen", "127.0.0.1:0"}, 1, "error_rate"},
	} {
		var stdout, stderr syncBuffer
		if code := RunCommand(t.Context(), tc.args, &stdout, &stderr); code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args, code, tc.code)
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, stderr.String(), tc.want)
		}
	}
}

// The help lists every test control the server registers, each with what it does, and the fields
// the faults control takes.
func TestRunCommandHelpListsControls(t *testing.T) {
	t.Parallel()
	var stdout, stderr syncBuffer
	if code := RunCommand(t.Context(), []string{"-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	help := stderr.String()
	if strings.Contains(help, "package documentation") {
		t.Errorf("the help still sends the reader to the package documentation:\n%s", help)
	}
	for _, c := range controls {
		line := "  " + strings.TrimSpace(c.pattern+" "+c.body) + "\n"
		if !strings.Contains(help, line) || c.usage == "" {
			t.Errorf("the help lacks the control %q with its usage:\n%s", c.pattern, help)
		}
	}
	faults := reflect.TypeFor[faultsJSON]()
	for i := range faults.NumField() {
		name, _, _ := strings.Cut(faults.Field(i).Tag.Get("json"), ",")
		if !strings.Contains(help, name) {
			t.Errorf("the help does not name the faults field %q", name)
		}
	}
}

// The provider documentation's table of controls names every control the server registers.
func TestControlsDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "..", "templates", "index.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range controls {
		if !strings.Contains(string(doc), "`"+c.pattern+"`") {
			t.Errorf("templates/index.md.tmpl does not document the control %q", c.pattern)
		}
	}
}

func TestRunCommandPortInUse(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var stdout, stderr syncBuffer
	if code := RunCommand(t.Context(), []string{"-listen", busy.Addr().String()}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{busy.Addr().String() + " is already in use", "-listen 127.0.0.1:0"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
}
