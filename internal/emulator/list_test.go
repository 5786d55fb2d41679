package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// collect follows nextLink from path, resending the filter on every page, and returns every item
// id and the number of pages.
func collect[T any](t *testing.T, ts *testServer, path, filter string, id func(T) string) (ids []string, pages int) {
	t.Helper()
	next := ts.URL + path
	for next != "" {
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(next, ts.URL+"/") {
			t.Fatalf("nextLink %q is not an absolute URL on %s", next, ts.URL)
		}
		headers := map[string]string{}
		if filter != "" {
			headers["TMV1-Filter"] = filter
		}
		var env listEnvelope[T]
		ts.expect(req{method: "GET", path: u.RequestURI(), headers: headers}, http.StatusOK).json(t, &env)
		if env.Count != len(env.Items) {
			t.Fatalf("count %d for %d items", env.Count, len(env.Items))
		}
		for _, item := range env.Items {
			ids = append(ids, id(item))
		}
		pages++
		next = env.NextLink
		if pages > 100 {
			t.Fatal("nextLink loops")
		}
	}
	return ids, pages
}

func TestPaginationAndFilterAcrossPages(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: func() time.Time { return now }})
	ts.createRole("Robots", nil, true, false)
	var created []string
	for i := range 130 {
		status := "enabled"
		if i%3 == 0 {
			status = "disabled"
		}
		id, _ := ts.createKey(map[string]any{"name": fmt.Sprintf("key-%03d", i), "role": "Robots", "status": status})
		created = append(created, id)
	}

	var first listEnvelope[apiKeyView]
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys"}, http.StatusOK).json(t, &first)
	if first.TotalCount != 130 || first.Count != 50 || len(first.Items) != 50 || first.NextLink == "" {
		t.Fatalf("first page: total %d count %d next %q", first.TotalCount, first.Count, first.NextLink)
	}
	// Default order: createdDateTime desc, newest first (ties broken by creation order).
	if first.Items[0].ID != created[129] || first.Items[49].ID != created[80] {
		t.Errorf("default order starts %s..%s", first.Items[0].Name, first.Items[49].Name)
	}

	ids, pages := collect(t, ts, "/v3.0/iam/apiKeys?top=50", "", func(k apiKeyView) string { return k.ID })
	if pages != 3 || len(ids) != 130 {
		t.Fatalf("%d ids on %d pages", len(ids), pages)
	}
	reversed := slices.Clone(created)
	slices.Reverse(reversed)
	if !slices.Equal(ids, reversed) {
		t.Error("pages overlap or skip items")
	}

	ids, pages = collect(t, ts, "/v3.0/iam/apiKeys?top=50&orderBy=createdDateTime%20asc", "status eq 'disabled'", func(k apiKeyView) string { return k.ID })
	var wantDisabled []string
	for i, id := range created {
		if i%3 == 0 {
			wantDisabled = append(wantDisabled, id)
		}
	}
	if pages != 1 || !slices.Equal(ids, wantDisabled) {
		t.Errorf("filtered ascending: %d ids on %d pages, want %d", len(ids), pages, len(wantDisabled))
	}

	ids, pages = collect(t, ts, "/v3.0/iam/apiKeys?top=100", "status eq 'enabled' and not (name eq 'key-001')", func(k apiKeyView) string { return k.ID })
	if pages != 1 || len(ids) != 85 {
		t.Errorf("enabled but key-001: %d ids on %d pages", len(ids), pages)
	}

	// totalCount counts the filtered set.
	var env listEnvelope[apiKeyView]
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys?top=50", headers: map[string]string{"TMV1-Filter": "status eq 'enabled'"}}, http.StatusOK).json(t, &env)
	if env.TotalCount != 86 || env.Count != 50 || env.NextLink == "" {
		t.Errorf("filtered page: total %d count %d", env.TotalCount, env.Count)
	}
}

