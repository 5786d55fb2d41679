package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAPIKeyCreateAndUse(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 31, 12, 0, 0, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: fixedClock(base)})
	ts.createRole("Reader", []string{permAPIKeysView, permRolesView}, true, false)

	items := ts.createKeys(
		map[string]any{"name": "default-expiry", "role": "Reader"},
		map[string]any{"name": "never", "role": "Reader", "monthsToExpiration": 0, "description": "forever", "status": "disabled"},
		map[string]any{"name": "bad", "role": "Reader", "monthsToExpiration": 2},
		map[string]any{"name": "one", "role": "Reader", "monthsToExpiration": 1},
	)
	if items[0].Status != 201 || items[1].Status != 201 || items[2].Status != 400 || items[3].Status != 201 {
		t.Fatalf("statuses %d %d %d %d", items[0].Status, items[1].Status, items[2].Status, items[3].Status)
	}
	if items[2].Body.Error == nil || items[2].Body.Error.Code != "BadRequest" || items[2].Body.Error.Target != "monthsToExpiration" {
		t.Errorf("bad item %+v", items[2].Body.Error)
	}
	if got := string(items[0].Body.ExpiredDateTime); got != `"2031-01-31T12:00:00Z"` {
		t.Errorf("default expiry %v, want 12 months", got)
	}
	if got := string(items[1].Body.ExpiredDateTime); got != `""` {
		t.Errorf("monthsToExpiration 0 gives expiry %v, want \"\" (the default AbsentDates)", got)
	}
	if got := string(items[3].Body.ExpiredDateTime); got != `"2030-03-03T12:00:00Z"` {
		t.Errorf("1-month expiry %v", got)
	}
	for _, i := range []int{0, 1, 3} {
		it := items[i]
		if len(it.Headers) != 1 || it.Headers[0].Name != "Location" || it.Headers[0].Value != ts.URL+"/v3.0/iam/apiKeys/"+it.Body.ID {
			t.Errorf("item %d headers %+v", i, it.Headers)
		}
		if parts := strings.Split(it.Body.Value, "."); len(parts) != 3 || len(it.Body.Value) <= 500 {
			t.Errorf("item %d value is not a long JWT: %d chars, %d parts", i, len(it.Body.Value), len(parts))
		}
	}
	if items[0].Body.Value == items[3].Body.Value {
		t.Error("two keys share a value")
	}

	// The secret is never returned again.
	get := ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + items[1].Body.ID}, http.StatusOK)
	if strings.Contains(string(get.body), items[1].Body.Value) || strings.Contains(string(get.body), `"value"`) {
		t.Errorf("GET leaks the value: %s", get.body)
	}
	var k apiKeyView
	get.json(t, &k)
	if k.Name != "never" || k.Role != "Reader" || k.Status != "disabled" || k.Description != "forever" ||
		string(k.ExpiredDateTime) != `""` || string(k.LastUsedDateTime) != `""` || k.CreatedDateTime != "2030-01-31T12:00:00Z" || k.LastModifiedDateTime != "2030-01-31T12:00:00Z" {
		t.Errorf("key %+v", k)
	}
	if get.header.Get("ETag") == "" {
		t.Error("no ETag")
	}

	// A key authenticates with its role's permissions, and its use is recorded.
	value := items[0].Body.Value
	ts.AdvanceClock(time.Minute)
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: value}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles", key: value}, http.StatusOK)
	e := ts.expect(req{method: "GET", path: "/v3.0/iam/accounts", key: value}, http.StatusForbidden).errorBody(t)
	if e.Code != "AccessDenied" || e.Message != "Insufficient permissions." {
		t.Errorf("403 body %+v", e)
	}
	ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys", key: value, body: []map[string]any{{"name": "x", "role": "Reader"}}}, http.StatusForbidden)
	ts.expect(req{method: "GET", path: "/v3.0/healthcheck/connectivity", key: value}, http.StatusOK)
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + items[0].Body.ID}, http.StatusOK).json(t, &k)
	if string(k.LastUsedDateTime) != `"2030-01-31T12:01:00Z"` {
		t.Errorf("lastUsedDateTime %s", k.LastUsedDateTime)
	}
	// A disabled key does not authenticate.
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: items[1].Body.Value}, http.StatusUnauthorized)
}

