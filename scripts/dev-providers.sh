#!/usr/bin/env bash
# `make dev-providers`: the providers the examples need, built locally, in a provider mirror that
# Terraform installs from with a plain `terraform init`, without the Terraform registry:
#
#   .build/dev/terraform-provider-visionone     this provider (also the emulator)
#   .build/dev/plugins/                         a filesystem mirror with this provider and
#                                               hashicorp/time, built from its Go module, under
#                                               the hosts of Terraform's and OpenTofu's registries
#   .build/dev/terraformrc                      a CLI config that installs only from that mirror
#
# Then `export TF_CLI_CONFIG_FILE=$PWD/.build/dev/terraformrc`. A mirror rather than dev_overrides:
# under dev_overrides `terraform init` still asks the registry for every provider, and an example
# with a backend (examples/gitops) cannot run without `terraform init`.
#
# The first run fetches hashicorp/time's source through the Go module proxy, like any Go module;
# later runs build nothing that is up to date. A provider another shell is running from the mirror
# is replaced only when it changed, and atomically.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
go_bin="${GO:-go}"

# Bump together with the version constraint in examples/key-rotation/providers.tf.
time_provider_version="0.13.1"
# A version no release has, so that a lock file written against the mirror never passes for one
# written against the registry, nor the other way round. (Terraform never selects 0.0.0, nor a
# prerelease such as 0.1.0-dev without an exact version constraint.)
local_version="0.0.1"

dev="$repo/.build/dev"
platform="$("$go_bin" env GOOS)_$("$go_bin" env GOARCH)"
# Terraform looks providers up under registry.terraform.io, OpenTofu under registry.opentofu.org:
# the mirror holds each provider under both, so that either CLI installs from it.
mirror_hosts=(registry.terraform.io registry.opentofu.org)
time_tools_dir="$repo/.build/tools/terraform-provider-time-v$time_provider_version"

# install_into_mirror SOURCE PROVIDER VERSION: puts the provider binary SOURCE into the mirror as
# PROVIDER (namespace/type) at VERSION under each of mirror_hosts, unless an identical copy is
# there, and removes any other version, so that `terraform init` can only pick this one.
install_into_mirror() {
	local source="$1" version="$3" host provider_dir target
	for host in "${mirror_hosts[@]}"; do
		provider_dir="$dev/plugins/$host/$2"
		target="$provider_dir/$version/$platform/$(basename "$source")"
		mkdir -p "$(dirname "$target")"
		if ! cmp -s "$source" "$target"; then
			cp "$source" "$target.new.$$"
			mv -f "$target.new.$$" "$target"
		fi
		find "$provider_dir" -mindepth 1 -maxdepth 1 ! -name "$version" -exec rm -rf {} +
	done
}

cd "$repo"
mkdir -p "$dev"
# -buildvcs=false: the binary must not depend on whether the working tree is clean at the time
# (Go stamps vcs.modified), or a build while a test has a file of its own in the tree would replace
# the provider that another walkthrough is running, whose lock file then no longer matches it.
"$go_bin" build -buildvcs=false -o "$dev/terraform-provider-visionone" .
install_into_mirror "$dev/terraform-provider-visionone" seed-ebba3aa9/visionone "$local_version"

if [ ! -x "$time_tools_dir/terraform-provider-time" ]; then
	GOBIN="$time_tools_dir" "$go_bin" install "github.com/hashicorp/terraform-provider-time@v$time_provider_version"
fi
install_into_mirror "$time_tools_dir/terraform-provider-time" hashicorp/time "$time_provider_version"

cat >"$dev/terraformrc.new.$$" <<EOF
# Written by scripts/dev-providers.sh (make dev-providers): providers come from the local mirror
# only; nothing is downloaded.
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path = "$dev/plugins"
  }
}
EOF
mv -f "$dev/terraformrc.new.$$" "$dev/terraformrc"

echo "Providers in $dev/plugins: seed-ebba3aa9/visionone $local_version (this build), hashicorp/time $time_provider_version"
echo "export TF_CLI_CONFIG_FILE=\"$dev/terraformrc\""
