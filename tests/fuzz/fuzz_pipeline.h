// The whole pipeline's fuzz entry: arbitrary bytes -> source::parse ->
// typeset (default sheet and fonts) -> PDF file and EPUB bytes, checking the
// invariants every output must hold. Used by the libFuzzer target
// (fuzz_pipeline.cpp, clang only) and by a deterministic GoogleTest
// (pipeline_fuzz_test.cpp) that runs under scripts/test, also with ASan.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>

#include "doc/diagnostics.h"
#include "epub/epub.h"
#include "font/font.h"
#include "layout/book.h"
#include "pdf/pdf.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"

namespace moyin::fuzz {

// What stays the same across inputs: loaded once, read-only afterwards.
struct PipelineContext {
  font::FontLibrary fonts;
  style::Sheet sheet;
  std::filesystem::path work_dir;  // where the PDF is written (one file, overwritten)
};

inline std::optional<PipelineContext> make_pipeline_context(const std::filesystem::path& work_dir) {
  doc::Diagnostics diags;
  std::optional<font::FontLibrary> fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  if (!fonts) return std::nullopt;
  style::Sheet sheet = style::resolve(
      style::Layers{.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR) / "styles"}, diags);
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  return PipelineContext{std::move(*fonts), std::move(sheet), work_dir};
}

inline bool finite(double v) { return std::isfinite(v); }

// Invariants of a typeset book; "" when they hold, else what broke.
inline std::string check_book(const layout::Book& book) {
  if (book.pages.empty()) return "a book without pages";
  for (size_t p = 0; p < book.pages.size(); ++p) {
    const layout::Page& page = book.pages[p];
    const std::string at = "page " + std::to_string(p + 1) + ": ";
    if (!(page.width > 0) || !(page.height > 0)) return at + "page size not positive";
    // Inside a Turn bracket (a landscape table) items keep unturned
    // coordinates: checked where they land, a quarter turn about the pivot.
    const layout::Point* turn = nullptr;
    auto lands = [&](double x, double y) {
      return turn ? layout::Point{turn->x + (y - turn->y), turn->y - (x - turn->x)}
                  : layout::Point{x, y};
    };
    for (const layout::Item& item : page.items) {
      if (const auto* t = std::get_if<layout::Turn>(&item)) turn = t->end ? nullptr : &t->pivot;
      if (const auto* run = std::get_if<layout::GlyphRun>(&item)) {
        if (run->face < 0 || static_cast<size_t>(run->face) >= book.faces.size())
          return at + "glyph run with face " + std::to_string(run->face) + " of " +
                 std::to_string(book.faces.size());
        if (!finite(run->origin.x) || !finite(run->origin.y) || !(run->size > 0) ||
            !finite(run->size))
          return at + "glyph run with a non-finite position or size: \"" + run->text + "\"";
        // Text stays on the page (past the margins only as an overfull line
        // the typesetter warned about, never off the paper).
        const layout::Point start = lands(run->origin.x, run->origin.y);
        if (start.x < 0 || start.x > page.width || start.y < 0 || start.y > page.height)
          return at + "glyph run starts off the page at " + std::to_string(start.x) + "," +
                 std::to_string(start.y) + ": \"" + run->text.substr(0, 60) + "\"";
        double end = run->origin.x;
        for (const layout::Glyph& g : run->glyphs) end += g.advance;
        const layout::Point stop = lands(end, run->origin.y);
        if (stop.x > page.width + 1 || stop.y < -1)
          return at + "glyph run runs off the page to " + std::to_string(stop.x) + "," +
                 std::to_string(stop.y) + ": \"" + run->text.substr(0, 60) + "\"";
        for (const layout::Glyph& g : run->glyphs) {
          if (!finite(g.advance) || !finite(g.x_offset) || !finite(g.y_offset))
            return at + "non-finite glyph metrics in \"" + run->text.substr(0, 60) + "\"";
          if (g.cluster > run->text.size())
            return at + "glyph cluster past the run's text in \"" + run->text.substr(0, 60) + "\"";
        }
      } else if (const auto* link = std::get_if<layout::LinkArea>(&item)) {
        if (!finite(link->box.x) || !finite(link->box.y) || !finite(link->box.width) ||
            !finite(link->box.height))
          return at + "link area with a non-finite box";
      }
    }
  }
  return "";
}

inline std::string slurp_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs one input through the pipeline. Returns "" when every invariant
// holds, else a description (the libFuzzer entry aborts on it).
inline std::string run_pipeline(const PipelineContext& ctx, const uint8_t* data, size_t size) {
  doc::Diagnostics diags;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<doc::Document> document = source::parse(text, "fuzz.md", diags);
  if (!document) return diags.has_errors() ? "" : "no document and no error";

  // PDF.
  const layout::Book book = typeset::typeset(*document, ctx.sheet, ctx.fonts, diags);
  if (std::string why = check_book(book); !why.empty()) return "typeset: " + why;
  const std::filesystem::path out = ctx.work_dir / "fuzz.pdf";
  std::error_code ec;
  std::filesystem::remove(out, ec);
  pdf::WriteOptions options;
  options.source_path = "fuzz.md";
  options.source_date_epoch = 0;
  doc::Diagnostics pdf_diags;
  if (pdf::write(book, out, options, pdf_diags)) {
    const std::string bytes = slurp_file(out);
    if (bytes.rfind("%PDF-", 0) != 0) return "pdf: the file does not start with %PDF-";
    if (bytes.find("%%EOF", bytes.size() > 64 ? bytes.size() - 64 : 0) == std::string::npos)
      return "pdf: no %%EOF at the end";
  } else {
    if (!pdf_diags.has_errors()) return "pdf: write failed without an error";
    if (std::filesystem::exists(out)) return "pdf: a failed write left a file behind";
  }

  // EPUB.
  epub::Options eo;
  eo.sheet = ctx.sheet;
  eo.source_date_epoch = 0;
  doc::Diagnostics epub_diags;
  const std::optional<std::string> epub_bytes = epub::make_epub(*document, eo, epub_diags);
  if (!epub_bytes) return epub_diags.has_errors() ? "" : "epub: no package and no error";
  const auto entries = epub::read_archive(*epub_bytes);
  if (!entries || entries->empty()) return "epub: the package does not read back as a zip";
  if ((*entries)[0].name != "mimetype" || (*entries)[0].data != "application/epub+zip" ||
      !(*entries)[0].stored)
    return "epub: the first entry is not a stored mimetype";
  return "";
}

}  // namespace moyin::fuzz
