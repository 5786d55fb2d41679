package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryPolicy says which failures of a request may be answered by sending it again.
type retryPolicy int

const (
	// retryIdempotent: sending the request twice has the effect of sending it once (GET, DELETE,
	// every PATCH, the batch delete). Retried after 429, 5xx but 501, and network errors.
	retryIdempotent retryPolicy = iota
	// retryUnprocessed: a create. Retried only when the API certainly did not act on it (a 429, or
	// a connection that was never made). Any other failure is returned as an *ambiguousError for
	// the caller to resolve by looking the object up (create.go).
	retryUnprocessed
)

// maxRetryAfter caps a Retry-After header, so a bogus value cannot park a run for hours; the
// caller's context bounds the wait as well.
const maxRetryAfter = 10 * time.Minute

// maxResponseBytes bounds what is read of one answer. The API's own body limit is 1 MB.
const maxResponseBytes = 16 << 20

// request is one API call as the endpoint methods describe it.
type request struct {
	method string
	path   string     // below the base URL, e.g. "/v3.0/iam/roles"; ignored when rawURL is set
	query  url.Values // added to path
	rawURL string     // a link given by the API (nextLink): its path and query are sent (linkTarget)
	body   any        // marshalled to JSON when not nil
	filter Filter     // sent as TMV1-Filter
	// ifMatch is the ETag as the API returned it, sent as If-Match without quotes or a weak prefix
	// (bareETag; API.md, "ETag and If-Match").
	ifMatch string
	policy  retryPolicy
	// answerSecrets, for a request whose answer carries secrets (API key creation), finds them in
	// the answer's body. Such a body is never logged nor quoted in an error, and the secrets found
	// are masked in this request's log context and redacted from its errors.
	answerSecrets func(body []byte) []string
}

// response is a successful (2xx) answer.
type response struct {
	status int
	header http.Header
	body   []byte
	// afterAmbiguous: an earlier attempt may have been applied already (see APIError).
	afterAmbiguous bool
	// redactions are the secrets any text quoted from the answer is stripped of: the provider's
	// key and what request.answerSecrets found in the body (Client.redactions).
	redactions []string
}

// ambiguousError wraps the failure of a create after which the API may or may not have created
// the object: a timeout, a dropped connection or a 5xx.
type ambiguousError struct{ err error }

func (e *ambiguousError) Error() string { return e.err.Error() }
func (e *ambiguousError) Unwrap() error { return e.err }

func isAmbiguous(err error) bool {
	var a *ambiguousError
	return errors.As(err, &a)
}

var errCanceledWhileWaiting = errors.New("gave up waiting to retry")

// errAnswerTooLarge is an answer beyond maxResponseBytes, far more than the API ever sends (its
// pages hold at most 200 items): a proxy's or gateway's mistake, which asking again would repeat.
var errAnswerTooLarge = errors.New("the answer is too large to be the API's")

// do sends req, retrying as its policy allows, and returns the 2xx answer or an error: *APIError
// for an HTTP error answer, *RequestError when no answer came, wrapped in *ambiguousError for a
// create that may have been applied. It runs in three steps, repeated until classify decides:
// attempt (wait for the pace, send once, log), classify (done, failed, or retry after a wait) and
// wait.
func (c *Client) do(ctx context.Context, req request) (*response, error) {
	ctx = c.logContext(ctx)
	cl, err := c.prepare(req)
	if err != nil {
		return nil, err
	}
	for {
		out, err := c.attempt(ctx, cl)
		if err != nil {
			return nil, err
		}
		next := c.classify(cl, out)
		if !next.retry {
			return next.resp, next.err
		}
		if err := c.wait(ctx, cl, next); err != nil {
			return nil, err
		}
	}
}

// call is one request on its way through the transport: what prepare made of it once, and what
// its attempts have shown so far.
type call struct {
	req     request
	target  *url.URL
	payload []byte
	// attempts is how many times the request has been sent.
	attempts int
	// ambiguous: an earlier attempt may have been applied (it timed out, its connection broke after
	// it was sent, or a write got a 5xx), so a later answer may describe the state it left.
	ambiguous bool
	// throttledSince is when the request was first answered 429.
	throttledSince time.Time
}

