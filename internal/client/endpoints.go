package client

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// API paths (API.md, "Endpoints").
const (
	connectivityPath = "/v3.0/healthcheck/connectivity"
	accountsPath     = "/v3.0/iam/accounts"
	rolesPath        = "/v3.0/iam/roles"
	apiKeysPath      = "/v3.0/iam/apiKeys"
)

// objectPath is the path of one object of a collection, with its id escaped.
func objectPath(collection, id string) string { return collection + "/" + url.PathEscape(id) }

// getJSON GETs p and decodes its body into out (decodeAnswer).
func (c *Client) getJSON(ctx context.Context, p string, out any) (*response, error) {
	resp, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, err
	}
	if err := decodeAnswer(resp, out); err != nil {
		return nil, decodeFailure(http.MethodGet, p, resp, err)
	}
	return resp, nil
}

// decodeAnswer decodes an answer's body into out and strips the answer's secrets from out's
// unreadable dates, if it has dates (redactDates).
func decodeAnswer(resp *response, out any) error {
	if err := json.Unmarshal(resp.body, out); err != nil {
		return err
	}
	redactDates(out, resp.redactions)
	return nil
}

// identified is an object of the API that has an id: what a single GET answers.
type identified interface{ objectID() string }

// getObject GETs the object with id from collection into out and returns its ETag as the API sent
// it (API.md, "ETag and If-Match"). The answer must be that object (API.md, "Single reads"): a body
// without an id (`{}`, `null`, the object inside an envelope) or with another id is an
// *AnswerError, since a state written from it would lose the object asked for. Ids compare
// regardless of case. another, when not nil, is asked whether out, answered under another id,
// stands for the object all the same (an invitation accepted since: see GetAccount).
func (c *Client) getObject(ctx context.Context, collection, id string, out identified, another func() bool) (string, error) {
	p := objectPath(collection, id)
	resp, err := c.getJSON(ctx, p, out)
	if err != nil {
		return "", err
	}
	answered := out.objectID()
	switch {
	case answered == "":
		return "", unusableAnswer(http.MethodGet, p, resp, withoutID(resp))
	case !strings.EqualFold(answered, id) && (another == nil || !another()):
		return "", unusableAnswer(http.MethodGet, p, resp, fmt.Sprintf("its body is the object with the id %q, not the one asked for",
			clean(answered, maxExcerptLen, resp.redactions)))
	}
	return resp.header.Get("ETag"), nil
}

// maxMembersNamed is how many members of a body withoutID names.
const maxMembersNamed = 5

// withoutID says what a body that decoded to an object without an id is: null, an empty object, or
// an object whose members it names (a proxy's envelope, a body of another request).
func withoutID(resp *response) string {
	var members map[string]json.RawMessage
	_ = json.Unmarshal(resp.body, &members)
	switch {
	case members == nil:
		return "its body is null, not the object asked for"
	case len(members) == 0:
		return "its body is an empty object, not the object asked for"
	case members["id"] != nil:
		return "its body's id is empty, so it is not the object asked for"
	}
	names := slices.Sorted(maps.Keys(members))
	more := ""
	if len(names) > maxMembersNamed {
		names, more = names[:maxMembersNamed], ", …"
	}
	for i, name := range names {
		names[i] = strconv.Quote(clean(name, maxExcerptLen, resp.redactions))
	}
	return "its body has no id, so it is not the object asked for (its members: " + strings.Join(names, ", ") + more + ")"
}

// createdID finds the id of a created object: in the body's "id" first, else as the last segment
// of the Location header (API.md, "Decision: invitation answer").
func createdID(resp *response) string {
	var body struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(resp.body, &body) == nil && body.ID != "" {
		return body.ID
	}
	return idFromLocation(resp.header.Get("Location"))
}

func idFromLocation(location string) string {
	if location == "" {
		return ""
	}
	u, err := url.Parse(location)
	if err != nil {
		return ""
	}
	id := path.Base(strings.TrimRight(u.Path, "/"))
	if id == "." || id == "/" {
		return ""
	}
	return id
}

// notFound is the error of a lookup by name or email that found nothing; IsNotFound is true for it.
func notFound(p, what string) *APIError {
	return &APIError{Method: http.MethodGet, Path: p, StatusCode: http.StatusNotFound, Code: "NotFound", Message: what}
}

// afterAmbiguousAnswer reports whether err is an answer to a retry of a write whose earlier
// attempt may have been applied, with the given status.
func afterAmbiguousAnswer(err error, status int) bool {
	e, ok := apiErrorAs(err)
	return ok && e.afterAmbiguous && e.StatusCode == status
}

// deleteObject DELETEs one object, seen through an interrupt (beginWrite). A 404 answering a retry
// whose earlier attempt may have been applied means that attempt deleted it: success.
func (c *Client) deleteObject(ctx context.Context, p string) error {
	err := c.sendDelete(ctx, p)
	if afterAmbiguousAnswer(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// sendDelete DELETEs one object, seen through an interrupt (beginWrite), and returns the answer's
// error as it is.
func (c *Client) sendDelete(ctx context.Context, p string) error {
	ctx, done, err := c.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer done()
	_, err = c.do(ctx, request{method: http.MethodDelete, path: p})
	return err
}

// patchObject PATCHes one object with If-Match. When a retry of an ambiguous attempt meets a 412
// (the first attempt applied the patch and so changed the ETag), applied is asked whether the
// object now holds what the patch asked for; if so the update succeeded, otherwise someone else
// changed the object and the 412 stands. The PATCH is seen through an interrupt (beginWrite).
func (c *Client) patchObject(ctx context.Context, p, etag string, patch any, applied func(context.Context) (bool, error)) error {
	ctx, done, err := c.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer done()
	_, err = c.do(ctx, request{method: http.MethodPatch, path: p, body: patch, ifMatch: etag})
	if afterAmbiguousAnswer(err, http.StatusPreconditionFailed) {
		if ok, checkErr := applied(ctx); checkErr == nil && ok {
			return nil
		}
	}
	return err
}

// updatable is an object as a GET reads it, which updateObject compares with the version the
// caller read: its Version (an ETag, or a fingerprint when the GET carried none) and its
// fingerprint.
type updatable interface {
	version() string
	fingerprint() string
}

// updateObject is every Update* method (see UpdateRole): it patches the object of collection with
// this id, with If-Match, if it is still at version. get reads the object as it is now, for the
// ETag to send (ifMatchFor) and, when a retry meets a 412, to ask applied whether it already holds
// the patch (patchObject).
func updateObject[T updatable, P any](ctx context.Context, c *Client, collection, id, version string, patch P,
	get func(context.Context, string) (T, error), applied func(T, P) bool,
) error {
	p := objectPath(collection, id)
	ifMatch, err := ifMatchFor(ctx, version, p, func(ctx context.Context) (string, string, error) {
		current, err := get(ctx, id)
		if err != nil {
			return "", "", err
		}
		return current.version(), current.fingerprint(), nil
	})
	if err != nil {
		return err
	}
	return c.patchObject(ctx, p, ifMatch, patch, func(ctx context.Context) (bool, error) {
		current, err := get(ctx, id)
		if err != nil {
			return false, err
		}
		return applied(current, patch), nil
	})
}
