package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// testKey is the provider's key in these tests. It is not shaped like a JWT, so that only masking
// the key itself keeps it out of logs and errors.
const testKey = "plain-provider-key-not-shaped-like-a-jwt"

// newHandlerClient serves h and returns a client for it with fast retries and no rate limit;
// mods adjust the configuration.
func newHandlerClient(t *testing.T, h http.HandlerFunc, mods ...func(*client.Config)) *client.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := client.Config{
		Endpoint:          srv.URL,
		APIKey:            testKey,
		UserAgent:         "client-test/1.0",
		RequestsPerMinute: -1,
		RetryBaseDelay:    time.Millisecond,
		RetryMaxDelay:     5 * time.Millisecond,
	}
	for _, mod := range mods {
		mod(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// dropConnection closes the connection without an answer, as a dying gateway would.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		t.Error("the test server cannot hijack connections")
		return
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		t.Errorf("hijacking: %v", err)
		return
	}
	_ = conn.Close()
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

const available = `{"status":"available"}`

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		writeJSON(w, 200, available)
	})
	if err := c.CheckConnectivity(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := "Bearer " + testKey; got.Get("Authorization") != want {
		t.Errorf("Authorization = %q, want the bearer key", got.Get("Authorization"))
	}
	if got.Get("User-Agent") != "client-test/1.0" {
		t.Errorf("User-Agent = %q", got.Get("User-Agent"))
	}
}

// TestRetryAfter429ThenSuccess: a 429 is retried, and its Retry-After sets the wait. The backoff of
// these clients waits a few milliseconds; a Retry-After longer than the caller's deadline is not
// begun at all, so an error naming that wait shows that Retry-After, not the backoff, was used.
func TestRetryAfter429ThenSuccess(t *testing.T) {
	tooMany := func(retryAfter string) (http.HandlerFunc, *atomic.Int32) {
		var calls atomic.Int32
		return func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.Header().Set("Retry-After", retryAfter)
				writeJSON(w, 429, `{"error":{"code":"TooManyRequests","message":"Too many requests"}}`)
				return
			}
			writeJSON(w, 200, available)
		}, &calls
	}

	h, calls := tooMany("1")
	if err := newHandlerClient(t, h).CheckConnectivity(context.Background()); err != nil {
		t.Fatalf("CheckConnectivity: %v", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("calls = %d, want 2", calls.Load())
	}

	h, calls = tooMany("120")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := newHandlerClient(t, h).CheckConnectivity(ctx)
	if err == nil || !strings.Contains(err.Error(), "the wait of 2m0s before the next attempt exceeds") ||
		!strings.Contains(err.Error(), "TooManyRequests") {
		t.Errorf("error = %v, want the two minutes of Retry-After refused for the minute left, and the 429", err)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d, want only the one answered 429", calls.Load())
	}
}

// TestRetryThenSuccess: a 503, and a 400 RequestTimeout (Vision One giving up on the request, as
// with a 504, not a refusal of its values), are retried; a RequestTimeout is known by its code
// whatever the form of the members beside it.
func TestRetryThenSuccess(t *testing.T) {
	for name, failure := range map[string]func(w http.ResponseWriter){
		"503": func(w http.ResponseWriter) {
			writeJSON(w, 503, `{"error":{"code":"ServiceUnavailable","message":"try later"}}`)
		},
		"400 RequestTimeout": func(w http.ResponseWriter) {
			writeJSON(w, 400, `{"error":{"code":"RequestTimeout","message":"The request timed out."}}`)
		},
		"400 RequestTimeout with a string innererror": func(w http.ResponseWriter) {
			writeJSON(w, 400, `{"error":{"code":"RequestTimeout","message":"The request timed out.","innererror":"GatewayTimeout"}}`)
		},
	} {
		var calls atomic.Int32
		c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				failure(w)
				return
			}
			writeJSON(w, 200, available)
		})
		if err := c.CheckConnectivity(context.Background()); err != nil {
			t.Fatalf("%s: CheckConnectivity: %v", name, err)
		}
		if calls.Load() != 2 {
			t.Fatalf("%s: calls = %d, want 2", name, calls.Load())
		}
	}
}

func TestGiveUpAfterMaxRetries(t *testing.T) {
	var calls atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("x-trace-id", fmt.Sprint("trace-", n))
		writeJSON(w, 500, `{"error":{"code":"InternalServerError","message":"An internal error has occurred."}}`)
	}, func(cfg *client.Config) { cfg.MaxRetries = 2 })
	err := c.CheckConnectivity(context.Background())
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 1 + 2 retries", calls.Load())
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is no *APIError", err, err)
	}
	if apiErr.StatusCode != 500 || apiErr.Attempts != 3 || apiErr.TraceID != "trace-3" {
		t.Errorf("got status %d, attempts %d, trace %q; want the last answer (500, 3, trace-3)",
			apiErr.StatusCode, apiErr.Attempts, apiErr.TraceID)
	}
	want := "GET /v3.0/healthcheck/connectivity: 500 InternalServerError: An internal error has occurred. after 3 attempts [trace id trace-3]"
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
}

func TestNotImplementedIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 501, `{"error":{"code":"NotSupported","message":"no"}}`)
	})
	if err := c.CheckConnectivity(context.Background()); err == nil || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls; want an error after one call", err, calls.Load())
	}
}

func TestHTMLGatewayError(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>" +
			"<body><h1>Bad Gateway</h1><p>The upstream\nserver failed.</p></body></html>"))
	}, func(cfg *client.Config) { cfg.MaxRetries = -1 })
	err := c.CheckConnectivity(context.Background())
	want := "GET /v3.0/healthcheck/connectivity: 502 Bad Gateway: 502 Bad Gateway"
	if err == nil || err.Error() != want {
		t.Fatalf("Error() = %v, want %q", err, want)
	}
}

func TestHTMLWithoutTitleGivesTextExcerpt(t *testing.T) {
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(504)
		_, _ = w.Write([]byte("<html><body><p>Gateway &amp; proxy\ttimed out</p>" + strings.Repeat("x", 500) + "</body></html>"))
	}, func(cfg *client.Config) { cfg.MaxRetries = -1 })
	err := c.CheckConnectivity(context.Background())
	if err == nil || !strings.Contains(err.Error(), "504 Gateway Timeout: Gateway & proxy timed out xxx") {
		t.Fatalf("Error() = %v, want the status text and the page's text", err)
	}
	if strings.ContainsAny(err.Error(), "<>\t\n") || len(err.Error()) > 300 {
		t.Errorf("Error() is not a short clean line: %q", err)
	}
}

func TestEmpty401(t *testing.T) {
	var calls atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(401)
	})
	err := c.CheckConnectivity(context.Background())
	if apiStatus(err) != http.StatusUnauthorized {
		t.Fatalf("error %v, want a 401", err)
	}
	if calls.Load() != 1 {
		t.Errorf("a 401 was sent %d times, want once", calls.Load())
	}
	if want := "GET /v3.0/healthcheck/connectivity: 401 Unauthorized: the response had no error details"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

// cancelAfterAnswer is a transport that cancels the request's context once it has read the first
// whole answer, so the client learns of the cancellation while it waits to retry.
type cancelAfterAnswer struct {
	cancel context.CancelFunc
}

func (rt cancelAfterAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rt.cancel()
	return resp, err
}

func TestContextCancellationMidBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "600")
		writeJSON(w, 503, `{"error":{"code":"ServiceUnavailable","message":"down"}}`)
	}, func(cfg *client.Config) { cfg.HTTPClient = &http.Client{Transport: cancelAfterAnswer{cancel}} })
	// Retry-After asks for ten minutes: a wait that did not end with the context would outlast the
	// test's timeout, and the error says the wait was given up.
	err := c.CheckConnectivity(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v does not wrap context.Canceled", err)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d, want 1", calls.Load())
	}
	want := "GET /v3.0/healthcheck/connectivity: gave up waiting to retry: context canceled (the last answer was 503 ServiceUnavailable: down)"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

