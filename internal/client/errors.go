package client

import "errors"

// APIError is an error answer of the Vision One API (contract 1.7), or of one item of a 207
// multi-status answer (contract 1.6). It is built even from an HTML or empty body.
//
// STUB: see client.go. Error() gives status, code, message, target and trace id, and Advice() the
// next step for the user (a 401 says the key is wrong or expired).
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
}

func (e *APIError) Error() string { return "stub" }

// Advice tells the user what to do next about this error.
func (e *APIError) Advice() string { return "" }

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool { var e *APIError; return errors.As(err, &e) && e.StatusCode == 404 }

// IsPreconditionFailed reports whether err is a 412: someone changed the object since its ETag was read.
func IsPreconditionFailed(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == 412
}
