package client

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// A listing and a single read may differ in what the API stamps (dates, however spelled, or with
// another value) and in fields no update writes: the fingerprint that stands in for an ETag covers
// only what an update could overwrite, so such a difference never refuses an update as changed
// meanwhile. A change of one of those fields still shows.
func TestFingerprintCoversWhatAnUpdateOverwrites(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		fingerprint func(body string) (string, error)
		base        string
		same        []string // bodies that differ from base in nothing an update writes
		changed     []string // bodies that differ in a field an update writes
	}{
		"API key": {
			fingerprint: fingerprintOf[APIKey],
			base:        `{"id":"k","name":"n","role":"r","status":"enabled","description":"d","createdDateTime":"2026-01-02T03:04:05Z","expiredDateTime":null}`,
			same: []string{
				`{"id":"k","name":"n","role":"r","status":"enabled","description":"d"}`,
				`{"id":"k","name":"n","role":"r","status":"enabled","description":"d","createdDateTime":"2026-01-02T03:04:05.000Z","expiredDateTime":""}`,
				`{"id":"k","name":"n","role":"r","status":"enabled","description":"d","createdDateTime":"2020-01-01T00:00:00Z","lastModifiedDateTime":"2026-06-01T00:00:00Z",` +
					`"lastUsedDateTime":"2026-06-01T00:00:00Z","expiredDateTime":"06/02/2025 10:00"}`,
			},
			changed: []string{
				`{"id":"k","name":"m","role":"r","status":"enabled","description":"d"}`,
				`{"id":"k","name":"n","role":"s","status":"enabled","description":"d"}`,
				`{"id":"k","name":"n","role":"r","status":"disabled","description":"d"}`,
				`{"id":"k","name":"n","role":"r","status":"enabled","description":"e"}`,
			},
		},
		"account": {
			fingerprint: fingerprintOf[Account],
			base:        `{"id":"a","email":"e@example.com","name":"N","authType":"local","role":"r","status":"enabled","description":"d","createdDateTime":"2026-01-02T03:04:05Z"}`,
			same: []string{
				`{"id":"a","email":"e@example.com","authType":"local","role":"r","status":"enabled","description":"d"}`,
				`{"id":"a","email":"e@example.com","name":"Other Name","authType":"local","role":"r","status":"enabled","description":"d","createdDateTime":"2020-01-01t00:00:00z"}`,
			},
			changed: []string{
				`{"id":"a","email":"e@example.com","name":"N","authType":"local","role":"s","status":"enabled","description":"d"}`,
				`{"id":"a","email":"e@example.com","name":"N","authType":"local","role":"r","status":"disabled","description":"d"}`,
				`{"id":"a","email":"e@example.com","name":"N","authType":"local","role":"r","status":"enabled","description":"e"}`,
			},
		},
		"role": {
			fingerprint: fingerprintOf[Role],
			base: `{"id":"r","name":"R","type":"custom","description":"d","lastUpdatedDateTime":"2026-01-02T03:04:05Z",` +
				`"allowApiKeyAssignment":true,"allowUserAccountAssignment":false,"permissionKeys":["a","b"]}`,
			same: []string{
				`{"id":"r","name":"R","description":"d","allowApiKeyAssignment":true,"allowUserAccountAssignment":false,"permissionKeys":["b","a"]}`,
				`{"id":"r","name":"R","type":"custom","description":"d","lastUpdatedDateTime":"1738836000",` +
					`"allowApiKeyAssignment":true,"allowUserAccountAssignment":false,"permissionKeys":["a","b"]}`,
			},
			changed: []string{
				`{"id":"r","name":"S","description":"d","allowApiKeyAssignment":true,"allowUserAccountAssignment":false,"permissionKeys":["a","b"]}`,
				`{"id":"r","name":"R","description":"e","allowApiKeyAssignment":true,"allowUserAccountAssignment":false,"permissionKeys":["a","b"]}`,
				`{"id":"r","name":"R","description":"d","allowApiKeyAssignment":false,"allowUserAccountAssignment":false,"permissionKeys":["a","b"]}`,
				`{"id":"r","name":"R","description":"d","allowApiKeyAssignment":true,"allowUserAccountAssignment":true,"permissionKeys":["a","b"]}`,
				`{"id":"r","name":"R","description":"d","allowApiKeyAssignment":true,"allowUserAccountAssignment":false,"permissionKeys":["a"]}`,
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fp := func(body string) string {
				got, err := tc.fingerprint(body)
				if err != nil {
					t.Fatalf("decoding %s: %v", body, err)
				}
				return got
			}
			want := fp(tc.base)
			for _, body := range tc.same {
				if fp(body) != want {
					t.Errorf("%s: the fingerprint differs, but nothing an update writes does", body)
				}
			}
			for _, body := range tc.changed {
				if fp(body) == want {
					t.Errorf("%s: a change an update could overwrite gives the same fingerprint", body)
				}
			}
		})
	}
}

// fingerprintOf decodes body as a T and returns its fingerprint.
func fingerprintOf[T interface{ fingerprint() string }](body string) (string, error) {
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return "", err
	}
	return v.fingerprint(), nil
}

