package validators

import (
	"strings"
	"testing"
)

// FuzzCheckEmailAddress feeds arbitrary text to the account email check, which runs at plan time
// on user input: it must never panic, and what it accepts must be a single bare address that the
// filter the provider builds from it (email eq '...') can carry, with no surrounding space, no
// angle brackets and one domain after the last "@".
func FuzzCheckEmailAddress(f *testing.F) {
	for _, seed := range []string{
		"auditor@example.com", `"j doe"@example.com`, "o'neil+audit@example.com", "zoë@example.com",
		"a@example.com' or email eq 'b@example.com", "Auditor <a@example.com>", "a@b@example.com",
		"", "@", "a@xn--bcher-kva.example", "\x00@example.com", `"\"@example.com`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		if CheckEmailAddress(value) != nil {
			return
		}
		if strings.TrimSpace(value) != value || strings.ContainsAny(value, "<>") {
			t.Fatalf("accepted %q, which is not a bare address", value)
		}
		at := strings.LastIndex(value, "@")
		if at < 1 || !domainPattern.MatchString(value[at+1:]) {
			t.Fatalf("accepted %q, whose domain is not a DNS name", value)
		}
	})
}
