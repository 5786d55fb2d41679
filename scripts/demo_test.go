//go:build unix

// Package scripts_test runs scripts/demo.sh (`make demo`) as a user would: from the repository, with
// only Go and Terraform, offline (GOPROXY=off) and with an empty HOME, so that the demo provably
// needs no ~/.terraformrc, no provider download and no network.
package scripts_test

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	emulatorLine = regexp.MustCompile(`emulator http://(127\.0\.0\.1:\d+) \(pid (\d+)\)`)
	workDirLine  = regexp.MustCompile(`TF_CLI_CONFIG_FILE=(\S+)/terraformrc;`)
)

func TestDemo(t *testing.T) {
	t.Parallel()
	cmd := demoCommand(t, nil)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make demo failed: %v\n%s", err, out)
	}
	output := string(out)

	for _, want := range []string{
		"==> 1. Build the provider",
		"==> 2. Start the Vision One emulator on a free loopback port",
		"==> 3. Point Terraform at the local build (dev_overrides",
		"Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
		"auditor_api_key = <sensitive>",
		"No changes. Your infrastructure matches the configuration.",
		"# visionone_user_role.auditor will be updated in-place",
		"# visionone_api_key.auditor must be replaced",
		"Warning: API Key Will Be Replaced",
		"Apply complete! Resources: 1 added, 0 changed, 1 destroyed.",
		"GET /v3.0/healthcheck/connectivity -> 401 Unauthorized",
		"Destroy complete! Resources: 3 destroyed.",
		"==> 10. Stop the emulator",
		"Demo complete in ",
	} {
		if !strings.Contains(output, want) {
			t.Errorf("the demo output lacks %q", want)
		}
	}
	assertStepsMatchReadme(t, output)
	if n := strings.Count(output, "Warning: Provider development overrides are in effect"); n != 1 {
		t.Errorf("the dev_overrides warning is shown %d times, want once", n)
	}
	assertCleanedUp(t, output)
	assertHomeUntouched(t, cmd)
}

var (
	demoHeading    = regexp.MustCompile(`(?m)^==> (\d+)\. (.*)$`)
	readmeStep     = regexp.MustCompile(`(?m)^(\d+)\. \*\*(.+?)\*\*`)
	readmeSections = regexp.MustCompile(`(?m)^## `)
)

// assertStepsMatchReadme checks that the README's numbered list under "Try it" has one item per
// step of the demo, in order and with the same number, each starting with the bold words that
// begin the step's heading.
func assertStepsMatchReadme(t *testing.T, output string) {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, tryIt, found := strings.Cut(string(readme), "## Try it\n")
	if !found {
		t.Fatal(`README.md has no "## Try it" section`)
	}
	if next := readmeSections.FindStringIndex(tryIt); next != nil {
		tryIt = tryIt[:next[0]]
	}
	steps := readmeStep.FindAllStringSubmatch(tryIt, -1)
	headings := demoHeading.FindAllStringSubmatch(output, -1)
	if len(steps) != len(headings) {
		t.Errorf("README.md lists %d steps under \"Try it\", the demo runs %d", len(steps), len(headings))
	}
	for i := range min(len(steps), len(headings)) {
		if steps[i][1] != headings[i][1] || !strings.HasPrefix(headings[i][2], steps[i][2]) {
			t.Errorf("README.md step %s. %q does not match the demo's heading %s. %q", steps[i][1], steps[i][2], headings[i][1], headings[i][2])
		}
	}
}

// A step that fails stops the demo with a non-zero exit, and the emulator and the temporary
// directory go with it. The failure is injected into terraform destroy, the last Terraform step.
func TestDemoStopsEmulatorWhenAStepFails(t *testing.T) {
	t.Parallel()
	wrapper := filepath.Join(t.TempDir(), "terraform")
	script := "#!/bin/sh\n" +
		"for a in \"$@\"; do\n" +
		"  if [ \"$a\" = destroy ]; then echo 'Error: injected failure' >&2; exit 1; fi\n" +
		"done\n" +
		"exec '" + terraformPath(t) + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := demoCommand(t, []string{"TERRAFORM=" + wrapper})
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("want exit code 1 from the failed destroy, got %v\n%s", err, out)
	}
	output := string(out)
	for _, want := range []string{"Error: injected failure", "demo: FAILED in step 9: terraform destroy failed"} {
		if !strings.Contains(output, want) {
			t.Errorf("the demo output lacks %q:\n%s", want, output)
		}
	}
	if strings.Contains(output, "Demo complete") {
		t.Error("the demo reported success after a failed step")
	}
	assertCleanedUp(t, output)
}