// FuzzDecodeCreatedAPIKey puts any JSON value in the expiry and the creation time of a 207 create
// item: the key's id and value always come back, each date is a date within the bounds, none, or
// reported as unreadable (without the secret), and nothing panics.
func FuzzDecodeCreatedAPIKey(f *testing.F) {
	for _, seed := range []string{`null`, `""`, `"2027-01-02T03:04:05Z"`, `"2027-01-02T03:04:05.1234567"`,
		`"9999-12-31T23:59:59Z"`, `"1970-01-01T00:00:00Z"`, `"06/02/2025 10:00"`, `"2025-02-06 10:00:00"`, `1738836000`, `{"a":[1]}`, `"\u0000"`} {
		f.Add(seed, `12`)
	}
	const value = "eyJhbGciOiJIUzI1NiJ9.fuzz.c2lnbmF0dXJl"
	c := &Client{}
	f.Fuzz(func(t *testing.T, expiry, other string) {
		if !json.Valid([]byte(expiry)) || !json.Valid([]byte(other)) {
			t.Skip("not a JSON value")
		}
		body := `[{"status":201,"body":{"id":"k1","value":"` + value + `","expiredDateTime":` + expiry + `,"createdDateTime":` + other + `}}]`
		resp := &response{status: http.StatusMultiStatus, body: []byte(body)}
		items, err := decodeMultiStatus(http.MethodPost, apiKeysPath, resp, 1)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		key, err := c.createdAPIKey(items[0], resp, APIKeyCreate{Name: "n"})
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if key.ID != "k1" || key.Value != value {
			t.Fatalf("%s: id %q, value kept %t", body, key.ID, key.Value == value)
		}
		var wantUnreadable []string
		for _, d := range []struct {
			field, sent string
			date        DateTime
		}{{"expiredDateTime", expiry, key.ExpiredDateTime}, {"createdDateTime", other, key.CreatedDateTime}} {
			at, dated := d.date.Time()
			raw, unreadable := d.date.Unreadable()
			switch {
			case dated && unreadable:
				t.Fatalf("%s %s: both a date (%v) and unreadable (%s)", d.field, d.sent, at, raw)
			case dated && (!at.After(noDateUntil) || !at.Before(noDateFrom) || at.Location() != time.UTC):
				t.Fatalf("%s %s: the date %v is a sentinel or not in UTC", d.field, d.sent, at)
			case unreadable:
				wantUnreadable = append(wantUnreadable, d.field)
			}
		}
		var gotUnreadable []string
		for _, u := range key.Unreadable {
			gotUnreadable = append(gotUnreadable, u.Field)
		}
		if !slices.Equal(gotUnreadable, wantUnreadable) {
			t.Fatalf("%s: reported as unreadable: %v, want %v", body, key.Unreadable, wantUnreadable)
		}
		for _, u := range key.Unreadable {
			if strings.Contains(u.Value, value) {
				t.Fatalf("the secret is quoted in %v", u)
			}
		}
	})
}

func TestAPIKeyMonthsToExpiration(t *testing.T) {
	t.Parallel()
	created := dateTimeOf(time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC))
	createdAt, _ := created.Time()
	at := dateTimeOf
	var unreadable DateTime
	if err := json.Unmarshal([]byte(`"31/01/2027 10:00"`), &unreadable); err != nil {
		t.Fatal(err)
	}
	// result is what MonthsToExpiration returns; unknown: the key's dates do not tell.
	type result struct {
		months int64
		known  bool
	}
	unknown := result{}
	tests := map[string]struct {
		key  APIKey
		want result
	}{
		"never expires":          {key: APIKey{CreatedDateTime: created}, want: result{0, true}},
		"one month, end of jan":  {key: APIKey{CreatedDateTime: created, ExpiredDateTime: at(createdAt.AddDate(0, 1, 0))}, want: result{1, true}},
		"twelve months":          {key: APIKey{CreatedDateTime: created, ExpiredDateTime: at(createdAt.AddDate(1, 0, 0))}, want: result{12, true}},
		"six months, a day off":  {key: APIKey{CreatedDateTime: created, ExpiredDateTime: at(createdAt.AddDate(0, 6, 1))}, want: result{6, true}},
		"no creation time":       {key: APIKey{ExpiredDateTime: at(createdAt)}, want: unknown},
		"not a console duration": {key: APIKey{CreatedDateTime: created, ExpiredDateTime: at(createdAt.AddDate(0, 2, 0))}, want: unknown},
		// An expiry the client cannot read is unknown, not "never".
		"unreadable expiry":        {key: APIKey{CreatedDateTime: created, ExpiredDateTime: unreadable}, want: unknown},
		"unreadable creation time": {key: APIKey{CreatedDateTime: unreadable, ExpiredDateTime: at(createdAt.AddDate(1, 0, 0))}, want: unknown},
	}
	// An API that counts months as Java's plusMonths or .NET's AddMonths do clamps the day to the end of
	// a shorter month, where Go's AddDate carries it over into the next: both are read back.
	for name, dates := range map[string]struct {
		created          time.Time
		months           int64
		clamped, carried time.Time
	}{
		"six months from the end of august":  {middayUTC(2025, 8, 31), 6, middayUTC(2026, 2, 28), middayUTC(2026, 3, 3)},
		"one month from the end of january":  {middayUTC(2026, 1, 31), 1, middayUTC(2026, 2, 28), middayUTC(2026, 3, 3)},
		"three months from the end of march": {middayUTC(2026, 3, 31), 3, middayUTC(2026, 6, 30), middayUTC(2026, 7, 1)},
		"three months from new year's eve":   {middayUTC(2025, 12, 31), 3, middayUTC(2026, 3, 31), middayUTC(2026, 3, 31)},
		"one month into a leap february":     {middayUTC(2024, 1, 31), 1, middayUTC(2024, 2, 29), middayUTC(2024, 3, 2)},
		"six months into a leap february":    {middayUTC(2023, 8, 31), 6, middayUTC(2024, 2, 29), middayUTC(2024, 3, 2)},
		"twelve months from a leap day":      {middayUTC(2024, 2, 29), 12, middayUTC(2025, 2, 28), middayUTC(2025, 3, 1)},
	} {
		if carried := dates.created.AddDate(0, int(dates.months), 0); !carried.Equal(dates.carried) {
			t.Fatalf("%s: AddDate gives %s, the case says %s", name, carried, dates.carried)
		}
		for how, expires := range map[string]time.Time{"clamped": dates.clamped, "carried over": dates.carried} {
			tests[name+", "+how] = struct {
				key  APIKey
				want result
			}{key: APIKey{CreatedDateTime: at(dates.created), ExpiredDateTime: at(expires)}, want: result{dates.months, true}}
		}
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if months, known := tc.key.MonthsToExpiration(); (result{months, known}) != tc.want {
				t.Fatalf("got %d, %v; want %d, %v", months, known, tc.want.months, tc.want.known)
			}
		})
	}
}

