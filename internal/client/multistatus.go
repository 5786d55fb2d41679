package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// multiStatusItem is one element of a 207 answer (API.md, "Multi-status answers"). A failure
// carries its error in body.error, or (leniently, as pytmv1 accepts) in a top-level error.
type multiStatusItem struct {
	// Status is the item's HTTP status; 0 when the item has none that can be read (absent, null,
	// or not a number), which is neither a success nor a failure.
	Status  int
	Headers []multiStatusHeader
	Body    json.RawMessage
	Error   json.RawMessage
}

type multiStatusHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// UnmarshalJSON reads an item leniently and never fails: the body of a created API key holds its
// only copy of the secret, so no part of one item may make the answer unreadable, nor the other
// items with it. A status sent as a string is read; a status that cannot be read, and an item that
// is not an object at all, leave Status 0 for the caller to judge by the body. Headers are only a
// fallback (the Location of a body without an id): when they are in no known shape they are left
// out.
func (it *multiStatusItem) UnmarshalJSON(b []byte) error {
	var raw struct {
		Status  json.RawMessage `json:"status"`
		Headers json.RawMessage `json:"headers"`
		Body    json.RawMessage `json:"body"`
		Error   json.RawMessage `json:"error"`
	}
	_ = json.Unmarshal(b, &raw) // an item that is not an object leaves raw empty
	it.Status = itemStatus(raw.Status)
	if json.Unmarshal(raw.Headers, &it.Headers) != nil {
		var byName map[string]string
		_ = json.Unmarshal(raw.Headers, &byName)
		for name, value := range byName {
			it.Headers = append(it.Headers, multiStatusHeader{Name: name, Value: value})
		}
	}
	it.Body, it.Error = raw.Body, raw.Error
	return nil
}

// itemStatus reads an item's status, a number or a string holding one, or 0.
func itemStatus(raw json.RawMessage) int {
	var status int
	if json.Unmarshal(raw, &status) == nil {
		return status
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		if status, err := strconv.Atoi(strings.TrimSpace(text)); err == nil {
			return status
		}
	}
	return 0
}

func (it multiStatusItem) ok() bool { return it.Status >= 200 && it.Status < 400 }

// failed reports whether the item's status says it failed; an item without a readable status has
// not said so.
func (it multiStatusItem) failed() bool { return it.Status != 0 && !it.ok() }

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
		TraceID: traceID(resp.header, secrets), afterAmbiguous: resp.afterAmbiguous}
	body := it.Body
	if len(bytes.TrimSpace(body)) == 0 || bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		body = nil
		if len(it.Error) > 0 {
			body, _ = json.Marshal(map[string]json.RawMessage{"error": it.Error})
		}
	}
	fillFromBody(e, body, secrets)
	if it.Status == 0 && e.Code == "" { // no error envelope either: say what is missing
		e.Message = "the API answered this item without a readable status"
	}
	if it.Status == http.StatusTooManyRequests {
		e.retryAfter = it.retryAfter(resp.header)
	}
	return e
}

// retryAfter is the wait that the item's Retry-After asks for, or else the answer's (header), read
// as the transport reads one; nil when neither has one.
func (it multiStatusItem) retryAfter(header http.Header) *time.Duration {
	if value := it.header("Retry-After"); value != "" {
		header = http.Header{"Retry-After": {value}, "Date": header.Values("Date")}
	}
	if wait, ok := retryAfter(header); ok {
		return &wait
	}
	return nil
}

// decodeMultiStatus reads a 207 answer: a bare array with one item per request element, in order.
func decodeMultiStatus(method, path string, resp *response, want int) ([]multiStatusItem, error) {
	var items []multiStatusItem
	if err := json.Unmarshal(resp.body, &items); err != nil {
		return nil, decodeFailure(method, path, resp, err)
	}
	if len(items) != want {
		return nil, unusableAnswer(method, path, resp, fmt.Sprintf("%d items for %d requested", len(items), want))
	}
	return items, nil
}