// Ctrl-C in the middle of the demo stops the emulator, which a background job of a script would
// otherwise survive (it ignores SIGINT). The terminal sends SIGINT to the whole foreground process
// group, and so does this test.
func TestDemoStopsEmulatorOnInterrupt(t *testing.T) {
	t.Parallel()
	cmd := demoCommand(t, nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	var output bytes.Buffer
	lines := bufio.NewScanner(stdout)
	interrupted := false
	for lines.Scan() {
		output.WriteString(lines.Text() + "\n")
		// Step 5 runs once the role, account and key exist: the emulator has work to lose.
		if !interrupted && strings.HasPrefix(lines.Text(), "==> 5.") {
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			interrupted = true
		}
	}
	err = cmd.Wait()
	if !interrupted {
		t.Fatalf("the demo ended before step 5 (%v):\n%s", err, output.String())
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() == 0 {
		t.Fatalf("want a non-zero exit after Ctrl-C, got %v\n%s", err, output.String())
	}
	if !strings.Contains(output.String(), "demo: interrupted") {
		t.Errorf("the demo did not report the interruption:\n%s", output.String())
	}
	assertCleanedUp(t, output.String())
}

// demoCommand runs scripts/demo.sh from the repository root with a fresh HOME and no network for
// Go, keeping the caller's Go caches so that nothing is downloaded or rebuilt from scratch.
func demoCommand(t *testing.T, extraEnv []string) *exec.Cmd {
	t.Helper()
	repo := repoRoot(t)
	cmd := exec.Command("bash", filepath.Join(repo, "scripts", "demo.sh"))
	cmd.Dir = repo
	cmd.Env = append(newUserEnv(t), "TERRAFORM="+terraformPath(t))
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// repoRoot is the repository's root; the tests that run terraform skip without TF_ACC.
func repoRoot(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (make test does)")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

// newUserEnv is the environment of a new user with only Go and Terraform: an empty HOME, no
// network for Go (GOPROXY=off) but the caller's Go caches, and a TF_CLI_CONFIG_FILE that would
// fail every terraform command, so that the scripts must bring their own CLI config.
func newUserEnv(t *testing.T) []string {
	t.Helper()
	env := []string{
		"HOME=" + t.TempDir(),
		"PATH=" + filepath.Dir(terraformPath(t)) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"TMPDIR=" + t.TempDir(),
		"GOPROXY=off",
		"GOFLAGS=-mod=readonly",
		"GOTOOLCHAIN=local",
		"TF_CLI_CONFIG_FILE=" + filepath.Join(t.TempDir(), "missing", "terraformrc"),
	}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT"} {
		value, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		env = append(env, name+"="+strings.TrimSpace(string(value)))
	}
	return env
}

func terraformPath(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("TF_ACC_TERRAFORM_PATH"); path != "" {
		return path
	}
	path, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("terraform is not on PATH: %v", err)
	}
	return path
}

// assertCleanedUp checks, from what the demo printed, that its emulator no longer runs or listens
// and that its temporary directory is gone.
func assertCleanedUp(t *testing.T, output string) {
	t.Helper()
	m := emulatorLine.FindStringSubmatch(output)
	if m == nil {
		t.Fatalf("the demo did not print the emulator's address and pid:\n%s", output)
	}
	address, pid := m[1], m[2]
	pidNumber, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pidNumber, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the emulator (pid %s) still runs after the demo ended (kill -0: %v)", pid, err)
	}
	if conn, err := net.DialTimeout("tcp", address, time.Second); err == nil {
		_ = conn.Close()
		t.Errorf("something still listens on the emulator's address %s after the demo ended", address)
	}
	if w := workDirLine.FindStringSubmatch(output); w == nil {
		t.Errorf("the demo did not print its temporary directory:\n%s", output)
	} else if _, err := os.Stat(w[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the demo's temporary directory %s was not removed (stat: %v)", w[1], err)
	}
}

// assertHomeUntouched checks that Terraform wrote nothing into HOME during the demo: no
// .terraformrc, no .terraform.d plugin, checkpoint or credentials folder. (Go may keep its
// telemetry counters there, which is not the demo's doing.)
func assertHomeUntouched(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	for _, kv := range cmd.Env {
		home, ok := strings.CutPrefix(kv, "HOME=")
		if !ok {
			continue
		}
		entries, err := os.ReadDir(home)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".terraform") {
				t.Errorf("the demo wrote %s into HOME", e.Name())
			}
		}
	}
}
