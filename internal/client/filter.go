package client

import (
	"errors"
	"strings"
)

// Filter is a TMV1-Filter expression (API.md, "Filters"). Build it with Eq and And so that values
// are always quoted and escaped; the zero value means "no filter".
type Filter string

// Eq builds `field eq 'value'`, doubling any single quote inside value (OData escaping), so a
// value can never end its literal early. Field names are code constants; anything but letters,
// digits, '_' and '.' is dropped from them all the same.
func Eq(field, value string) Filter {
	field = strings.Map(func(r rune) rune {
		if r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return -1
	}, field)
	return Filter(field + " eq '" + strings.ReplaceAll(value, "'", "''") + "'")
}

// And joins non-empty filters with "and". Comparisons, and filters that are only comparisons joined
// by "and" (all that Eq and And build), are joined without parentheses, which they do not need and
// the accounts list does not take (API.md, "Decision: filter operators"). A filter written by hand
// with "or", "not" or parentheses of its own is parenthesised, so that it keeps its meaning.
func And(filters ...Filter) Filter {
	var kept []Filter
	for _, f := range filters {
		if f != "" {
			kept = append(kept, f)
		}
	}
	if len(kept) == 1 {
		return kept[0]
	}
	parts := make([]string, len(kept))
	for i, f := range kept {
		parts[i] = string(f)
		if !f.conjunction() {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return Filter(strings.Join(parts, " and "))
}

// conjunction reports whether f is comparisons joined by "and" alone: outside its quoted values it
// has no "or", no "not" and no parentheses.
func (f Filter) conjunction() bool {
	var outside strings.Builder
	quoted := false
	for _, r := range string(f) {
		switch {
		case r == '\'':
			quoted = !quoted // a doubled quote inside a value ends and reopens it: still inside
			outside.WriteRune(' ')
		case !quoted:
			outside.WriteRune(r)
		}
	}
	if strings.ContainsAny(outside.String(), "()") {
		return false
	}
	for _, word := range strings.Fields(outside.String()) {
		if strings.EqualFold(word, "or") || strings.EqualFold(word, "not") {
			return false
		}
	}
	return true
}

// Filterable reports whether a comparison with value can be left to the API's filter. A value with
// a single quote cannot: Trend does not publish how a quote inside a value is written, so the API
// may find nothing for the doubled quote Eq writes, or refuse it (API.md, "Decision: filter
// escaping"). Such a value is compared by the caller, in the unfiltered list.
func Filterable(value string) bool { return !strings.Contains(value, "'") }

// EqFilterable is Eq(field, value), or "" (no filter, which And leaves out) when value is not
// Filterable: the caller then compares the field itself.
func EqFilterable(field, value string) Filter {
	if !Filterable(value) {
		return ""
	}
	return Eq(field, value)
}

// lookupFilter is the filter a lookup of one object sends, `field eq 'value'`, or "" when the
// lookup must read the whole list and compare there: value is not Filterable, or the filter would
// be longer than maxLen, the list's limit (0: none that a value can reach).
func lookupFilter(field, value string, maxLen int) Filter {
	filter := EqFilterable(field, value)
	if maxLen > 0 && len(filter) > maxLen {
		return ""
	}
	return filter
}

// errFilterControlChar is returned instead of sending a filter that cannot travel in an HTTP
// header: a value with a line break or another control character.
var errFilterControlChar = errors.New("the filter contains a control character (such as a line break), which an HTTP header cannot carry")

func (f Filter) validate() error {
	if strings.ContainsFunc(string(f), func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errFilterControlChar
	}
	return nil
}