// TestAPIKeyAbsentDates: a never-expiring, never-used key's dates are written per AbsentDates in
// the create answer, a GET and a list item, and always present; dates with a value are unaffected.
func TestAPIKeyAbsentDates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode                AbsentDates
		noExpiry, neverUsed string // JSON
	}{
		{"", `""`, `""`},
		{AbsentDatesEmpty, `""`, `""`},
		{AbsentDatesNull, `null`, `null`},
		{AbsentDatesSentinel, `"9999-12-31T23:59:59Z"`, `"1970-01-01T00:00:00Z"`},
		{AbsentDatesOmitted, "", ""}, // no field
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			t.Parallel()
			base := time.Date(2030, 1, 31, 12, 0, 0, 0, time.UTC)
			ts := newTestServer(t, Options{Clock: fixedClock(base), AbsentDates: tc.mode})
			created := ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys", body: []map[string]any{
				{"name": "never", "role": "SIEM", "monthsToExpiration": 0},
				{"name": "yearly", "role": "SIEM"},
			}}, http.StatusMultiStatus)
			var items []struct {
				Body map[string]json.RawMessage `json:"body"`
			}
			created.json(t, &items)
			var never, yearly map[string]json.RawMessage
			ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + unquote(t, items[0].Body["id"])}, http.StatusOK).json(t, &never)
			ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + unquote(t, items[1].Body["id"])}, http.StatusOK).json(t, &yearly)
			var list struct {
				Items []map[string]json.RawMessage `json:"items"`
			}
			ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys?orderBy=" + url.QueryEscape("createdDateTime asc")}, http.StatusOK).json(t, &list)
			if len(list.Items) != 2 {
				t.Fatalf("list %v", list.Items)
			}
			for what, got := range map[string]map[string]json.RawMessage{
				"create answer": items[0].Body,
				"GET":           never,
				"list item":     list.Items[0],
			} {
				if v, ok := got["expiredDateTime"]; ok != (tc.noExpiry != "") || string(v) != tc.noExpiry {
					t.Errorf("%s: expiredDateTime %s (present %t), want %s", what, v, ok, tc.noExpiry)
				}
				if v, ok := got["lastUsedDateTime"]; what != "create answer" && (ok != (tc.neverUsed != "") || string(v) != tc.neverUsed) {
					t.Errorf("%s: lastUsedDateTime %s (present %t), want %s", what, v, ok, tc.neverUsed)
				}
			}
			for what, got := range map[string]json.RawMessage{
				"create answer": items[1].Body["expiredDateTime"], "GET": yearly["expiredDateTime"], "list item": list.Items[1]["expiredDateTime"],
			} {
				if string(got) != `"2031-01-31T12:00:00Z"` {
					t.Errorf("%s: a twelve-month key's expiredDateTime is %s", what, got)
				}
			}
		})
	}
	if _, err := New(Options{AbsentDates: "missing"}); err == nil || !strings.Contains(err.Error(), `"empty", "null", "sentinel" or "omitted"`) {
		t.Errorf("an unknown AbsentDates gave %v", err)
	}
}

// TestAPIKeyOmitTimestamps: with APIKeysOmitTimestamps a key's GET and the list's items carry
// neither createdDateTime nor lastModifiedDateTime, as Trend's mock shows a key, and the list is
// still ordered by creation time.
func TestAPIKeyOmitTimestamps(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 31, 12, 0, 0, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: fixedClock(base), APIKeysOmitTimestamps: true})
	ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys", body: []map[string]any{{"name": "older", "role": "SIEM"}}}, http.StatusMultiStatus)
	ts.AdvanceClock(time.Minute)
	created := ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys", body: []map[string]any{{"name": "newer", "role": "SIEM"}}},
		http.StatusMultiStatus)
	var items []struct {
		Body map[string]json.RawMessage `json:"body"`
	}
	created.json(t, &items)
	var got map[string]json.RawMessage
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + unquote(t, items[0].Body["id"])}, http.StatusOK).json(t, &got)
	var list struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys"}, http.StatusOK).json(t, &list)
	if len(list.Items) != 2 || unquote(t, list.Items[0]["name"]) != "newer" {
		t.Fatalf("list %v, want the two keys, newest first", list.Items)
	}
	for what, key := range map[string]map[string]json.RawMessage{"GET": got, "list item": list.Items[1]} {
		for _, field := range []string{"createdDateTime", "lastModifiedDateTime"} {
			if v, ok := key[field]; ok {
				t.Errorf("%s: %s %s, want no field", what, field, v)
			}
		}
		if _, ok := key["expiredDateTime"]; !ok {
			t.Errorf("%s: no expiredDateTime", what)
		}
	}
}

func unquote(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a string: %v", raw, err)
	}
	return s
}

