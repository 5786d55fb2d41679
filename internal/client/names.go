package client

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// SameName reports whether two names of one kind (of API keys, of roles), or two emails, are one to
// Vision One, which keeps them unique regardless of letter case (API.md, "Filters"). They compare
// regardless of Unicode normal form too: Terraform writes every string of a configuration in the
// composed form (NFC), while a name typed into the console may be stored decomposed.
func SameName(a, b string) bool {
	return strings.EqualFold(a, b) || strings.EqualFold(norm.NFC.String(a), norm.NFC.String(b))
}

// SameSpelling reports whether two names are spelled alike, letter case included, regardless of
// Unicode normal form (see SameName): how a role's name compares when an account or a key names it.
func SameSpelling(a, b string) bool {
	return a == b || norm.NFC.String(a) == norm.NFC.String(b)
}
