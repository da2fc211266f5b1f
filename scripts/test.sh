#!/usr/bin/env bash
# Runs every test: Rust formatting/lints/unit tests (the core and the wasm2php translator), the Wasm contract test, the
# JavaScript build and its host (js-host/: transcripts replayed, meshconnector against a real MeshCentral), and
# the PHP suite (real MeshCentral on 127.0.0.1, real .wasm run by real PHP through Wasmer, and its PHP translation),
# then the whole PHP suite once more on the translated backend. Installs what is missing first.
#
#   scripts/test.sh          everything (what CI runs: .ci/run)
#   scripts/test.sh --unit   the quick checks only, in seconds: the core's cargo tests (unit tests and the recorded
#                            transcripts, no network) and the PHP `unit` suite (phpunit.xml.dist: no MeshCentral, no
#                            release build, no network); run it after every change, the full run before a commit
set -euo pipefail
case "${1:-}" in
  '') unit_only=0 ;;
  --unit) unit_only=1 ;;
  *) echo "usage: $0 [--unit]" >&2; exit 2 ;;
esac
source "$(dirname "$0")/env.sh"

if [[ $unit_only == 1 ]]; then
  echo "== cargo test (the core)"
  cargo test --quiet --workspace
  echo "== PHP unit suite"
  phpunit --configuration phpunit.xml.dist --testsuite unit
  exit 0
fi

echo "== cargo fmt / clippy"
cargo fmt --all -- --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
echo "== PHP style (PSR-12; long lines allowed)"
phpcs --standard=PSR12 -n --exclude=Generic.Files.LineLength \
  modules-servers-meshcentral php-host/src whmcs-emulator/src tests/support tests/php bench scripts/*.php
echo "== wasm2php (its own workspace; builds into the same target/, see tools/wasm2php/.cargo/config.toml)"
(cd tools/wasm2php && cargo fmt --all -- --check \
  && cargo clippy --quiet --locked --workspace --all-targets -- -D warnings \
  && cargo test --quiet --locked --workspace)
echo "== release wasm, its PHP translation and zip (the module tests install dist/meshcentral-whmcs-*.zip)"
scripts/build-release.sh
echo "== the previous release's zip, for the upgrade test (built once from git history, cached by commit)"
scripts/build-previous-release.sh
echo "== cargo test"
cargo test --workspace
echo "== the JavaScript build (wasm-bindgen, --features js) and its host: clippy on that target, the Rust transcripts"
echo "   replayed through it, meshconnector against a real MeshCentral (node --test)"
cargo clippy --quiet --locked --lib --target wasm32-unknown-unknown --features js --target-dir target/js -- -D warnings
scripts/build-js.sh >/dev/null
node --test js-host/test/
# Each suite in its own process: the unit suite loads the module's classes from the source tree, the e2e suite's
# module tests from the installed release zip, and one PHP process can hold only one copy of a class.
echo "== PHP tests (phpunit unit, then e2e; backend auto = Wasmer through FFI here)"
phpunit --configuration phpunit.xml.dist --testsuite unit
phpunit --configuration phpunit.xml.dist --testsuite e2e
echo "== PHP tests again on the translated backend (MESHCONNECTOR_BACKEND=translated: every connector that does not"
echo "   name its backend, including those of the module's web servers and CGI processes, which inherit the variable)"
MESHCONNECTOR_BACKEND=translated phpunit --configuration phpunit.xml.dist --testsuite unit
MESHCONNECTOR_BACKEND=translated phpunit --configuration phpunit.xml.dist --testsuite e2e
