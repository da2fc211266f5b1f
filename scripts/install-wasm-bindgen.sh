#!/usr/bin/env bash
# Installs wasm-bindgen-cli at exactly the version of the wasm-bindgen crate that Cargo.lock pins (the CLI refuses a
# module made by another version), once, cached in ~/.cache/meshcentral-connector/wasm-bindgen-cli-<version>/ (like
# libwasmer: keyed by version, shared by every checkout; a lock keeps two builds from installing it at once).
# Idempotent; prints the binary's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' "$root/Cargo.lock")"
[[ -n "$version" ]] || { echo "install-wasm-bindgen: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
cache="${MESHCONNECTOR_CACHE:-$HOME/.cache/meshcentral-connector}"
dir="$cache/wasm-bindgen-cli-$version"
bin="$dir/bin/wasm-bindgen"
mkdir -p "$cache"
if [[ ! -x "$bin" ]]; then
  exec 9>"$dir.lock"
  flock 9
  if [[ ! -x "$bin" ]]; then
    echo "install-wasm-bindgen: cargo install wasm-bindgen-cli $version (a few minutes, once)" >&2
    rm -rf "$dir.tmp"
    # Not --locked: the CLI's own lock file names a webpki-roots release the registry no longer serves.
    cargo install --quiet --root "$dir.tmp" wasm-bindgen-cli --version "$version" >&2
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
fi
[[ "$("$bin" --version)" == "wasm-bindgen $version" ]] || { echo "install-wasm-bindgen: $bin is not $version" >&2; exit 1; }
echo "$bin"
