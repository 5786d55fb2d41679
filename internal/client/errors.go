package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// APIError is an error answer of the Vision One API (API.md, "Errors"), or of one item of a 207
// multi-status answer (API.md, "Multi-status answers"). It is built even from an HTML or empty
// body.
type APIError struct {
	Method       string // request method, e.g. "PATCH"
	Path         string // request path, e.g. "/v3.0/iam/roles/{id}" with the id
	StatusCode   int    // HTTP status, or the item status inside a 207
	Code         string // Vision One error code, e.g. "BadRequest"
	Message      string
	InnerCode    string
	InnerMessage string
	Target       string // the offending field, when the API names it
	TraceID      string // x-trace-id response header
	Item         string // for a 207 item: what the item was (its name or id)
	// Attempts is how many times the request was sent; more than one when it was retried.
	Attempts int
	// Rule is, on a 403, the rule that refuses this request to every key but a Master
	// Administrator's; NoRule when none applies.
	Rule Rule
	// PermissionShown is set on a 403 when a call that needs the same RequiredPermission has
	// succeeded through this client before: the key's role has that permission, so the refusal has
	// another cause.
	PermissionShown bool
	// KeyAcceptedBefore is set on a 401 when a call through this client has succeeded before: the
	// key was valid then, so it was disabled, deleted or expired since, not mistyped.
	KeyAcceptedBefore bool

	// apiPath is the request's path below the base URL, when Path also holds the path of an
	// endpoint such as "https://gw.example.com/visionone": what RequiredPermission and
	// IsRoleInUse match. Empty when Path is that path already.
	apiPath string

	// afterAmbiguous is set when an earlier attempt of the same request may have been applied
	// (it timed out or got a 5xx), so this answer may describe the state that attempt left.
	afterAmbiguous bool
	// foundByClient is set on an error that is no answer of the API (FoundByClient).
	foundByClient bool
	// notOffered is, on a 404 or 405 that the client found to be the answer to a route the tenant
	// does not serve rather than to an object that is gone, how it knows (IsNotOffered); "" else.
	notOffered string
	// retryAfter is, for a 207 item refused with a 429, the wait its Retry-After asks for (the
	// item's, else the answer's); nil when neither has one.
	retryAfter *time.Duration
}

// Vision One error codes that the provider tells apart beyond their HTTP status (API.md, "Errors").
const (
	// CodeRequestTimeout: Vision One gave up on the request before it finished, as with a 504; a
	// write may have been carried out all the same.
	CodeRequestTimeout = "RequestTimeout"
	// CodeTaskError: Vision One failed while carrying out the request.
	CodeTaskError = "TaskError"
	// CodeNotSupported: Vision One does not offer the request for this object, tenant or region.
	CodeNotSupported = "NotSupported"
)

// gaveUp reports whether the answer is Vision One giving up on the request (a 400
// RequestTimeout), which says nothing of its values and may come after a write was carried out.
func (e *APIError) gaveUp() bool { return e.Code == CodeRequestTimeout }

// inDoubt reports whether the answer leaves a write in doubt: a 5xx (but 501, the API not offering
// the call), or Vision One giving up on the request (gaveUp). The API may have carried the write out
// all the same (the package comment, "What is retried, and what happens after an ambiguous
// failure"), as for a whole answer so for an item of a 207.
func (e *APIError) inDoubt() bool {
	return e.StatusCode >= 500 && e.StatusCode != http.StatusNotImplemented || e.gaveUp()
}

// FoundByClient reports whether the error is not an answer of the API but what the client found
// itself: an object already under the name of a create whose answer was lost or unreadable, which
// that create cannot have made (alreadyExists). It has no HTTP status, code or trace id.
func (e *APIError) FoundByClient() bool { return e.foundByClient }

// AfterAmbiguous reports whether an earlier attempt of the same request may have been applied (it
// timed out, or got a 5xx or an answer that could not be used), so that this answer may describe
// the state that attempt left: a create refused as a duplicate may be refused over the object its
// own earlier attempt made.
func (e *APIError) AfterAmbiguous() bool { return e.afterAmbiguous }

