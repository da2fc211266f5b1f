#!/usr/bin/env bash
# Builds the release module: Rust core -> wasm32-unknown-unknown (size-optimised) -> wasm-finalize (drops
# linker-only exports) -> build/meshcentral_connector.wasm. Prints the output path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --quiet --release --locked --target wasm32-unknown-unknown --lib
cargo build --quiet --release --locked -p wasm-finalize
mkdir -p build
target/release/wasm-finalize target/wasm32-unknown-unknown/release/meshcentral_connector.wasm build/meshcentral_connector.wasm
echo "$root/build/meshcentral_connector.wasm"
