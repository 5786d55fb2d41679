#!/usr/bin/env bash
# `make cli`: builds the Terraform and OpenTofu CLIs that the acceptance tests also run against,
# from their Go modules, fetched through the Go module proxy and nothing else:
#
#   .build/cli/terraform-<TERRAFORM_CLI_VERSION>/terraform
#   .build/cli/tofu-<TOFU_CLI_VERSION>/tofu
#
# These are test builds made here from source, not HashiCorp's or OpenTofu's release binaries.
# `go install <module>@<version>` refuses both modules (their go.mod has replace directives), so
# each module is downloaded with `go mod download`, copied to a writable folder and built there as
# the main module. OpenTofu builds unchanged. Terraform's module zip lacks the nested modules its
# replace directives point to (the azure, consul, cos, gcs, kubernetes, oci, oss, pg and s3 state
# backends, and internal/legacy): those requirements and the backends' registrations are removed,
# so this Terraform has the local, remote, cloud, http and inmem backends only.
#
# A binary is kept between runs: it is rebuilt only when it is missing or its `version` does not
# name the expected release. Each binary then runs `version` and an offline init and apply of a
# configuration with only terraform_data, under TF_CLI_CONFIG_FILE (a CLI config that never
# downloads).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
terraform_version="${TERRAFORM_CLI_VERSION:?set TERRAFORM_CLI_VERSION (make cli does)}"
tofu_version="${TOFU_CLI_VERSION:?set TOFU_CLI_VERSION (make cli does)}"
cli_dir="${CLI_DIR:-$PWD/.build/cli}"
: "${TF_CLI_CONFIG_FILE:?set TF_CLI_CONFIG_FILE to a CLI config that never downloads (make cli does)}"
export CHECKPOINT_DISABLE=1

fail() {
	echo "build-cli: $*" >&2
	exit 1
}

# The Go module proxy only: "direct" (a VCS fetch) is dropped from GOPROXY, so a module the proxy
# does not serve fails the build instead of being fetched from its origin. Without any proxy left,
# GOPROXY=off: the module cache only.
GOPROXY="$(go env GOPROXY | tr ',|' '\n\n' | grep -v -x -e direct -e off -e '' | paste -s -d, -)" ||
	GOPROXY=off
export GOPROXY GOWORK=off CGO_ENABLED=0

work="$(mktemp -d "${TMPDIR:-/tmp}/visionone-cli.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# expected_version_line BINARY_NAME VERSION: the first line `version` prints for that release.
expected_version_line() {
	case "$1" in
	terraform) echo "Terraform v$2" ;;
	tofu) echo "OpenTofu v$2" ;;
	esac
}

# is_built BINARY NAME VERSION: whether BINARY exists and reports exactly that release.
is_built() {
	[ -x "$1" ] && [ "$("$1" version 2>/dev/null | sed -n 1p)" = "$(expected_version_line "$2" "$3")" ]
}

# module_source MODULE VERSION DEST: a writable copy of the module's source, from the proxy.
module_source() {
	local dir
	dir="$(cd "$work" && go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	[ -n "$dir" ] && [ -f "$dir/go.mod" ] || fail "go mod download $1@$2 gave no source folder"
	cp -R "$dir" "$3"
	chmod -R u+w "$3"
}

# The nested modules that Terraform's go.mod replaces with folders its module zip does not hold.
terraform_missing='backend/remote-state/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|legacy'

build_terraform() {
	local src="$work/terraform" out="$1"
	module_source github.com/hashicorp/terraform "v$terraform_version" "$src"
	sed -E -i "\#github\.com/hashicorp/terraform/internal/($terraform_missing)[[:space:]]#d" "$src/go.mod"
	# Drops each missing backend's import (backendS3 "…/remote-state/s3") and its registration
	# ("s3": func() backend.Backend { return backendS3.New() },).
	sed -E -i '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' \
		"$src/internal/backend/init/init.go"
	if grep -rqE "hashicorp/terraform/internal/($terraform_missing)\"" --include='*.go' \
		--exclude='*_test.go' "$src"; then
		fail "Terraform v$terraform_version still imports a nested module that its module zip lacks"
	fi
	# version.dev=no drops the "-dev" marker, as Terraform's release build does.
	(cd "$src" && go build -trimpath -o "$out" \
		-ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" .)
}

build_tofu() {
	local src="$work/tofu" out="$1"
	module_source github.com/opentofu/opentofu "v$tofu_version" "$src"
	# version.dev=no, as OpenTofu's .goreleaser.yaml sets it.
	(cd "$src" && go build -trimpath -o "$out" \
		-ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" ./cmd/tofu)
}

# smoke_test BINARY: init and apply of a terraform_data resource, offline.
smoke_test() {
	local dir
	dir="$work/smoke-$(basename "$1")"
	mkdir -p "$dir"
	printf '%s\n' 'resource "terraform_data" "smoke" {' '  input = "ok"' '}' \
		'output "smoke" {' '  value = terraform_data.smoke.output' '}' >"$dir/main.tf"
	(
		cd "$dir"
		"$1" init -input=false -no-color >init.log 2>&1 || { cat init.log >&2; exit 1; }
		"$1" apply -input=false -auto-approve -no-color >apply.log 2>&1 || { cat apply.log >&2; exit 1; }
		[ "$("$1" output -raw smoke)" = ok ] || fail "$1: terraform_data output is not \"ok\""
	) || fail "$1: offline init and apply of terraform_data failed"
}

# cli NAME VERSION BUILD_FUNCTION: builds the binary unless the right one is there, then checks it.
cli() {
	local name="$1" version="$2" build="$3"
	local bin="$cli_dir/$name-$version/$name"
	if is_built "$bin" "$name" "$version"; then
		echo "== $name $version: $bin is already built"
	else
		echo "== $name $version: building $bin from the Go module proxy ($GOPROXY)"
		local started=$SECONDS
		mkdir -p "$(dirname "$bin")"
		rm -f "$bin"
		"$build" "$bin.tmp"
		mv "$bin.tmp" "$bin"
		echo "== $name $version: built in $((SECONDS - started))s"
		is_built "$bin" "$name" "$version" ||
			fail "$bin reports $("$bin" version | sed -n 1p), not $(expected_version_line "$name" "$version")"
	fi
	"$bin" version
	smoke_test "$bin"
	echo "== $name $version: offline init and apply of terraform_data: ok"
}

cli terraform "$terraform_version" build_terraform
cli tofu "$tofu_version" build_tofu
