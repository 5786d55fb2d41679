package client

// Filter is a TMV1-Filter expression (contract 1.5). Build it with Eq, And, Or and Not so that
// values are always quoted and escaped; the zero value means "no filter".
//
// STUB: see client.go.
type Filter string

// Eq builds `field eq 'value'`, doubling any single quote inside value (OData escaping).
func Eq(field, value string) Filter { return "" }

// And joins non-empty filters with "and", parenthesising each.
func And(filters ...Filter) Filter { return "" }

// Or joins non-empty filters with "or", parenthesising each.
func Or(filters ...Filter) Filter { return "" }

// Not negates f.
func Not(f Filter) Filter { return "" }
