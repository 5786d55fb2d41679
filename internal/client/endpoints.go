package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
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

// getObject GETs one object into out and returns its ETag as the API sent it
// (API.md, "ETag and If-Match").
func (c *Client) getObject(ctx context.Context, p string, out any) (string, error) {
	resp, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return "", decodeFailure(http.MethodGet, p, resp, err)
	}
	return resp.header.Get("ETag"), nil
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

// deleteObject DELETEs one object. A 404 answering a retry whose earlier attempt may have been
// applied means that attempt deleted it: success.
func (c *Client) deleteObject(ctx context.Context, p string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: p})
	if afterAmbiguousAnswer(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// patchObject PATCHes one object with If-Match. When a retry of an ambiguous attempt meets a 412
// (the first attempt applied the patch and so changed the ETag), applied is asked whether the
// object now holds what the patch asked for; if so the update succeeded, otherwise someone else
// changed the object and the 412 stands.
func (c *Client) patchObject(ctx context.Context, p, etag string, patch any, applied func(context.Context) (bool, error)) error {
	_, err := c.do(ctx, request{method: http.MethodPatch, path: p, body: patch, ifMatch: etag})
	if afterAmbiguousAnswer(err, http.StatusPreconditionFailed) {
		if ok, checkErr := applied(ctx); checkErr == nil && ok {
			return nil
		}
	}
	return err
}
