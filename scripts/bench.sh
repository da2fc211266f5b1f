#!/usr/bin/env bash
# Benchmarks: the .wasm size and per-process timings of test connection (cold compile vs cached artifact), then what a
# WHMCS client-area page with the module costs per backend (installed release zip, emulated WHMCS, real MeshCentral,
# a group of 100 devices), and the device list on a server shared with 3,000 other customers' devices, listed as the
# administrator vs as the service's own account, the page with a hung MeshCentral (first page, pages while the
# breaker is open), and usage over 10,000 devices with and without MeshCentral's paging (maxDeviceView). The core's
# own costs per backend: php bench/translated.php. Then the differential run of random modules on Wasmer vs
# translated (counts of modules/calls run and of differences), every lifecycle action and the client-area page with
# many services on one server (bench/scale.php; 1,000 services here: the 10,000-service run of the README takes
# ~12 min, php bench/scale.php 10000 3), meshconnector audit and list (the JavaScript host) at 10,000 services
# (bench/js-audit.php), and last the fuzz run of the parsers (bench/fuzz.sh: inputs and time per
# target).
# Usage: scripts/bench.sh [runs=5] [pages=20] [random modules=20000] [services=1000] [fuzz inputs per target=1000000]
set -euo pipefail
source "$(dirname "$0")/env.sh"
scripts/build-release.sh >/dev/null
php bench/test-connection.php "${1:-5}"
echo
php bench/client-area.php "${2:-20}"
echo
php -d opcache.enable_cli=1 -d opcache.jit=off bench/devices-view.php 100 3000
echo
php bench/hung-server.php "${2:-20}"
echo
php -d opcache.enable_cli=1 -d opcache.jit=off bench/paged-usage.php 10000 20 3
echo
php bench/random-modules.php "${3:-20000}"
echo
php bench/scale.php "${4:-1000}" 3
echo
scripts/build-js.sh >/dev/null
php -d ffi.enable=1 bench/js-audit.php 10000 5
echo
bench/fuzz.sh "${5:-1000000}"
