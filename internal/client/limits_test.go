package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// retryingClient is a client of e that retries retries times, with short backoffs, and logs into
// the context it returns; logs reads what it logged so far.
func retryingClient(t *testing.T, e *emulated, retries int) (api *client.Client, ctx context.Context, logs func() string) {
	t.Helper()
	api, err := client.New(client.Config{Endpoint: e.url, APIKey: e.srv.AdminKey(), UserAgent: "client-test/1.0",
		RequestsPerMinute: -1, MaxRetries: retries, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w := lockedWriter{buf: &bytes.Buffer{}, mu: &sync.Mutex{}}
	return api, tflogtest.RootLogger(context.Background(), w), func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.buf.String()
	}
}

// TestEmulatorTenantLimits: a create refused at a tenant's cap (a 429 with the inner code
// TenantLimitExceeded) is retried like any 429, after its Retry-After, until the retries run out;
// its error then names the kind of objects, and it never slows the pace as a rate limit's 429 does.
func TestEmulatorTenantLimits(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	if err := e.srv.SetTenantLimits(emulator.TenantLimits{APIKeys: 1, Accounts: 1, Roles: 1}); err != nil {
		t.Fatal(err)
	}
	api, ctx, logs := retryingClient(t, e, 1)
	role := client.RoleCreate{Name: "Robots", PermissionKeys: []string{}, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true}
	if _, err := api.CreateRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	if _, err := api.InviteAccount(ctx, client.AccountInvite{Email: "a@example.com", Role: "Robots", AuthType: "local"}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "a", Role: "Robots"}); err != nil {
		t.Fatal(err)
	}

	role.Name = "More"
	for _, tc := range []struct {
		kind   string
		create func() error
	}{
		{"custom roles", func() error { _, err := api.CreateRole(ctx, role); return err }},
		{"user accounts", func() error {
			_, err := api.InviteAccount(ctx, client.AccountInvite{Email: "b@example.com", Role: "Robots", AuthType: "local"})
			return err
		}},
		{"API keys", func() error {
			_, err := api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "b", Role: "Robots"})
			return err
		}},
	} {
		started := time.Now()
		err := tc.create()
		if got := client.TenantLimit(err); got != tc.kind {
			t.Errorf("beyond the cap on %s: TenantLimit %q, error %v", tc.kind, got, err)
		}
		var answer *client.APIError
		if !errors.As(err, &answer) || answer.Attempts != 2 {
			t.Errorf("beyond the cap on %s: %v, want two attempts (max_retries 1)", tc.kind, err)
		}
		if took := time.Since(started); took < time.Second {
			t.Errorf("beyond the cap on %s: gave up after %s, before the refusal's Retry-After of 1 s", tc.kind, took)
		}
	}
	requests := e.srv.Stats().Requests
	for _, path := range []string{"POST /v3.0/iam/roles", "POST /v3.0/iam/accounts", "POST /v3.0/iam/apiKeys"} {
		if requests[path] != 3 {
			t.Errorf("%s sent %d times, want 3: one within the cap, and one beyond it retried once", path, requests[path])
		}
	}
	if strings.Contains(logs(), "pace changed") {
		t.Errorf("a refusal at the cap changed the pace:\n%s", logs())
	}
	if client.TenantLimit(nil) != "" || client.TenantLimit(context.Canceled) != "" {
		t.Error("TenantLimit names a kind for an error that is no refusal at a cap")
	}
}