// Error is one line: `PATCH /v3.0/iam/roles/abc: 412 ConditionNotMet: <message> (ETag check
// failed) [trace id 123]`.
func (e *APIError) Error() string {
	if e.foundByClient {
		return fmt.Sprintf("%s %s got no clear answer, and %s", e.Method, e.Path, e.Message)
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
	if e.Item != "" {
		fmt.Fprintf(&b, " item %q", e.Item)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.describe(e.Attempts))
	return b.String()
}

// describe is what the answer said: `412 ConditionNotMet: <message> (ETag check failed) after 2
// attempts [trace id 123]`, without the attempts when there was one or they are said elsewhere.
func (e *APIError) describe(attempts int) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	} else if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var details []string
	inner := e.InnerMessage
	if inner == e.Message {
		inner = "" // some answers repeat the message in the inner error
	}
	if e.InnerCode != "" || inner != "" {
		details = append(details, strings.TrimSuffix(strings.TrimPrefix(e.InnerCode+": "+inner, ": "), ": "))
	}
	if e.Target != "" {
		details = append(details, "field "+e.Target)
	}
	if len(details) > 0 {
		b.WriteString(" (" + strings.Join(details, "; ") + ")")
	}
	if attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", attempts)
	}
	if e.TraceID != "" {
		b.WriteString(" [trace id " + e.TraceID + "]")
	}
	if e.notOffered != "" {
		b.WriteString("; " + e.notOffered + ", so this Vision One tenant does not offer this call")
	}
	return b.String()
}

// pathBelowBase is the request's path below the base URL, as the API documents it.
func (e *APIError) pathBelowBase() string {
	if e.apiPath != "" {
		return e.apiPath
	}
	return e.Path
}

// RequiredPermission names the console permission the request needs (API.md, "Authorization
// table"), which a 403 without a Rule says the key's role lacks; empty for calls that any valid key
// may make.
func (e *APIError) RequiredPermission() string {
	return requiredPermission(e.Method, e.pathBelowBase())
}

// requiredPermission is the console permission that a request of method to p (a path below the
// base URL) needs; empty for calls that any valid key may make.
func requiredPermission(method, p string) string {
	write := method != http.MethodGet
	switch {
	case strings.HasPrefix(p, apiKeysPath):
		if write {
			return "API Keys: Configure settings"
		}
		return "API Keys: View"
	case strings.HasPrefix(p, accountsPath):
		if write {
			return "User Accounts: Configure account settings"
		}
		return "User Accounts: View"
	case strings.HasPrefix(p, rolesPath):
		if write {
			return "User Roles: Configure user roles"
		}
		return "User Roles: View"
	}
	return ""
}

// EditsAPIKey reports whether the request was the update of one API key (PATCH of
// /apiKeys/{id}), which Vision One refuses, to every key, for a key moved from the old User
// Accounts app (API.md, "Decision: migrated API keys").
func (e *APIError) EditsAPIKey() bool {
	return e.Method == http.MethodPatch && strings.HasPrefix(e.pathBelowBase(), apiKeysPath+"/")
}

// Creates reports whether the request was a create: a POST of a role, an invitation or a batch of
// API keys.
func (e *APIError) Creates() bool {
	p := e.pathBelowBase()
	return e.Method == http.MethodPost && (p == rolesPath || p == accountsPath || p == apiKeysPath)
}

// OfRoles reports whether the request was of the role endpoints (/v3.0/iam/roles and below).
func (e *APIError) OfRoles() bool { return strings.HasPrefix(e.pathBelowBase(), rolesPath) }

// Deletes reports whether the request was a delete: a DELETE, or the batch delete of API keys.
func (e *APIError) Deletes() bool {
	return e.Method == http.MethodDelete || e.Method == http.MethodPost && e.pathBelowBase() == apiKeysDeletePath
}

// Rule is a Vision One rule that refuses a request to every key but a Master Administrator's,
// whatever the permissions of the key's role (API.md, "Who may do what"). A Master Administrator has every permission, so a 403 to a request
// under a rule means the key is not a Master Administrator's; whether its role also lacks the
// request's permission cannot be told from the answer.
type Rule int

const (
	// NoRule: a 403 means the key's role lacks RequiredPermission.
	NoRule Rule = iota
	// RuleMasterAdministratorManagesAccounts: only a Master Administrator adds, changes or deletes
	// accounts.
	RuleMasterAdministratorManagesAccounts
	// RuleMasterAdministratorSetsControlFlags: only a Master Administrator sets the control flags
	// of a custom role (allowApiKeyAssignment, allowUserAccountAssignment).
	RuleMasterAdministratorSetsControlFlags
)

