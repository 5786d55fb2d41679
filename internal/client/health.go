package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// CheckConnectivity calls GET /v3.0/healthcheck/connectivity and fails unless the API is available.
func (c *Client) CheckConnectivity(ctx context.Context) error {
	resp, err := c.do(ctx, request{method: http.MethodGet, path: connectivityPath})
	if err != nil {
		return err
	}
	var body struct {
		Status string `json:"status"`
	}
	// An empty body has no status, which passes like a body without one.
	if len(bytes.TrimSpace(resp.body)) > 0 {
		if err := json.Unmarshal(resp.body, &body); err != nil {
			return decodeFailure(http.MethodGet, connectivityPath, resp, err)
		}
	}
	// The 200 says the key was accepted (API.md, "Connectivity check"): only a status that says
	// otherwise fails the check, under the answer's own HTTP status.
	if body.Status != "" && !strings.EqualFold(body.Status, "available") {
		return &APIError{Method: http.MethodGet, Path: connectivityPath, StatusCode: http.StatusOK,
			Message: fmt.Sprintf("the API reports its status as %q, not available", clean(body.Status, 40, resp.redactions))}
	}
	return nil
}
