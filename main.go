// Command terraform-provider-visionone is the Terraform provider for Trend Vision One identity and
// access management. Started as "terraform-provider-visionone emulator", it runs a local Vision One
// IAM emulator instead (as "vault server -dev" does), so that the provider, its examples and users'
// own modules can run without a tenant.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/contextrelease"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/procdefaults"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/provider"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/upgradepassthrough"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "emulator" {
		os.Exit(emulator.RunCommand(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}

	procdefaults.Apply()

	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	serve := contextrelease.WrapFactory(upgradepassthrough.NewProtocol6(provider.New(version)()))
	err := tf6server.Serve("registry.terraform.io/seed-ebba3aa9/visionone", serve, opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