// ruleOf is the rule that a 403 to req means the key broke: any write of an account, and a role
// create or patch that sets a control flag. A create sets a flag by making it true; a patch
// carries a flag only to change it.
func ruleOf(req request) Rule {
	if req.method == http.MethodGet {
		return NoRule
	}
	switch body := req.body.(type) {
	case RoleCreate:
		if body.AllowAPIKeyAssignment || body.AllowUserAccountAssignment {
			return RuleMasterAdministratorSetsControlFlags
		}
	case RolePatch:
		if body.AllowAPIKeyAssignment != nil || body.AllowUserAccountAssignment != nil {
			return RuleMasterAdministratorSetsControlFlags
		}
	}
	if strings.HasPrefix(req.path, accountsPath) {
		return RuleMasterAdministratorManagesAccounts
	}
	return NoRule
}

func apiErrorAs(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

func hasStatus(err error, status int) bool {
	e, ok := apiErrorAs(err)
	return ok && e.StatusCode == status
}

// IsNotFound reports whether err is a 404 from the API that says that the object is not there: not
// one the client found to be of a call the tenant does not offer (IsNotOffered).
func IsNotFound(err error) bool {
	e, ok := apiErrorAs(err)
	return ok && e.StatusCode == http.StatusNotFound && e.notOffered == ""
}

// IsNotOffered reports whether err says that the tenant or region does not offer the call, which
// no value of the request changes: a 501, a 400 NotSupported, or a 404 (or 405) that the client
// found to be of a route the tenant does not serve (API.md, "Decision: older role endpoints"),
// such as the delete of a role that the listing still holds. IsNotFound is false for it.
func IsNotOffered(err error) bool {
	e, ok := apiErrorAs(err)
	return ok && (e.notOffered != "" || e.StatusCode == http.StatusNotImplemented ||
		e.StatusCode == http.StatusBadRequest && e.Code == CodeNotSupported)
}

// markNotOffered marks err, when it is a 404 of the API (or a 405, when methodToo), as the answer to
// a call the tenant does not offer, for the reason why (IsNotOffered); other errors are left as
// they are.
func markNotOffered(err error, methodToo bool, why string) {
	if e, ok := apiErrorAs(err); ok && (e.StatusCode == http.StatusNotFound ||
		methodToo && e.StatusCode == http.StatusMethodNotAllowed) {
		e.notOffered = why
	}
}

// IsBadRequest reports whether err is a 400 from the API, which is also how Vision One refuses a
// duplicate whatever its message says (API.md, "Decision: duplicates").
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsPreconditionFailed reports whether err is a 412: someone changed the object since its ETag was read.
func IsPreconditionFailed(err error) bool { return hasStatus(err, http.StatusPreconditionFailed) }

// IsAlreadyExists reports whether err is the API's refusal of a duplicate: a 400 recognised by its
// message (API.md, "Decision: duplicates"), or a 409 should the API ever send one.
func IsAlreadyExists(err error) bool {
	e, ok := apiErrorAs(err)
	if !ok {
		return false
	}
	if e.StatusCode == http.StatusConflict || e.foundByClient {
		return true
	}
	text := strings.ToLower(e.Message + " " + e.InnerCode + " " + e.InnerMessage)
	return e.StatusCode == http.StatusBadRequest &&
		(strings.Contains(text, "already exist") || strings.Contains(text, "duplicate") ||
			strings.Contains(text, "already in use") || strings.Contains(text, "already used"))
}

// IsRoleInUse reports whether err is Vision One's refusal to delete a role that accounts or API
// keys still have, as the answer says it: a 400 to the role's DELETE whose inner code is ItemInUse
// or whose message says the role is in use (API.md, "Decision: role in use"). Vision One refuses to
// delete other roles too, such as some migrated from other Trend products, with other messages.
func IsRoleInUse(err error) bool {
	e, ok := apiErrorAs(err)
	if !ok || e.StatusCode != http.StatusBadRequest || e.Method != http.MethodDelete ||
		!strings.HasPrefix(e.pathBelowBase(), rolesPath+"/") {
		return false
	}
	text := strings.ToLower(e.Message + " " + e.InnerMessage)
	return strings.EqualFold(e.InnerCode, innerCodeInUse) || strings.Contains(text, "in use")
}

// innerCodeInUse is the inner code of a refused delete of a role in use (API.md, "Decision: role
// in use").
const innerCodeInUse = "ItemInUse"

// innerCodeTenantLimit is the inner code of a create refused because the tenant holds as many
// objects of the kind as it may (API.md, "Decision: tenant and rate limits").
const innerCodeTenantLimit = "TenantLimitExceeded"

// tenantLimitReached reports whether the answer is the refusal of a create at a tenant's cap, by
// its inner code whatever its status: a 429 with it is no rate limit, so it does not slow the pace,
// though it is retried, since a delete elsewhere may make room.
func (e *APIError) tenantLimitReached() bool {
	return strings.EqualFold(e.InnerCode, innerCodeTenantLimit)
}

// isTenantLimitAnswer reports whether an error answer's body is the refusal of a create at a
// tenant's cap.
func isTenantLimitAnswer(body []byte) bool {
	var e APIError
	fillFromBody(&e, body, nil)
	return e.tenantLimitReached()
}

// TenantLimit is, when err is Vision One's refusal of a create because the tenant already holds
// as many objects of the kind as it may (API.md, "Decision: tenant and rate limits"), that kind:
// "API keys", "user accounts" or "custom roles". "" for any other error.
func TenantLimit(err error) string {
	e, ok := apiErrorAs(err)
	if !ok || !e.tenantLimitReached() {
		return ""
	}
	switch p := e.pathBelowBase(); {
	case strings.HasPrefix(p, apiKeysPath):
		return "API keys"
	case strings.HasPrefix(p, accountsPath):
		return "user accounts"
	case strings.HasPrefix(p, rolesPath):
		return "custom roles"
	}
	return "objects"
}

// MultiStatusError reports the failed items of a 207 multi-status answer
// (API.md, "Multi-status answers"). Each item is an *APIError naming the item, so IsNotFound and
// friends see through it.
type MultiStatusError struct {
	Method string
	Path   string
	Items  []*APIError
	Total  int // number of items in the request
}

func (e *MultiStatusError) Error() string {
	parts := make([]string, 0, len(e.Items))
	for _, item := range e.Items {
		parts = append(parts, item.Error())
	}
	return fmt.Sprintf("%s %s: %d of %d items failed: %s", e.Method, e.Path, len(e.Items), e.Total,
		strings.Join(parts, "; "))
}

// Unwrap returns the failed items, for errors.As and errors.Is.
func (e *MultiStatusError) Unwrap() []error {
	errs := make([]error, len(e.Items))
	for i, item := range e.Items {
		errs[i] = item
	}
	return errs
}

// AnswerError is a success answer (2xx) that the client could not use: its body is not in the
// form API.md describes, or it lacks what the request needs (a created key's value or id). Its
// body is never quoted, since it may carry a secret: Problem says what is wrong with it.
type AnswerError struct {
	Method     string
	Path       string
	StatusCode int    // the answer's HTTP status, or the item status inside a 207
	TraceID    string // x-trace-id response header
	Item       string // for a 207 item: what the item was (its name or id)
	Problem    string // what is wrong with the answer, e.g. "no value for the new key"
	// Attempts is how many times the request was sent; more than one when the answer could not be
	// read on each of several attempts.
	Attempts int
	// MayExist is set on the answer to a create when the object may exist without the client
	// knowing it: the answer did not identify it and no lookup found it, or it was never looked up.
	MayExist bool
	// Undone is set instead on a create whose answers could not be used when the client has since
	// deleted whatever its attempts made (API keys whose secrets did not reach it), so that nothing
	// is left behind and the create may be made again.
	Undone bool
}

// Error is one line: `POST /v3.0/iam/apiKeys item "ci": the 207 answer could not be used: item
// status 201 without the new key's value, after 3 attempts [trace id 123]`.
func (e *AnswerError) Error() string {
	var b strings.Builder
	b.WriteString(e.Method + " " + e.Path)
	if e.Item != "" {
		fmt.Fprintf(&b, " item %q", e.Item)
	}
	fmt.Fprintf(&b, ": the %d answer could not be used: %s", e.StatusCode, e.Problem)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", after %d attempts", e.Attempts)
	}
	if e.TraceID != "" {
		b.WriteString(" [trace id " + e.TraceID + "]")
	}
	return b.String()
}

