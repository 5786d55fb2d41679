#!/usr/bin/env bash
# Runs `make testacc-live` against an emulator started as a separate process with -no-controls:
# everything under /_emulator/ answers 404 there, so the run proves that the live suite needs
# nothing but the public API. CI (.ci/run) calls it.
#
# Two passes, each against a fresh emulator:
#   1. with the emulator's admin key, a Master Administrator key made before 27 Oct 2025, and
#      VISIONONE_ACC_MASTER_ADMIN=1: the full live suite;
#   2. with a key of a custom role that holds the IAM permissions and nothing more, as most tenants
#      will have it: the tests that need a Master Administrator must skip, not fail.
# Each pass prints how many tests ran and skipped, and each skip's reason; it fails when a test
# fails, when fewer tests run than LIVE_MIN_RUN (pass 1) or LIVE_MIN_RUN_RESTRICTED (pass 2), or
# when an object named tfacc-... is left on the emulator afterwards. Then `make sweep` runs
# against the emulator, to prove the sweepers run. Needs Go, terraform, curl and jq.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LIVE_MIN_RUN="${LIVE_MIN_RUN:-25}"
LIVE_MIN_RUN_RESTRICTED="${LIVE_MIN_RUN_RESTRICTED:-10}"

dir=.build/live
mkdir -p "$dir"
go build -o "$dir/terraform-provider-visionone" .

emulator_pid=
stop_emulator() {
	if [ -n "$emulator_pid" ]; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
		emulator_pid=
	fi
}
trap stop_emulator EXIT

# start_emulator starts a fresh -no-controls emulator and sets url and admin_key from what it
# prints.
start_emulator() {
	local out="$dir/emulator-$1.out"
	"$dir/terraform-provider-visionone" emulator -listen 127.0.0.1:0 -no-controls >"$out" 2>"$dir/emulator-$1.err" &
	emulator_pid=$!
	for _ in $(seq 100); do
		grep -q '^Admin key: ' "$out" && break
		sleep 0.1
	done
	url="$(sed -n 's/^Vision One emulator listening on //p' "$out")"
	admin_key="$(sed -n 's/^Admin key: //p' "$out")"
	if [ -z "$url" ] || [ -z "$admin_key" ]; then
		echo "error: the emulator printed no URL or admin key:" >&2
		cat "$out" "$dir/emulator-$1.err" >&2
		exit 1
	fi
	local status
	status="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $admin_key" "$url/_emulator/reset")"
	if [ "$status" != 404 ]; then
		echo "error: the emulator answers /_emulator/reset with $status: it serves its controls" >&2
		exit 1
	fi
	echo "emulator at $url, without controls (POST /_emulator/reset answers 404)"
}

# api METHOD PATH [BODY] calls the emulator's public API with the admin key.
api() {
	curl -fsS -X "$1" -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
		${3:+--data "$3"} "$url$2"
}

# run_live NAME KEY MIN MASTER runs make testacc-live with KEY, then reports and checks the run.
run_live() {
	local name="$1" key="$2" min="$3" master="$4" events="$dir/testacc-live-$1.json" log="$dir/testacc-live-$1.log" status=0
	VISIONONE_ENDPOINT="$url" VISIONONE_REGION='' VISIONONE_API_KEY="$key" VISIONONE_ACC_MASTER_ADMIN="$master" \
		make testacc-live TEST_ARGS=-json >"$events" 2>&1 || status=$?
	# go test -json: one event per line; the make lines and build errors are not JSON.
	jq -rR 'fromjson? // {Output: (. + "\n")} | .Output // empty' "$events" >"$log"
	grep -E '^(--- FAIL|FAIL|ok)' "$log" || true

	# Top-level tests only (subtests have a "/" in their name), and each skipped test's reason.
	local summary
	summary="$(jq -rRs '[split("\n")[] | fromjson? | select(.Test != null)] as $events
		| ($events | map(select(.Action == "skip" and (.Test | contains("/") | not)) | .Test)) as $skipped
		| "\($events | map(select(.Action == "pass" and (.Test | contains("/") | not))) | length) \($skipped | length) \($events | map(select(.Action == "fail" and (.Test | contains("/") | not))) | length)",
		  ($events | map(select(.Action == "output" and (.Test as $t | $skipped | index($t)) and (.Output | test("live mode:|needs (Terraform|OpenTofu) |no OpenTofu release"))))
		  | map("  \(.Test): \(.Output | sub("^\\s*\\S+\\.go:\\d+: "; "") | rtrimstr("\n"))") | unique | .[])' "$events")"
	local passed skipped failed
	read -r passed skipped failed <<<"$(head -n 1 <<<"$summary")"
	echo
	echo "live suite ($name): $passed test(s) ran and passed, $skipped skipped, $failed failed"
	echo "skipped, with the reason each gave:"
	tail -n +2 <<<"$summary"
	echo

	if [ "$status" != 0 ]; then
		echo "error: make testacc-live ($name) failed (exit $status); the log is $log" >&2
		tail -n 100 "$log" >&2
		exit 1
	fi
	if [ "$passed" -lt "$min" ]; then
		echo "error: only $passed test(s) ran in live mode ($name), fewer than $min: the live suite is not exercised" >&2
		exit 1
	fi
	local leftovers
	leftovers="$(for p in roles accounts apiKeys; do api GET "/v3.0/iam/$p?top=200" | jq -r '.items[] | .name // .email'; done |
		grep -i '^"\{0,1\}tfacc-' || true)"
	if [ -n "$leftovers" ]; then
		echo "error: the live run ($name) left objects behind:" >&2
		echo "$leftovers" >&2
		exit 1
	fi
	echo "no object named tfacc-... is left on the emulator"
}

echo "== pass 1: a Master Administrator key (VISIONONE_ACC_MASTER_ADMIN=1)"
start_emulator master
run_live master "$admin_key" "$LIVE_MIN_RUN" 1
VISIONONE_ENDPOINT="$url" VISIONONE_REGION='' VISIONONE_API_KEY="$admin_key" make sweep >"$dir/sweep.log" 2>&1 ||
	{ cat "$dir/sweep.log" >&2; exit 1; }
grep -E 'swe[e]?p' "$dir/sweep.log" | grep -v '^=== ' || true
stop_emulator

echo "== pass 2: a key whose custom role holds only the IAM permissions"
start_emulator restricted
api POST /v3.0/iam/roles '{"name": "ci-live-operator", "description": "the live suite without a Master Administrator",
	"allowApiKeyAssignment": true, "allowUserAccountAssignment": false, "permissionKeys": [
	"platform.userRoles.view", "platform.userRoles.configure", "platform.userAccounts.view",
	"platform.userAccounts.configure", "platform.apiKeys.view", "platform.apiKeys.configure"]}' >/dev/null
operator_key="$(api POST /v3.0/iam/apiKeys '[{"name": "ci-live-operator", "role": "ci-live-operator"}]' | jq -r '.[0].body.value')"
if [ -z "$operator_key" ] || [ "$operator_key" = null ]; then
	echo "error: creating the restricted key failed" >&2
	exit 1
fi
run_live restricted "$operator_key" "$LIVE_MIN_RUN_RESTRICTED" ''
stop_emulator
