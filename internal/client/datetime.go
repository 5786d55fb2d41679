package client

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// DateTime is a date the API reported. Its documented form is RFC 3339 in UTC, but how the API
// spells a date that has no value (a key that never expires, or was never used) is not published
// (API.md, "Dates and ids"): null, "", a missing field and a sentinel date are all plausible.
// DateTime reads every one of them where the object is decoded, so that no caller has to:
//
//   - null, "", a blank string or a missing field: no value;
//   - RFC 3339, with or without fractional seconds, with Z or a numeric offset, or with no zone at
//     all (read as UTC, the zone of every date the API documents), its T and Z in either case or
//     a space for its T (RFC 3339, section 5.6, allows both);
//   - a date in year 9000 or later (a never-expiring key's expiry) or at or before
//     1970-01-01T00:00:00Z (a never-used key's last use): no value;
//   - anything else (another layout, a number, an object): unknown. Decoding never fails because
//     of it, so the rest of the object is kept; Unreadable returns what was sent, for the caller
//     to report.
//
// The zero value has no value.
type DateTime struct {
	t   time.Time // UTC; zero: no value
	raw []byte    // the JSON as sent, when it is in no form read above
}

// noDateFrom and noDateUntil bound the dates that stand for a value: a date outside them is a
// sentinel for "never".
var (
	noDateFrom  = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
	noDateUntil = time.Unix(0, 0).UTC()
)

// dateLayouts are the forms DateTime reads. time.Parse accepts fractional seconds after the
// seconds field even when the layout has none.
var dateLayouts = []string{time.RFC3339, "2006-01-02T15:04:05"}

// dateTimeOf returns t as a DateTime, with the sentinel rule applied.
func dateTimeOf(t time.Time) DateTime {
	if !t.Before(noDateFrom) || !t.After(noDateUntil) {
		return DateTime{}
	}
	return DateTime{t: t.UTC()}
}

// Time returns the date in UTC, and false when there is none or it could not be read.
func (d DateTime) Time() (time.Time, bool) {
	return d.t, !d.t.IsZero()
}

// Unreadable returns the JSON the API sent, and true, when it is in no form DateTime reads.
func (d DateTime) Unreadable() (string, bool) {
	return string(d.raw), d.raw != nil
}

// UnmarshalJSON reads any JSON value and never fails (see DateTime).
func (d *DateTime) UnmarshalJSON(b []byte) error {
	*d = DateTime{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		// RFC 3339 allows a lowercase t and z, and a space for the T (section 5.6); Go's layouts
		// want a capital T and Z.
		s = strings.ToUpper(strings.TrimSpace(s))
		if s == "" {
			return nil
		}
		if date := len(time.DateOnly); len(s) > date && s[date] == ' ' {
			s = s[:date] + "T" + s[date+1:]
		}
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				*d = dateTimeOf(t)
				return nil
			}
		}
	}
	d.raw = bytes.Clone(b)
	return nil
}

// MarshalJSON writes the date as RFC 3339 in UTC, null for none, or what the API sent when it
// could not be read; objects are compared through this form (cache.go).
func (d DateTime) MarshalJSON() ([]byte, error) {
	switch {
	case d.raw != nil:
		return d.raw, nil
	case d.t.IsZero():
		return []byte("null"), nil
	}
	return json.Marshal(d.t.Format(time.RFC3339Nano))
}

// String is the date in RFC 3339, "none", or the unreadable JSON, for messages and %v.
func (d DateTime) String() string {
	switch {
	case d.raw != nil:
		return "unreadable " + string(d.raw)
	case d.t.IsZero():
		return "none"
	}
	return d.t.Format(time.RFC3339Nano)
}

// UnreadableField is a field of an object the client kept the object without, because its value
// is in no form the client reads (see DateTime). The caller decides how to report it.
type UnreadableField struct {
	Field string // the API's name of the field, e.g. "expiredDateTime"
	Value string // what the API sent, as JSON, shortened and free of secrets
}

// maxUnreadableValue bounds how much of an unreadable value is quoted.
const maxUnreadableValue = 80

