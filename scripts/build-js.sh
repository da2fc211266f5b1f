#!/usr/bin/env bash
# Builds the JavaScript build of the core: the same Rust crate with `--features js` (wasm-bindgen boundary,
# src/js_abi.rs) for wasm32-unknown-unknown, in its own target dir (target/js: the PHP .wasm in target/ is never
# touched), then wasm-bindgen --target nodejs -> build/js/meshcentral_connector.js + _bg.wasm, which
# js-host/lib/worker.js loads. wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock:
# installed once by scripts/install-wasm-bindgen.sh and cached in ~/.cache/meshcentral-connector. Prints build/js.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown >&2
# The transport's `ws` (pinned in package-lock.json); on a MeshCentral host, MeshCentral's own copy also works
# (js-host/lib/transport.js looks there too), so npm runs only when neither is there.
if [[ ! -f node_modules/ws/package.json && ! -f "${MESHCENTRAL_DIR:-/opt/meshcentral}/node_modules/ws/package.json" ]]; then
  echo "build-js: npm ci (ws, pinned in package-lock.json)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
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
