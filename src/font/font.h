// Fonts: faces found (fontconfig or paths from fonts/fonts.yaml), opened once
// per process (memory-mapped), shared read-only between threads, grouped into
// named font sets with per-character fallback; and the low-level shaping call.
// No HarfBuzz/FreeType/fontconfig type leaks from here: `Face` is opaque
// (its definition lives in font/face_impl.h, internal to src/font).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "doc/diagnostics.h"

namespace moyin::font {

// Opaque: mmapped file + hb_face_t + hb_font_t + coverage set. Immutable after
// open; every function taking `const Face&` is safe to call from any thread.
struct Face;

struct FaceInfo {
  std::string path;             // font file
  int index = 0;                // face index inside a .ttc
  std::string family;           // name table family (first English one)
  std::string style;            // subfamily, e.g. "Regular", "Bold"
  std::string postscript_name;  // for the PDF font name
  int units_per_em = 1000;
  double ascender = 0.8;    // em, positive up (OS/2 typo or hhea)
  double descender = -0.2;  // em, negative below baseline
  double line_gap = 0;      // em
  bool bold = false;        // the face itself is bold (weight >= 600)
  bool italic = false;      // the face itself is italic/oblique
  bool monospace = false;   // post.isFixedPitch
  bool cff = false;         // PostScript (CFF) outlines rather than TrueType (glyf)
};

const FaceInfo& info(const Face& face);
bool has_glyph(const Face& face, char32_t cp);
uint32_t glyph_of(const Face& face, char32_t cp);   // 0 (.notdef) when missing
double advance_em(const Face& face, uint32_t gid);  // hmtx advance / upem

// One shaped glyph. Positions in em (multiply by the font size in pt).
struct ShapedGlyph {
  uint32_t gid = 0;
  double x_advance = 0;
  double x_offset = 0;
  double y_offset = 0;   // positive = up (HarfBuzz convention)
  uint32_t cluster = 0;  // byte offset into the UTF-8 text given to shape()
};

// Shapes `utf8` left to right with HarfBuzz and the face's default features
// (ligatures and contextual forms kept). `script` is an ISO 15924 tag
// ("Hani", "Latn", "Zyyy"; empty = guess from the text); `lang` a BCP 47
// tag ("zh-Hans", "en"; empty = none). Thread-safe.
std::vector<ShapedGlyph> shape(const Face& face, std::string_view utf8, std::string_view script,
                               std::string_view lang);

// Makes what HarfBuzz builds for a face on its first shape() (the
// accelerators of its GSUB and GPOS lookups: about 1.5 million instructions
// for a Noto CJK face) and the shape plans shape() and Shaper would make for
// text of each of `scripts` (ISO 15924 tags) in `lang` (BCP 47, as shape()
// takes them; a plan is about 0.5–0.8 million instructions for a Noto CJK
// face), so that a thread with nothing else to do can take them off the
// typesetter's path. HarfBuzz keeps the plans on the face. Thread-safe,
// idempotent; shaping is the same with or without it.
void prepare_shaping(const Face& face, std::span<const std::string_view> scripts,
                     std::string_view lang);

// Same, shaping only utf8[offset, offset+length) but letting HarfBuzz see the
// surrounding text as context; clusters are byte offsets into the whole
// `utf8` (not relative to `offset`).
std::vector<ShapedGlyph> shape(const Face& face, std::string_view utf8, size_t offset,
                               size_t length, std::string_view script, std::string_view lang);

// What shape() does, for one thread's many calls: one HarfBuzz buffer
// reused, and each shape plan (per face, direction, script and language)
// looked up once and kept, so a call runs hb_shape_plan_execute directly.
// hb_shape would build the plan's key and look it up in the face's list on
// every call, and shape() allocates a buffer: together about 900
// instructions a call (docs/performance.md). The glyphs are the same as
// shape()'s. Not thread-safe: one per thread (a typesetter's); the faces
// it shapes with stay shared.
class Shaper {
 public:
  Shaper();
  Shaper(Shaper&&) noexcept;
  Shaper& operator=(Shaper&&) noexcept;
  ~Shaper();

  std::vector<ShapedGlyph> shape(const Face& face, std::string_view utf8, std::string_view script,
                                 std::string_view lang);
  size_t plans() const;  // plans kept so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The face chosen to draw one character.
struct FaceChoice {
  const Face* face = nullptr;     // never null from select(): last resort is the
                                  // set's first face (draws .notdef)
  int face_id = -1;               // FontLibrary::face(id); stable for the process
  bool covered = false;           // false: no face in the set has the character
  bool synthetic_bold = false;    // bold asked, the family has no bold face
  bool synthetic_italic = false;  // italic asked, the family has no italic face
                                  // (never set for Han: Han stays upright)
};

// One entry of a font set: a family with its variants (face ids, -1 = none).
struct FontFamilyEntry {
  std::string name;  // as written in fonts.yaml (family name or path)
  int regular = -1;
  int bold = -1;
  int italic = -1;
  int bold_italic = -1;
  bool han = false;  // the regular face covers common Han (U+4E00 一):
                     // used for CJK quotes and for "Han stays upright"
};

struct FontSet {
  std::string name;                    // "serif-zh", "sans-zh", "mono", …
  std::vector<FontFamilyEntry> faces;  // in fallback order
};

// Where fontconfig's answers for family names are kept between runs
// (font/resolver.h). Paths and the environment are the caller's (the CLI
// reads them at the edge).
struct ResolutionCache {
  std::filesystem::path file;  // empty: no cache, fontconfig starts on every load
  // Folded into the file's validity: whatever outside the files changes
  // fontconfig's answers (the FONTCONFIG_* variables). One line.
  std::string environment_key;
  // Extra files or folders whose creation or change invalidates the file
  // (a user fontconfig configuration that does not exist yet).
  std::vector<std::filesystem::path> watched;
};

// Owns every face; load once per process. All const methods are thread-safe.
class FontLibrary {
 public:
  FontLibrary();
  FontLibrary(FontLibrary&&) noexcept;
  FontLibrary& operator=(FontLibrary&&) noexcept;
  ~FontLibrary();

