package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Terraform plans the whole configuration before it plans a destroy (the refresh of `terraform
// destroy` is a normal plan), and a provider cannot tell that plan from any other. A plan-time
// check of a change to an object that already exists, such as its role or its name, would then
// block the destroy of that object whenever the check fails for reasons the destroy does not care
// about: a role renamed or deleted outside Terraform, a name taken in the console. So such checks
// only warn, and the change is refused before it is written, by the provider or by Vision One.
// Checks of objects still to be created stay errors, so that nothing of a plan with a bad new
// object is written.

// appendChecksOfExisting appends the diagnostics of a plan-time check of a change to an existing
// object (named by what, such as "API key 123 (\"name\")"), with its errors turned into warnings
// that say why and what applying the change will do.
func appendChecksOfExisting(diags *diag.Diagnostics, what string, checks diag.Diagnostics) {
	appendWithErrorNote(diags, checks, diag.SeverityWarning, "This is a warning rather than an error because "+what+" exists already: "+
		"terraform destroy plans the configuration before destroying it, and must not be blocked by a change it "+
		"will not make. Applying this change fails before anything is written.")
}

// appendWithErrorNote appends checks to diags, each error with note as a paragraph of its own at the
// end of its detail and with the given severity.
func appendWithErrorNote(diags *diag.Diagnostics, checks diag.Diagnostics, severity diag.Severity, note string) {
	for _, d := range checks {
		if d.Severity() != diag.SeverityError {
			diags.Append(d)
			continue
		}
		detail := d.Detail() + "\n\n" + note
		var noted diag.Diagnostic = diag.NewErrorDiagnostic(d.Summary(), detail)
		if severity == diag.SeverityWarning {
			noted = diag.NewWarningDiagnostic(d.Summary(), detail)
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			noted = diag.WithPath(withPath.Path(), noted)
		}
		diags.Append(noted)
	}
}
