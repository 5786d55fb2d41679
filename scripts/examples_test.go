//go:build unix

package scripts_test

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var ansiColour = regexp.MustCompile("\x1b\\[[0-9;]*m")

// walkthroughHeading is the README section of each complete example that the test runs.
const walkthroughHeading = "## Run it against the emulator"

// TestExampleWalkthroughs runs the "Run it against the emulator" section of each example's README
// as a user would: its shell blocks in order, in one bash started at the root of the repository,
// answering "yes" to Terraform's questions, as a new user (empty HOME, no ~/.terraformrc, no network
// for Go or Terraform). The test adds only `set -euo pipefail`, so that any command that fails
// fails the test, a free port in place of the README's 127.0.0.1:8080, so that the examples run
// side by side, and, before the last block (the clean-up), a look at what git would pick up.
// A README that no longer does what it says fails here.
func TestExampleWalkthroughs(t *testing.T) {
	t.Parallel()
	repo := repoRoot(t)
	env := newUserEnv(t)

	// One build first, with the caller's Go module proxy (hashicorp/time's source, the first time):
	// the walkthroughs' own `make dev-providers` then find everything up to date, build nothing and
	// never replace a provider that another walkthrough is running.
	build := exec.Command("make", "dev-providers")
	build.Dir = repo
	build.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("make dev-providers: %v\n%s", err, out)
	}

	for _, example := range []struct {
		name string
		want []string // in this order in the output
		// terraform1_14: the walkthrough needs Terraform 1.14 (terraform query), the one `make
		// cli` builds, found first on its PATH.
		terraform1_14 bool
	}{
		{"auditor-access", []string{
			"Installed seed-ebba3aa9/visionone v0.0.1",
			"Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
			"Destroy complete! Resources: 3 destroyed.",
		}, false},
		{"key-rotation", []string{
			"Installed hashicorp/time v0.13.1",
			"Apply complete! Resources: 2 added, 0 changed, 0 destroyed.",
			"# visionone_api_key.siem must be replaced",
			"Warning: API Key Will Be Replaced",
			"Apply complete! Resources: 1 added, 0 changed, 1 destroyed.",
			"Destroy complete! Resources: 2 destroyed.",
		}, false},
		{"gitops", []string{
			`Successfully configured the backend "local"!`,
			"Apply complete! Resources: 6 added, 0 changed, 0 destroyed.",
			"No changes. Your infrastructure matches the configuration.",
			"Destroy complete! Resources: 6 destroyed.",
		}, false},
		{"adopt-console-setup", []string{
			"Installed seed-ebba3aa9/visionone v0.0.1",
			"Third-party auditor",
			"auditor@audit-firm.example",
			"splunk-forwarder",
			"Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.",
			"Apply complete! Resources: 3 imported, 0 added, 0 changed, 0 destroyed.",
			"No changes. Your infrastructure matches the configuration.",
			// The account refers to the role (the walkthrough's sed), so the role goes last.
			"visionone_account.console_0: Destruction complete",
			"visionone_user_role.console_0: Destroying...",
			"Destroy complete! Resources: 3 destroyed.",
		}, true},
	} {
		t.Run(example.name, func(t *testing.T) {
			t.Parallel()
			env := env
			if example.terraform1_14 {
				env = withTerraform1_14(t, repo, env)
			}
			dir := filepath.Join("examples", example.name)
			if left := gitStatus(t, repo, dir, "--ignored"); left != "" {
				t.Fatalf("%s holds files of an earlier run; remove them first:\n%s", dir, left)
			}
			// Only what this walkthrough wrote: the folder held nothing untracked or ignored.
			t.Cleanup(func() { _ = exec.Command("git", "-C", repo, "clean", "-fdxq", "--", dir).Run() })

			blocks := shellBlocks(t, filepath.Join(repo, dir, "README.md"), walkthroughHeading)
			if len(blocks) < 2 {
				t.Fatalf("%s/README.md: want at least two shell blocks under %q (the walkthrough, then the clean-up), found %d",
					dir, walkthroughHeading, len(blocks))
			}
			untracked := filepath.Join(t.TempDir(), "untracked")
			script := "set -euo pipefail\n" +
				strings.Join(blocks[:len(blocks)-1], "\n") + "\n" +
				"git -C '" + repo + "' status --porcelain --untracked-files=all -- '" + dir + "' | { grep '^??' || true; } > '" + untracked + "'\n" +
				blocks[len(blocks)-1]
			script = strings.ReplaceAll(script, "127.0.0.1:8080", freeLoopbackAddress(t))

			cmd := exec.Command("bash", "-c", script)
			cmd.Dir = repo
			cmd.Env = env
			// Endless: each terraform reads its approval through a buffer that takes more than a line.
			cmd.Stdin = &repeatReader{text: "yes\n"}
			// Its own process group, so that an emulator left behind by a failed step is stopped too.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.WaitDelay = 10 * time.Second
			var output bytes.Buffer
			cmd.Stdout, cmd.Stderr = &output, &output
			err := cmd.Start()
			if err == nil {
				t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
				err = cmd.Wait()
			}
			if err != nil {
				t.Fatalf("the walkthrough of %s/README.md failed: %v\n%s", dir, err, output.String())
			}

			// Terraform colours its output as for a terminal; the colours go, the text stays.
			rest := ansiColour.ReplaceAllString(output.String(), "")
			for _, want := range example.want {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("the walkthrough's output lacks %q after the earlier steps:\n%s", want, output.String())
				}
				rest = rest[i+len(want):]
			}
			if written, err := os.ReadFile(untracked); err != nil || len(written) > 0 {
				t.Errorf("files the walkthrough wrote are not ignored by git (%v):\n%s", err, written)
			}
			if left := gitStatus(t, repo, dir, "--ignored"); left != "" {
				t.Errorf("the clean-up left files behind:\n%s", left)
			}
		})
	}
}

