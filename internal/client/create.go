package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// createSafely runs a create so that it happens at most once. send is never re-sent blindly:
// the transport retries it only when the API certainly did not act on it (429, no connection).
// After an ambiguous failure (timeout, dropped connection, 5xx) recoverFn is asked whether the
// object exists now; it returns true when it has adopted the object (the create is done), false
// when the create must be sent again, or an error. startedAt is the local time at which the
// failed attempt began. p is the create's path (below the base URL), which an *UnknownOutcomeError
// keeps.
//
// An error returned after the create was sent more than once counts every time it was sent, as the
// error of any retried request does.
func (c *Client) createSafely(ctx context.Context, p string, send func(context.Context) error,
	recoverFn func(ctx context.Context, startedAt time.Time) (bool, error),
) error {
	sent := 0
	for attempt := 1; ; attempt++ {
		startedAt := time.Now()
		err := send(ctx)
		sent += attemptsOf(err)
		if err == nil || !isAmbiguous(err) {
			if answer, ok := apiErrorAs(err); ok && attempt > 1 {
				answer.afterAmbiguous = true // the earlier attempt may have made what this answer refers to
			}
			return countAttempts(err, sent)
		}
		err = countAttempts(err, sent)
		if ctx.Err() != nil {
			return err
		}
		tflog.SubsystemDebug(c.logContext(ctx), LogSubsystem,
			"Create failed without a definite answer; looking the object up before trying again",
			map[string]any{"attempt": attempt, "error": err.Error()})
		adopted, lookupErr := recoverFn(ctx, startedAt)
		switch {
		case IsAlreadyExists(lookupErr):
			return lookupErr
		case lookupErr != nil:
			return &UnknownOutcomeError{path: p, Err: err, LookupErr: lookupErr}
		case adopted:
			return nil
		case attempt > c.cfg.MaxRetries:
			return err
		}
		if sleepErr := c.sleep(ctx, c.backoff(attempt)); sleepErr != nil {
			return fmt.Errorf("%w; %w", err, sleepErr)
		}
	}
}

// UnknownOutcomeError is the error of a create that got no clear answer (no answer in time, a
// connection that broke off, server errors until the retries ran out, or an answer that could not be
// used) and whose object could then not be looked up: the API may have made the object without the
// client knowing it, an API key with a secret that nobody holds (API.md, "Limits").
type UnknownOutcomeError struct {
	Err       error // the create's failure
	LookupErr error // why the object could not be looked up
	path      string
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("%v; whether the object was created anyway is unknown: %v", e.Err, e.LookupErr)
}

// Unwrap returns both failures, for errors.As and errors.Is.
func (e *UnknownOutcomeError) Unwrap() []error { return []error{e.Err, e.LookupErr} }

// CreatesAPIKeys reports whether err is the failure of a create of API keys (a create whose outcome
// is unknown, its answer, or the caller's stop once it was sent): a key the API made without its
// answer reaching the client has a secret that nobody holds, which no later call returns.
func CreatesAPIKeys(err error) bool {
	var (
		unknown *UnknownOutcomeError
		answer  *AnswerError
		apiErr  *APIError
		reqErr  *RequestError
	)
	switch {
	case errors.As(err, &reqErr) && reqErr.Method == http.MethodPost && reqErr.Path == apiKeysPath:
		return true
	case errors.As(err, &unknown):
		return unknown.path == apiKeysPath
	case errors.As(err, &answer):
		return answer.Method == http.MethodPost && answer.Path == apiKeysPath
	case errors.As(err, &apiErr):
		return apiErr.Method == http.MethodPost && apiErr.pathBelowBase() == apiKeysPath
	}
	return false
}

// attemptsOf is how many times the request whose failure err is was sent: the count its error
// carries, or one. Zero for no error.
func attemptsOf(err error) int {
	if err == nil {
		return 0
	}
	if n := attemptsField(err); n != nil {
		return max(*n, 1)
	}
	return 1
}

// countAttempts sets the attempts that err counts to sent, when that is more than one and more than
// err counts, and returns err.
func countAttempts(err error, sent int) error {
	if n := attemptsField(err); n != nil && sent > 1 {
		*n = max(*n, sent)
	}
	return err
}

// attemptsField is the Attempts of the client error that err is or wraps, or nil for another error.
func attemptsField(err error) *int {
	var (
		apiErr *APIError
		reqErr *RequestError
		answer *AnswerError
	)
	switch {
	case errors.As(err, &apiErr):
		return &apiErr.Attempts
	case errors.As(err, &reqErr):
		return &reqErr.Attempts
	case errors.As(err, &answer):
		return &answer.Attempts
	}
	return nil
}

// serverTimeAt converts a local instant of the recent past into the API's time, using the server
// clock learned from Date headers.
func (c *Client) serverTimeAt(ctx context.Context, local time.Time) (time.Time, error) {
	now, err := c.ServerNow(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(-time.Since(local)), nil
}

// createdSince reports whether an object stamped at (second precision, from the API) can have
// been made by a request that started at the server time start. Both come from the API's own clock.
func createdSince(at, start time.Time) bool {
	return !at.Before(start.Truncate(time.Second))
}

// alreadyExists is the error of a create that got no clear answer, and whose name then turned out
// to belong to an object that the create cannot have made (or may not have). IsAlreadyExists is
// true for it, as for the API's own refusal of a duplicate, but it claims no answer of the API
// (APIError.FoundByClient).
func alreadyExists(p, what, why string) *APIError {
	return &APIError{Method: http.MethodPost, Path: p, Message: what + " already exists " + why, foundByClient: true}
}

// ReadBackError is the error of a create whose object exists, with id ID, but could not be read
// back. The create returns the object all the same, as the API's answer to the create (or the
// listing that found it) described it when Described is true, or else as the request described it.
type ReadBackError struct {
	What      string // such as `role "ops"`
	ID        string
	Described bool
	Err       error
}

func (e *ReadBackError) Error() string {
	return fmt.Sprintf("%s was created with id %s, but reading it back failed: %v", e.What, e.ID, e.Err)
}

func (e *ReadBackError) Unwrap() error { return e.Err }

// resolveMissingID handles a create that the API answered with success (status) but without the new
// object's id, in neither the body nor Location: the object was made, so lookup (a create's recovery
// function) looks it up, as after a lost answer, rather than leave it unknown to the caller.
func (c *Client) resolveMissingID(ctx context.Context, p string, resp *response, object string, lookup func(context.Context) (bool, error)) error {
	tflog.SubsystemWarn(c.logContext(ctx), LogSubsystem, "The API answered a create without the new object's id; looking the object up",
		map[string]any{"path": p, "status": resp.status})
	found, err := lookup(ctx)
	if IsAlreadyExists(err) {
		return err
	}
	if found {
		return nil
	}
	// Not the failure of the create itself: it must not be taken for one and sent again.
	problem := fmt.Sprintf("no id for the new %s (none in the body, no Location), and no %s matching the request could be found",
		object, object)
	if err != nil {
		problem = fmt.Sprintf("no id for the new %s (none in the body, no Location), and looking the %s up failed: %v",
			object, object, err)
	}
	answer := unusableAnswer(http.MethodPost, p, resp, problem)
	answer.MayExist = true
	return answer
}
