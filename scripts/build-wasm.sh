#!/usr/bin/env bash
# Builds the release module: Rust core -> wasm32-unknown-unknown (Cargo.toml [profile.release]: opt-level 3 for speed,
# LTO, one codegen unit, panic=abort, symbols stripped) -> wasm-finalize (drops linker-only exports) ->
# build/meshcentral_connector.wasm, then translates it to PHP with tools/wasm2php -> build/meshcentral_connector.php
# (the no-FFI backend; deterministic: same .wasm, same bytes). Prints the .wasm's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --quiet --release --locked --target wasm32-unknown-unknown --lib
cargo build --quiet --release --locked -p wasm-finalize
mkdir -p build
target/release/wasm-finalize target/wasm32-unknown-unknown/release/meshcentral_connector.wasm build/meshcentral_connector.wasm
# wasm2php is its own cargo workspace; tools/wasm2php/.cargo/config.toml points it at this repository's target/.
(cd tools/wasm2php && cargo build --quiet --release --locked -p wasm2php)
# Written to a temporary name first so a failed translation never leaves a stale or partial file beside the .wasm.
target/release/wasm2php build/meshcentral_connector.wasm build/meshcentral_connector.php.tmp \
  --class MeshCentralConnectorWasm --namespace 'MeshCentralConnector\Translated\Generated' >&2
mv build/meshcentral_connector.php.tmp build/meshcentral_connector.php
echo "$root/build/meshcentral_connector.wasm"
