package provider

import "testing"

// wantImportHint is what every name clash error says, in this order, about importing the existing
// object of type typeName whose import id is id (which has nothing to quote): the same form for
// every resource type, checked whole so that a regression in any one is caught.
func wantImportHint(typeName, id string) []string {
	return []string{
		"replacing <name> with the name of the resource that is to manage it",
		"terraform import '" + typeName + ".<name>' '" + id + "'",
		"import {", "to = " + typeName + ".<name>", `id = "` + id + `"`,
	}
}

// The import hint of a name clash must survive copy and paste for any import id, such as an email
// with quotes or HCL template sequences, as a shell command and as an import block.
func TestImportHint(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ id, shell, hcl string }{
		"plain":        {id: "a@example.com", shell: `'a@example.com'`, hcl: `"a@example.com"`},
		"single quote": {id: "o'neil@example.com", shell: `'o'\''neil@example.com'`, hcl: `"o'neil@example.com"`},
		"double quote": {id: `"j doe"@example.com`, shell: `'"j doe"@example.com'`, hcl: `"\"j doe\"@example.com"`},
		"template":     {id: "${x}%{y}@example.com", shell: `'${x}%{y}@example.com'`, hcl: `"$${x}%%{y}@example.com"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := "To manage it with Terraform, import it, replacing <name> with the name of the resource that is to manage it:\n\n" +
				"  terraform import 'visionone_account.<name>' " + tc.shell + "\n\n" +
				"or add this block and apply:\n\n" +
				"  import {\n    to = visionone_account.<name>\n    id = " + tc.hcl + "\n  }"
			if got := importHint(accountType, tc.id, ""); got != want {
				t.Errorf("importHint(%q) =\n%s\nwant\n%s", tc.id, got, want)
			}
			if got := importHint(accountType, tc.id, "A remark."); got != want+"\n\nA remark." {
				t.Errorf("importHint(%q) with a remark =\n%s", tc.id, got)
			}
		})
	}
}
