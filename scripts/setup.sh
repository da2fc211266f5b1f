#!/usr/bin/env bash
# Installs everything the demo and the tests need, idempotently, on a fresh Debian 12 machine of this kind:
# Debian PHP packages, the Rust wasm target, the pinned npm MeshCentral, wasm-bindgen-cli and libwasmer (both built
# once, cached).
# Prints the environment lines the other scripts source (MESHCONNECTOR_LIBWASMER=...).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

APT_PACKAGES=(php-cli php-cgi php-sqlite3 php-mbstring php-xml php-zip phpunit openssl zip unzip smarty3 php-illuminate-database libjs-bootstrap libjs-bootstrap4 libjs-jquery chromium iproute2 php-codesniffer)
missing=()
# OPcache (needed for preloading under php-cgi) ships in php8.x-opcache, a dependency of Debian's php-cli today; it
# has no version-less package name, so check the module itself.
command -v php >/dev/null && ! php -r 'exit(extension_loaded("Zend OPcache") ? 0 : 1);' && missing+=("php$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')-opcache")
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: apt-get install ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi
php -r 'exit(extension_loaded("FFI") ? 0 : 1);' || { echo "setup: PHP's FFI extension is missing" >&2; exit 1; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown >&2

# npm ci is skipped while node_modules matches package-lock.json (a stamp of its hash, written after a good install).
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f node_modules/meshcentral/package.json || "$(cat node_modules/.connector-lock-sha256 2>/dev/null)" != "$lock_hash" ]]; then
  echo "setup: npm ci (MeshCentral, pinned in package-lock.json)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock_hash" > node_modules/.connector-lock-sha256
fi

# wasm-bindgen-cli for the JavaScript build (js-host/), at the exact version Cargo.lock pins; built once, cached.
"$root/scripts/install-wasm-bindgen.sh" >/dev/null

lib="$("$root/scripts/build-libwasmer.sh")"
echo "MESHCONNECTOR_LIBWASMER=$lib"
