#!/usr/bin/env bash
# Benchmark: prints the .wasm size and per-process timings of test connection (cold compile vs cached artifact).
set -euo pipefail
source "$(dirname "$0")/env.sh"
scripts/build-wasm.sh >/dev/null
exec php bench/test-connection.php "${1:-5}"