func TestTimeoutPerAttempt(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var calls atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		writeJSON(w, 200, available)
	}, func(cfg *client.Config) { cfg.RequestTimeout = 50 * time.Millisecond })
	if err := c.CheckConnectivity(context.Background()); err != nil {
		t.Fatalf("a GET that timed out once was not retried: %v", err)
	}

	noRetry := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, func(cfg *client.Config) { cfg.RequestTimeout = 50 * time.Millisecond; cfg.MaxRetries = -1 })
	err := noRetry.CheckConnectivity(context.Background())
	want := "GET /v3.0/healthcheck/connectivity: request exceeded the timeout of 50ms"
	if err == nil || err.Error() != want {
		t.Fatalf("Error() = %v, want %q", err, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
}

func TestDroppedConnectionRetriedForGET(t *testing.T) {
	var calls atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, available)
	})
	if err := c.CheckConnectivity(context.Background()); err != nil {
		t.Fatalf("CheckConnectivity: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("calls = %d, want 2", calls.Load())
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	endpoint := srv.URL
	srv.Close()
	c, err := client.New(client.Config{Endpoint: endpoint, APIKey: testKey, MaxRetries: 1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckConnectivity(context.Background())
	var reqErr *client.RequestError
	if !errors.As(err, &reqErr) || !strings.Contains(err.Error(), "could not reach the API") ||
		!strings.Contains(err.Error(), "after 2 attempts") {
		t.Fatalf("error = %v (%T), want a RequestError saying the API was unreachable after 2 attempts", err, err)
	}
}

// TestRateLimiterIsSharedByAllCalls: the cap counts the calls of every goroutine together. At 6 a
// minute the first call goes at once and the next slot is 10s later, beyond the 5s each call
// allows itself: every other call is refused at once, without waiting and without a request. A
// pacer of each call's own would let all of them through.
func TestRateLimiterIsSharedByAllCalls(t *testing.T) {
	var calls atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 200, available)
	}, func(cfg *client.Config) { cfg.RequestsPerMinute = 6 })
	const callers = 30
	var wg sync.WaitGroup
	var succeeded, refused atomic.Int32
	for range callers {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := c.CheckConnectivity(ctx)
			switch {
			case err == nil:
				succeeded.Add(1)
			case errors.Is(err, context.DeadlineExceeded) && strings.Contains(err.Error(), "waiting for the client-side rate limit") &&
				strings.Contains(err.Error(), "exceeds the operation's deadline"):
				refused.Add(1)
			default:
				t.Errorf("CheckConnectivity: %v, want success or a refusal to wait past the deadline", err)
			}
		})
	}
	wg.Wait()
	if succeeded.Load() != 1 || refused.Load() != callers-1 || calls.Load() != 1 {
		t.Errorf("%d calls succeeded and %d were refused, with %d requests; want 1, %d and 1",
			succeeded.Load(), refused.Load(), calls.Load(), callers-1)
	}
}

// TestRetryThatWouldPassTheDeadlineIsNotAwaited: a wait for the tenant's next window beyond the
// caller's deadline ends the call at once, with everything the last answer said and why the wait
// was not begun. The wait is a Retry-After of five minutes; or, without Retry-After (Vision One
// documents none), the whole window the client waits when it knows of no window open, as no
// request of it was accepted yet: a 429 says that the window is closed, and retries at the pace of
// the backoff would spend themselves long before it ends.
func TestRetryThatWouldPassTheDeadlineIsNotAwaited(t *testing.T) {
	for name, tt := range map[string]struct{ retryAfter, wait string }{
		"Retry-After":    {"300", "the wait of 5m0s before"},
		"no Retry-After": {"", "the wait of "},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var calls atomic.Int32
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.Header().Set("x-trace-id", "trace-429")
				writeJSON(w, 429, `{"error":{"code":"TooManyRequests","message":"Too many requests"}}`)
			})
			err := c.CheckConnectivity(ctx)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error %v does not wrap context.DeadlineExceeded", err)
			}
			for _, want := range []string{
				"GET /v3.0/healthcheck/connectivity: gave up waiting to retry: " + tt.wait,
				" the next attempt exceeds the operation's deadline (",
				"left) (the last answer was 429 TooManyRequests: Too many requests [trace id trace-429])",
			} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Error() = %q, want it to contain %q", err, want)
				}
			}
			if reqErr := requestError(t, err); reqErr.Kind() != client.FailureTimeout {
				t.Errorf("Kind() = %v, want FailureTimeout", reqErr.Kind())
			}
			// The error says that the wait was not begun.
			if n := calls.Load(); n != 1 {
				t.Errorf("the server got %d requests, want only the one answered 429", n)
			}
		})
	}
}

// TestEndpointWithAPath: behind an endpoint with a path of its own, errors show the whole path
// and are still judged by the API's path below it: the permission a 403 lacks, a role in use.
func TestEndpointWithAPath(t *testing.T) {
	var paths []string
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 403, `{"error":{"code":"AccessDenied","message":"Insufficient permissions."}}`)
		default:
			writeJSON(w, 400, `{"error":{"code":"BadRequest","message":"The role is in use."}}`)
		}
	}, func(cfg *client.Config) { cfg.Endpoint += "/visionone/" })

	_, err := c.ListAPIKeys(context.Background(), "")
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is no *APIError", err, err)
	}
	if got := apiErr.RequiredPermission(); got != "API Keys: View" {
		t.Errorf("RequiredPermission() = %q, want %q", got, "API Keys: View")
	}
	if !strings.HasPrefix(err.Error(), "GET /visionone/v3.0/iam/apiKeys: 403 AccessDenied") {
		t.Errorf("Error() = %q, want the endpoint's path in it", err)
	}

	err = c.DeleteRole(context.Background(), "role-1")
	if !client.IsRoleInUse(err) {
		t.Errorf("IsRoleInUse(%v) = false, want true", err)
	}
	want := []string{"GET /visionone/v3.0/iam/apiKeys", "DELETE /visionone/v3.0/iam/roles/role-1"}
	if strings.Join(paths, ", ") != strings.Join(want, ", ") {
		t.Errorf("requests = %v, want %v", paths, want)
	}
}
