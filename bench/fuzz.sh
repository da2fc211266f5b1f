#!/usr/bin/env bash
# Fuzz run of the parsers: the core's property tests (src/fuzz/: JSON skimmer vs serde_json, reply routing, the login
# greeting, server settings and URLs, the Access Hash, the cookie reader, the request entry point) in release with
# PROPTEST_CASES inputs per target, then the PHP WebSocket frame parser's generated-input run
# (bench/frame-codec-fuzz.php). Prints the inputs and time of each target. `cargo test` runs the same properties with
# a small count.
# Usage: bench/fuzz.sh [inputs per target=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-1000000}"
start=$(date +%s)
PROPTEST_CASES="$cases" cargo test --quiet --release --lib fuzz:: -- --nocapture --test-threads=1 2>&1 \
  | grep -oE "fuzz [^:]+: [0-9]+ inputs.*|panicked.*|FAILED.*|test result.*" || true
php bench/frame-codec-fuzz.php "$cases"
echo "fuzz total: $(( $(date +%s) - start )) s"
