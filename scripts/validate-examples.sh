#!/usr/bin/env bash
# `make examples-check`: terraform fmt -check and terraform validate of every configuration under
# examples/, offline. Nothing is downloaded from the Terraform registry: scripts/dev-providers.sh
# builds this provider and hashicorp/time (used by the rotation examples, built from its Go module
# through the Go module proxy like the other tools), and a CLI config in a temporary directory
# points dev_overrides at them. With dev_overrides, terraform validate needs no terraform init.
#
# The snippet folders the docs embed (examples/resources/*, examples/data-sources/*) have no
# required_providers block, as on the registry; they are validated with one added, so that
# visionone_* resolves to seed-ebba3aa9/visionone instead of hashicorp/visionone.
#
# Some examples use newer language: import blocks with identity (Terraform 1.12) and the
# .tfquery.hcl files of list resources (validated with -query, Terraform 1.14); `make
# examples-check` runs this with the Terraform of `make docs` (that of `make cli` when it is there),
# and first refuses one older than 1.14 as `make docs` does.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform_bin="${TERRAFORM:-terraform}"
go_bin="${GO:-go}"

work="$(mktemp -d "${TMPDIR:-/tmp}/visionone-examples.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$repo"
echo "== terraform fmt -check -recursive examples/"
TF_CLI_CONFIG_FILE=/dev/null "$terraform_bin" fmt -check -recursive -diff examples/

echo "== build this provider and hashicorp/time (scripts/dev-providers.sh)"
./scripts/dev-providers.sh >/dev/null
visionone_dir="$repo/.build/dev"
time_dir="$(dirname "$(find "$repo/.build/dev/plugins/registry.terraform.io/hashicorp/time" \
	-path "*/$("$go_bin" env GOOS)_$("$go_bin" env GOARCH)/terraform-provider-time" -print -quit)")"

cat >"$work/terraformrc" <<EOF
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "seed-ebba3aa9/visionone" = "$visionone_dir"
    "hashicorp/time"          = "$time_dir"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1
unset TF_CLI_ARGS TF_CLI_ARGS_validate TF_DATA_DIR TF_WORKSPACE

failed=0
checked=0
while IFS= read -r dir; do
	copy="$work/configs/$dir"
	mkdir -p "$copy"
	find "$dir" -maxdepth 1 \( -name '*.tf' -o -name '*.tfquery.hcl' -o -name '*.yaml' -o -name '*.json' \) -exec cp {} "$copy/" \;
	query=()
	if [ -n "$(find "$copy" -maxdepth 1 -name '*.tfquery.hcl' -print -quit)" ]; then
		query=(-query)
	fi
	# grep reads the files itself: `cat | grep -q` fails under pipefail whenever grep stops at the
	# match before cat has written the rest (SIGPIPE), which would add a second block.
	if ! grep -qs 'required_providers' "$copy"/*.tf; then
		cat >"$copy/zz_required_providers.tf" <<'EOF'
terraform {
  required_providers {
    visionone = {
      source = "seed-ebba3aa9/visionone"
    }
  }
}
EOF
	fi
	checked=$((checked + 1))
	if out="$("$terraform_bin" -chdir="$copy" validate -no-color "${query[@]}" 2>&1)"; then
		echo "ok    $dir"
	else
		failed=$((failed + 1))
		echo "FAIL  $dir"
		printf '%s\n' "$out" | sed -e '/Provider development overrides are in effect/,/^releases\.$/d' -e 's/^/      /'
	fi
done < <(find examples \( -name '*.tf' -o -name '*.tfquery.hcl' \) -exec dirname {} \; | sort -u)

if [ "$checked" -eq 0 ]; then
	echo "error: no Terraform configuration found under examples/" >&2
	exit 1
fi
if [ "$failed" -ne 0 ]; then
	echo "error: $failed of $checked example configurations are not valid" >&2
	exit 1
fi
echo "terraform validate: all $checked example configurations are valid"
