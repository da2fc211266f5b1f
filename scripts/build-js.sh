#!/usr/bin/env bash
# Builds the JavaScript build of the core: the same Rust crate with `--features js` (wasm-bindgen boundary,
# src/js_abi.rs) for wasm32-unknown-unknown, in its own target dir (target/js: the PHP .wasm in target/ is never
# touched), then wasm-bindgen --target nodejs -> build/js/meshcentral_connector.js + _bg.wasm, which
# js-host/lib/worker.js loads. wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock:
# installed once by scripts/install-wasm-bindgen.sh and cached in ~/.cache/meshcentral-connector. Prints build/js.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bindgen="$("$root/scripts/install-wasm-bindgen.sh")"
# Symbols are stripped (as in the PHP build) but not the custom sections wasm-bindgen reads (target_features).
CARGO_PROFILE_RELEASE_STRIP=debuginfo \
  cargo build --quiet --release --locked --target wasm32-unknown-unknown --lib --features js --target-dir target/js
rm -rf build/js.tmp
"$bindgen" --target nodejs --out-dir build/js.tmp target/js/wasm32-unknown-unknown/release/meshcentral_connector.wasm
# Swapped in whole, so a failed run never leaves half a build where the command looks for it.
rm -rf build/js
mv build/js.tmp build/js
echo "$root/build/js"
