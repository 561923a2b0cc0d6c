// The typesetter's entry point: doc::Document + style sheet + fonts ->
// layout::Book (title page, table of contents, body pages with running
// heads, page labels, outline). pdf/ only walks the result.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/timings.h"
#include "doc/diagnostics.h"
#include "doc/document.h"
#include "font/font.h"
#include "layout/book.h"
#include "math/math.h"
#include "style/style.h"
#include "typeset/blocks.h"
#include "typeset/cjk.h"
#include "typeset/hyphenate.h"
#include "typeset/set_ahead.h"

namespace moyin::typeset {

// What a typesetting run draws on besides the document, the sheet and the
// fonts. Each is optional; the CLI fills them the same way for `build`,
// `dump`, `check` and `fonts --check`, so all of them set the same pages.
struct Resources {
  // MathJax's results for the document's math (none: formulas print as
  // their TeX source in code style).
  const math::Formulas* formulas = nullptr;
  // The run's image catalog (see layout_blocks; none: every image is a placeholder).
  image::Catalog* images = nullptr;
  // English hyphenation for lines that would otherwise be too loose (none: no hyphens).
  const Hyphenator* hyphenator = nullptr;
  // Where --timings adds shaping and line-breaking time.
  base::Timings* timings = nullptr;
  // When given, every paragraph set is appended to it in the format of typeset/lines_dump.h.
  std::string* lines_trace = nullptr;
  // Threads that set the paragraphs ahead while this one lays the document
  // out (set_ahead.h; 0: every paragraph set on the calling thread). The
  // outputs and diagnostics are the same either way; it pays for a long
  // document only (worth_setting_ahead). Not with a lines trace.
  int set_ahead_threads = 0;
  // When given, how setting ahead went (left as it is when nothing was set ahead).
  SetAheadCounts* set_ahead_counts = nullptr;
};

// Typesets a document with the paragraph line breaker and the fonts of
// `fonts`. Book::faces lists only the faces the pages use.
layout::Book typeset(const doc::Document& doc, const style::Sheet& sheet,
                     const font::FontLibrary& fonts, doc::Diagnostics& diags,
                     const Resources& resources = {});

// The same with any line setter (tests pass one with fixed metrics). Glyph
// runs keep the setter's face numbers and Book::faces stays empty.
layout::Book typeset_with(const doc::Document& doc, const style::Sheet& sheet,
                          const LineSetter& setter, doc::Diagnostics& diags,
                          image::Catalog* images = nullptr);

// A book of several documents (book.yaml): `meta` for the title page, the
// PDF info and running heads; each chapter starts on a new page (a recto when
// the sheet's chapters open right) and ends with its notes. `meta_path` names
// the book file in messages that belong to no chapter (and is the base of
// `cover:` / `back-cover:`). With a catalog, `cover:` becomes a first page
// filled by the image (bleed included) and `back-cover:` a last page.
layout::Book typeset_book(const doc::Metadata& meta, std::span<const doc::Document> chapters,
                          const style::Sheet& sheet, const font::FontLibrary& fonts,
                          doc::Diagnostics& diags, const std::string& meta_path = {},
                          const Resources& resources = {});
layout::Book typeset_book_with(const doc::Metadata& meta, std::span<const doc::Document> chapters,
                               const style::Sheet& sheet, const LineSetter& setter,
                               doc::Diagnostics& diags, image::Catalog* images = nullptr,
                               const std::string& meta_path = {});

// Whether documents are long enough for setting their paragraphs ahead on
// other threads (Resources::set_ahead_threads) to pay for starting them
// and for the dry pass that predicts the requests (docs/performance.md).
bool worth_setting_ahead(std::span<const doc::Document> docs);

// The language a document's text is shaped in (BCP 47): its `lang`, and
// zh-Hans or zh-Hant for Chinese or none (the Noto CJK faces' locl forms).
std::string shaping_language(std::string_view doc_lang);

// Makes HarfBuzz's tables and the shape plans of the faces the body text of
// a document in `doc_lang` is set in (font::prepare_shaping: Han and Latin
// text in the first family, Han in the other families covering it), so that
// a thread with nothing else to do takes them off the typesetter's path
// while it sets the title. Thread-safe; the pages are the same with or
// without it.
void prepare_body_shaping(const style::Sheet& sheet, const font::FontLibrary& fonts,
                          std::string_view doc_lang);

// The sheet's TOC title, or the document language's word for it
// (目录 for zh-*, Contents otherwise).
std::string toc_title(const style::Sheet& sheet, std::string_view lang);

// The sheet's cjk.* keys as the line breaker's options: the one mapping from
// style values to typesetter values (by name, never by ordinal), used by the
// page builder and `moyin dump --stage lines`.
CjkOptions cjk_options(const style::CjkStyle& cjk);

// "i", "ii", "iv", … (1..3999; other numbers in decimal).
std::string roman(int n);

}  // namespace moyin::typeset