// TestEmulatorTenantLimitLifted: a create refused at a full cap succeeds when a delete elsewhere
// makes room before its retry, which waits for the refusal's Retry-After. A role or an account is
// retried by the transport; a key refused as an item of its batch is sent again in a later request.
func TestEmulatorTenantLimitLifted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind   string
		limits emulator.TenantLimits
		// create makes an object, and returns a function that deletes it.
		create func(ctx context.Context, api *client.Client, name string) (func(context.Context) error, error)
		path   string
	}{
		{"custom roles", emulator.TenantLimits{Roles: 1}, func(ctx context.Context, api *client.Client, name string) (func(context.Context) error, error) {
			r, err := api.CreateRole(ctx, client.RoleCreate{Name: name, PermissionKeys: []string{}})
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) error { return api.DeleteRole(ctx, r.ID) }, nil
		}, "POST /v3.0/iam/roles"},
		{"user accounts", emulator.TenantLimits{Accounts: 1}, func(ctx context.Context, api *client.Client, name string) (func(context.Context) error, error) {
			a, err := api.InviteAccount(ctx, client.AccountInvite{Email: name + "@example.com", Role: "Analyst", AuthType: "local"})
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) error { return api.DeleteAccount(ctx, a.ID) }, nil
		}, "POST /v3.0/iam/accounts"},
		{"API keys", emulator.TenantLimits{APIKeys: 1}, func(ctx context.Context, api *client.Client, name string) (func(context.Context) error, error) {
			k, err := api.CreateAPIKey(ctx, client.APIKeyCreate{Name: name, Role: "SIEM"})
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) error { return api.DeleteAPIKeys(ctx, k.ID) }, nil
		}, "POST /v3.0/iam/apiKeys"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			t.Parallel()
			e := startEmulator(t, nil)
			if err := e.srv.SetTenantLimits(tc.limits); err != nil {
				t.Fatal(err)
			}
			api, ctx, logs := retryingClient(t, e, 3)
			remove, err := tc.create(ctx, api, "first")
			if err != nil {
				t.Fatal(err)
			}
			removed := make(chan error, 1)
			time.AfterFunc(300*time.Millisecond, func() { removed <- remove(ctx) })
			started := time.Now()
			if _, err := tc.create(ctx, api, "second"); err != nil {
				t.Fatalf("create once the first object is deleted: %v", err)
			}
			if err := <-removed; err != nil {
				t.Fatal(err)
			}
			if took := time.Since(started); took < time.Second {
				t.Errorf("created after %s, before the refusal's Retry-After of 1 s", took)
			}
			if n := e.srv.Stats().Requests[tc.path]; n != 3 {
				t.Errorf("%s sent %d times, want 3: the first, and the second refused once and sent again", tc.path, n)
			}
			if strings.Contains(logs(), "pace changed") {
				t.Errorf("a refusal at the cap changed the pace:\n%s", logs())
			}
		})
	}
}

// TestTenantLimitRetryAfterHonoured: a 429 at a tenant's cap is retried after the Retry-After it
// carries, however short the client's backoff, and leaves the pace as it was; without the inner
// code, the same 429 is a rate limit, which slows it.
func TestTenantLimitRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		inner    string
		wantPace bool
	}{{"TenantLimitExceeded", false}, {"", true}} {
		t.Run(fmt.Sprintf("inner=%q", tc.inner), func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost && calls.Add(1) == 1 {
					w.Header().Set("Retry-After", "2")
					w.WriteHeader(http.StatusTooManyRequests)
					inner := ""
					if tc.inner != "" {
						inner = fmt.Sprintf(`,"innererror":{"code":%q}`, tc.inner)
					}
					_, _ = fmt.Fprintf(w, `{"error":{"code":"TooManyRequests","message":"full"%s}}`, inner)
					return
				}
				w.Header().Set("Location", "/v3.0/iam/roles/r1")
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(`{"id":"r1","name":"Robots","type":"custom","permissionKeys":[]}`))
			}))
			t.Cleanup(srv.Close)
			api, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "k", UserAgent: "client-test/1.0",
				MaxRetries: 1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			started := time.Now()
			if _, err := api.CreateRole(ctx, client.RoleCreate{Name: "Robots", PermissionKeys: []string{}}); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(started); took < 2*time.Second {
				t.Errorf("retried after %s, before the Retry-After of 2 s", took)
			}
			if calls.Load() != 2 {
				t.Errorf("the create sent %d times, want 2", calls.Load())
			}
			if got := strings.Contains(logs.String(), "pace changed"); got != tc.wantPace {
				t.Errorf("pace changed: %v, want %v\n%s", got, tc.wantPace, logs.String())
			}
		})
	}
}
