#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the module, then runs scripts/demo.php.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
eval "$(scripts/setup.sh | grep '^MESHCONNECTOR_LIBWASMER=' | sed 's/^/export /')"
scripts/build-wasm.sh >/dev/null
exec php scripts/demo.php