func TestListParameters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		path, filter, target string
	}{
		{"/v3.0/iam/roles?top=10", "", "top"},
		{"/v3.0/iam/accounts?top=abc", "", "top"},
		{"/v3.0/iam/apiKeys?top=500", "", "top"},
		{"/v3.0/iam/apiKeys?skipToken=%%%", "", ""},
		{"/v3.0/iam/apiKeys?skipToken=bm9wZQ", "", "skipToken"},
		{"/v3.0/iam/apiKeys?orderBy=name%20asc", "", "orderBy"},
		{"/v3.0/iam/apiKeys?orderBy=createdDateTime%20up", "", "orderBy"},
		{"/v3.0/iam/roles?orderBy=name", "", "orderBy"},
		{"/v3.0/iam/accounts", "role eq 'Analyst'", "TMV1-Filter"},
		{"/v3.0/iam/accounts", "email eq 'x", "TMV1-Filter"},
		{"/v3.0/iam/apiKeys", "email eq 'x'", "TMV1-Filter"},
		{"/v3.0/iam/roles", "type eq 'custom'", "TMV1-Filter"},
		{"/v3.0/iam/accounts", "email eq '" + strings.Repeat("a", 250) + "'", "TMV1-Filter"},
		{"/v3.0/iam/apiKeys", "name eq '" + strings.Repeat("a", 1020) + "'", "TMV1-Filter"},
		{"/v3.0/iam/roles", "name eq '" + strings.Repeat("a", 2044) + "'", "TMV1-Filter"},
	} {
		headers := map[string]string{}
		if tc.filter != "" {
			headers["TMV1-Filter"] = tc.filter
		}
		e := ts.expect(req{method: "GET", path: tc.path, headers: headers}, http.StatusBadRequest).errorBody(t)
		if e.Code != "BadRequest" || e.Target != tc.target {
			t.Errorf("%s [%.30s]: %+v", tc.path, tc.filter, e)
		}
	}
	for _, top := range []string{"50", "100", "200"} {
		ts.expect(req{method: "GET", path: "/v3.0/iam/roles?top=" + top}, http.StatusOK)
	}
	// At the limit is fine.
	ts.expect(req{method: "GET", path: "/v3.0/iam/roles", headers: map[string]string{"TMV1-Filter": "name eq '" + strings.Repeat("a", 2037) + "'"}}, http.StatusOK)
}

func TestAccountListFilterAndEnvelope(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	quoted := ts.invite("o'brien@example.com", "Analyst", "local")
	ts.invite("saml@example.com", "Analyst", "saml")
	enabled, _ := ts.AcceptInvitation(ts.invite("on@example.com", "Analyst", "local"))

	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"email eq 'O''Brien@EXAMPLE.com'", []string{quoted}},
		{"status eq 'enabled'", []string{enabled}},
		{"authType eq 'local' and status eq 'invited'", []string{quoted}},
		{"id eq '" + enabled + "' or email eq 'nobody@example.com'", []string{enabled}},
		{"email eq 'x'' or ''1''=''1'", nil},
	} {
		ids, _ := collect(t, ts, "/v3.0/iam/accounts", tc.filter, func(a accountView) string { return a.ID })
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: %v, want %v", tc.filter, ids, tc.want)
		}
	}
	var env map[string]any
	ts.expect(req{method: "GET", path: "/v3.0/iam/accounts"}, http.StatusOK).json(t, &env)
	for _, key := range []string{"items", "totalCount", "count"} {
		if _, ok := env[key]; !ok {
			t.Errorf("accounts list lacks %q", key)
		}
	}
}

func TestRoleListOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: func() time.Time { return now }})
	a := ts.createRole("A", nil, false, false)
	ts.AdvanceClock(time.Minute)
	b := ts.createRole("B", nil, false, false)
	ts.AdvanceClock(time.Minute)
	ts.expect(req{method: "PATCH", path: "/v3.0/iam/roles/" + a, body: map[string]any{"description": "newer"}}, http.StatusNoContent)

	ids, _ := collect(t, ts, "/v3.0/iam/roles", "", func(r roleView) string { return r.ID })
	if len(ids) != 10 || ids[0] != a || ids[1] != b {
		t.Errorf("default order (lastUpdatedDateTime desc) starts %v", ids[:2])
	}
	ids, _ = collect(t, ts, "/v3.0/iam/roles?orderBy=lastUpdatedDateTime%20asc", "", func(r roleView) string { return r.ID })
	if ids[8] != b || ids[9] != a {
		t.Errorf("ascending order ends %v", ids[8:])
	}
	ids, _ = collect(t, ts, "/v3.0/iam/roles", "name eq 'B' or name eq 'SIEM'", func(r roleView) string { return r.ID })
	if len(ids) != 2 || ids[0] != b {
		t.Errorf("filtered roles %v", ids)
	}
}

