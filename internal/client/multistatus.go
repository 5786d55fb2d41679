package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// multiStatusItem is one element of a 207 answer (API.md, "Multi-status answers"). A failure
// carries its error in body.error, or (leniently, as pytmv1 accepts) in a top-level error.
type multiStatusItem struct {
	Status  int `json:"status"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	Body  json.RawMessage `json:"body"`
	Error json.RawMessage `json:"error"`
}

func (it multiStatusItem) ok() bool { return it.Status >= 200 && it.Status < 400 }

func (it multiStatusItem) header(name string) string {
	for _, h := range it.Headers {
		if http.CanonicalHeaderKey(h.Name) == http.CanonicalHeaderKey(name) {
			return h.Value
		}
	}
	return ""
}

// itemError builds the error of a failed item, naming it (what: its name or id).
func (it multiStatusItem) itemError(method, path, what string, resp *response, secrets []string) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: it.Status, Item: what,
		TraceID: clean(resp.header.Get("x-trace-id"), 80, secrets)}
	body := it.Body
	if len(bytes.TrimSpace(body)) == 0 || bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		body = nil
		if len(it.Error) > 0 {
			body, _ = json.Marshal(map[string]json.RawMessage{"error": it.Error})
		}
	}
	fillFromBody(e, body, secrets)
	return e
}

// decodeMultiStatus reads a 207 answer: a bare array with one item per request element, in order.
func decodeMultiStatus(method, path string, resp *response, want int) ([]multiStatusItem, error) {
	var items []multiStatusItem
	if err := json.Unmarshal(resp.body, &items); err != nil {
		return nil, decodeFailure(method, path, err)
	}
	if len(items) != want {
		return nil, fmt.Errorf("%s %s: the API answered %d items for %d requested", method, path, len(items), want)
	}
	return items, nil
}
