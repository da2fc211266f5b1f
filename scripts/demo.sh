#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the release zip, then runs scripts/demo.php, which
# starts a real MeshCentral and the emulated WHMCS on 127.0.0.1, provisions a demo service through the installed
# module and prints the URLs to open. Ctrl-C stops everything. `scripts/demo.sh --check` exits after the checks.
set -euo pipefail
source "$(dirname "$0")/env.sh"
scripts/build-release.sh >/dev/null
exec php scripts/demo.php "$@"