// terraform1_14 is the Terraform that `make cli` builds, for the walkthroughs that need 1.14.
const terraform1_14 = ".build/cli/terraform-1.14.9/terraform"

// withTerraform1_14 puts the Terraform of `make cli` first on env's PATH, or skips t without it.
func withTerraform1_14(t *testing.T, repo string, env []string) []string {
	t.Helper()
	cli := filepath.Join(repo, terraform1_14)
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("this walkthrough needs Terraform 1.14 (terraform query), which `make cli` builds into %s: %v", terraform1_14, err)
	}
	out := make([]string, 0, len(env))
	for _, v := range env {
		if path, ok := strings.CutPrefix(v, "PATH="); ok {
			v = "PATH=" + filepath.Dir(cli) + string(os.PathListSeparator) + path
		}
		out = append(out, v)
	}
	return out
}

// shellBlocks returns the fenced shell blocks of a Markdown file's section, from its heading to
// the next heading of the same or a higher level.
func shellBlocks(t *testing.T, path, heading string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	level := strings.Index(heading, " ")
	var blocks []string
	var block *strings.Builder
	inSection := false
	lines := bufio.NewScanner(bytes.NewReader(data))
	for lines.Scan() {
		line := lines.Text()
		switch {
		case block != nil && line == "```":
			blocks = append(blocks, block.String())
			block = nil
		case block != nil:
			block.WriteString(line + "\n")
		case line == heading:
			inSection = true
		case inSection && strings.HasPrefix(line, "#") && strings.Index(line, " ") <= level:
			inSection = false
		case inSection && line == "```shell":
			block = &strings.Builder{}
		}
	}
	if blocks == nil {
		t.Fatalf("%s has no section %q with shell blocks", path, heading)
	}
	return blocks
}

// gitStatus lists the files in dir that git does not track: untracked ones, and with "--ignored"
// the ignored ones too.
func gitStatus(t *testing.T, repo, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", repo, "status", "--porcelain", "--untracked-files=all"}, append(args, "--", dir)...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git status %s: %v", dir, err)
	}
	var untracked strings.Builder
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "?? ") || strings.HasPrefix(line, "!! ") {
			untracked.WriteString(line)
		}
	}
	return untracked.String()
}

func freeLoopbackAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// repeatReader reads its text over and over, for ever.
type repeatReader struct {
	text string
	next int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.text[r.next]
		r.next = (r.next + 1) % len(r.text)
	}
	return len(p), nil
}