// traceID is the answer's trace id (its x-trace-id header), cleaned as any text of an answer that
// reaches an error.
func traceID(header http.Header, secrets []string) string {
	return clean(header.Get("x-trace-id"), 80, secrets)
}

// unusableAnswer is the *AnswerError of resp, a success answer to method path that says problem.
func unusableAnswer(method, path string, resp *response, problem string) *AnswerError {
	return &AnswerError{Method: method, Path: path, StatusCode: resp.status, Problem: problem,
		TraceID: traceID(resp.header, resp.redactions)}
}

// RequestError is a request that got no HTTP answer it could return: a network failure, a timeout
// of one attempt, or the caller's context ending, also while waiting to retry an answer.
type RequestError struct {
	Method   string
	Path     string
	Timeout  time.Duration // set when the last attempt exceeded the request timeout
	Attempts int
	// Err is why the request ended: the last attempt's failure, or the end of the wait before a
	// retry.
	Err error
	// LastFailure is, when the wait before a retry ended the request, what the last attempt met:
	// a network error, or the *APIError of a 429 or 5xx. Nil otherwise.
	LastFailure error
	// inFlight is set when the caller stopped waiting after the request was sent (StoppedInFlight).
	inFlight bool
}

// StoppedInFlight reports whether the caller stopped waiting for the request after it was sent
// (an interrupt, or the end of the grace period a create is given after one), so that the API may
// have applied it without its answer reaching the caller.
func (e *RequestError) StoppedInFlight() bool { return e.inFlight }

