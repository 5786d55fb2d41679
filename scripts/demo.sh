#!/usr/bin/env bash
# `make demo`: the provider end to end in well under a minute, with nothing but Go and Terraform,
# against the emulator the provider binary carries. No tenant, no download, and the user's own
# Terraform configuration (~/.terraformrc) is never read or written: everything lives in a
# temporary directory that is removed at the end.
#
# Steps: build; start the emulator on a free loopback port; a dev_overrides CLI config; apply
# examples/auditor-access (role, account, rotating API key); outputs; a second plan with no
# changes; a change made "in the console" and the drift it causes; the clock moved into the key's
# rotation window and the rotation; destroy. The emulator is stopped on exit, also after a failed
# step or Ctrl-C.
#
# Environment:
#   DEMO_SHOW_KEY=1   print the auditor's API key (hidden by default, as Terraform hides it)
#   DEMO_KEEP=1       keep the temporary directory (state, logs) for a look afterwards
#   TERRAFORM, GO     the binaries to use (default: terraform and go from PATH)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform_bin="${TERRAFORM:-terraform}"
go_bin="${GO:-go}"
example="$repo/examples/auditor-access"

# 2000h (83 days) after creation, a 3-month key (89 to 92 days) is within its rotate_before of
# 336h (14 days) and has not expired yet, whatever month the demo starts in.
clock_advance="2000h"

started=$SECONDS
step_no=0
step() {
	step_no=$((step_no + 1))
	printf '\n==> %d. %s\n' "$step_no" "$*"
}
note() { printf '    %s\n' "$*"; }
fail() {
	printf '\ndemo: FAILED in step %d: %s\n' "$step_no" "$*" >&2
	exit 1
}

for tool in "$go_bin" "$terraform_bin"; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH: the demo needs Go and Terraform (>= 1.11)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/visionone-demo.XXXXXX")"
emulator_pid=""

stop_emulator() {
	if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill -TERM "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	emulator_pid=""
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_emulator
	if [ "$rc" -ne 0 ] && [ -s "$work/emulator.log" ]; then
		printf '\nLast requests the emulator served:\n' >&2
		tail -n 5 "$work/emulator.log" >&2 || true
	fi
	if [ -n "${DEMO_KEEP:-}" ]; then
		printf '\nKept %s (state, CLI config, logs)\n' "$work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
# A background job of a script ignores Ctrl-C, so the emulator is stopped here, by cleanup.
trap 'printf "\ndemo: interrupted\n" >&2; exit 130' INT TERM

# Runs terraform in the copy of the example with the output shown and kept in $work/last.log
# (for the checks) and $work/all.log (to prove the key value never appeared). Terraform repeats
# the dev_overrides warning on every command: it is shown once, in step 3, and filtered here.
tf() {
	"$terraform_bin" -chdir="$work/auditor-access" "$@" 2>&1 |
		awk '/^Warning: Provider development overrides are in effect/ { skip = 1 }
			skip == 2 { skip = 0; if ($0 == "") next }
			!skip { print }
			skip == 1 && /^releases\.$/ { skip = 2 }' |
		tee "$work/last.log"
	local rc=${PIPESTATUS[0]}
	cat "$work/last.log" >>"$work/all.log"
	return "$rc"
}

# Terraform's -detailed-exitcode: 0 no changes, 1 error, 2 changes.
plan_exit_code() {
	local rc=0
	tf plan -input=false -no-color -detailed-exitcode "$@" || rc=$?
	echo "$rc" >"$work/plan.rc"
}

expect_in_output() {
	grep -qF -- "$1" "$work/last.log" || fail "expected \"$1\" in the terraform output above"
}

console() { "$work/bin/console" "$@"; }

step "Build the provider (and a small HTTP helper that plays the console)"
mkdir -p "$work/bin"
(cd "$repo" && "$go_bin" build -o "$work/bin/terraform-provider-visionone" .) || fail "go build failed"
(cd "$repo" && "$go_bin" build -o "$work/bin/console" ./scripts/console) || fail "go build of scripts/console failed"
note "$work/bin/terraform-provider-visionone"

step "Start the Vision One emulator on a free loopback port"
# The log must exist before the loop below reads it: the background job opens its redirection
# only once it runs, which under load can be after the first sed (and set -e ends the script there).
: >"$work/emulator.log"
"$work/bin/terraform-provider-visionone" emulator -listen 127.0.0.1:0 >"$work/emulator.log" 2>&1 &
emulator_pid=$!
endpoint=""
for _ in $(seq 1 100); do
	endpoint="$(sed -n 's/^Vision One emulator listening on //p' "$work/emulator.log")"
	[ -n "$endpoint" ] && break
	kill -0 "$emulator_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$endpoint" ]; then
	cat "$work/emulator.log" >&2
	fail "the emulator did not start"
fi
admin_key="$(sed -n 's/^Admin key: //p' "$work/emulator.log")"
[ -n "$admin_key" ] || fail "the emulator printed no admin key"
export VISIONONE_ENDPOINT="$endpoint" VISIONONE_API_KEY="$admin_key"
note "emulator $endpoint (pid $emulator_pid), admin key in VISIONONE_API_KEY"

