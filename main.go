// Command terraform-provider-visionone is the Terraform provider for Trend Vision One identity and
// access management. Started as "terraform-provider-visionone emulator", it runs a local Vision One
// IAM emulator instead (as "vault server -dev" does), so that the provider, its examples and users'
// own modules can run without a tenant.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/procdefaults"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, serve))
}

// serve serves the provider to Terraform until Terraform stops it, then deletes the ephemeral API
// keys that Terraform did not close (a failed or interrupted command skips their Close).
func serve(debug bool) error {
	procdefaults.QuietLogsUnlessRequested()
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/seed-ebba3aa9/visionone", provider.ProtocolServer(provider.New(version)()), opts...)
	provider.DeleteUnclosedEphemeralKeys(context.Background())
	return err
}

// run dispatches the command line (without the program name) and returns the exit code: the
// emulator and version commands, or the provider itself through serve.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, serve func(debug bool) error) int {
	if len(args) > 0 {
		switch args[0] {
		case "emulator":
			return emulator.RunCommand(ctx, args[1:], stdout, stderr)
		case "version", "-version", "--version":
			_, _ = fmt.Fprintf(stdout, "terraform-provider-visionone %s\n", version)
			return 0
		}
	}

	fs := flag.NewFlagSet("terraform-provider-visionone", flag.ContinueOnError)
	fs.SetOutput(stderr)
	debug := fs.Bool("debug", false, "set to true to run the provider with support for debuggers like delve")
	fs.Usage = func() {
		_, _ = fmt.Fprint(fs.Output(), `Usage: terraform-provider-visionone [-debug]
       terraform-provider-visionone emulator [flags]
       terraform-provider-visionone version

The Terraform provider for Trend Vision One IAM. Terraform starts it; started by hand, it serves
the provider only with -debug, and prints the TF_REATTACH_PROVIDERS value to give Terraform.

Commands:
  emulator   runs a local Vision One IAM API for the provider, its examples and your own modules
             (emulator -h lists its flags and test controls)
  version    prints the version (also -version, --version)

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "terraform-provider-visionone: unknown command %q\n\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if err := serve(*debug); err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
