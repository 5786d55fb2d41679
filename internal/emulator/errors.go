package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is the Vision One error envelope's inner object (API.md, "Errors").
type apiError struct {
	Code       string      `json:"code"`
	Message    string      `json:"message"`
	InnerError *innerError `json:"innererror,omitempty"`
	Target     string      `json:"target,omitempty"`
}

type innerError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
	Service string `json:"service,omitempty"`
}

type errorEnvelope struct {
	Error apiError `json:"error"`
}

// httpError is a failed request: the status and the envelope to answer with. Handlers return it
// rather than writing errors themselves, so that every error goes out in the same shape.
type httpError struct {
	status int
	body   apiError
	// retryAfter is the Retry-After (seconds) to answer with, or "" for none.
	retryAfter string
}

// Inner error codes mirror the official mock server's (API.md, "Errors";
// API.md, "Decision: invalid parameters").
const (
	innerInvalidParameter  = "InvalidParameter"
	innerMissingParameter  = "MissingRequiredParameter"
	innerDuplicate         = "DuplicateItem"
	innerImmutable         = "ImmutableField"
	innerInUse             = "ItemInUse"
	innerPredefinedRole    = "PredefinedRoleImmutable"
	innerNotAssignable     = "RoleNotAssignable"
	innerInvitedNotUpdated = "AccountNotUpdatable"
	innerLegacyKey         = "LegacyApiKeyNotEditable"
)

func badRequest(target, inner, format string, args ...any) *httpError {
	msg := fmt.Sprintf(format, args...)
	e := &httpError{status: http.StatusBadRequest, body: apiError{Code: "BadRequest", Message: msg, Target: target}}
	if inner != "" {
		e.body.InnerError = &innerError{Code: inner, Message: msg}
	}
	return e
}

func invalidParam(target, format string, args ...any) *httpError {
	return badRequest(target, innerInvalidParameter, format, args...)
}

func missingParam(target string) *httpError {
	return badRequest(target, innerMissingParameter, "The required parameter %q is missing.", target)
}

func notFound(kind, id string) *httpError {
	return &httpError{status: http.StatusNotFound, body: apiError{
		Code:       "NotFound",
		Message:    fmt.Sprintf("The %s %q was not found.", kind, id),
		InnerError: &innerError{Code: "ItemNotFound"},
	}}
}

// errInvalidCredentials is the official 401 body, typo included (API.md, "Authentication").
func errInvalidCredentials() *httpError {
	return &httpError{status: http.StatusUnauthorized, body: apiError{
		Code:       "InvalidCredentials",
		Message:    "Invalid token, Authorization token invaild for header",
		InnerError: &innerError{Code: "InvalidToken", Service: "svp"},
	}}
}

// errAccessDenied is the official 403 of a key whose role lacks the permission (API.md,
// "Authentication").
func errAccessDenied() *httpError {
	return &httpError{status: http.StatusForbidden, body: apiError{Code: "AccessDenied", Message: "Insufficient permissions."}}
}

// errMasterAdministratorOnly is the 403 of a rule that only a Master Administrator satisfies,
// whatever the permissions of the key's role. Trend publishes no body for it: the message names the
// rule, so that a reader (and a test) can tell it from a missing permission.
func errMasterAdministratorOnly(rule string) *httpError {
	return &httpError{status: http.StatusForbidden, body: apiError{Code: "AccessDenied", Message: rule}}
}

// The rules that only a Master Administrator satisfies (API.md, "Who may do what").
const (
	ruleControlFlags = "Only Master Administrators can configure the control flags (allowApiKeyAssignment, " +
		"allowUserAccountAssignment) of custom roles."
	ruleAccounts = "Only Master Administrators can add, modify or delete user accounts."
)

// ruleLegacyKey is the console documentation's rule on API keys moved from the User Accounts app
// (API.md, "Decision: migrated API keys"), which refuses every key, a Master Administrator's too.
const ruleLegacyKey = "API keys that were moved from the User Accounts app cannot be edited."

// errLegacyKey refuses the PATCH of a migrated key with status, 403 AccessDenied or 400 BadRequest
// (Options.LegacyKeyStatus): Trend publishes neither the status nor the body.
func errLegacyKey(status int) *httpError {
	if status == http.StatusBadRequest {
		return badRequest("", innerLegacyKey, ruleLegacyKey)
	}
	return &httpError{status: http.StatusForbidden, body: apiError{Code: "AccessDenied", Message: ruleLegacyKey,
		InnerError: &innerError{Code: innerLegacyKey}}}
}

func errConditionNotMet() *httpError {
	return &httpError{status: http.StatusPreconditionFailed, body: apiError{
		Code:    "ConditionNotMet",
		Message: "The resource has been changed since its ETag was read.",
		InnerError: &innerError{
			Code:    "ETag check failed",
			Message: "ETag in request header not match the latest ETag.",
		},
	}}
}

func errTooLarge() *httpError {
	return &httpError{status: http.StatusRequestEntityTooLarge, body: apiError{
		Code:    "RequestEntityTooLarge",
		Message: "The request body exceeds the 1 MB limit.",
	}}
}

func errTooManyRequests() *httpError {
	return &httpError{status: http.StatusTooManyRequests, body: apiError{
		Code:    "TooManyRequests",
		Message: "Too many API requests. Try again later.",
	}}
}

func errMethodNotAllowed(method string) *httpError {
	return &httpError{status: http.StatusMethodNotAllowed, body: apiError{
		Code:    "MethodNotAllowed",
		Message: fmt.Sprintf("The method %s is not allowed on this resource.", method),
	}}
}

// errStatus is the answer for an injected fault status. A 5xx carries an innererror, as the
// official mock server's 500 does (API.md, "Errors"), and says in it that the emulator injected it.
func errStatus(status int) *httpError {
	code, ok := statusCodes[status]
	if !ok {
		code = "InternalServerError"
	}
	if status == http.StatusTooManyRequests {
		return &httpError{status: status, body: apiError{Code: code, Message: "Too many API requests. (injected by the emulator)"}}
	}
	e := &httpError{status: status, body: apiError{Code: code,
		Message: "An internal error has occurred. Please try again later. If the issue persists, contact your support provider."}}
	if status >= 500 {
		e.body.InnerError = &innerError{Code: "InjectedFault", Message: "injected by the emulator's fault injection", Service: "svp"}
	} else {
		e.body.Message += " (injected by the emulator)"
	}
	return e
}

var statusCodes = map[int]string{
	http.StatusBadRequest:          "BadRequest",
	http.StatusUnauthorized:        "InvalidCredentials",
	http.StatusForbidden:           "AccessDenied",
	http.StatusNotFound:            "NotFound",
	http.StatusConflict:            "Conflict",
	http.StatusPreconditionFailed:  "ConditionNotMet",
	http.StatusTooManyRequests:     "TooManyRequests",
	http.StatusInternalServerError: "InternalServerError",
	http.StatusBadGateway:          "BadGateway",
	http.StatusServiceUnavailable:  "ServiceUnavailable",
	http.StatusGatewayTimeout:      "GatewayTimeout",
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *httpError) {
	if e.retryAfter != "" {
		w.Header().Set("Retry-After", e.retryAfter)
	}
	writeJSON(w, e.status, errorEnvelope{Error: e.body})
}
