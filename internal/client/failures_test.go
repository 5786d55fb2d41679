package client_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// closedEndpoint returns the URL of a loopback port that nothing listens on any more.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// unresolvableHost is a transport whose every dial fails as a DNS lookup of a name that does not
// exist fails, so that the test does not depend on the machine's resolver.
func unresolvableHost(dials *atomic.Int32) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
			dials.Add(1)
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.OpError{Op: "dial", Net: "tcp",
				Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		},
	}}
}

// apiStatus is the HTTP status of the API answer err reports, or 0 when it reports none.
func apiStatus(err error) int {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return 0
	}
	return apiErr.StatusCode
}

func requestError(t *testing.T, err error) *client.RequestError {
	t.Helper()
	var reqErr *client.RequestError
	if !errors.As(err, &reqErr) {
		t.Fatalf("error = %v (%T), want a *client.RequestError", err, err)
	}
	return reqErr
}

// TestUnknownHostIsNotRetried: a host name that does not exist gets the same answer however often
// it is asked, so the client says so at once instead of retrying.
func TestUnknownHostIsNotRetried(t *testing.T) {
	var dials atomic.Int32
	c, err := client.New(client.Config{Endpoint: "https://nonexistent.invalid", APIKey: testKey,
		HTTPClient: unresolvableHost(&dials), RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	reqErr := requestError(t, c.CheckConnectivity(context.Background()))
	if dials.Load() != 1 || reqErr.Attempts != 1 {
		t.Errorf("dials = %d, attempts = %d; want one of each", dials.Load(), reqErr.Attempts)
	}
	if reqErr.Kind() != client.FailureHostNotFound {
		t.Errorf("Kind() = %v, want FailureHostNotFound", reqErr.Kind())
	}
	if want := "GET /v3.0/healthcheck/connectivity: could not reach the API: dial tcp: lookup nonexistent.invalid: no such host"; reqErr.Error() != want {
		t.Errorf("Error() = %q, want %q", reqErr, want)
	}
}

// TestFailureKinds checks the classification that the provider's advice rests on, each with a
// real failure of its kind.
func TestFailureKinds(t *testing.T) {
	tlsServer := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // it would log the handshake the client refuses
	tlsServer.StartTLS()                                   // with a certificate the client does not trust
	t.Cleanup(tlsServer.Close)
	hanging := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hanging.Close)

	tests := map[string]struct {
		cfg  client.Config
		want client.FailureKind
	}{
		"connection refused":    {client.Config{Endpoint: closedEndpoint(t)}, client.FailureConnect},
		"untrusted certificate": {client.Config{Endpoint: tlsServer.URL}, client.FailureTLS},
		"no answer in time":     {client.Config{Endpoint: hanging.URL, RequestTimeout: 50 * time.Millisecond}, client.FailureTimeout},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.APIKey, cfg.MaxRetries = testKey, client.NoRetries
			c, err := client.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := requestError(t, c.CheckConnectivity(context.Background())).Kind(); got != tt.want {
				t.Errorf("Kind() = %v, want %v", got, tt.want)
			}
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := client.New(client.Config{Endpoint: hanging.URL, APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if got := requestError(t, c.CheckConnectivity(ctx)).Kind(); got != client.FailureCanceled {
		t.Errorf("Kind() of a canceled request = %v, want FailureCanceled", got)
	}
}

// TestUnreachableUntilTheDeadlineKeepsTheCause: when the caller's deadline ends the retries of a
// connection that cannot be made, the error still says why the connection failed.
func TestUnreachableUntilTheDeadlineKeepsTheCause(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	c, err := client.New(client.Config{Endpoint: closedEndpoint(t), APIKey: testKey,
		RetryBaseDelay: 10 * time.Second, RetryMaxDelay: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckConnectivity(ctx)
	reqErr := requestError(t, err)
	if reqErr.Kind() != client.FailureConnect || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error = %v (kind %v), want the refused connection as its cause", err, reqErr.Kind())
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
}

// TestFailuresThatRetryingCannotFixAreNotRetried: an https endpoint of a plain HTTP server, a
// certificate this machine does not trust, or an answer far larger than the API's, is the same at
// every attempt: the client stops at the first.
func TestFailuresThatRetryingCannotFixAreNotRetried(t *testing.T) {
	ok := func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, available) }
	tests := map[string]struct {
		handler  http.HandlerFunc
		https    bool // the endpoint says https whatever the server speaks
		startTLS bool // the server speaks TLS, with a certificate the client does not trust
		want     client.FailureKind
	}{
		"https to a plain HTTP server": {ok, true, false, client.FailureSchemeMismatch},
		"an untrusted certificate":     {ok, false, true, client.FailureTLS},
		"an answer too large": {func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(make([]byte, 17<<20))
		}, false, false, client.FailureAnswerTooLarge},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(tt.handler)
			srv.Config.ErrorLog = log.New(io.Discard, "", 0) // it would log the handshake it cannot read
			var conns atomic.Int32
			srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
				if state == http.StateNew {
					conns.Add(1)
				}
			}
			if tt.startTLS {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			endpoint := srv.URL
			if tt.https {
				endpoint = "https://" + srv.Listener.Addr().String()
			}
			c, err := client.New(client.Config{Endpoint: endpoint, APIKey: testKey, RequestsPerMinute: -1,
				RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			reqErr := requestError(t, c.CheckConnectivity(context.Background()))
			if reqErr.Kind() != tt.want || reqErr.Attempts != 1 || conns.Load() != 1 {
				t.Errorf("kind %v after %d attempts on %d connections (%v); want %v after one", reqErr.Kind(),
					reqErr.Attempts, conns.Load(), reqErr, tt.want)
			}
		})
	}
}