// unreadableDates lists the unreadable ones of an object's dates, given as field name and value
// pairs in the object's order. Their values were stripped of the answer's secrets when the object
// was read (redactDates); clean removes what is shaped like a credential.
func unreadableDates(fields []namedDate) []UnreadableField {
	var out []UnreadableField
	for _, f := range fields {
		if raw, ok := f.date.Unreadable(); ok {
			out = append(out, UnreadableField{Field: f.name, Value: clean(raw, maxUnreadableValue, nil)})
		}
	}
	return out
}

type namedDate struct {
	name string
	date *DateTime
}

// dated is an object with dates: the API's name of each, in the object's order.
type dated interface{ dates() []namedDate }

// redactDates strips secrets from the unreadable dates of object, if it has dates, where it is
// read: the API may echo the provider's key in any field, and an unreadable date is quoted in
// warnings (UnreadableFields) and by String, long after the answer and its secrets are gone. A
// value that is no longer JSON once redacted is kept as a JSON string, as MarshalJSON writes it.
func redactDates(object any, secrets []string) {
	o, ok := object.(dated)
	if !ok {
		return
	}
	for _, f := range o.dates() {
		if f.date.raw == nil {
			continue
		}
		redacted := []byte(redact(string(f.date.raw), secrets))
		if !json.Valid(redacted) {
			redacted, _ = json.Marshal(string(redacted)) // a string always marshals
		}
		f.date.raw = redacted
	}
}

// MonthsToExpiration recovers the monthsToExpiration the key was created with from its creation
// and expiry times: 0 for a key that never expires, or another of MonthsToExpiration, and false
// when its dates do not tell (an expiry the client could not read, no creation time, or a validity
// that is no choice of the API's).
func (k *APIKey) MonthsToExpiration() (int64, bool) {
	expires, expiring := k.ExpiredDateTime.Time()
	if _, unreadable := k.ExpiredDateTime.Unreadable(); unreadable {
		return 0, false
	}
	if !expiring {
		// A never-expiring key has no expiry, whatever the API's spelling of that (DateTime).
		return 0, true
	}
	created, dated := k.CreatedDateTime.Time()
	if !dated {
		return 0, false
	}
	for _, months := range MonthsToExpiration {
		if months != 0 && expiresMonthsAfter(created, expires, int(months)) {
			return months, true
		}
	}
	return 0, false
}

// ShortestValidity is the least time from a key's creation to its expiry months later. A key's
// validity is calendar months (APIKey.MonthsToExpiration reads it back that way), and the shortest
// run of them has a February outside a leap year (1 month: 28 days; 12 months: 365 days), whether
// a month counted from a day the target month lacks ends on its last day or carries over.
func ShortestValidity(months int64) time.Duration {
	var shortest time.Duration
	// Four years of starting months include every run of month lengths, leap years or not.
	for i := range 48 {
		start := time.Date(2001, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC)
		if d := start.AddDate(0, int(months), 0).Sub(start); shortest == 0 || d < shortest {
			shortest = d
		}
	}
	return shortest
}

// expiresMonthsAfter reports whether expires is months calendar months after created, give or take
// two days. How the API counts a month from a day its target month lacks (the 31st, or the 29th of
// February) is not published (API.md, "API keys: expiry"): Go's AddDate carries the overflow into
// the next month (August 31 and six months: March 3), while Java's plusMonths and .NET's AddMonths
// clamp it to the month's last day (February 28), three days apart; either is accepted.
func expiresMonthsAfter(created, expires time.Time, months int) bool {
	const tolerance = 48 * time.Hour
	for _, due := range []time.Time{created.AddDate(0, months, 0), addMonthsClamped(created, months)} {
		if due.Sub(expires).Abs() <= tolerance {
			return true
		}
	}
	return false
}

// addMonthsClamped is t.AddDate(0, months, 0) with the day clamped to the last day of the target
// month instead of carried into the next one. The standard library has no such form.
func addMonthsClamped(t time.Time, months int) time.Time {
	year, month, day := t.Date()
	target := month + time.Month(months)
	// Day 0 of the month after the target is the target's last day.
	last := time.Date(year, target+1, 0, 0, 0, 0, 0, t.Location()).Day()
	return time.Date(year, target, min(day, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}