func (e *RequestError) Error() string {
	msg := fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.describe())
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return msg
}

// describe is why the request ended, without its method, path and attempts, which Error says once
// (the last failure, when it is a *RequestError or an *APIError, is of the same request).
func (e *RequestError) describe() string {
	var (
		answer   *APIError
		last     *RequestError
		redirect *redirectError
	)
	switch {
	case e.Timeout > 0:
		return fmt.Sprintf("request exceeded the timeout of %s", e.Timeout)
	case errors.As(e.Err, &redirect):
		return redirect.Error()
	case errors.As(e.LastFailure, &answer):
		return fmt.Sprintf("%s (the last answer was %s)", e.Err, answer.describe(0))
	case errors.As(e.LastFailure, &last):
		return last.describe() + "; " + e.Err.Error()
	case e.LastFailure != nil:
		return fmt.Sprintf("could not reach the API: %s; %s", e.LastFailure, e.Err)
	case errors.Is(e.Err, errCanceledWhileWaiting):
		return e.Err.Error()
	case errors.Is(e.Err, context.Canceled), errors.Is(e.Err, context.DeadlineExceeded):
		return "stopped before an answer came: " + e.Err.Error()
	}
	return "could not reach the API: " + e.Err.Error()
}

func (e *RequestError) Unwrap() error { return e.Err }

// FailureKind says why a request got no answer, for advice on what to check.
type FailureKind int

const (
	// FailureOther is any failure not below, such as a connection dropped mid-answer.
	FailureOther FailureKind = iota
	// FailureHostNotFound: the API's host name does not resolve (DNS "no such host").
	FailureHostNotFound
	// FailureConnect: no connection could be made (refused, unreachable, DNS server trouble).
	FailureConnect
	// FailureTLS: the TLS handshake failed, for example over a certificate the system does not trust.
	FailureTLS
	// FailureTimeout: no answer came in time, within the request timeout or the caller's deadline.
	FailureTimeout
	// FailureCanceled: the caller stopped the request (an interrupt).
	FailureCanceled
	// FailureSchemeMismatch: the server answered a TLS handshake in plain HTTP: the endpoint says
	// https for a server that speaks http.
	FailureSchemeMismatch
	// FailureAnswerTooLarge: an answer far larger than the API ever sends, which something between
	// the client and the API (a proxy, a gateway) must have sent.
	FailureAnswerTooLarge
	// FailureRedirect: the server answered with a redirect, which the client does not follow
	// (API.md, "Redirects").
	FailureRedirect
	// FailureProxyRefused: the proxy (HTTPS_PROXY) refused to open a tunnel to the API. It is told
	// apart only with the client's own transport, not with a Config.HTTPClient.
	FailureProxyRefused
)

