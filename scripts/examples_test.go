//go:build unix

package scripts_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
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
// side by side, before the last block (the clean-up), a look at what git would pick up, and after
// it, a look at which of walkthroughVariables the shell still has.
// Each walkthrough runs first with its port taken by another server, where it must stop at the
// emulator's start, with the emulator's message, before anything reaches that server. The script
// of the provider page's "Testing a module in CI" runs too. A README that no longer does what it
// says fails here.
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
			walkthrough := "set -euo pipefail\n" + strings.Join(blocks[:len(blocks)-1], "\n") + "\n"

			// First with the README's port taken by another server: the walkthrough stops where it
			// starts the emulator, with the emulator's own message, and nothing reaches that server.
			t.Run("port taken", func(t *testing.T) {
				var requests atomic.Int64
				other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					requests.Add(1)
					http.NotFound(w, r)
				}))
				defer other.Close()
				defer func() { _ = exec.Command("git", "-C", repo, "clean", "-fdxq", "--", dir).Run() }()
				out, err := runScript(repo, env, strings.ReplaceAll(walkthrough, "127.0.0.1:8080", other.Listener.Addr().String()))
				if err == nil {
					t.Fatalf("the walkthrough succeeded with its port taken:\n%s", out)
				}
				if !strings.Contains(out, "is already in use") {
					t.Errorf("the walkthrough did not show the emulator's message (%v):\n%s", err, out)
				}
				if n := requests.Load(); n > 0 {
					t.Errorf("%d request(s) reached the server on the taken port (%v):\n%s", n, err, out)
				}
			})

			untracked := filepath.Join(t.TempDir(), "untracked")
			stillSet := filepath.Join(t.TempDir(), "still-set")
			script := walkthrough +
				"git -C '" + repo + "' status --porcelain --untracked-files=all -- '" + dir + "' | { grep '^??' || true; } > '" + untracked + "'\n" +
				blocks[len(blocks)-1] +
				"for v in " + strings.Join(walkthroughVariables, " ") + "; do if [ -n \"${!v+set}\" ]; then echo \"$v\"; fi; done > '" + stillSet + "'\n"
			output, err := runScript(repo, env, strings.ReplaceAll(script, "127.0.0.1:8080", freeLoopbackAddress(t)))
			if err != nil {
				t.Fatalf("the walkthrough of %s/README.md failed: %v\n%s", dir, err, output)
			}

			assertInOrder(t, output, example.want)
			if written, err := os.ReadFile(untracked); err != nil || len(written) > 0 {
				t.Errorf("files the walkthrough wrote are not ignored by git (%v):\n%s", err, written)
			}
			if left := gitStatus(t, repo, dir, "--ignored"); left != "" {
				t.Errorf("the clean-up left files behind:\n%s", left)
			}
			if set, err := os.ReadFile(stillSet); err != nil || len(set) > 0 {
				t.Errorf("the clean-up leaves these variables set, so a run against a tenant in the same shell "+
					"would still use the stopped emulator or the local mirror (%v):\n%s", err, set)
			}
		})
	}

	// What `make dev-providers` wrote: a CLI config that installs from the local mirror.
	mirrorConfig := "TF_CLI_CONFIG_FILE=" + filepath.Join(repo, ".build", "dev", "terraformrc")

	// OpenTofu installs from the same mirror (the READMEs send its users to hand-written import
	// blocks), though it looks the providers up under its own registry's host.
	t.Run("OpenTofu installs from the mirror", func(t *testing.T) {
		t.Parallel()
		tofu := filepath.Join(repo, tofu1_12)
		if _, err := os.Stat(tofu); err != nil {
			t.Skipf("needs the OpenTofu that `make cli` builds into %s: %v", tofu1_12, err)
		}
		module := copyFiles(t, filepath.Join(repo, "examples", "key-rotation"), "*.tf")
		env := append(slices.Clone(env), mirrorConfig)
		output, err := runScript(module, env, "set -euo pipefail\n'"+tofu+"' init -input=false\n'"+tofu+"' validate\n")
		if err != nil {
			t.Fatalf("tofu init with the CLI config of make dev-providers failed: %v\n%s", err, output)
		}
		for _, want := range []string{
			"Installed seed-ebba3aa9/visionone v0.0.1",
			"Installed hashicorp/time v0.13.1",
			"Success! The configuration is valid.",
		} {
			if !strings.Contains(ansiColour.ReplaceAllString(output, ""), want) {
				t.Errorf("the output lacks %q:\n%s", want, output)
			}
		}
	})

	// The provider page's CI script, on a module of its own (examples/auditor-access's files),
	// with the provider installed from the local mirror: Terraform links the mirror's platform
	// folder into .terraform/providers, as it does from a plugin cache.
	t.Run("provider page, "+ciHeading, func(t *testing.T) {
		t.Parallel()
		blocks := shellBlocks(t, filepath.Join(repo, "docs", "index.md"), "### "+ciHeading)
		module := copyFiles(t, filepath.Join(repo, "examples", "auditor-access"), "*.tf")
		env := append(slices.Clone(env), mirrorConfig)
		script := "set -euo pipefail\n" + strings.Join(blocks, "\n")
		output, err := runScript(module, env, strings.ReplaceAll(script, "127.0.0.1:18080", freeLoopbackAddress(t)))
		if err != nil {
			t.Fatalf("the script under %q in docs/index.md failed: %v\n%s", ciHeading, err, output)
		}
		assertInOrder(t, output, []string{
			"Installed seed-ebba3aa9/visionone v0.0.1",
			"Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
			"No changes. Your infrastructure matches the configuration.",
			"Destroy complete! Resources: 3 destroyed.",
		})
	})

	// The pull request job's emulator test of examples/gitops, run after the job's `terraform init`
	// (here with the local backend of the walkthrough, and the provider from the local mirror), as
	// GitHub runs a step: bash -e, with RUNNER_TEMP.
	t.Run("gitops workflow, "+gitopsEmulatorStep, func(t *testing.T) {
		t.Parallel()
		gitops := filepath.Join(repo, "examples", "gitops")
		step := workflowStepScript(t, filepath.Join(gitops, "workflows", "visionone-iam.yml"), gitopsEmulatorStep)
		workdir := copyFiles(t, gitops, "*.tf", "*.yaml", filepath.Join("local", "backend_override.tf"))
		env := append(slices.Clone(env), mirrorConfig, "RUNNER_TEMP="+t.TempDir(), "VISIONONE_REGION=eu")
		output, err := runScript(workdir, env, "set -e\nterraform init > /dev/null\n"+step)
		if err != nil {
			t.Fatalf("the step %q of the gitops workflow failed: %v\n%s", gitopsEmulatorStep, err, output)
		}
		assertInOrder(t, output, []string{
			"Apply complete! Resources: 6 added, 0 changed, 0 destroyed.",
			"No changes. Your infrastructure matches the configuration.",
			"Destroy complete! Resources: 6 destroyed.",
		})
	})
}