func TestAPIKeyExpiryDisableDelete(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.createRole("Reader", []string{permAPIKeysView}, true, false)
	id, value := ts.createKey(map[string]any{"name": "short", "role": "Reader", "monthsToExpiration": 1})
	_, forever := ts.createKey(map[string]any{"name": "forever", "role": "Reader", "monthsToExpiration": 0})
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: value}, http.StatusOK)

	ts.AdvanceClock(32 * 24 * time.Hour)
	e := ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: value}, http.StatusUnauthorized).errorBody(t)
	if e.Code != "InvalidCredentials" {
		t.Errorf("expired key: %+v", e)
	}
	var k apiKeyView
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + id}, http.StatusOK).json(t, &k)
	if k.Status != "enabled" {
		t.Errorf("an expired key keeps its status, got %q", k.Status)
	}
	ts.AdvanceClock(100 * 365 * 24 * time.Hour)
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: forever}, http.StatusOK)

	foreverID := ""
	var list listEnvelope[apiKeyView]
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", headers: map[string]string{"TMV1-Filter": "name eq 'forever'"}}, http.StatusOK).json(t, &list)
	foreverID = list.Items[0].ID
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + foreverID, body: map[string]any{"status": "disabled"}}, http.StatusNoContent)
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: forever}, http.StatusUnauthorized)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + foreverID, body: map[string]any{"status": "enabled"}}, http.StatusNoContent)
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: forever}, http.StatusOK)

	resp := ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys/delete", body: []map[string]any{{"id": foreverID}, {"id": "missing"}, {"name": "x"}}}, http.StatusMultiStatus)
	var out []multiStatusItem
	resp.json(t, &out)
	if len(out) != 3 || out[0].Status != 204 || out[0].Body != nil || out[1].Status != 404 || out[2].Status != 400 {
		t.Fatalf("delete answered %s", resp.body)
	}
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: forever}, http.StatusUnauthorized)
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + foreverID}, http.StatusNotFound)
	ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys/delete", body: []any{}}, http.StatusBadRequest)
	ts.expect(req{method: "POST", path: "/v3.0/iam/apiKeys", body: []any{}}, http.StatusBadRequest)
}

func TestAPIKeyValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.createRole("Robots", nil, true, false)
	ts.createRole("People", nil, false, true)
	ts.createKey(map[string]any{"name": "Taken", "role": "Robots"})
	cases := []struct {
		name, target, message string
		item                  map[string]any
	}{
		{"missing name", "name", "", map[string]any{"role": "Robots"}},
		{"missing role", "role", "", map[string]any{"name": "n1"}},
		{"duplicate name", "name", "already exists", map[string]any{"name": "taken", "role": "Robots"}},
		{"master administrator", "role", "Master Administrator", map[string]any{"name": "n2", "role": "Master Administrator"}},
		{"role not for keys", "role", "allowApiKeyAssignment", map[string]any{"name": "n3", "role": "People"}},
		{"unknown role", "role", "does not exist", map[string]any{"name": "n4", "role": "Ghosts"}},
		{"long name", "name", "limit is 128", map[string]any{"name": strings.Repeat("n", 129), "role": "Robots"}},
		{"long description", "description", "limit is 2048", map[string]any{"name": "n5", "role": "Robots", "description": strings.Repeat("d", 2049)}},
		{"bad status", "status", "enabled, disabled", map[string]any{"name": "n6", "role": "Robots", "status": "on"}},
		{"bad months", "monthsToExpiration", "0 (never expires)", map[string]any{"name": "n7", "role": "Robots", "monthsToExpiration": 24}},
		{"months type", "monthsToExpiration", "number", map[string]any{"name": "n8", "role": "Robots", "monthsToExpiration": "12"}},
		{"value", "value", "", map[string]any{"name": "n9", "role": "Robots", "value": "mine"}},
	}
	batch := make([]map[string]any, 0, len(cases)+1)
	for _, tc := range cases {
		batch = append(batch, tc.item)
	}
	batch = append(batch, map[string]any{"name": "ok", "role": "Robots"})
	items := ts.createKeys(batch...)
	for i, tc := range cases {
		it := items[i]
		if it.Status != 400 || it.Body.Error == nil || it.Body.Error.Code != "BadRequest" || it.Body.Error.Target != tc.target ||
			!strings.Contains(it.Body.Error.Message, tc.message) {
			t.Errorf("%s: status %d error %+v", tc.name, it.Status, it.Body.Error)
		}
	}
	if last := items[len(items)-1]; last.Status != 201 {
		t.Errorf("a valid item in a batch with failures: %+v", last)
	}
	// Names must also be unique within one batch.
	dup := ts.createKeys(map[string]any{"name": "twin", "role": "Robots"}, map[string]any{"name": "TWIN", "role": "Robots"})
	if dup[0].Status != 201 || dup[1].Status != 400 {
		t.Errorf("duplicate within a batch: %d %d", dup[0].Status, dup[1].Status)
	}

	id, _ := ts.createKey(map[string]any{"name": "patchme", "role": "Robots"})
	for _, tc := range []struct {
		name, target string
		body         map[string]any
	}{
		{"expiry immutable", "monthsToExpiration", map[string]any{"monthsToExpiration": 3}},
		{"expiry date immutable", "expiredDateTime", map[string]any{"expiredDateTime": "2040-01-01T00:00:00Z"}},
		{"duplicate name", "name", map[string]any{"name": "TAKEN"}},
		{"master administrator", "role", map[string]any{"role": "Master Administrator"}},
		{"bad status", "status", map[string]any{"status": "expired"}},
		{"blank name", "name", map[string]any{"name": ""}},
	} {
		e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + id, body: tc.body}, http.StatusBadRequest).errorBody(t)
		if e.Target != tc.target {
			t.Errorf("PATCH %s: %+v", tc.name, e)
		}
	}
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + id, body: map[string]any{"name": "PatchMe", "description": "renamed in case only"}}, http.StatusNoContent)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/nope", body: map[string]any{"name": "x"}}, http.StatusNotFound)
}