// path is the request's path as logs and errors show it: with the path of the endpoint, if any.
func (cl *call) path() string { return cl.target.Path }

// outcome is what one attempt met: an answer, or a failure before any answer (err).
type outcome struct {
	status int
	header http.Header
	body   []byte
	// secrets are what request.answerSecrets found in the body.
	secrets []string
	err     *RequestError
	// canceled: the caller's context ended during the attempt.
	canceled bool
}

// verdict is what classify makes of an outcome: the answer or the error to return, or a retry
// after wait. cause is what the retry answers, for the error should the wait be cut short.
type verdict struct {
	resp  *response
	err   error
	retry bool
	wait  time.Duration
	cause error
}

// prepare resolves the URL, checks the filter and encodes the body: once for all attempts.
func (c *Client) prepare(req request) (*call, error) {
	target, err := c.resolve(req)
	if err != nil {
		return nil, err
	}
	if err := req.filter.validate(); err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.method, target.Path, err)
	}
	cl := &call{req: req, target: target}
	if req.body != nil {
		if cl.payload, err = json.Marshal(req.body); err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request body: %w", req.method, target.Path, err)
		}
	}
	return cl, nil
}

// attempt waits for the request's turn under the pace (pace.go), sends the request once, logs what
// came back and tells the server clock and the pacer. Its error is the end of that wait (the
// caller's context); what the attempt met is the outcome.
func (c *Client) attempt(ctx context.Context, cl *call) (outcome, error) {
	if err := c.awaitPace(ctx); err != nil {
		return outcome{}, &RequestError{Method: cl.req.method, Path: cl.path(), Attempts: cl.attempts,
			Err: fmt.Errorf("waiting for the client-side rate limit: %w", err)}
	}
	cl.attempts++
	started := time.Now()
	var out outcome
	status, header, body, err := c.send(ctx, cl.req, cl.target, cl.payload)
	if err != nil {
		out = c.failedAttempt(ctx, cl, err)
		c.logAttempt(ctx, cl, out, time.Since(started))
		return out, nil
	}
	out = outcome{status: status, header: header, body: body}
	if cl.req.answerSecrets != nil {
		out.secrets = cl.req.answerSecrets(body)
	}
	c.logAttempt(ctx, cl, out, time.Since(started))
	c.clock.observe(header)
	c.paceAnswer(ctx, started, status == http.StatusTooManyRequests && !isTenantLimitAnswer(body), header)
	return out, nil
}

// logAttempt writes one debug line per attempt, and the bodies at trace level.
func (c *Client) logAttempt(ctx context.Context, cl *call, out outcome, took time.Duration) {
	ctx = maskAnswerSecrets(ctx, out.secrets)
	fields := map[string]any{
		"method":      cl.req.method,
		"path":        cl.path(),
		"attempt":     cl.attempts,
		"duration_ms": took.Milliseconds(),
	}
	switch {
	case out.canceled:
		fields["error"] = out.err.Err.Error()
		tflog.SubsystemDebug(ctx, LogSubsystem, "Vision One API request canceled", fields)
	case out.err != nil:
		fields["error"] = out.err.Error()
		tflog.SubsystemDebug(ctx, LogSubsystem, "Vision One API request failed", fields)
	default:
		fields["status"] = out.status
		if trace := out.header.Get("x-trace-id"); trace != "" {
			fields["trace_id"] = trace
		}
		tflog.SubsystemDebug(ctx, LogSubsystem, "Vision One API request", fields)
		c.logBodies(ctx, cl.req, cl.payload, out)
	}
}

// failedAttempt describes an attempt that got no answer: the caller's context ended, the attempt
// ran out of time, or the network failed.
func (c *Client) failedAttempt(ctx context.Context, cl *call, err error) outcome {
	reqErr := &RequestError{Method: cl.req.method, Path: cl.path(), Attempts: cl.attempts, Err: err}
	if ctx.Err() != nil {
		reqErr.Err, reqErr.inFlight = contextErr(ctx, err), true
		return outcome{err: reqErr, canceled: true}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		reqErr.Timeout = c.cfg.RequestTimeout
	}
	return outcome{err: reqErr}
}

