#!/usr/bin/env bash
# Runs every test: Rust formatting/lints/unit tests, the Wasm contract test, and the PHP suite (real MeshCentral on
# 127.0.0.1, real .wasm run by real PHP through Wasmer). Installs what is missing first.
set -euo pipefail
source "$(dirname "$0")/env.sh"

echo "== cargo fmt / clippy"
cargo fmt --all -- --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
echo "== release wasm and zip (the module tests install dist/meshcentral-whmcs-*.zip)"
scripts/build-release.sh
echo "== cargo test"
cargo test --workspace
echo "== PHP tests (phpunit)"
phpunit --configuration phpunit.xml.dist
