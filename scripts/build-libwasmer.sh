#!/usr/bin/env bash
# Builds libwasmer.so (Wasmer's C API) from the registry crate `wasmer-c-api` and caches it outside the
# repository, keyed by version and feature set, so CI and developers build it once per machine (~13 min cold).
# Prints the path of the cached library on stdout.
set -euo pipefail

WASMER_VERSION="${WASMER_VERSION:-7.4.2}"
FEATURES="wat,sys-default,cranelift,singlepass,compiler"
CACHE_ROOT="${MESHCONNECTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshcentral-connector}"
KEY="libwasmer-${WASMER_VERSION}-$(printf '%s' "$FEATURES" | sha256sum | cut -c1-12)-$(uname -m)"
OUT="$CACHE_ROOT/$KEY"

if [[ -s "$OUT/libwasmer.so" && -s "$OUT/wasm.h" ]]; then
  echo "$OUT/libwasmer.so"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/$KEY.lock"
flock 9
if [[ -s "$OUT/libwasmer.so" ]]; then echo "$OUT/libwasmer.so"; exit 0; fi

work="$CACHE_ROOT/build-$KEY"
mkdir -p "$work/fetch/src"
# Let cargo download the exact crate (and verify its checksum) through the normal registry client.
cat > "$work/fetch/Cargo.toml" <<TOML
[package]
name = "fetch-wasmer-c-api"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
wasmer-c-api = { version = "=${WASMER_VERSION}", default-features = false }
TOML
: > "$work/fetch/src/lib.rs"
(cd "$work/fetch" && cargo fetch --quiet) >&2
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"wasmer-c-api-${WASMER_VERSION}" | head -n1)
rm -rf "$work/crate" && cp -r "$src" "$work/crate"
# The crate's build script requires the target directory to be literally named `target`.
echo "building libwasmer ${WASMER_VERSION} (features: $FEATURES); takes ~13 min on 2 cores" >&2
(cd "$work/crate" && CARGO_TARGET_DIR="$work/crate/target" cargo build --release --locked \
   --no-default-features --features "$FEATURES") >&2

mkdir -p "$OUT.tmp"
cp "$work/crate/target/release/libwasmer.so" "$OUT.tmp/libwasmer.so"
strip "$OUT.tmp/libwasmer.so" || true
cp "$work/crate/wasm.h" "$work/crate/wasmer.h" "$OUT.tmp/" 2>/dev/null || cp "$work/crate/wasm.h" "$OUT.tmp/"
cp "$work/crate/wasmer_wasm.h" "$OUT.tmp/" 2>/dev/null || true
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
rm -rf "$work"
echo "$OUT/libwasmer.so"
