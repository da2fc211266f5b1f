# Sourced by the entry scripts: cd to the repository, install what is missing (scripts/setup.sh), export the path of
# the cached libwasmer.so for PHP.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
setup_out="$(scripts/setup.sh)"
MESHCONNECTOR_LIBWASMER="$(printf '%s\n' "$setup_out" | sed -n 's/^MESHCONNECTOR_LIBWASMER=//p')"
[[ -f "$MESHCONNECTOR_LIBWASMER" ]] || { echo "setup did not produce libwasmer.so" >&2; exit 1; }
export MESHCONNECTOR_LIBWASMER
