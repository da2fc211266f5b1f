#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the module, then runs scripts/demo.php.
set -euo pipefail
source "$(dirname "$0")/env.sh"
scripts/build-wasm.sh >/dev/null
exec php scripts/demo.php
