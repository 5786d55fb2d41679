package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args       []string
		code       int
		stdout     string   // the whole of stdout
		stderr     []string // what stderr must contain
		servedWith string   // "": the provider is not served; "debug" or "plain" otherwise
	}{
		{args: []string{"version"}, stdout: "terraform-provider-visionone dev\n"},
		{args: []string{"-version"}, stdout: "terraform-provider-visionone dev\n"},
		{args: []string{"--version"}, stdout: "terraform-provider-visionone dev\n"},
		{args: []string{"-h"}, stderr: []string{"terraform-provider-visionone emulator [flags]", "emulator -h lists", "version    prints the version", "-debug"}},
		{args: []string{"--help"}, stderr: []string{"terraform-provider-visionone emulator [flags]", "-debug"}},
		{args: []string{"emulator", "-h"}, stderr: []string{"-listen", "POST /_emulator/clock"}},
		{args: []string{"emulater"}, code: 2, stderr: []string{`unknown command "emulater"`, "Usage: terraform-provider-visionone"}},
		{args: []string{"-nope"}, code: 2, stderr: []string{"flag provided but not defined: -nope"}},
		{args: nil, servedWith: "plain"},
		{args: []string{"-debug"}, servedWith: "debug"},
	} {
		var stdout, stderr bytes.Buffer
		served := ""
		code := run(t.Context(), tc.args, &stdout, &stderr, func(debug bool) error {
			served = map[bool]string{true: "debug", false: "plain"}[debug]
			return nil
		})
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d; stderr %s", tc.args, code, tc.code, stderr.String())
		}
		if tc.stdout != "" && stdout.String() != tc.stdout {
			t.Errorf("%q: stdout %q, want %q", tc.args, stdout.String(), tc.stdout)
		}
		for _, want := range tc.stderr {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("%q: stderr lacks %q:\n%s", tc.args, want, stderr.String())
			}
		}
		if served != tc.servedWith {
			t.Errorf("%q: provider served %q, want %q", tc.args, served, tc.servedWith)
		}
	}
}

// The release build sets the version with -ldflags -X main.version (.goreleaser.yml); the built
// binary prints it.
func TestBinaryPrintsReleaseVersion(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "terraform-provider-visionone")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, arg := range []string{"version", "-version", "--version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil || string(out) != "terraform-provider-visionone 1.2.3\n" {
			t.Errorf("%s %s: %v %q", bin, arg, err, out)
		}
	}
	out, err := exec.Command(bin, "-h").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "terraform-provider-visionone emulator [flags]") {
		t.Errorf("%s -h: %v\n%s", bin, err, out)
	}
}