// classify decides what an outcome means for the call: done, failed, or worth another attempt.
func (c *Client) classify(cl *call, out outcome) verdict {
	if out.err != nil {
		return c.classifyFailure(cl, out)
	}
	if out.status < 300 {
		c.accepted.Store(true)
		if permission := c.permissionOf(cl); permission != "" {
			c.shown.Store(permission, true)
		}
		return verdict{resp: &response{status: out.status, header: out.header, body: out.body,
			afterAmbiguous: cl.ambiguous, redactions: c.redactions(out.secrets...)}}
	}
	return c.classifyAnswer(cl, out)
}

// classifyFailure judges an attempt without an answer. Whatever asking again cannot change (the
// caller gave up, or unchangedByRetry) ends the call; a create that may have reached the API goes
// to its caller's lookup (create.go); anything else is retried.
func (c *Client) classifyFailure(cl *call, out outcome) verdict {
	reqErr := out.err
	if out.canceled || unchangedByRetry(reqErr.Err) {
		return verdict{err: reqErr}
	}
	unsent := neverSent(reqErr.Err)
	if cl.req.policy != retryIdempotent && !unsent {
		return verdict{err: &ambiguousError{reqErr}}
	}
	cl.ambiguous = cl.ambiguous || !unsent
	return c.retryOrGiveUp(cl, reqErr, c.backoff(cl.attempts))
}

// classifyAnswer judges an error answer. A 429 is retried for every request: the API refused before
// acting on it; it waits for the tenant's next window (its Retry-After, or the hold the pacer set).
// A 429 that says the tenant's cap on objects is reached (tenantLimitReached) is retried as well,
// after its Retry-After or a backoff, since a delete elsewhere may make room; it is no rate limit,
// so its retries are bounded by max_retries alone. A 5xx (but 501), or a 400 RequestTimeout (the
// API giving up, as with a 504), is retried, except for a create, whose caller must look the
// object up first. Any other answer is final.
func (c *Client) classifyAnswer(cl *call, out outcome) verdict {
	errBody := out.body
	if cl.req.answerSecrets != nil {
		errBody = envelopeOnly(out.body)
	}
	apiErr := decodeError(cl.req.method, cl.path(), out.status, out.header, errBody, c.redactions(out.secrets...))
	apiErr.Attempts = cl.attempts
	apiErr.apiPath = strings.TrimPrefix(cl.path(), c.base.Path)
	apiErr.afterAmbiguous = cl.ambiguous
	rateLimited := out.status == http.StatusTooManyRequests && !apiErr.tenantLimitReached()
	switch status := out.status; {
	case status == http.StatusTooManyRequests:
	case apiErr.inDoubt():
		if cl.req.policy == retryUnprocessed {
			return verdict{err: &ambiguousError{apiErr}}
		}
		cl.ambiguous = cl.ambiguous || cl.req.method != http.MethodGet
	default:
		switch status {
		case http.StatusForbidden:
			apiErr.Rule = ruleOf(cl.req)
			_, apiErr.PermissionShown = c.shown.Load(c.permissionOf(cl))
		case http.StatusUnauthorized:
			apiErr.KeyAcceptedBefore = c.accepted.Load()
		}
		return verdict{err: apiErr}
	}
	wait, ok := retryAfter(out.header)
	if !ok {
		wait = c.backoff(cl.attempts)
		if rateLimited {
			// The pacer holds every request until the window that this 429 closed ends.
			wait = max(wait, c.pace.holdLeft(time.Now()))
		}
	}
	if rateLimited && c.tenantMayBeFull(cl, time.Now()) {
		if cl.attempts > c.cfg.MaxRetries {
			// Past its retries, a call asks no faster than its backoff, whatever a Retry-After says.
			wait = max(wait, c.backoff(cl.attempts))
		}
		return verdict{retry: true, wait: wait, cause: apiErr}
	}
	return c.retryOrGiveUp(cl, apiErr, wait)
}

// permissionOf is the console permission the call needs (requiredPermission).
func (c *Client) permissionOf(cl *call) string {
	return requiredPermission(cl.req.method, strings.TrimPrefix(cl.path(), c.base.Path))
}

