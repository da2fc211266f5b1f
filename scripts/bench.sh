#!/usr/bin/env bash
# Benchmarks: the .wasm size and per-process timings of test connection (cold compile vs cached artifact), then what a
# WHMCS client-area page with the module costs (installed release zip, emulated WHMCS, real MeshCentral).
set -euo pipefail
source "$(dirname "$0")/env.sh"
scripts/build-release.sh >/dev/null
php bench/test-connection.php "${1:-5}"
echo
php bench/client-area.php "${2:-20}"