func TestAPIKeyPatchETag(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.createRole("Robots", []string{permAPIKeysView, permAPIKeysConfig}, true, false)
	id, value := ts.createKey(map[string]any{"name": "self", "role": "Robots"})
	etag := ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + id, key: value}, http.StatusOK).header.Get("ETag")
	// Using a key (which records lastUsedDateTime) does not change its ETag, so a key can update itself.
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + id, key: value, headers: map[string]string{"If-Match": etag},
		body: map[string]any{"description": "by itself"}}, http.StatusNoContent)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + id, headers: map[string]string{"If-Match": etag},
		body: map[string]any{"description": "stale"}}, http.StatusPreconditionFailed)
}

// TestAPIKeyLegacy: a key marked as moved from the User Accounts app (by the control, or in the
// state file) refuses every PATCH, a Master Administrator's too, with 403 or, as the option says,
// 400, and nothing of it changes; it still authenticates and can be deleted
// (API.md, "Decision: migrated API keys").
func TestAPIKeyLegacy(t *testing.T) {
	t.Parallel()
	for _, status := range []int{0, http.StatusBadRequest} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.json")
			ts := newTestServer(t, Options{StateFile: path, AdminKey: "admin", LegacyKeyStatus: status})
			id, value := ts.createKey(map[string]any{"name": "old", "role": "SIEM", "description": "from User Accounts"})
			other, _ := ts.createKey(map[string]any{"name": "new", "role": "SIEM"})
			ts.expect(req{method: "POST", path: "/_emulator/apiKeys/missing/legacy"}, http.StatusNotFound)
			ts.expect(req{method: "POST", path: "/_emulator/apiKeys/" + id + "/legacy"}, http.StatusNoContent)

			want, code := http.StatusForbidden, "AccessDenied"
			if status == http.StatusBadRequest {
				want, code = http.StatusBadRequest, "BadRequest"
			}
			before := ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + id}, http.StatusOK)
			for _, body := range []map[string]any{{"description": "edited"}, {"status": "disabled"}, {"name": "renamed"}, {}} {
				e := ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + id, body: body}, want).errorBody(t)
				if e.Code != code || e.Message != ruleLegacyKey {
					t.Errorf("PATCH %v of a migrated key: %+v", body, e)
				}
			}
			after := ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + id}, http.StatusOK)
			if string(after.body) != string(before.body) || after.header.Get("ETag") != before.header.Get("ETag") {
				t.Errorf("a refused PATCH changed the key: %s → %s", before.body, after.body)
			}
			// Other keys are edited as ever, and the migrated key still works.
			ts.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + other, body: map[string]any{"description": "x"}}, http.StatusNoContent)
			ts.expect(req{method: "GET", path: "/v3.0/healthcheck/connectivity", key: value}, http.StatusOK)

			// The mark is kept in the state file, and the API never shows it.
			if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), `"legacy": true`) {
				t.Errorf("state file: %v\n%s", err, data)
			}
			if strings.Contains(string(after.body), "legacy") {
				t.Errorf("the API shows the mark: %s", after.body)
			}
			restarted := newTestServer(t, Options{StateFile: path, AdminKey: "admin", LegacyKeyStatus: status})
			restarted.expect(req{method: "PATCH", path: "/v3.0/iam/apiKeys/" + id, body: map[string]any{"description": "edited"}}, want)

			resp := restarted.expect(req{method: "POST", path: "/v3.0/iam/apiKeys/delete", body: []map[string]any{{"id": id}}}, http.StatusMultiStatus)
			var out []multiStatusItem
			resp.json(t, &out)
			if len(out) != 1 || out[0].Status != http.StatusNoContent {
				t.Errorf("deleting a migrated key answered %s", resp.body)
			}
		})
	}
	if _, err := New(Options{LegacyKeyStatus: http.StatusNotFound}); err == nil {
		t.Error("New accepted LegacyKeyStatus 404")
	}
}
