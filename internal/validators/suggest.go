package validators

import (
	"cmp"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
)

// ClosestMatches returns up to limit candidates that are plausibly what the user meant by target,
// closest first: the same "did you mean" heuristic Terraform itself uses (Levenshtein distance),
// compared case-insensitively. A candidate qualifies when its distance is at most a third of the
// longer string's length (at least 2), or when one string contains the other (of at least
// minContainedLength characters), so that a key
// mistyped in one segment or a truncated key still finds its match while unrelated keys do not.
// Ties are broken alphabetically so the message is stable from run to run.
func ClosestMatches(target string, candidates []string, limit int) []string {
	if limit <= 0 || target == "" {
		return nil
	}
	type scored struct {
		candidate string
		distance  int
	}
	lowerTarget := strings.ToLower(target)
	var matches []scored
	for _, c := range candidates {
		lowerCandidate := strings.ToLower(c)
		d := levenshtein.Distance(lowerTarget, lowerCandidate, nil)
		threshold := max(max(len(lowerTarget), len(lowerCandidate))/3, 2)
		if d <= threshold || containsEitherWay(lowerTarget, lowerCandidate) {
			matches = append(matches, scored{candidate: c, distance: d})
		}
	}
	slices.SortFunc(matches, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.distance, b.distance), strings.Compare(a.candidate, b.candidate))
	})
	if len(matches) == 0 {
		return nil
	}
	if len(matches) > limit {
		matches = matches[:limit]
	}
	out := make([]string, len(matches))
	for i, m := range matches {
		out[i] = m.candidate
	}
	return out
}

// minContainedLength keeps very short inputs such as "a" from matching every candidate by
// containment.
const minContainedLength = 4

func containsEitherWay(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= minContainedLength && strings.Contains(b, a)
}