// tenantMayBeFull reports whether a call answered 429 at now is retried whatever its attempts:
// until a window has passed since its first 429, a 429 may mean only that the tenant's window is
// full, which its end cures, so it never reaches the caller; after that, the call's retries count
// as for any failure. With retries turned off, it is not retried either.
func (c *Client) tenantMayBeFull(cl *call, now time.Time) bool {
	if cl.throttledSince.IsZero() {
		cl.throttledSince = now
	}
	return c.cfg.MaxRetries > 0 && now.Sub(cl.throttledSince) < paceWindow
}

// retryOrGiveUp is a retry after wait, unless the call has used up its retries: then cause stands.
func (c *Client) retryOrGiveUp(cl *call, cause error, wait time.Duration) verdict {
	if cl.attempts > c.cfg.MaxRetries {
		return verdict{err: cause}
	}
	return verdict{retry: true, wait: wait, cause: cause}
}

// wait sleeps before the next attempt. A wait cut short ends the call with what the last attempt
// met.
func (c *Client) wait(ctx context.Context, cl *call, next verdict) error {
	if err := c.sleep(ctx, next.wait); err != nil {
		return &RequestError{Method: cl.req.method, Path: cl.path(), Attempts: cl.attempts, Err: err, LastFailure: next.cause}
	}
	return nil
}

// resolve builds the URL of req: the base URL plus req.path, or for a link the API gave, the URL
// that linkTarget makes of it.
func (c *Client) resolve(req request) (*url.URL, error) {
	if req.rawURL != "" {
		return c.linkTarget(req)
	}
	// req.path holds escaped ids (objectPath): keep that form as RawPath, so that an id with a
	// slash or a percent sign stays one segment and is not escaped twice.
	decoded, err := url.PathUnescape(req.path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.method, req.path, err)
	}
	u := *c.base
	u.Path = c.base.Path + decoded
	u.RawPath = c.base.EscapedPath() + req.path
	if len(req.query) > 0 {
		u.RawQuery = req.query.Encode()
	}
	return &u, nil
}

// bareETag is an ETag without surrounding whitespace, a weak prefix (W/) or surrounding double
// quotes: the form the API returns, which Trend's SDK sends and its mock requires in If-Match.
func bareETag(etag string) string {
	etag = strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	if len(etag) >= 2 && strings.HasPrefix(etag, `"`) && strings.HasSuffix(etag, `"`) {
		etag = etag[1 : len(etag)-1]
	}
	return etag
}

// apiRoot is the path under which every endpoint of the API lies (API.md, "Endpoints").
const apiRoot = "/v3.0/"

// linkTarget is where a link the API gave (a list's nextLink, req.rawURL) is followed: its path and
// query, sent to the base URL, as Trend's SDK does (API.md, "Pagination"). The host the link names
// is not used, so the API key only ever goes to the configured host, and a link built from another
// name of the API (an alias, an internal host) still works. The path must lie under the API's
// /v3.0, as the API gives it or below the path of an endpoint that has one; any other link is
// refused.
func (c *Client) linkTarget(req request) (*url.URL, error) {
	link, err := c.base.Parse(req.rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s %s: the API returned an invalid link %q: %w", req.method, req.path, req.rawURL, err)
	}
	below, escaped := link.Path, link.EscapedPath()
	if prefix := c.base.Path; prefix != "" && strings.HasPrefix(below, prefix+"/") {
		below = strings.TrimPrefix(below, prefix)
		escaped = strings.TrimPrefix(escaped, c.base.EscapedPath())
	}
	if !strings.HasPrefix(below, apiRoot) || slices.ContainsFunc(strings.Split(below, "/"), func(segment string) bool {
		return segment == "." || segment == ".."
	}) {
		return nil, fmt.Errorf("%s %s: the API returned a link to %s, outside the API's /v3.0; not following it",
			req.method, req.path, link.Redacted())
	}
	u := *c.base
	u.Path = c.base.Path + below
	u.RawPath = c.base.EscapedPath() + escaped
	u.RawQuery = link.RawQuery
	return &u, nil
}

