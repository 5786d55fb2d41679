// Package client is a small typed client for the Trend Vision One IAM API v3.0 (accounts, roles,
// API keys), as described in API.md beside this file. It knows nothing of Terraform's schema: the
// provider translates between its models and these types.
//
// Every call goes through one transport (transport.go) that keeps to the pace the tenant allows
// (pace.go), retries what is safe to retry, decodes errors into *APIError and logs through tflog
// with every secret masked (logging.go).
//
// # What is retried, and what happens after an ambiguous failure
//
// A failure is ambiguous when the API may have acted on a write without the client learning of
// it: a timeout, a dropped connection, a 5xx (of the answer, or of one item of a batch's 207:
// APIError.inDoubt). 429 answers and connections that were never made are not ambiguous and are
// retried for every request. What asking again cannot change is not retried at all
// (unchangedByRetry): a host name that does not exist, a certificate this machine does not trust,
// a redirect.
//
//   - GET is retried after any 5xx (but 501) and any network error.
//   - PATCH carries If-Match (the ETag the caller read, or that of a GET just before it; none when
//     the API gave none, after a check of the object's fingerprint) and is retried like a GET.
//     If a retry meets a 412, the first attempt may have applied the patch (and so changed the
//     ETag): the object is read again, and when it already holds every patched field the update
//     has succeeded; otherwise someone else changed it and the 412 is returned, never overwritten.
//   - DELETE and the API-key batch delete are retried, and so is a key of the batch delete whose
//     item failed ambiguously (deleteAPIKeyBatch); a 404 (or per-item 404) answering a retry
//     means the first attempt deleted the object.
//   - Creates (role POST, account invite, API-key batch POST) are never re-sent blindly
//     (create.go). After an ambiguous failure the object is looked up by its unique name or email
//     (case-insensitively, as the API's uniqueness), every name of an API-key batch in one
//     listing: a role or an invitation that is found is adopted; an API key found with a creation
//     time after the attempt began (by the server's clock) was made by that attempt, but its
//     secret is lost, so it is deleted and created again; an older API key or role of that name is
//     someone else's and gives its caller an error for which IsAlreadyExists is true. Only what is
//     not found is sent again.
//
// A write already sent when Terraform cancels its context (an interrupted apply) is seen through for
// a grace period, so that the state records what the API did (write.go).
//
// Concurrent API-key creates and deletes are gathered into batch requests (gather.go).
package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Config configures a Client. At most one of Region and Endpoint is normally set; Endpoint wins.
type Config struct {
	// Region is one of Regions (us, eu, jp, sg, au, in, mea, uk, usgov). Default DefaultRegion.
	Region string
	// Endpoint is a full base URL such as "http://127.0.0.1:8080" (proxies, the emulator). The
	// client appends /v3.0/... paths to it.
	Endpoint string
	// APIKey is the bearer token. It is masked in every log line.
	APIKey string
	// UserAgent names the caller, e.g. "Terraform/1.14.9 (+https://www.terraform.io)
	// terraform-provider-visionone/1.2.3" (API.md, "Headers").
	UserAgent string
	// MaxRetries bounds the retries of one request after 429, 5xx and network errors. Zero means
	// the default (DefaultMaxRetries); NoRetries (any negative value) means none.
	MaxRetries int
	// RequestTimeout bounds one HTTP attempt. Default DefaultRequestTimeout (the API's own limit).
	RequestTimeout time.Duration
	// RequestsPerMinute is a hard cap on the requests of all calls through this Client: no 60
	// seconds hold more of them.
	// Zero (or negative) means none: the pace is learned from the API's 429 answers (pace.go).
	RequestsPerMinute int
	// HTTPClient overrides the transport (tests). Its Timeout is ignored in favour of RequestTimeout,
	// and its CheckRedirect too: the client follows no redirect. It is copied, never changed.
	HTTPClient *http.Client
	// RetryBaseDelay and RetryMaxDelay shape the exponential backoff between retries (full jitter:
	// a random wait up to min(RetryMaxDelay, RetryBaseDelay·2^n)). Defaults defaultRetryBaseDelay
	// and defaultRetryMaxDelay. A Retry-After header from the API takes precedence.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
}

// Client talks to one Vision One tenant. It is safe for concurrent use and is meant to be built
// once per provider process, so that its pace and server clock are shared by everything.
type Client struct {
	cfg    Config
	base   *url.URL
	http   *http.Client
	pace   *pacer
	clock  serverClock
	caches readCaches // the listings that refreshes share (cache.go)
	// keyCreates and keyDeletes gather concurrent API-key writes into batches (gather.go).
	keyCreates *gatherer[APIKeyCreate, *CreatedAPIKey]
	keyDeletes *gatherer[string, *APIError]
	// writeGrace is writeGracePeriod (tests shorten it).
	writeGrace time.Duration
	// shown holds the permissions (requiredPermission) of the calls that have succeeded: the key's
	// role has them, so a later 403 to a call that needs one of them has another cause.
	shown sync.Map
	// accepted is set once a call has succeeded: the key was valid then, so a later 401 says it
	// changed during the run.
	accepted atomic.Bool
}

