// The source stage's fuzz entry: parse arbitrary bytes and check the
// invariants every document must hold. Used by the libFuzzer target
// (fuzz_source.cpp, clang only) and by a deterministic GoogleTest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "doc/diagnostics.h"
#include "doc/document.h"
#include "source/source.h"

namespace moyin::fuzz {

inline bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const base::Decoded d = base::decode_at(s, i);
    if (d.cp == 0xFFFD && d.len == 1) return false;
    i += d.len;
  }
  return true;
}

inline void check_inlines(const std::vector<doc::Inline>& inlines, int depth) {
  if (depth > 200) std::abort();
  for (const doc::Inline& in : inlines) {
    if (in.pos.line < 0 || in.pos.column < 0) std::abort();
    if (!valid_utf8(in.text) || !valid_utf8(in.url) || !valid_utf8(in.title)) std::abort();
    if (in.text.find('\0') != std::string::npos) std::abort();
    if (in.kind == doc::InlineKind::FootnoteRef && in.number < 1) std::abort();
    check_inlines(in.children, depth + 1);
  }
}

inline void check_blocks(const std::vector<doc::Block>& blocks, int depth) {
  if (depth > 200) std::abort();
  for (const doc::Block& b : blocks) {
    if (b.pos.line < 0 || b.pos.column < 0) std::abort();
    if (!valid_utf8(b.text) || !valid_utf8(b.id)) std::abort();
    if (b.kind == doc::BlockKind::Heading && (b.id.empty() || b.level < 1 || b.level > 6)) {
      std::abort();
    }
    check_inlines(b.inlines, 0);
    for (const doc::TableRow& r : b.rows) {
      for (const doc::TableCell& c : r.cells) check_inlines(c.inlines, 0);
    }
    check_blocks(b.children, depth + 1);
  }
}

// Returns 0 as libFuzzer expects; aborts when an invariant breaks.
inline int fuzz_source_one(const uint8_t* data, size_t size) {
  doc::Diagnostics diags;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto d = source::parse(text, "fuzz.md", diags);
  if (!d) {
    if (!diags.has_errors()) std::abort();  // no document without a reason
    return 0;
  }
  if (!valid_utf8(d->meta.title)) std::abort();
  check_blocks(d->blocks, 0);
  check_blocks(d->footnotes, 0);
  for (size_t i = 0; i < d->footnotes.size(); ++i) {
    if (d->footnotes[i].number != static_cast<int>(i) + 1) std::abort();
  }
  return 0;
}

}  // namespace moyin::fuzz
