//go:build unix

package scripts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesCheckNeedsTerraform1_14: `make examples-check` with a Terraform older than 1.14,
// whose language has neither the identity of import blocks nor `validate -query`, stops before
// validating anything, with the advice `make docs` gives (make cli), instead of reporting the
// examples that use them as not valid. A 1.14 CLI passes the same gate. The CLIs are stand-ins
// that only answer `version`: the gate must not run anything else.
func TestExamplesCheckNeedsTerraform1_14(t *testing.T) {
	t.Parallel()
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		version, target string
		refused         bool
	}{
		{"1.11.4", "examples-check", true},
		{"1.13.5", "examples-check", true},
		{"1.14.9", "docs-terraform-check", false},
		{"1.15.0", "docs-terraform-check", false},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			terraform := fakeTerraform(t, tc.version)
			cmd := exec.Command("make", "--no-print-directory", tc.target, "DOCS_TERRAFORM="+terraform)
			cmd.Dir = repo
			cmd.Env = withoutMakeVariables(os.Environ())
			out, err := cmd.CombinedOutput()
			output := string(out)
			if !tc.refused {
				if err != nil {
					t.Fatalf("make %s refused Terraform %s: %v\n%s", tc.target, tc.version, err, output)
				}
				return
			}
			if err == nil {
				t.Fatalf("make %s accepted Terraform %s:\n%s", tc.target, tc.version, output)
			}
			for _, want := range []string{
				"error: make examples-check needs Terraform >= 1.14",
				terraform + " is older.",
				"Run make cli (it builds " + filepath.Join(repo, ".build/cli/terraform-"),
				"or make examples-check DOCS_TERRAFORM=/path/to/terraform-1.14.",
			} {
				if !strings.Contains(output, want) {
					t.Errorf("the output lacks %q:\n%s", want, output)
				}
			}
			if strings.Contains(output, "validate-examples.sh") || strings.Contains(output, "terraform fmt") {
				t.Errorf("the examples were checked with Terraform %s:\n%s", tc.version, output)
			}
		})
	}
}

// fakeTerraform writes a terraform that only tells its version, as `terraform version` and
// `terraform version -json` do.
func fakeTerraform(t *testing.T, version string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform")
	script := "#!/bin/sh\n" +
		"[ \"$1\" = version ] || { echo \"unexpected: terraform $*\" >&2; exit 1; }\n" +
		"if [ \"$2\" = -json ]; then echo '{\"terraform_version\": \"" + version + "\"}'; else echo 'Terraform v" + version + "'; fi\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// withoutMakeVariables drops what a make that runs `go test` passes to the makes it starts, so that
// only the test's own command line sets the variables.
func withoutMakeVariables(env []string) []string {
	var kept []string
	for _, v := range env {
		name, _, _ := strings.Cut(v, "=")
		if name != "MAKEFLAGS" && name != "MFLAGS" && name != "MAKELEVEL" && name != "NEEDED_BY" && name != "NEEDED_FOR" {
			kept = append(kept, v)
		}
	}
	return kept
}