// New validates cfg and builds a Client. It makes no network call. A setting it refuses gives a
// *ConfigError.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	base, err := cfg.baseURL()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:    cfg,
		base:   base,
		http:   httpClient(cfg.HTTPClient, cfg.APIKey),
		pace:   newPacer(cfg.RequestsPerMinute),
		caches: newReadCaches(),

		writeGrace: writeGracePeriod,
	}
	c.keyCreates = newGatherer("API key creates", c.logContext, c.createAPIKeyBatch)
	c.keyDeletes = newGatherer("API key deletes", c.logContext, c.deleteAPIKeyBatch)
	return c, nil
}

// BaseURL returns the base URL the client sends its requests to (without /v3.0).
func (c *Client) BaseURL() string { return c.base.String() }

// httpClient copies the caller's client (dropping its Timeout: each attempt has its own) or builds
// one on a clone of the default transport. Its proxy comes from HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY (or their lower-case forms) as the environment holds them when the client is built,
// with the standard library's rules (loopback hosts are never proxied); the default transport
// would read them once per process instead, and would report a proxy's refusal to open a tunnel by
// its status text alone (refusedTunnel). Either way it follows no redirect (refuseRedirect).
func httpClient(in *http.Client, apiKey string) *http.Client {
	out := &http.Client{}
	switch transport, ok := http.DefaultTransport.(*http.Transport); {
	case in != nil:
		copied := *in
		out = &copied
	case ok:
		transport = transport.Clone()
		proxyFor := httpproxy.FromEnvironment().ProxyFunc()
		transport.Proxy = func(r *http.Request) (*url.URL, error) { return proxyFor(r.URL) }
		transport.OnProxyConnectResponse = refusedTunnel
		out.Transport = transport
	}
	out.Timeout = 0
	out.CheckRedirect = func(next *http.Request, _ []*http.Request) error { return refuseRedirect(next, apiKey) }
	return out
}

// refuseRedirect stops the client at a redirect (API.md, "Redirects"). The API sends none, so a
// redirect comes from a wrong endpoint or something in between; following it would send the
// request, and with it the API key, to a host that was never configured (Go keeps the
// Authorization header on a redirect to the same host name, whatever its scheme or port), and would
// turn a POST answered 301, 302 or 303 into a GET. next is the request the redirect asks for.
func refuseRedirect(next *http.Request, apiKey string) error {
	e := &redirectError{location: shownLocation(next.URL, apiKey)}
	if next.Response != nil {
		e.status = next.Response.StatusCode
	}
	return e
}

// redirectError is an answer that redirects the request elsewhere, which the client does not follow.
type redirectError struct {
	status int
	// location is where the redirect points, as shownLocation shows it.
	location string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("the server redirected the request (%d %s) to %s; the client follows no redirect",
		e.status, http.StatusText(e.status), e.location)
}

// shownLocation is the URL of a redirect as an error may show it: without its credentials, query
// and fragment, which may hold secrets (a query left out is shown as "?…"), and cleaned as any text
// of an answer.
func shownLocation(u *url.URL, apiKey string) string {
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	s := shown.String()
	if u.RawQuery != "" || u.ForceQuery {
		s += "?…"
	}
	return clean(s, maxExcerptLen, []string{apiKey})
}

// refusedTunnel reports a proxy's refusal to open a tunnel to an https endpoint (any answer to
// CONNECT but 200, which is all that Go accepts) as a *proxyRefusal, naming the proxy and its
// answer.
func refusedTunnel(_ context.Context, proxy *url.URL, connect *http.Request, answer *http.Response) error {
	if answer.StatusCode == http.StatusOK {
		return nil
	}
	shown := url.URL{Scheme: proxy.Scheme, Host: proxy.Host} // without the proxy's credentials
	return &proxyRefusal{proxy: shown.String(), target: connect.Host, status: answer.StatusCode}
}

// proxyRefusal is a proxy's refusal to open a tunnel to the API: the request never reached it.
type proxyRefusal struct {
	proxy  string // the proxy's scheme and host
	target string // the host and port of the tunnel asked for
	status int    // the proxy's answer to CONNECT
}

func (e *proxyRefusal) Error() string {
	return fmt.Sprintf("the proxy %s refused to open a tunnel to %s: %d %s", e.proxy, e.target, e.status,
		http.StatusText(e.status))
}
