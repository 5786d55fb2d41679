package client_test

import (
	"testing"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

func TestSameNameAndSpelling(t *testing.T) {
	t.Parallel()
	const (
		composed   = "\u00c9quipe S\u00e9curit\u00e9"    // "Équipe Sécurité" as Terraform writes it (NFC)
		decomposed = "E\u0301quipe Se\u0301curite\u0301" // the same text with combining accents (NFD)
	)
	for _, tc := range []struct {
		a, b               string
		sameName, spelling bool
	}{
		{"SIEM", "SIEM", true, true},
		{"SIEM", "siem", true, false},
		{composed, decomposed, true, true},
		{"\u00e9quipe s\u00e9curit\u00e9", decomposed, true, false}, // other case and other form
		{composed, "Equipe Securite", false, false},
		{"a@example.com", "b@example.com", false, false},
	} {
		if got := client.SameName(tc.a, tc.b); got != tc.sameName {
			t.Errorf("SameName(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.sameName)
		}
		if got := client.SameSpelling(tc.a, tc.b); got != tc.spelling {
			t.Errorf("SameSpelling(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.spelling)
		}
	}
}
