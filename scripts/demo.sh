#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the module, then runs scripts/demo.php.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
setup_out="$(scripts/setup.sh)"
MESHCONNECTOR_LIBWASMER="$(printf '%s\n' "$setup_out" | sed -n 's/^MESHCONNECTOR_LIBWASMER=//p')"
[[ -f "$MESHCONNECTOR_LIBWASMER" ]] || { echo "setup did not produce libwasmer.so" >&2; exit 1; }
export MESHCONNECTOR_LIBWASMER
scripts/build-wasm.sh >/dev/null
exec php scripts/demo.php
