#!/usr/bin/env bash
# `make release-check`: checks .goreleaser.yml and proves, for the host platform only, that a
# release has the Terraform Registry's layout. A real release builds 13 platforms; one is enough to
# check the layout and takes seconds.
#
#   1. goreleaser check
#   2. goreleaser build --snapshot --single-target: the binary is named
#      terraform-provider-visionone_v<version>, carries <version> (ldflags -X main.version, which
#      the provider sends in its User-Agent) and was built with -trimpath;
#   3. with gpg on PATH: a snapshot release of .goreleaser.yml narrowed to the host platform, signed
#      with a throwaway key in a temporary GNUPGHOME: one zip with the binary, a SHA256SUMS file
#      listing exactly the zip and the registry manifest, whose sums match, and a detached
#      signature of it that gpg verifies.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
goreleaser="${GORELEASER:?set GORELEASER to the goreleaser binary (make release-check does)}"
go_bin="${GO:-go}"
project=terraform-provider-visionone
cd "$repo"

work="$(mktemp -d "${TMPDIR:-/tmp}/visionone-release.XXXXXX")"
cleanup() {
	if [ -d "$work/gnupg" ]; then
		GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "release-check: $*" >&2
	exit 1
}

echo "== goreleaser check"
"$goreleaser" check

echo "== goreleaser build --snapshot --clean --single-target"
"$goreleaser" build --snapshot --clean --single-target
bin="$(find dist -type f -name "${project}_v*" -print -quit)"
[ -n "$bin" ] || fail "no ${project}_v* binary under dist/"
version="${bin##*/"${project}"_v}"
version="${version%.exe}"
grep -aqF "$version" "$bin" || fail "$bin does not contain its version $version (ldflags -X main.version)"
# Listings are read whole before grep -q, which would otherwise close the pipe early (pipefail).
build_info="$("$go_bin" version -m "$bin")"
grep -qF -- '-trimpath=true' <<<"$build_info" || fail "$bin was not built with -trimpath"
echo "ok: $bin carries version $version, built with -trimpath"

if ! command -v gpg >/dev/null 2>&1; then
	echo "note: gpg is not on PATH; the signed snapshot release is not checked"
	exit 0
fi

echo "== snapshot release for $("$go_bin" env GOOS)/$("$go_bin" env GOARCH), signed with a throwaway GPG key"
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "release-check <release-check@invalid>" ed25519 sign 1d
GPG_FINGERPRINT="$(gpg --list-keys --with-colons | awk -F: '$1 == "fpr" { print $10; exit }')"
export GPG_FINGERPRINT

# The same configuration with the goos and goarch lists of the build narrowed to this machine.
awk -v os="$("$go_bin" env GOOS)" -v arch="$("$go_bin" env GOARCH)" '
	/^    goos:$/ { print "    goos: [" os "]"; skip = 1; next }
	/^    goarch:$/ { print "    goarch: [" arch "]"; skip = 1; next }
	skip && /^      - / { next }
	{ skip = 0; print }
' .goreleaser.yml >"$work/goreleaser-host.yml"
grep -q "goos: \[$("$go_bin" env GOOS)\]" "$work/goreleaser-host.yml" || fail "could not narrow the goos list of .goreleaser.yml"

"$goreleaser" release -f "$work/goreleaser-host.yml" --snapshot --clean --skip=publish

sums="$(find dist -maxdepth 1 -name "${project}_*_SHA256SUMS")"
[ -n "$sums" ] || fail "no ${project}_<version>_SHA256SUMS under dist/"
release_version="${sums#dist/"${project}"_}"
release_version="${release_version%_SHA256SUMS}"
zip="${project}_${release_version}_$("$go_bin" env GOOS)_$("$go_bin" env GOARCH).zip"
manifest="${project}_${release_version}_manifest.json"
[ -f "dist/$zip" ] || fail "no dist/$zip"

listed="$(awk '{ print $2 }' "$sums" | sort | tr '\n' ' ')"
expected="$(printf '%s\n' "$zip" "$manifest" | sort | tr '\n' ' ')"
[ "$listed" = "$expected" ] || fail "$sums lists [$listed], want exactly [$expected]"
cp terraform-registry-manifest.json "$work/$manifest"
cp "dist/$zip" "$work/$zip"
if command -v sha256sum >/dev/null 2>&1; then
	(cd "$work" && sha256sum --check --quiet "$repo/$sums") || fail "the sums in $sums do not match"
else
	(cd "$work" && shasum -a 256 --check --quiet "$repo/$sums") || fail "the sums in $sums do not match"
fi
gpg --batch --verify "$sums.sig" "$sums" || fail "the signature $sums.sig does not verify"
if command -v unzip >/dev/null 2>&1; then
	listing="$(unzip -l "dist/$zip")"
	grep -qF "${project}_v${release_version}" <<<"$listing" || fail "dist/$zip lacks the binary ${project}_v${release_version}"
fi
echo "ok: dist/$zip, $sums (zip and manifest) and its verified signature $sums.sig"