func TestAddMonthsClamped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from   time.Time
		months int
		want   time.Time
	}{
		{middayUTC(2025, 8, 31), 6, middayUTC(2026, 2, 28)},
		{middayUTC(2024, 1, 31), 1, middayUTC(2024, 2, 29)},
		{middayUTC(2025, 12, 31), 3, middayUTC(2026, 3, 31)},
		{middayUTC(2025, 11, 30), 3, middayUTC(2026, 2, 28)},
		{middayUTC(2024, 2, 29), 12, middayUTC(2025, 2, 28)},
		{middayUTC(2026, 1, 15), 12, middayUTC(2027, 1, 15)},
		{time.Date(2026, 5, 31, 23, 59, 58, 7, time.UTC), 1, time.Date(2026, 6, 30, 23, 59, 58, 7, time.UTC)},
	} {
		if got := addMonthsClamped(tc.from, tc.months); !got.Equal(tc.want) {
			t.Errorf("addMonthsClamped(%s, %d) = %s, want %s", tc.from, tc.months, got, tc.want)
		}
	}
}

// middayUTC is midday UTC of a day, a time of day at which keys are made.
func middayUTC(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 12, 0, 0, 0, time.UTC)
}

func TestShortestValidity(t *testing.T) {
	t.Parallel()
	for months, wantDays := range map[int64]int{1: 28, 3: 89, 6: 181, 12: 365} {
		shortest := ShortestValidity(months)
		if shortest != time.Duration(wantDays)*24*time.Hour {
			t.Errorf("ShortestValidity(%d) = %s, want %d days", months, shortest, wantDays)
		}
		// No key is valid for less, whichever day it is made on and however its months are counted.
		for day := middayUTC(2023, 1, 1); day.Year() < 2027; day = day.AddDate(0, 0, 1) {
			for _, expires := range []time.Time{day.AddDate(0, int(months), 0), addMonthsClamped(day, int(months))} {
				if expires.Sub(day) < shortest {
					t.Fatalf("a %d-month key made on %s expiring on %s is valid for less than %s", months, day, expires, shortest)
				}
			}
		}
	}
}

// An unreadable date stripped of a secret stays JSON, as MarshalJSON writes it and objects are
// compared through it, even when the secret takes part of the JSON's syntax with it.
func TestRedactDatesKeepsJSON(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ raw, secret string }{
		"string":                    {`"plain-secret"`, "plain-secret"},
		"member of an object":       {`{"echo":"plain-secret"}`, "plain-secret"},
		"secret across two members": {`{"a":"plain","b":1}`, `plain","b`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			key := APIKey{ID: "k", CreatedDateTime: DateTime{raw: []byte(tc.raw)}}
			redactDates(&key, []string{tc.secret})
			got, _ := key.CreatedDateTime.Unreadable()
			if strings.Contains(got, tc.secret) || !strings.Contains(got, redactedMark) {
				t.Errorf("redacted to %s, want the secret replaced by %s", got, redactedMark)
			}
			if out, err := json.Marshal(key.CreatedDateTime); err != nil || !json.Valid(out) {
				t.Errorf("MarshalJSON after redaction: %s, %v", out, err)
			}
		})
	}
}
