package emulator

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
		if strings.Contains(lines.Text(), "Admin key: cmd-admin") {
			break
		}
	}
	if url == "" {
		t.Fatalf("no endpoint URL printed; stderr %s", stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	return url, done, stderr
}

// commandRequest sends a request with the admin key to a running command, and returns the status
// and the body.
func commandRequest(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	hr, _ := http.NewRequest(method, url, strings.NewReader(body))
	hr.Header.Set("Authorization", "Bearer cmd-admin")
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
	url, done, stderr := startCommand(t, ctx, "-rate-limit", "1000", "-latency", "1ms", "-state-file", stateFile)

	for _, r := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/v3.0/healthcheck/connectivity", "", http.StatusOK},
		{"POST", "/v3.0/iam/accounts", `{"email":"cli@example.com","role":"Analyst","authType":"local"}`, http.StatusCreated},
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

// TestRunCommandAPIFlags: -absent-dates and -strict-if-match reach the emulator.
func TestRunCommandAPIFlags(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	url, done, stderr := startCommand(t, ctx, "-absent-dates", "sentinel", "-strict-if-match")

	status, body := commandRequest(t, "POST", url+"/v3.0/iam/apiKeys", `[{"name":"forever","role":"SIEM","monthsToExpiration":0}]`)
	if status != http.StatusMultiStatus || !strings.Contains(body, `"expiredDateTime":"9999-12-31T23:59:59Z"`) {
		t.Errorf("creating a never-expiring key with -absent-dates sentinel: %d %s", status, body)
	}
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no id in %s", body)
	}
	status, body = commandRequest(t, "PATCH", url+"/v3.0/iam/apiKeys/"+id[1], `{"description":"no If-Match"}`)
	if status != http.StatusBadRequest || !strings.Contains(body, "MissingRequiredParameter") {
		t.Errorf("a PATCH without If-Match with -strict-if-match: %d %s", status, body)
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
		{[]string{"-absent-dates", "zero"}, 2, `must be "empty", "null" or "sentinel"`},
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