func TestAPIKeyOrderBy(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTestServer(t, Options{Clock: func() time.Time { return now }})
	ts.createRole("Robots", []string{permAPIKeysView}, true, false)
	never, _ := ts.createKey(map[string]any{"name": "never", "role": "Robots", "monthsToExpiration": 0})
	ts.AdvanceClock(time.Second)
	six, _ := ts.createKey(map[string]any{"name": "six", "role": "Robots", "monthsToExpiration": 6})
	ts.AdvanceClock(time.Second)
	one, oneValue := ts.createKey(map[string]any{"name": "one", "role": "Robots", "monthsToExpiration": 1})
	ts.AdvanceClock(time.Second)
	ts.expect(req{method: "GET", path: "/v3.0/iam/apiKeys", key: oneValue}, http.StatusOK)

	for _, tc := range []struct {
		orderBy string
		want    []string
	}{
		{"expiredDateTime asc", []string{one, six, never}},
		{"expiredDateTime desc", []string{never, six, one}},
		{"createdDateTime asc", []string{never, six, one}},
		{"lastUsedDateTime desc, createdDateTime asc", []string{one, never, six}},
	} {
		ids, _ := collect(t, ts, "/v3.0/iam/apiKeys?orderBy="+url.QueryEscape(tc.orderBy), "", func(k apiKeyView) string { return k.ID })
		if !slices.Equal(ids, tc.want) {
			t.Errorf("orderBy %q: %v, want %v", tc.orderBy, ids, tc.want)
		}
	}
}

// TestFilterOperatorsPerList: the accounts list takes eq, and, or and not but no parentheses,
// which the API-key and role lists take (API.md, "Decision: filter operators"); a parenthesis
// inside a quoted value is no grouping.
func TestFilterOperatorsPerList(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.invite("(team)@example.com", "Analyst", "local")
	for _, filter := range []string{
		"(status eq 'enabled') and (authType eq 'local')",
		"not (status eq 'disabled')",
		"status eq 'enabled' or (email eq 'a@example.com')",
	} {
		e := ts.expect(req{method: "GET", path: "/v3.0/iam/accounts", headers: map[string]string{"TMV1-Filter": filter}},
			http.StatusBadRequest).errorBody(t)
		if e.Code != "BadRequest" || e.Target != "TMV1-Filter" || e.InnerError == nil || e.InnerError.Code != "InvalidParameter" ||
			!strings.Contains(e.Message, "parentheses") {
			t.Errorf("accounts list with %q: %+v, want a 400 InvalidParameter about parentheses", filter, e)
		}
	}
	for _, filter := range []string{
		"status eq 'invited' and authType eq 'local' or not status eq 'disabled'",
		"email eq '(team)@example.com'",
	} {
		var env listEnvelope[accountView]
		ts.expect(req{method: "GET", path: "/v3.0/iam/accounts", headers: map[string]string{"TMV1-Filter": filter}},
			http.StatusOK).json(t, &env)
		if len(env.Items) != 1 {
			t.Errorf("accounts list with %q: %d items, want the one account", filter, len(env.Items))
		}
	}
	for path, filter := range map[string]string{
		"/v3.0/iam/apiKeys": "(name eq 'a') and not (status eq 'disabled')",
		"/v3.0/iam/roles":   "(name eq 'Analyst' or name eq 'SIEM') and not (id eq 'x')",
	} {
		ts.expect(req{method: "GET", path: path, headers: map[string]string{"TMV1-Filter": filter}}, http.StatusOK)
	}
}

// TestNextLinkCarriesSkipTokenAlone: a nextLink's query is its skipToken alone, as in Trend's mock.
// The token keeps the first request's page size, unless NextPagesDefaultTop serves the later pages
// at the default 50, as a tenant may.
func TestNextLinkCarriesSkipTokenAlone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  Options
		pages []int
	}{
		{Options{}, []int{200, 100}},
		{Options{NextPagesDefaultTop: true}, []int{200, 50, 50}},
	} {
		ts := newTestServer(t, tc.opts)
		for i := range 300 {
			ts.createKey(map[string]any{"name": fmt.Sprintf("key-%03d", i), "role": "SIEM"})
		}
		var sizes []int
		for next := ts.URL + "/v3.0/iam/apiKeys?top=200"; next != ""; {
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			if len(sizes) > 0 {
				if q := u.Query(); len(q) != 1 || q.Get("skipToken") == "" {
					t.Errorf("nextLink %q: want skipToken alone", next)
				}
			}
			var env listEnvelope[apiKeyView]
			ts.expect(req{method: "GET", path: u.RequestURI()}, http.StatusOK).json(t, &env)
			sizes = append(sizes, env.Count)
			next = env.NextLink
		}
		if !slices.Equal(sizes, tc.pages) {
			t.Errorf("%+v: pages of %v, want %v", tc.opts, sizes, tc.pages)
		}
	}
}
