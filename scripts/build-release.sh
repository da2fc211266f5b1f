#!/usr/bin/env bash
# Builds the distributable module: dist/meshcentral-whmcs-<version>.zip holding modules/servers/meshcentral/ (the
# WHMCS module, its lang and templates, the PHP host of the Wasm core, the .wasm and its PHP translation, which the
# host runs where FFI is not available). Nothing native of ours, nothing
# dev-only: no tests, no Rust sources, no node_modules. The zip is deterministic for a given commit (fixed file
# order and timestamps). The release version is the VERSION file at the top of the repository: it names the zip and is
# written into the module's VERSION file and whmcs.json ("version"). Prints the zip's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version="$(tr -d '[:space:]' < VERSION)"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "VERSION must be MAJOR.MINOR.PATCH, got '$version'" >&2; exit 1; }
wasm="$(scripts/build-wasm.sh)"

stage="build/release"
rm -rf "$stage"
dest="$stage/modules/servers/meshcentral"
mkdir -p "$dest/php-host" "$dest/wasm"
cp -R modules-servers-meshcentral/. "$dest/"
# A cache filled in the checkout (bin/precompile.php) holds native code of this machine: never ship it.
rm -rf "$dest/cache"
# The breaker's state (lib/Support/Breaker.php) is this machine's too.
rm -rf "$dest/state"
cp php-host/autoload.php php-host/preload.php php-host/wasmer.h "$dest/php-host/"
cp -R php-host/src "$dest/php-host/src"
cp LICENSE "$dest/LICENSE"
cp "$wasm" "$dest/wasm/meshcentral_connector.wasm"
# Connector::load finds the translation beside the .wasm (same name, .php).
cp "${wasm%.wasm}.php" "$dest/wasm/meshcentral_connector.php"
printf '%s\n' "$version" > "$dest/VERSION"
# whmcs.json (WHMCS's Apps & Integrations metadata) carries the same version; WHMCS documents no version field in it
# or in MetaData, so both are for admins and support (which release is installed).
php -r '$f = $argv[1]; $j = json_decode(file_get_contents($f), true, 32, JSON_THROW_ON_ERROR); $j["version"] = $argv[2];
  file_put_contents($f, json_encode($j, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR) . "\n");' \
  "$dest/whmcs.json" "$version"

mkdir -p dist
zip_path="$root/dist/meshcentral-whmcs-$version.zip"
rm -f "$zip_path"
(cd "$stage" && find modules -type f | LC_ALL=C sort > ../release-files.txt \
  && TZ=UTC find modules -exec touch -h -d '2000-01-01 00:00:00' {} + \
  && zip -X -q "$zip_path" -@ < ../release-files.txt)
echo "$zip_path"
