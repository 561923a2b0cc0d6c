// The PDF back end: writes a typeset layout::Book with libharu.
// Fonts are embedded as glyph-addressed subsets (LIBRARY-NOTES.md, "address
// glyphs, not characters"); text goes into the page content streams as TJ
// arrays at the typesetter's exact positions, with a ToUnicode map from every
// glyph back to its cluster's source text. No libharu type leaks from here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "base/timings.h"
#include "doc/diagnostics.h"
#include "image/catalog.h"
#include "layout/book.h"

namespace moyin::base {
class CommitGroup;
}
namespace moyin::font {
class FontLibrary;
}

namespace moyin::pdf {

class Reuse;

// What the file claims to conform to (the style sheet's `pdf.standard`):
// the claim goes into the XMP metadata, and the writer then keeps the rules
// that standard needs (docs/standards.md): PDF/A-2 b/u/a with an OutputIntent
// (sRGB, or the CMYK profile for CMYK output), PDF/X-4 with the CMYK profile's
// OutputIntent, CMYK colour, trim and bleed boxes on every page.
enum class Standard { None, A2b, A2u, A2a, X4 };

struct WriteOptions {
  // The document the book came from, named in diagnostics ("" = the output).
  std::string source_path;
  // CreationDate/ModDate: Book::meta.date when it parses; else this value
  // (seconds since 1970, UTC: the CLI passes SOURCE_DATE_EPOCH); else no dates. The
  // clock is never read, so output is reproducible.
  std::optional<int64_t> source_date_epoch;
  bool compress = true;  // Flate-compress content streams, fonts, images
  // Threads for the independent work inside one file (a subset per face,
  // compressing the streams): the CLI gives 2+ for a single input on a
  // multi-core machine, 1 when documents already run in parallel. The
  // bytes written do not depend on it.
  int threads = 1;
  // With several threads and pages: the glyph runs' text operators made a
  // few pages ahead on a thread of their own while this one draws the rest
  // with libharu. The bytes written do not depend on it (off: for tests).
  bool draw_ahead = true;
  // The run's image catalog: ImageBox::path names its entries, and the
  // pixels come from it (decoded once). Null = a catalog of this call.
  image::Catalog* images = nullptr;
  // --timings: font subsetting goes to "fonts", serializing and compressing
  // the file to "write", the rest to "pdf" (null: not timed).
  base::Timings* timings = nullptr;
  Standard standard = Standard::None;
  // A tagged PDF: a structure tree from the book's layout::StructElements,
  // page content in marked-content sequences, the rest as artifacts.
  bool tagged = true;
  // Claim PDF/UA-1 (`pdf.ua`): pdfuaid:part 1 in the XMP, when the book keeps
  // the rules the writer can check (docs/standards.md); else a warning says
  // which one fails and nothing is claimed.
  bool ua = false;
  // `color.model: cmyk` (and PDF/X-4): text, rules, fills and images in
  // DeviceCMYK, greys and black on the black plate alone; RGB converted
  // through `cmyk_profile` (the plain formula when there is none).
  bool cmyk = false;
  // ICC profiles, read by the caller: sRGB (the OutputIntent of an RGB
  // PDF/A) and the CMYK output profile (CMYK output, PDF/X-4).
  std::shared_ptr<const std::string> srgb_profile;
  std::shared_ptr<const std::string> cmyk_profile;
  // The OutputIntent's OutputConditionIdentifier; "" = the profile's description.
  std::string output_condition;
  // `watch`: subsets and compressed streams kept between builds (reuse.h;
  // null: none). The file's bytes are the same either way.
  Reuse* reuse = nullptr;
  // The library the book was typeset with: each face's subset is cut from
  // the face it already holds (font::subset_for_pdf). Null, or a face it
  // does not hold: the font file is mapped for the call. Same bytes.
  const font::FontLibrary* fonts = nullptr;
  // Outputs synced together (base/atomic_file.h): the file is in place only
  // after the group's flush(). Null: synced and renamed at once.
  base::CommitGroup* commit = nullptr;
  // The process ends once this file is written (the one document of a
  // `moyin build`): libharu's objects are left for the exit to reclaim, not
  // freed one at a time (20× the seed: about 13 ms of its 185, for its
  // 11,000 indirect objects and the entries, numbers and names inside them).
  // The caller leaves it off under the sanitizers, whose leak check stays
  // meaningful, and wherever the process goes on (`watch`, a batch, tests).
  bool reclaimed_at_exit = false;
};

// Writes `book` to `out` (a temporary file in the same directory, renamed
// into place on success: an earlier file at `out` is left untouched on any
// failure). Problems go to `diags`; returns false when no PDF was written.
// Same book and options give a byte-identical file.
bool write(const layout::Book& book, const std::filesystem::path& out, const WriteOptions& options,
           doc::Diagnostics& diags);
// The same for a book the caller no longer needs: each page's items are
// freed once the page is drawn, so a long book is not held next to
// libharu's objects while the file is saved (the same bytes).
bool write(layout::Book&& book, const std::filesystem::path& out, const WriteOptions& options,
           doc::Diagnostics& diags);

}  // namespace moyin::pdf
