#!/usr/bin/env bash
# Builds the release zip of an earlier commit (default: the previous release, PREVIOUS_RELEASE below) with that
# commit's own scripts/build-release.sh, for the upgrade test (tests/php/Upgrade/UpgradeFromPreviousReleaseTest.php).
# The source comes from this repository's git history (`git archive`, so the working tree is untouched); the build runs
# in a temporary directory (about 1 minute on 2 cores: its own target/, nothing shared with this checkout's build).
# The zip is cached outside the repository, keyed by the commit, like libwasmer:
#   ~/.cache/meshcentral-connector/release-<commit>/meshcentral-whmcs-<version>.zip
# so a machine (or CI cache) builds it once. Prints the zip's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The last release before the upgrade rules (schema version 2). Move it forward when a new release is cut.
PREVIOUS_RELEASE=35dc312
commit_arg="${1:-$PREVIOUS_RELEASE}"
commit="$(git -C "$root" rev-parse --verify --quiet "${commit_arg}^{commit}")" || {
  # A shallow clone (some CI checkouts) lacks the history: fetch it once from where the clone came from.
  if [[ "$(git -C "$root" rev-parse --is-shallow-repository)" == true ]]; then
    echo "shallow clone: fetching the history for $commit_arg" >&2
    git -C "$root" fetch --quiet --unshallow >&2 || true
  fi
  commit="$(git -C "$root" rev-parse --verify --quiet "${commit_arg}^{commit}")" || {
    echo "commit $commit_arg is not in this checkout's history (git fetch --unshallow)" >&2
    exit 1
  }
}
short="${commit:0:12}"
cache="${MESHCONNECTOR_CACHE_HOME:-$HOME/.cache/meshcentral-connector}/release-$short"
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
zip="$(find "$cache" -maxdepth 1 -name 'meshcentral-whmcs-*.zip' 2>/dev/null | head -1)"
if [[ -n "$zip" ]]; then
  echo "$zip"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$commit" | tar -x -C "$work"
built="$(cd "$work" && scripts/build-release.sh | tail -1)"
[[ -f "$built" ]] || { echo "the build of $short printed no zip" >&2; exit 1; }
mkdir -p "$cache"
cp "$built" "$cache/.partial.zip"
mv "$cache/.partial.zip" "$cache/$(basename "$built")"
echo "$cache/$(basename "$built")"
