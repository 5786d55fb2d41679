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
					`"lastUsedDateTime":"2026-06-01T00:00:00Z","expiredDateTime":"2025-02-06 10:00:00"}`,
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
		`"9999-12-31T23:59:59Z"`, `"1970-01-01T00:00:00Z"`, `"2025-02-06 10:00:00"`, `1738836000`, `{"a":[1]}`, `"\u0000"`} {
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
