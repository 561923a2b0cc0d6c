#!/usr/bin/env bash
# install_test.sh BUILD_DIR SEED.md: `cmake --install` into a temporary
# prefix, then the installed moyin, run from another folder with no
# MOYIN_HOME, finds its data under the prefix and writes both outputs. The
# prefix is then moved: the data must be found relative to the binary, not
# at a path compiled in.
build=$1
seed=$2
source "$(dirname "$0")/lib.sh"

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/moyin share/moyin/styles/article.yaml share/moyin/styles/book.yaml \
         share/moyin/styles/ebook.yaml share/moyin/styles/highlight/yaml.lang \
         share/moyin/fonts/fonts.yaml share/moyin/math/engine.js share/man/man1/moyin.1; do
  [[ -f "$tmp/prefix/$f" ]] || fail "not installed: $f"
done
if command -v man >/dev/null; then
  LC_ALL=C.UTF-8 man -l "$tmp/prefix/share/man/man1/moyin.1" 2>/dev/null | grep -q "EXIT STATUS" ||
    fail "the man page does not render"
fi

engine=$(cd "$tmp/prefix" && find . -name moyin-highlight.so -path '*/moyin/*' | head -1)
[[ -n "$engine" ]] || fail "not installed: the highlighting module moyin-highlight.so"

mv "$tmp/prefix" "$tmp/moved"
converts_seed "$tmp/moved/bin/moyin" "$seed"
# Code is coloured by the module installed beside the binary, not the build's.
mkdir -p "$tmp/code" && printf '# 代码\n\n```python\nprint("hi")\n```\n' > "$tmp/code/c.md"
loaded=$(cd "$tmp/code" && env -u MOYIN_HOME LD_DEBUG=files "$tmp/moved/bin/moyin" build c.md --to epub -q 2>&1) ||
  fail "the installed moyin cannot convert a code block"
grep -q "file=$tmp/moved/${engine#./} " <<<"$loaded" || fail "the installed highlighting module was not used"
listing=$(env -u MOYIN_HOME "$tmp/moved/bin/moyin" fonts) || fail "moyin fonts failed"
config=${listing%%$'\n'*}
[[ "$config" == "font configuration: $tmp/moved/share/moyin/fonts/fonts.yaml" ]] ||
  fail "data not found under the prefix: $config"
# Formulas from the installed math engine (when MathJax was installed with it).
if [[ -d "$tmp/moved/share/moyin/math/node_modules" ]] && command -v node >/dev/null; then
  mkdir -p "$tmp/math" && printf '# 公式\n\n$$E = mc^2$$\n' > "$tmp/math/m.md"
  (cd "$tmp/math" && env -u MOYIN_HOME "$tmp/moved/bin/moyin" build m.md --to epub -q) ||
    fail "the installed moyin cannot convert a formula"
  unzip -p "$tmp/math/m.epub" EPUB/chapter-001.xhtml | grep -q "<math" || fail "no MathML from the installed engine"
  # The engine's snapshot, when the build made one, installed and used
  # (a Node.js that logs its arguments).
  if [[ -f "$build/math/engine.blob" ]]; then
    blob="$tmp/moved/lib/moyin/math-engine.blob"
    [[ -f "$blob" ]] || blob=$(find "$tmp/moved" -name math-engine.blob | head -1)
    [[ -n "$blob" && -f "$blob" ]] || fail "not installed: the math engine's snapshot"
    printf '#!/bin/sh\necho "$@" >> "%s"\nexec %s "$@"\n' "$tmp/node-args" "$(command -v node)" > "$tmp/node"
    chmod +x "$tmp/node"
    (cd "$tmp/math" && env -u MOYIN_HOME MOYIN_NODE="$tmp/node" "$tmp/moved/bin/moyin" build m.md --to epub -q --force) ||
      fail "the installed moyin cannot convert a formula from its snapshot"
    grep -q -- "--snapshot-blob $blob " "$tmp/node-args" || fail "the installed snapshot was not used: $(cat "$tmp/node-args")"
  fi
fi
echo "install_test: ok"