step "Point Terraform at the local build (dev_overrides, in a temporary CLI config)"
cat >"$work/terraformrc" <<EOF
# Written by scripts/demo.sh; TF_CLI_CONFIG_FILE points here, so ~/.terraformrc is not read.
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "seed-ebba3aa9/visionone" = "$work/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_CLI_ARGS_destroy TF_WORKSPACE TF_DATA_DIR
mkdir -p "$work/auditor-access"
cp "$example"/*.tf "$work/auditor-access/"
note "TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE; examples/auditor-access copied to $work/auditor-access"
note "No terraform init: with dev_overrides Terraform installs nothing for this configuration."
"$terraform_bin" -chdir="$work/auditor-access" validate -no-color || fail "terraform validate failed"

step "terraform apply: the third-party auditor procedure as code (custom auditor role, the auditor's account, an API key)"
tf apply -input=false -no-color -auto-approve || fail "terraform apply failed"
expect_in_output "Apply complete! Resources: 3 added, 0 changed, 0 destroyed."

step "The outputs: the API key's value is sensitive and stays hidden"
tf output -no-color || fail "terraform output failed"
expect_in_output "auditor_api_key = <sensitive>"
first_key="$("$terraform_bin" -chdir="$work/auditor-access" output -raw auditor_api_key)" ||
	fail "terraform output -raw auditor_api_key failed"
[ -n "$first_key" ] || fail "the auditor_api_key output is empty"
note "The auditor's key authenticates against the API:"
VISIONONE_API_KEY="$first_key" console GET /v3.0/healthcheck/connectivity || fail "the new key does not authenticate"

step "A second terraform plan: no changes"
plan_exit_code
[ "$(cat "$work/plan.rc")" = 0 ] || fail "the second plan was not empty (exit code $(cat "$work/plan.rc"))"
expect_in_output "No changes."

step "Someone adds a permission to the auditor role in the console; terraform plan shows the drift"
role_id="$("$terraform_bin" -chdir="$work/auditor-access" state show -no-color visionone_user_role.auditor |
	sed -n 's/^ *id *= *"\(.*\)"$/\1/p')" || fail "terraform state show visionone_user_role.auditor failed"
[ -n "$role_id" ] || fail "no id for visionone_user_role.auditor in the state"
console PATCH "/v3.0/iam/roles/$role_id" \
	'{"permissionKeys": ["reports.reportManagement.thirdPartyAuditing", "platform.userAccounts.view"]}' ||
	fail "the console change was refused"
plan_exit_code
[ "$(cat "$work/plan.rc")" = 2 ] || fail "terraform plan -detailed-exitcode returned $(cat "$work/plan.rc"), not 2 (drift)"
expect_in_output "visionone_user_role.auditor will be updated in-place"
expect_in_output '- "platform.userAccounts.view"'
note "terraform plan -detailed-exitcode exited 2: drift detected. Applying puts the role back:"
tf apply -input=false -no-color -auto-approve || fail "terraform apply failed"
expect_in_output "Apply complete! Resources: 0 added, 1 changed, 0 destroyed."

step "Move the emulator's clock $clock_advance ahead, into the key's rotation window (rotate_before = 336h)"
console POST /_emulator/clock "{\"advance\": \"$clock_advance\"}" || fail "the clock did not move"
plan_exit_code -out="$work/rotation.tfplan"
[ "$(cat "$work/plan.rc")" = 2 ] || fail "terraform plan -detailed-exitcode returned $(cat "$work/plan.rc"), not 2 (rotation)"
expect_in_output "visionone_api_key.auditor must be replaced"
expect_in_output "create replacement and then destroy"
expect_in_output "Plan: 1 to add, 0 to change, 1 to destroy."
expect_in_output "API Key Will Be Replaced"
note "Applying the saved plan: the new key exists before the old one is deleted (create_before_destroy)."
tf apply -input=false -no-color "$work/rotation.tfplan" || fail "applying the rotation failed"
expect_in_output "Apply complete! Resources: 1 added, 0 changed, 1 destroyed."
second_key="$("$terraform_bin" -chdir="$work/auditor-access" output -raw auditor_api_key)" ||
	fail "terraform output -raw auditor_api_key failed"
[ -n "$second_key" ] && [ "$second_key" != "$first_key" ] || fail "the rotation did not produce a new key value"
note "The new key authenticates; the old one no longer does:"
VISIONONE_API_KEY="$second_key" console GET /v3.0/healthcheck/connectivity || fail "the rotated key does not authenticate"
if VISIONONE_API_KEY="$first_key" console GET /v3.0/healthcheck/connectivity 2>/dev/null; then
	fail "the old key still authenticates after the rotation"
fi
note "(401 expected for the old key)"

if grep -qF -e "$first_key" -e "$second_key" "$work/all.log"; then
	fail "an API key value appeared in the terraform output"
fi
if [ -n "${DEMO_SHOW_KEY:-}" ]; then
	note "DEMO_SHOW_KEY is set; the auditor's current key (terraform output -raw auditor_api_key):"
	printf '%s\n' "$second_key"
else
	note "No key value appeared in any output above; DEMO_SHOW_KEY=1 make demo prints the current one."
fi

step "terraform destroy"
tf destroy -input=false -no-color -auto-approve || fail "terraform destroy failed"
expect_in_output "Destroy complete! Resources: 3 destroyed."

step "Stop the emulator"
stop_emulator
note "stopped; its objects lived in memory only."

printf '\nDemo complete in %ds.\n' "$((SECONDS - started))"
