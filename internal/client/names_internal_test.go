package client

import "testing"

// TestPatchesAppliedInAnotherNormalForm: a retried PATCH that meets a 412 is taken as applied when
// the object holds the patch's names in another Unicode normal form (SameSpelling), as Vision One
// may store a name decomposed that Terraform sends composed; a name in another letter case is a
// change not yet applied.
func TestPatchesAppliedInAnotherNormalForm(t *testing.T) {
	t.Parallel()
	composed, decomposed, upper := "\u00c9quipe", "E\u0301quipe", "\u00c9QUIPE"
	if !accountPatchApplied(&Account{Role: decomposed}, AccountPatch{Role: &composed}) {
		t.Error("an account holding the patch's role decomposed is taken for one the patch did not reach")
	}
	if !apiKeyPatchApplied(&APIKey{Name: decomposed, Role: decomposed}, APIKeyPatch{Name: &composed, Role: &composed}) {
		t.Error("a key holding the patch's name and role decomposed is taken for one the patch did not reach")
	}
	if apiKeyPatchApplied(&APIKey{Name: composed}, APIKeyPatch{Name: &upper}) {
		t.Error("a key named in another letter case is taken for one the rename reached")
	}
}