// send makes one attempt, bounded by the request timeout, and reads the whole answer.
func (c *Client) send(ctx context.Context, req request, target *url.URL, payload []byte) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, target.String(), body)
	if err != nil {
		return 0, nil, nil, err
	}
	httpReq.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	httpReq.Header.Set("User-Agent", c.cfg.UserAgent)
	httpReq.Header.Set("Accept", "application/json")
	if payload != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	if req.filter != "" {
		httpReq.Header.Set("TMV1-Filter", string(req.filter))
	}
	if req.ifMatch != "" {
		httpReq.Header.Set("If-Match", bareETag(req.ifMatch))
	}
	resp, err := c.http.Do(httpReq)
	if err != nil {
		return 0, nil, nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		// The status line arrived but the body broke off: as ambiguous as no answer at all.
		return 0, nil, nil, fmt.Errorf("reading the %d answer: %w", resp.StatusCode, unwrapURLError(err))
	}
	if len(data) > maxResponseBytes {
		return 0, nil, nil, fmt.Errorf("%w: the %d answer is larger than %d MB", errAnswerTooLarge, resp.StatusCode, maxResponseBytes>>20)
	}
	return resp.StatusCode, resp.Header, data, nil
}

// unwrapURLError drops net/http's `Get "https://…":` prefix: the method and path are said once,
// by the caller.
func unwrapURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// neverSent reports whether err happened before the request could reach the API (the connection
// was never made, or the proxy refused to open it), so even a create is safe to send again.
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var (
		dnsErr  *net.DNSError
		refusal *proxyRefusal
	)
	return errors.As(err, &dnsErr) || errors.As(err, &refusal)
}

// contextErr prefers the caller's context error (canceled, deadline) over the transport's.
func contextErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return ctxErr
	}
	return err
}

// backoff is exponential backoff with full jitter: a random wait in [0, min(max, base·2^(n-1))].
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.cfg.RetryMaxDelay
	if shift := attempt - 1; shift < 32 {
		if d := c.cfg.RetryBaseDelay << shift; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return rand.N(ceiling + 1)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date. A date is taken relative
// to the answer's own Date header when there is one, so the two clocks need not agree.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		now := time.Now()
		if date, err := http.ParseTime(h.Get("Date")); err == nil {
			now = date
		}
		d = max(at.Sub(now), 0)
	} else {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

// sleep waits d before a retry, or until ctx ends, whichever is first (see pause).
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	err := pause(ctx, d)
	if err == nil || d <= 0 {
		return err
	}
	return fmt.Errorf("%w: %w", errCanceledWhileWaiting, err)
}

// pause waits d or until ctx ends, whichever is first. A wait that would outlast the context's
// deadline is not begun: the attempt after it could never be sent.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return &deadlineTooNear{wait: d, left: max(time.Until(deadline), 0)}
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// deadlineTooNear is a wait that was not begun because it would outlast the caller's deadline. It
// is a context.DeadlineExceeded.
type deadlineTooNear struct{ wait, left time.Duration }

func (e *deadlineTooNear) Error() string {
	return fmt.Sprintf("the wait of %s before the next attempt exceeds the operation's deadline (%s left)",
		e.wait.Round(time.Millisecond), e.left.Round(time.Millisecond))
}

func (e *deadlineTooNear) Unwrap() error { return context.DeadlineExceeded }

// logBodies writes the request and answer bodies at trace level, except answers that carry
// secrets. The masks of logContext apply on top; an answer other than a 200 may quote a secret
// it was sent (an error page that echoes the request), cut up where the masks would not see it,
// and is redacted as an error's text is.
func (c *Client) logBodies(ctx context.Context, req request, payload []byte, out outcome) {
	fields := map[string]any{}
	if len(payload) > 0 {
		fields["request_body"] = string(payload)
	}
	switch {
	case req.answerSecrets != nil:
		fields["response_body"] = "(withheld: it carries secrets)"
	case len(out.body) > 0 && out.status != http.StatusOK:
		fields["response_body"] = redact(string(out.body), c.redactions(out.secrets...))
	case len(out.body) > 0:
		fields["response_body"] = string(out.body)
	}
	if len(fields) > 0 {
		tflog.SubsystemTrace(ctx, LogSubsystem, "Vision One API bodies", fields)
	}
}
