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
//     all (read as UTC, the zone of every date the API documents), its T and Z in either case;
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

// DateTimeOf returns t as a DateTime, with the sentinel rule applied.
func DateTimeOf(t time.Time) DateTime {
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
		// RFC 3339 allows a lowercase t and z (section 5.6); Go's layouts want capitals.
		s = strings.ToUpper(strings.TrimSpace(s))
		if s == "" {
			return nil
		}
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				*d = DateTimeOf(t)
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
// pairs in the object's order.
func unreadableDates(fields ...namedDate) []UnreadableField {
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
	date DateTime
}
