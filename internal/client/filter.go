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

// And joins non-empty filters with "and", parenthesising each.
func And(filters ...Filter) Filter {
	var kept []string
	for _, f := range filters {
		if f != "" {
			kept = append(kept, string(f))
		}
	}
	if len(kept) == 1 {
		return Filter(kept[0])
	}
	for i := range kept {
		kept[i] = "(" + kept[i] + ")"
	}
	return Filter(strings.Join(kept, " and "))
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
