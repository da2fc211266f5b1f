#!/usr/bin/env bash
# Benchmark: prints the .wasm size and per-process timings of test connection (cold compile vs cached artifact).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
eval "$(scripts/setup.sh | grep '^MESHCONNECTOR_LIBWASMER=' | sed 's/^/export /')"
scripts/build-wasm.sh >/dev/null
exec php bench/test-connection.php "${1:-5}"
