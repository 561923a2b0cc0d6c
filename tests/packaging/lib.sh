# Shared by the packaging tests: a temporary folder removed on exit, fail(),
# and converts_seed, the check both the installed tree and the .deb must pass.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$(basename "$0"): $*" >&2; exit 1; }

# converts_seed MOYIN SEED.md: MOYIN, run with no MOYIN_HOME from a fresh
# folder outside the source and build trees, writes a PDF and an EPUB.
converts_seed() {
  local work
  work=$(mktemp -d "$tmp/work.XXXX")
  cp "$2" "$work/seed.md"
  (cd "$work" && env -u MOYIN_HOME "$1" build seed.md -q) || fail "$1 build seed.md failed"
  [[ -s "$work/seed.pdf" ]] || fail "$1 wrote no seed.pdf"
  [[ -s "$work/seed.epub" ]] || fail "$1 wrote no seed.epub"
  head -c 5 "$work/seed.pdf" | grep -q '%PDF-' || fail "seed.pdf is not a PDF"
}
