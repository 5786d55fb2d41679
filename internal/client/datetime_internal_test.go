package client

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// A listing and a single read may spell a date with no value differently (null in one, "" or a
// sentinel in the other): fingerprints compare what the dates mean, so an update of a key read
// from the listing is not refused as changed meanwhile. A date that did change still shows.
func TestFingerprintComparesWhatDatesMean(t *testing.T) {
	t.Parallel()
	fingerprintOf := func(body string) string {
		var k APIKey
		if err := json.Unmarshal([]byte(body), &k); err != nil {
			t.Fatalf("decoding %s: %v", body, err)
		}
		return k.fingerprint()
	}
	const rest = `"id":"k","name":"n","createdDateTime":"2026-01-02T03:04:05Z"`
	want := fingerprintOf(`{` + rest + `,"expiredDateTime":null}`)
	for _, body := range []string{
		`{` + rest + `}`,
		`{` + rest + `,"expiredDateTime":""}`,
		`{` + rest + `,"expiredDateTime":"9999-12-31T23:59:59Z","lastUsedDateTime":"1970-01-01T00:00:00Z"}`,
		`{"id":"k","name":"n","createdDateTime":"2026-01-02T04:04:05+01:00","expiredDateTime":null}`,
		`{"id":"k","name":"n","createdDateTime":"2026-01-02T03:04:05.000Z","expiredDateTime":null}`,
		`{` + rest + `,"expiredDateTime":null,"lastUsedDateTime":"2026-06-01T00:00:00Z"}`, // using a key is no change
	} {
		if got := fingerprintOf(body); got != want {
			t.Errorf("%s: fingerprint differs from the same key with a null expiry", body)
		}
	}
	for _, body := range []string{
		`{` + rest + `,"expiredDateTime":"2027-01-02T03:04:05Z"}`,
		`{` + rest + `,"expiredDateTime":"2025-02-06 10:00:00"}`,
		`{"id":"k","name":"n","createdDateTime":"2026-01-02T03:04:06Z"}`,
	} {
		if got := fingerprintOf(body); got == want {
			t.Errorf("%s: a changed date gives the same fingerprint", body)
		}
	}
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
