#!/usr/bin/env bash
# Runs every test: Rust formatting/lints/unit tests, the Wasm contract test, and the PHP suite (real MeshCentral on
# 127.0.0.1, real .wasm run by real PHP through Wasmer). Installs what is missing first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
setup_out="$(scripts/setup.sh)"
MESHCONNECTOR_LIBWASMER="$(printf '%s\n' "$setup_out" | sed -n 's/^MESHCONNECTOR_LIBWASMER=//p')"
[[ -f "$MESHCONNECTOR_LIBWASMER" ]] || { echo "setup did not produce libwasmer.so" >&2; exit 1; }
export MESHCONNECTOR_LIBWASMER

echo "== cargo fmt / clippy"
cargo fmt --all -- --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
echo "== release wasm"
scripts/build-wasm.sh
echo "== cargo test"
cargo test --workspace
echo "== PHP tests (phpunit)"
phpunit --configuration phpunit.xml.dist