// Kind classifies the failure that ended the request: the last attempt's network error when there
// was one, otherwise why the request ended.
func (e *RequestError) Kind() FailureKind {
	cause := e.Err
	if _, answered := e.LastFailure.(*APIError); e.LastFailure != nil && !answered {
		cause = e.LastFailure
	}
	var (
		dnsErr    *net.DNSError
		opErr     *net.OpError
		recordErr tls.RecordHeaderError
		alertErr  tls.AlertError
		redirect  *redirectError
		refusal   *proxyRefusal
	)
	switch {
	case e.Timeout > 0:
		return FailureTimeout
	case errors.As(cause, &redirect):
		return FailureRedirect
	case errors.As(cause, &refusal):
		return FailureProxyRefused
	case errors.Is(cause, http.ErrSchemeMismatch):
		return FailureSchemeMismatch
	case errors.Is(cause, errAnswerTooLarge):
		return FailureAnswerTooLarge
	case errors.As(cause, &dnsErr):
		if dnsErr.IsNotFound {
			return FailureHostNotFound
		}
		return FailureConnect
	case untrustedCertificate(cause), errors.As(cause, &recordErr), errors.As(cause, &alertErr):
		return FailureTLS
	case errors.As(cause, &opErr) && opErr.Op == "dial":
		return FailureConnect
	case errors.Is(cause, context.Canceled):
		return FailureCanceled
	case errors.Is(cause, context.DeadlineExceeded):
		return FailureTimeout
	}
	return FailureOther
}

// unchangedByRetry reports whether asking again would meet the same failure: a host name that
// does not exist, an endpoint whose scheme the server does not speak, a certificate this machine
// does not trust, an answer too large to be the API's, a redirect, a proxy's refusal with a 4xx
// (its rules or its authentication; a 5xx may be the proxy failing to reach the API for now).
func unchangedByRetry(err error) bool {
	var (
		dnsErr   *net.DNSError
		redirect *redirectError
		refusal  *proxyRefusal
	)
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound ||
		errors.Is(err, http.ErrSchemeMismatch) || errors.Is(err, errAnswerTooLarge) || errors.As(err, &redirect) ||
		untrustedCertificate(err) || errors.As(err, &refusal) && refusal.status < 500
}

// untrustedCertificate reports whether err is the refusal of the server's certificate: not signed
// by an authority this machine trusts, not valid for the host, expired or otherwise invalid.
func untrustedCertificate(err error) bool {
	var (
		verifyErr    *tls.CertificateVerificationError
		authorityErr x509.UnknownAuthorityError
		hostErr      x509.HostnameError
		invalidErr   x509.CertificateInvalidError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &authorityErr) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr)
}

// errorEnvelope is the Vision One error body (API.md, "Errors"). Code and Message also sit at the
// top level in a few 429 answers, and Error sits at the top of some 207 items. Every member is
// kept raw and read on its own (readErrorBody), so that one in a form API.md does not show (an
// innererror or error that is a string, a target that is an array) costs only itself, never the
// code and message beside it: a RequestTimeout must be known as one whatever else it says.
type errorEnvelope struct {
	Error   json.RawMessage `json:"error"`
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
}

type errorDetail struct {
	Code       json.RawMessage `json:"code"`
	Message    json.RawMessage `json:"message"`
	Target     json.RawMessage `json:"target"`
	InnerError json.RawMessage `json:"innererror"`
}

// errorFields is what an error body says; a field is "" when it is absent or in no form read.
type errorFields struct {
	code, message, target, innerCode, innerMessage string
}

