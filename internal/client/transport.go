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
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryPolicy says which failures of a request may be answered by sending it again.
type retryPolicy int

const (
	// retryIdempotent: sending the request twice has the effect of sending it once (GET, DELETE,
	// PATCH with If-Match, the batch delete). Retried after 429, 5xx but 501, and network errors.
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
	rawURL string     // an absolute URL given by the API (nextLink), used as is
	body   any        // marshalled to JSON when not nil
	filter Filter     // sent as TMV1-Filter
	// ifMatch is sent as If-Match (the ETag as the API returned it: API.md, "ETag and If-Match").
	ifMatch string
	policy  retryPolicy
	// secretResponse marks an answer that carries secrets (API key creation): its body is never
	// logged, and never quoted in an error.
	secretResponse bool
}

// response is a successful (2xx) answer.
type response struct {
	status int
	header http.Header
	body   []byte
	// afterAmbiguous: an earlier attempt may have been applied already (see APIError).
	afterAmbiguous bool
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
// create that may have been applied.
func (c *Client) do(ctx context.Context, req request) (*response, error) {
	ctx = c.logContext(ctx)
	target, err := c.resolve(req)
	if err != nil {
		return nil, err
	}
	logPath := target.Path
	if err := req.filter.validate(); err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.method, logPath, err)
	}
	if req.method != http.MethodGet {
		// Before, so no read starts from a listing the write is changing; after, so a listing
		// fetched while it was under way is not kept either.
		c.caches.invalidateFor(target.Path)
		defer c.caches.invalidateFor(target.Path)
	}
	var payload []byte
	if req.body != nil {
		if payload, err = json.Marshal(req.body); err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request body: %w", req.method, logPath, err)
		}
	}

	ambiguous := false // an earlier attempt may have been applied
	for attempt := 1; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				return nil, &RequestError{Method: req.method, Path: logPath, Attempts: attempt - 1,
					Err: fmt.Errorf("waiting for the client-side rate limit: %w", contextErr(ctx, err))}
			}
		}
		started := time.Now()
		status, header, body, sendErr := c.send(ctx, req, target, payload)
		fields := map[string]any{
			"method":      req.method,
			"path":        logPath,
			"attempt":     attempt,
			"duration_ms": time.Since(started).Milliseconds(),
		}

		if sendErr != nil {
			reqErr := &RequestError{Method: req.method, Path: logPath, Attempts: attempt, Err: sendErr}
			if ctx.Err() != nil {
				reqErr.Err = contextErr(ctx, sendErr)
				fields["error"] = reqErr.Err.Error()
				tflog.SubsystemDebug(ctx, LogSubsystem, "Vision One API request canceled", fields)
				return nil, reqErr
			}
			if errors.Is(sendErr, context.DeadlineExceeded) {
				reqErr.Timeout = c.cfg.RequestTimeout
			}
			fields["error"] = reqErr.Error()
			tflog.SubsystemDebug(ctx, LogSubsystem, "Vision One API request failed", fields)
			if errors.Is(sendErr, errAnswerTooLarge) || hostNotFound(sendErr) {
				return nil, reqErr
			}
			unsent := neverSent(sendErr)
			if req.policy != retryIdempotent && !unsent {
				return nil, &ambiguousError{reqErr}
			}
			if attempt > c.cfg.MaxRetries {
				return nil, reqErr
			}
			ambiguous = ambiguous || !unsent
			if err := c.sleep(ctx, c.backoff(attempt)); err != nil {
				return nil, &RequestError{Method: req.method, Path: logPath, Attempts: attempt, Err: err, LastFailure: sendErr}
			}
			continue
		}

		c.clock.observe(header)
		fields["status"] = status
		if trace := header.Get("x-trace-id"); trace != "" {
			fields["trace_id"] = trace
		}
		tflog.SubsystemDebug(ctx, LogSubsystem, "Vision One API request", fields)
		c.logBodies(ctx, req, payload, body)

		if status < 300 {
			return &response{status: status, header: header, body: body, afterAmbiguous: ambiguous}, nil
		}
		errBody := body
		if req.secretResponse {
			errBody = envelopeOnly(body)
		}
		apiErr := decodeError(req.method, logPath, status, header, errBody, c.secrets.list())
		apiErr.Attempts = attempt
		apiErr.afterAmbiguous = ambiguous
		switch {
		case status == http.StatusTooManyRequests:
			// The API refused before acting on it: always safe to retry.
		case status >= 500 && status != http.StatusNotImplemented:
			if req.policy == retryUnprocessed {
				return nil, &ambiguousError{apiErr}
			}
			ambiguous = ambiguous || req.method != http.MethodGet
		default:
			if status == http.StatusForbidden {
				apiErr.Rule = ruleOf(req)
			}
			return nil, apiErr
		}
		if attempt > c.cfg.MaxRetries {
			return nil, apiErr
		}
		wait, ok := retryAfter(header)
		if !ok {
			wait = c.backoff(attempt)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, &RequestError{Method: req.method, Path: logPath, Attempts: attempt, Err: err, LastFailure: apiErr}
		}
	}
}

// resolve builds the URL of req: the API's own absolute link as given, or the base URL plus path.
func (c *Client) resolve(req request) (*url.URL, error) {
	if req.rawURL != "" {
		u, err := c.base.Parse(req.rawURL)
		if err != nil {
			return nil, fmt.Errorf("%s: the API returned an invalid link %q: %w", req.method, req.rawURL, err)
		}
		return u, nil
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
		httpReq.Header.Set("If-Match", req.ifMatch)
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
// was never made), so even a create is safe to send again.
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
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

// sleep waits d or until ctx ends, whichever is first. A wait that would outlast the context's
// deadline is not begun: the retry after it could never be sent.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return fmt.Errorf("%w: the next attempt, due in %s, would pass the deadline of the operation: %w",
			errCanceledWhileWaiting, d.Round(time.Millisecond), context.DeadlineExceeded)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", errCanceledWhileWaiting, ctx.Err())
	case <-timer.C:
		return nil
	}
}

// logBodies writes the request and answer bodies at trace level, except answers that carry
// secrets. The masks of logContext apply on top.
func (c *Client) logBodies(ctx context.Context, req request, payload, body []byte) {
	fields := map[string]any{}
	if len(payload) > 0 {
		fields["request_body"] = string(payload)
	}
	switch {
	case req.secretResponse:
		fields["response_body"] = "(withheld: it carries secrets)"
	case len(body) > 0:
		fields["response_body"] = string(body)
	}
	if len(fields) > 0 {
		tflog.SubsystemTrace(ctx, LogSubsystem, "Vision One API bodies", fields)
	}
}
