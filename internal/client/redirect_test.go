package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// TestRedirectsAreNotFollowed: an endpoint that answers with a redirect, here from https to plain
// http on another port of the same host (where Go would forward the Authorization header), sends
// the client nowhere: the server the redirect names gets no request, and the error names the
// redirect without the credentials or query it carries. It holds for the client's own transport
// and for a caller's http.Client, which is left as it was.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		writeJSON(w, http.StatusOK, available)
	}))
	t.Cleanup(plain.Close)
	redirect := func(status int, attempts *atomic.Int32) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			attempts.Add(1)
			http.Redirect(w, r, "http://someone:hunter2@"+plain.Listener.Addr().String()+r.URL.Path+"?token=s3cret", status)
		}
	}

	tests := map[string]struct {
		status int
		start  func(h http.Handler) *httptest.Server
		caller func(srv *httptest.Server) *http.Client
	}{
		"301 from https, with the caller's http.Client": {http.StatusMovedPermanently, httptest.NewTLSServer,
			func(srv *httptest.Server) *http.Client { return srv.Client() }},
		"307 from http, with the client's own transport": {http.StatusTemporaryRedirect, httptest.NewServer,
			func(*httptest.Server) *http.Client { return nil }},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			elsewhere.Store(0)
			var attempts atomic.Int32
			srv := tt.start(redirect(tt.status, &attempts))
			t.Cleanup(srv.Close)
			caller := tt.caller(srv)
			c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: testKey, HTTPClient: caller, RequestsPerMinute: -1,
				RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckConnectivity(context.Background())
			if elsewhere.Load() != 0 {
				t.Errorf("the server the redirect names got %d requests, want none", elsewhere.Load())
			}
			if err == nil {
				t.Fatal("a redirected request succeeded")
			}
			if got := requestError(t, err).Kind(); got != client.FailureRedirect {
				t.Errorf("Kind() = %v, want FailureRedirect", got)
			}
			msg := err.Error()
			want := "http://" + plain.Listener.Addr().String() + "/v3.0/healthcheck/connectivity"
			if !strings.Contains(msg, http.StatusText(tt.status)) || !strings.Contains(msg, want) {
				t.Errorf("error = %q, want the status %d and the location %s", msg, tt.status, want)
			}
			for _, secret := range []string{"hunter2", "someone", "s3cret"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error = %q, shows %q from the redirect's URL", msg, secret)
				}
			}
			if attempts.Load() != 1 {
				t.Errorf("the redirecting server got %d requests, want 1: a redirect is not retried", attempts.Load())
			}
			if caller != nil && caller.CheckRedirect != nil {
				t.Error("the caller's http.Client was changed")
			}
		})
	}
}

// TestWritesAnsweredWithARedirectAreNeitherFollowedNorRetried: a POST answered 302 would be sent
// again as a GET by Go's client, which turns a create into a read of another URL and the batch
// delete of API keys into a read of a key named "delete". The client sends the POST once and stops.
func TestWritesAnsweredWithARedirectAreNeitherFollowedNorRetried(t *testing.T) {
	tests := map[string]func(c *client.Client) error{
		"role create": func(c *client.Client) error {
			_, err := c.CreateRole(context.Background(), client.RoleCreate{Name: "auditors", PermissionKeys: []string{"p"}})
			return err
		},
		"API-key batch delete": func(c *client.Client) error { return c.DeleteAPIKeys(context.Background(), "k1") },
	}
	for name, write := range tests {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []string
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.Method+" "+r.URL.Path)
				mu.Unlock()
				if r.Method == http.MethodPost {
					http.Redirect(w, r, r.URL.Path, http.StatusFound)
					return
				}
				writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"not here"}}`)
			})
			err := write(c)
			if err == nil || !strings.Contains(err.Error(), "302") {
				t.Errorf("error = %v, want the 302", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != 1 || !strings.HasPrefix(seen[0], "POST ") {
				t.Errorf("requests = %q, want the one POST", seen)
			}
		})
	}
}