// readErrorBody reads an error body, and whether it is an error envelope: an object with an error
// member (an object, or a string that is its code, as in {"error":"invalid_request",
// "message":"..."}) or a top-level code.
func readErrorBody(body []byte) (errorFields, bool) {
	var env errorEnvelope
	if json.Unmarshal(body, &env) != nil {
		return errorFields{}, false
	}
	var f errorFields
	var detail errorDetail
	if json.Unmarshal(env.Error, &detail) == nil {
		f.code, f.message, f.target = jsonText(detail.Code), jsonText(detail.Message), jsonTarget(detail.Target)
		f.innerCode, f.innerMessage = innerError(detail.InnerError)
	} else {
		f.code = jsonText(env.Error)
	}
	if f.code == "" {
		f.code = jsonText(env.Code)
	}
	if f.message == "" {
		f.message = jsonText(env.Message)
	}
	hasError := len(env.Error) > 0 && string(env.Error) != "null"
	return f, hasError || jsonText(env.Code) != ""
}

// jsonText reads a string, or a number as written; anything else is "".
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// jsonTarget reads a target: one field, or a list of them.
func jsonTarget(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return jsonText(raw)
	}
	var fields []string
	for _, item := range list {
		if field := jsonText(item); field != "" {
			fields = append(fields, field)
		}
	}
	return strings.Join(fields, ", ")
}

// innerError reads an innererror: an object with a code and a message, or a string, taken as the
// code when it is one word (a code such as TenantLimitExceeded is matched by the client) and as the
// message otherwise.
func innerError(raw json.RawMessage) (code, message string) {
	var inner struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(raw, &inner) == nil {
		return jsonText(inner.Code), jsonText(inner.Message)
	}
	text := strings.TrimSpace(jsonText(raw))
	if strings.ContainsFunc(text, unicode.IsSpace) {
		return "", text
	}
	return text, ""
}

const (
	maxMessageLen = 400
	maxExcerptLen = 160
)

// decodeError builds an APIError from any answer: the JSON envelope when there is one, otherwise
// the status text and a short, sanitised excerpt of the body (an HTML gateway page, plain text).
// Every text taken from the body is cleaned to one printable line and stripped of secrets.
func decodeError(method, path string, status int, header http.Header, body []byte, secrets []string) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: status}
	if header != nil {
		e.TraceID = traceID(header, secrets)
	}
	fillFromBody(e, body, secrets)
	return e
}

// fillFromBody sets the code, message, inner error and target of e from an error body. Only a body
// that is no error envelope is quoted when it gives no message.
func fillFromBody(e *APIError, body []byte, secrets []string) {
	f, envelope := readErrorBody(body)
	e.Code = clean(f.code, 80, secrets)
	e.Message = clean(f.message, maxMessageLen, secrets)
	e.Target = clean(f.target, 128, secrets)
	e.InnerCode = clean(f.innerCode, 80, secrets)
	e.InnerMessage = clean(f.innerMessage, maxMessageLen, secrets)
	switch {
	case e.Message != "":
		return
	case e.Code != "" || envelope:
		e.Message = "the response had no error message"
		return
	}
	if excerpt := bodyExcerpt(body, secrets); excerpt != "" {
		e.Message = excerpt
	} else {
		e.Message = "the response had no error details"
	}
}

// envelopeOnly keeps body only when it is a Vision One error envelope, for answers to requests
// whose successful answer carries secrets: no excerpt of anything else is ever quoted from them.
func envelopeOnly(body []byte) []byte {
	if _, envelope := readErrorBody(body); !envelope {
		return nil
	}
	return body
}

var (
	titlePattern = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	scriptStyle  = regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(script|style)>`)
	tagPattern   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// bodyExcerpt reduces a non-JSON body to a short readable line: the title of an HTML page, or its
// text without tags, or the plain text itself.
func bodyExcerpt(body []byte, secrets []string) string {
	text := strings.ToValidUTF8(string(body), "")
	if strings.Contains(text, "<") {
		if m := titlePattern.FindStringSubmatch(text); m != nil && strings.TrimSpace(tagPattern.ReplaceAllString(m[1], "")) != "" {
			text = m[1]
		} else {
			text = scriptStyle.ReplaceAllString(text, " ")
		}
		text = html.UnescapeString(tagPattern.ReplaceAllString(text, " "))
	}
	return clean(text, maxExcerptLen, secrets)
}

// clean makes s one printable line of at most limit runes without any secret in it.
func clean(s string, limit int, secrets []string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	s = redact(s, secrets)
	if utf8.RuneCountInString(s) > limit {
		// Cutting a redacted line cannot make a whole secret appear.
		s = string([]rune(s)[:limit]) + "…"
	}
	return s
}
