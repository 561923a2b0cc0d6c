// Font subsetting with hb-subset, for the two back ends:
// - EPUB embeds faces subset to the code points a book uses (normal cmap);
// - the PDF back end addresses glyphs, not characters (LIBRARY-NOTES.md): it
//   subsets a face to the glyphs the shaped text uses and replaces the cmap
//   with a dense private-use mapping it controls, so ligatures, contextual
//   forms and characters beyond the BMP are all reachable through libharu.
// No HarfBuzz type leaks from here. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace moyin::font {

struct Face;

// Reads a whole font file; nullopt (and `error` set) when it cannot be read.
std::optional<std::vector<std::byte>> read_font_file(const std::filesystem::path& path,
                                                     std::string& error);

// Subset of face `index` of the font file `file` (a .ttf or a .ttc) to the
// given code points, keeping a normal cmap (and the layout tables, so the
// subset still shapes). Code points the face lacks are ignored. Returns a
// standalone .ttf, or nullopt with `error` set.
std::optional<std::vector<std::byte>> subset_codepoints(std::span<const std::byte> file, int index,
                                                        std::span<const char32_t> code_points,
                                                        std::string& error);
std::optional<std::vector<std::byte>> subset_codepoints(const Face& face,
                                                        std::span<const char32_t> code_points,
                                                        std::string& error);

// First private-use code of the glyph-addressed subset.
inline constexpr uint32_t kPuaFirst = 0xE000;

struct PuaSubset {
  std::vector<std::byte> font;  // standalone .ttf; cmap (3,1) format 4 only
  // Original glyph id → the BMP code that draws it in `font`. Every
  // requested glyph is present (glyph 0 included when asked for). Codes
  // start at U+E000 and are dense; past U+FFFD they continue at U+0100 (only
  // for faces with more than 8,190 used glyphs).
  std::unordered_map<uint32_t, uint16_t> code_of;
  int glyph_count = 0;  // glyphs in the subset, .notdef included
};

// Subset of face `index` of `file` to `glyphs` (original glyph ids, any
// order, duplicates allowed; composite components are added automatically),
// with the layout tables dropped and the cmap replaced by one mapping
// consecutive codes from U+E000 to the subset's glyphs. Returns nullopt with
// `error` set when the face cannot be read or subset.
std::optional<PuaSubset> subset_glyphs_pua(std::span<const std::byte> file, int index,
                                           std::span<const uint32_t> glyphs, std::string& error);
std::optional<PuaSubset> subset_glyphs_pua(const Face& face, std::span<const uint32_t> glyphs,
                                           std::string& error);
// Same from a font file, memory-mapped for the call (not read into memory).
std::optional<PuaSubset> subset_glyphs_pua(const std::filesystem::path& file, int index,
                                           std::span<const uint32_t> glyphs, std::string& error);

// What the PDF back end embeds for one face: the one subsetting call of the
// PDF path (a cache of CFF subsets, the expensive ones, belongs here).
struct PdfFont {
  enum class Kind {
    TrueType,  // `program` is a standalone .ttf with the private-use cmap of
               // subset_glyphs_pua, for a CIDFontType2 with FontFile2 whose
               // CIDs (the codes) reach the glyphs by cid_to_gid_map
    Cff,       // `program` is the bare `CFF ` table of the subset, for a
               // CIDFontType0 with FontFile3 /Subtype /CIDFontType0C
  };
  Kind kind = Kind::TrueType;
  std::vector<std::byte> program;
  // Original glyph id → the 2-byte code that draws it. TrueType: the
  // private-use code; CFF: the glyph's CID in the subset's charset (a
  // CID-keyed font) or its subset glyph id (a name-keyed one), which is what
  // a PDF CIDFontType0 selects glyphs by.
  std::unordered_map<uint32_t, uint16_t> code_of;
  // The first code no glyph uses: codes from here up to 0xFFFD draw .notdef
  // (0 when none is left). Distinct uncovered characters each get one, so
  // copying the text gives them back.
  uint32_t first_free_code = 0;
  int glyph_count = 0;
  // The advance of each code in 1/1000 em, and the font descriptor's
  // metrics in 1/1000 em, from the original face.
  std::unordered_map<uint16_t, double> width_of;
  double bbox[4] = {0, 0, 0, 0};  // xMin yMin xMax yMax
  double ascent = 0, descent = 0, cap_height = 0, italic_angle = 0;
  bool fixed_pitch = false;
};

// Subsets face `index` of `file` to `glyphs` (original glyph ids) for the
// PDF: TrueType outlines as subset_glyphs_pua does, CFF outlines kept as CFF
// (hb-subset keeps a CID-keyed font CID-keyed). nullopt with `error` set
// when the face cannot be read or subset (CFF2 variable fonts included).
std::optional<PdfFont> subset_for_pdf(const std::filesystem::path& file, int index,
                                      std::span<const uint32_t> glyphs, std::string& error);
// Same from a face already open (a FontLibrary's): nothing is mapped for the
// call. A batch cuts hundreds of subsets from the same few faces; mapping
// the file for each one faulted its pages in again and unmapped them after,
// which with two workers also interrupts the other core to flush its TLB
// (docs/performance.md). The same bytes as from the file. Also from a face
// opened once for one PDF (open_face): one memory-mapping of its file serves
// cid_font_for_pdf and the subset, read on different threads.
// How hb-subset plans a CFF subset. `Default`: a CID-keyed face is planned
// without its outlines where that gives the same subset for less (see
// plans_cff_without_outlines); `WithOutlines`: always hb-subset's own
// planning, for tests that compare the two.
enum class CffPlanning { Default, WithOutlines };
std::optional<PdfFont> subset_for_pdf(const Face& face, std::span<const uint32_t> glyphs,
                                      std::string& error,
                                      CffPlanning planning = CffPlanning::Default);

// Whether subset_for_pdf plans `face`'s subset without showing hb-subset its
// outlines: a CID-keyed CFF face with the hb-subset release whose planning
// reads the outlines only to add the components of `seac` accented glyphs,
// which a CID-keyed font cannot have (6.0, Debian 12). That pass interprets
// every glyph's charstring: a third of the subset's time. The same subset.
bool plans_cff_without_outlines(const Face& face);

// A TrueType subset's /CIDToGIDMap: for each code (CID) below `codes`, its
// glyph in `sub.program` as 2 bytes, big-endian; .notdef (0) for a code
// that draws no glyph of the subset (the .notdef stand-ins from
// `first_free_code` on among them).
std::string cid_to_gid_map(const PdfFont& sub, uint32_t codes);

// All of subset_for_pdf's answer but `program` (empty), without subsetting,
// for a face whose codes do not depend on the subset: CID-keyed CFF
// outlines (the Noto CJK faces), whose subset keeps every glyph's CID. The
// PDF's pages can then be drawn while the program is made. nullopt with
// `error` empty for TrueType outlines and name-keyed CFF (their codes are
// the subset's glyph ids: subset first), with `error` set when the glyphs
// are not in the face. The same codes, widths and metrics as subset_for_pdf.
std::optional<PdfFont> cid_font_for_pdf(const Face& face, std::span<const uint32_t> glyphs,
                                        std::string& error);

}  // namespace moyin::font