  // Reads fonts.yaml, resolves families with fontconfig (or explicit paths),
  // opens each file once. Problems are reported to `diags` with the yaml's
  // path and line; a CFF/OpenType-outline face is an error naming a TrueType
  // alternative. Returns nothing when the file is unusable or a set ends up
  // with no face.
  // With a `cache`, the families are looked up in its file first and
  // fontconfig starts only for what it does not hold (or when it is stale).
  static std::optional<FontLibrary> load(const std::filesystem::path& fonts_yaml,
                                         doc::Diagnostics& diags,
                                         const ResolutionCache& cache = {});

  // Writes what fontconfig answered since loading (families a style names
  // included) to the resolution cache; nothing when it was all cached.
  void save_resolution_cache() const;
  bool fontconfig_started() const;   // fontconfig was initialised by this library
  bool resolved_from_cache() const;  // the cache file was valid and read

  const FontSet* find_set(std::string_view name) const;
  const std::vector<FontSet>& sets() const;

  // The first family in `set` whose face has a glyph for `cp`. With
  // `prefer_cjk` (the caller decided “ ” ‘ ’ sit next to Han, CJK-RULES §1)
  // the first Han family that covers cp is preferred. Cheap (per character).
  // Han (is_cjk) never gets an italic face or synthetic_italic; a caller
  // honouring the style option cjk.synthetic-slant sets the slant itself.
  FaceChoice select(const FontSet& set, char32_t cp, bool bold = false, bool italic = false,
                    bool prefer_cjk = false) const;

  // The installed face that draws `cp` when no face of the style's set
  // does: fontconfig's sorted list for the document language `lang` (BCP 47,
  // "zh-Hans", "en", …), monochrome outline faces only, resolved once per
  // character and cached (thread-safe: a mutex guards the cache, faces are
  // opened once each). `covered` is false when no installed face has it.
  FaceChoice fallback(char32_t cp, std::string_view lang, bool bold = false,
                      bool italic = false) const;

  // A set for a family name or a font file that a style sheet or front
  // matter names (`fonts: { body: "Source Han Serif SC" }`), followed by
  // the entries of `then` (the set the role uses otherwise), so characters
  // the named face lacks still come from them. Relative paths resolve
  // against `base_dir`. Problems go to `diags` against `doc_path`, and then
  // `then` itself is returned. Thread-safe; a request is resolved once.
  const FontSet& named_set(std::string_view family_or_file, const std::filesystem::path& base_dir,
                           const FontSet& then, doc::Diagnostics& diags,
                           std::string_view doc_path) const;

  int face_count() const;               // faces opened so far (fallback faces open lazily)
  const Face& face(int id) const;       // id from select()/fallback()/a set entry
  int face_id(const Face& face) const;  // -1 when not from this library
  // The opened face of file `path` (as its FaceInfo::path says) and `index`,
  // or null: how the PDF writer reaches, from a layout::FaceRef, the face
  // the book was set with (its subsets are cut from that mapping).
  const Face* find_face(std::string_view path, int index) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Opens one face file outside any library; used by tests, `moyin fonts` and
// the PDF writer (each face it subsets). Reports problems against `path`.
struct FaceDeleter {
  void operator()(Face* face) const;
};
using FacePtr = std::unique_ptr<Face, FaceDeleter>;
FacePtr open_face(const std::filesystem::path& path, int index, doc::Diagnostics& diags);

// Characters no face covers, collected while walking a document; reported
// once per character at its first position.
class MissingGlyphs {
 public:
  // Counts distinct positions, so text set twice (a heading in the table of
  // contents, a table measured twice) is one use.
  void note(char32_t cp, doc::Position pos);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<std::pair<char32_t, doc::Position>>& items() const { return items_; }
  size_t uses(char32_t cp) const;
  // One warning per character, in order of first sight: "no font draws
  // U+2705 ✅ (first of 12 uses); install fonts-symbola or add a face to the
  // style".
  void report(std::string_view path, doc::Diagnostics& diags) const;

 private:
  std::vector<std::pair<char32_t, doc::Position>> items_;  // in order of first sight
  std::unordered_set<char32_t> seen_;
  std::unordered_set<uint64_t> positions_;  // (cp, line, column) hashed
  std::unordered_map<char32_t, size_t> uses_;
};

// The kind of MissingGlyphs' warnings (doc::Diagnostic::kind): `moyin fonts
// --check` counts them, the warning cap groups them.
inline constexpr std::string_view kMissingGlyphKind = "no-font-draws";

// What to install for a character no face has: "install fonts-symbola",
// "install fonts-hanazono", … (Debian package names; generic advice when no
// package is known).
std::string coverage_advice(char32_t cp);

}  // namespace moyin::font
