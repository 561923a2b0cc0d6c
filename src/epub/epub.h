// The EPUB back end: doc::Document(s) -> an EPUB 3 package (bytes).
// pugixml (XHTML/OPF/NCX), gumbo (raw HTML -> safe XHTML) and libzip (the
// container) are used only inside src/epub; nothing here exposes them.
// Pure: reads only the images/fonts it is told about, never the clock, and
// returns the archive as bytes; the caller writes it (atomically).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "font/font.h"
#include "image/catalog.h"
#include "math/math.h"
#include "style/style.h"

namespace moyin::epub {

// A font face to embed (subset to the characters the book uses).
struct FontFace {
  std::filesystem::path file;  // .ttf/.otf/.ttc
  int index = 0;               // face index inside a .ttc
  std::string family;          // CSS font-family name the stylesheet uses
  bool bold = false;
  bool italic = false;
  // The face open already (the font library's, read-only, shared between
  // threads): subset from its mapping. Null: `file` is read for the subset.
  const font::Face* open = nullptr;
};

// A page of the print edition (the PDF built in the same run), for the
// EPUB's page list: where the page begins in the text, as the typesetter
// placed it. The CLI passes these as plain data (epub knows no layout).
struct PrintPage {
  std::string label;  // the printed page number ("1", "iv")
  int index = 0;      // the PDF page (0-based): the marker's id, page-<index+1>
  int chapter = 0;    // the book chapter the page begins in (0 for one document)
  doc::Position pos;  // the source block that begins on the page
};

struct Options {
  int split_level = 1;  // headings of this level or above start a new XHTML file; 0 = never split
  int toc_depth = 3;    // heading levels listed in nav.xhtml / toc.ncx
  // The style sheet: the EPUB's CSS (style::to_css) and the markup it
  // relies on (Han–Latin spacing spans, vertical writing) come from it.
  style::Sheet sheet = style::defaults();
  bool title_page = true;
  bool embed_fonts = false;
  std::vector<FontFace> fonts;  // faces to embed when embed_fonts
  // Threads for the package's own work: the faces to embed subset side by
  // side, its files compressed side by side. The bytes do not depend on it.
  int threads = 1;
  // Used for dcterms:modified when the front matter has no usable date
  // (the caller reads $SOURCE_DATE_EPOCH); otherwise 1970-01-01T00:00:00Z.
  std::optional<int64_t> source_date_epoch;
  // The run's image catalog, shared with the PDF (same files, same
  // warnings, reported once). Null = a catalog of this call, bounded by the
  // document's folder (the book's root for make_book).
  image::Catalog* images = nullptr;
  // MathJax's results (MathML); none: formulas appear as their TeX in <code>.
  const math::Formulas* formulas = nullptr;
  // The print edition (the PDF of the same run) is being typeset: its pages
  // come to finish(), which puts a pagebreak marker before each page's first
  // block, a page-list nav and printPageNumbers in the accessibility
  // metadata. The draft marks where every block begins for that, and
  // reports the images' problems only in finish(), after the typesetter has
  // reported them in document order (the draft may run while it typesets).
  bool pages_follow = false;
};

// A book: metadata (from book.yaml) plus one document per chapter file, in
// order. Each chapter becomes exactly one XHTML file. `root` bounds where
// images may come from (the book.yaml's folder).
using Book = doc::Book;  // read by source::read_book

// One document -> EPUB bytes. Images resolve relative to the document's
// folder and must stay inside it. Problems go to `diags` (warnings keep the
// output; an error returns nullopt).
std::optional<std::string> make_epub(const doc::Document& doc, const Options& options,
                                     doc::Diagnostics& diags);
std::optional<std::string> make_book(const Book& book, const Options& options,
                                     doc::Diagnostics& diags);

// The same in two steps, so the EPUB can be made while the PDF is typeset:
// a draft renders and sanitizes every chapter; finish() adds the print
// edition's pages (Options::pages_follow; empty when there is no PDF after
// all) and packs the archive. A draft refers to the document or book and to
// `diags` until it is finished; drafts of different documents are
// independent (one thread each).
struct Draft;
struct DraftDeleter {
  void operator()(Draft* d) const;
};
using DraftPtr = std::unique_ptr<Draft, DraftDeleter>;
DraftPtr draft_epub(const doc::Document& doc, Options options, doc::Diagnostics& diags);
DraftPtr draft_book(const Book& book, Options options, doc::Diagnostics& diags);
std::optional<std::string> finish(DraftPtr draft, std::vector<PrintPage> pages);

// The XHTML writer alone: the document's blocks (and footnotes) as the
// serialized content of a <body>, raw HTML sanitized, images left as
// written. Used by conformance tests and debugging. Without `sheet` no
// typographic markup is added (the text as cmark-gfm would write it).
std::string render_fragment(const doc::Document& doc, doc::Diagnostics& diags,
                            const style::Sheet* sheet = nullptr);

// Canonical form of an HTML or XHTML fragment for comparisons (see
// docs/epub.md, "GFM conformance"): parsed as HTML5, attributes sorted,
// whitespace-only text between elements dropped outside <pre>, boolean
// attributes valued by name, align="x" on th/td written as a text-align
// style, ids on headings and scope on th dropped.
std::string canonical_html(std::string_view html);

// Reading a zip archive back (tests, `moyin dump`): entries in archive
// order, `stored` true when not compressed.
struct ArchiveEntry {
  std::string name;
  std::string data;
  bool stored = false;
};
std::optional<std::vector<ArchiveEntry>> read_archive(std::string_view bytes);

// libzip is loaded by the first archive written or read (it is not linked,
// docs/performance.md); this loads it now, so the CLI can have it done on
// the idle core while the document is typeset. Safe to call from any thread.
void load_zip_library();

}  // namespace moyin::epub