// walkthroughVariables are the variables a walkthrough exports: the local mirror's CLI config and
// the emulator's endpoint and admin key. Its clean-up unsets them, so that the README's "Run it
// against a tenant", in the same shell, installs from the registry and reaches the tenant.
var walkthroughVariables = []string{"TF_CLI_CONFIG_FILE", "VISIONONE_ENDPOINT", "VISIONONE_API_KEY"}

// gitopsEmulatorStep is the step of examples/gitops's workflow that tests the change against the
// emulator.
const gitopsEmulatorStep = "test against the emulator"

// ciHeading is the section of the provider page whose script tests a module against the emulator.
const ciHeading = "Testing a module in CI"

// scriptTimeout bounds one run of a README's script: a wait that never ends (for an emulator that
// never says it listens) fails the test instead of hanging it.
const scriptTimeout = 5 * time.Minute

// runScript runs script with bash in dir, answering "yes" to every question, in its own process
// group, which is killed when the script ends or after scriptTimeout, so that an emulator left
// behind by a failed step goes too. It returns what the script printed.
func runScript(dir string, env []string, script string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	// Endless: each terraform reads its approval through a buffer that takes more than a line.
	cmd.Stdin = &repeatReader{text: "yes\n"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	err := cmd.Start()
	if err == nil {
		defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()
		err = cmd.Wait()
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("still running after %s, stopped: %w", scriptTimeout, err)
	}
	return output.String(), err
}

// copyFiles copies the files of dir that match patterns (relative to dir) into a new temporary
// folder, which it returns, each under its base name.
func copyFiles(t *testing.T, dir string, patterns ...string) string {
	t.Helper()
	to := t.TempDir()
	for _, pattern := range patterns {
		files, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil || len(files) == 0 {
			t.Fatalf("no file %s in %s (%v)", pattern, dir, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(to, filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return to
}

// workflowStepScript returns the script of the step called name in a GitHub Actions workflow: the
// lines of its `run: |` block, without the block's indentation, as GitHub runs them.
func workflowStepScript(t *testing.T, path, name string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	start := slices.IndexFunc(lines, func(line string) bool { return strings.TrimSpace(line) == "- name: "+name })
	if start < 0 {
		t.Fatalf("%s has no step %q", path, name)
	}
	indentOf := func(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }
	for i := start + 1; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "- "); i++ {
		if strings.TrimSpace(lines[i]) != "run: |" {
			continue
		}
		var script strings.Builder
		block := -1 // the indentation of the block's first line
		for _, line := range lines[i+1:] {
			if strings.TrimSpace(line) == "" {
				script.WriteString("\n")
				continue
			}
			if indentOf(line) <= indentOf(lines[i]) {
				break
			}
			if block < 0 {
				block = indentOf(line)
			}
			script.WriteString(line[min(block, indentOf(line)):] + "\n")
		}
		return script.String()
	}
	t.Fatalf("the step %q of %s has no run: | block", name, path)
	return ""
}

// assertInOrder fails t unless output holds each of want, in this order. Terraform colours its
// output as for a terminal; the colours go, the text stays.
func assertInOrder(t *testing.T, output string, want []string) {
	t.Helper()
	rest := ansiColour.ReplaceAllString(output, "")
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("the output lacks %q after the earlier steps:\n%s", w, output)
		}
		rest = rest[i+len(w):]
	}
}

// terraform1_14 is the Terraform that `make cli` builds, for the walkthroughs that need 1.14.
const terraform1_14 = ".build/cli/terraform-1.14.9/terraform"

// tofu1_12 is the OpenTofu that `make cli` builds.
const tofu1_12 = ".build/cli/tofu-1.12.6/tofu"

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
