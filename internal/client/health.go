package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// CheckConnectivity calls GET /v3.0/healthcheck/connectivity and fails unless the API is available.
func (c *Client) CheckConnectivity(ctx context.Context) error {
	var body struct {
		Status string `json:"status"`
	}
	resp, err := c.getJSON(ctx, connectivityPath, &body)
	if err != nil {
		return err
	}
	// The 200 says the key was accepted (API.md, "Connectivity check"): only a status that says
	// otherwise fails the check, under the answer's own HTTP status.
	if body.Status != "" && !strings.EqualFold(body.Status, "available") {
		return &APIError{Method: http.MethodGet, Path: connectivityPath, StatusCode: http.StatusOK,
			Message: fmt.Sprintf("the API reports its status as %q, not available", clean(body.Status, 40, resp.redactions))}
	}
	return nil
}
