// The libharu side of the PDF back end (with compress.cpp, the only files
// that include hpdf).
// See LIBRARY-NOTES.md (libharu 2.3): fonts are glyph-addressed subsets
// embedded as Type0 fonts the writer builds through libharu's object layer,
// text is written as raw TJ arrays, errors are sticky.
#include <hpdf.h>
#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <hpdf_utils.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/atomic_file.h"
#include "base/date.h"
#include "base/number.h"
#include "base/parallel.h"
#include "font/font.h"
#include "font/subset.h"
#include "pdf/ahead.h"
#include "pdf/color.h"
#include "pdf/compress.h"
#include "pdf/content.h"
#include "pdf/pdf.h"
#include "pdf/reuse.h"
#include "pdf/stream.h"

namespace moyin::pdf {
namespace {

// The smallest box holding the boxes added (PDF space).
struct Bounds {
  double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
  void add(double ax, double ay, double bx, double by) {
    x0 = std::min({x0, ax, bx});
    y0 = std::min({y0, ay, by});
    x1 = std::max({x1, ax, bx});
    y1 = std::max({y1, ay, by});
  }
};

using namespace std::string_view_literals;
using layout::Book;
using layout::GlyphRun;

struct ErrorLog {
  std::vector<std::pair<unsigned long, unsigned long>> errors;  // code, detail
};

void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) {
  static_cast<ErrorLog*>(user_data)->errors.emplace_back(error_no, detail_no);
}

std::string hex(unsigned long v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%04lX", v);
  return buf;
}

std::string describe(unsigned long code, unsigned long detail) {
  std::string what;
  switch (code) {
    case HPDF_FILE_OPEN_ERROR: what = "cannot open the file for writing"; break;
    case HPDF_FILE_IO_ERROR: what = "file input/output error"; break;
    case HPDF_FAILD_TO_ALLOC_MEM: what = "out of memory"; break;
    case HPDF_INVALID_FONTDEF_DATA: what = "invalid font data"; break;
    case HPDF_TTF_MISSING_TABLE: what = "a required TrueType table is missing"; break;
    case HPDF_TTF_INVALID_CMAP: what = "invalid cmap table"; break;
    case HPDF_TTF_INVALID_FOMAT: what = "unsupported font format"; break;
    case HPDF_UNSUPPORTED_FONT_TYPE: what = "unsupported font type"; break;
    case HPDF_INVALID_PNG_IMAGE: what = "invalid PNG image"; break;
    case HPDF_UNSUPPORTED_JPEG_FORMAT: what = "unsupported JPEG format"; break;
    case HPDF_LIBPNG_ERROR: what = "libpng error"; break;
    case HPDF_INVALID_PARAMETER: what = "invalid parameter"; break;
    case HPDF_PAGE_OUT_OF_RANGE: what = "value out of range"; break;
    default: what = "libharu error"; break;
  }
  return what + " (libharu " + hex(code) + ", detail " + std::to_string(detail) + ")";
}

struct DocDeleter {
  void operator()(HPDF_Doc d) const { HPDF_Free(d); }
};
using DocPtr = std::unique_ptr<HPDF_Doc_Rec, DocDeleter>;

// A table by 16-bit key (a glyph id or a code) whose entries are made 256
// at a time, as keys come: a flat table of 65,536 entries per face cost
// every short document (and every post of a batch) 256 KB to fill and to scan.
template <typename T, T kEmpty>
class PagedTable {
 public:
  static constexpr uint32_t kKeys = 0x10000;
  T get(uint32_t key) const {
    if (key >= kKeys) return kEmpty;
    const auto& page = pages_[key >> 8];
    return page ? (*page)[key & 0xFF] : kEmpty;
  }
  T& at(uint32_t key) {  // key < kKeys; made (as kEmpty) when missing
    auto& page = pages_[key >> 8];
    if (!page) {
      page = std::make_unique<std::array<T, 256>>();
      page->fill(kEmpty);
    }
    return (*page)[key & 0xFF];
  }
  // Calls f(key, value) for every entry not kEmpty, in increasing key order.
  template <typename F>
  void for_each(F f) const {
    for (uint32_t p = 0; p < pages_.size(); ++p)
      if (pages_[p])
        for (uint32_t k = 0; k < 256; ++k)
          if ((*pages_[p])[k] != kEmpty) f(p << 8 | k, (*pages_[p])[k]);
  }

 private:
  std::array<std::unique_ptr<std::array<T, 256>>, kKeys / 256> pages_;
};

// One font resource: a Type0 font built through the object layer (libharu's
// own TrueType font would build a 128 KB CIDToGIDMap by looking each of
// 65,536 codes up in the cmap, and compress it and the program with zlib
// while saving), selected with a raw Tf.
struct FontResource {
  HPDF_Dict type0 = nullptr;
  HPDF_Dict cid_font = nullptr;
  HPDF_Dict to_unicode_stream = nullptr;
  HPDF_Dict program = nullptr;     // FontFile2 or FontFile3, filled by embed_programs
  HPDF_Dict cid_to_gid = nullptr;  // TrueType: filled by finish_fonts
};

struct FontEntry {
  // One Type0 font per part of the face (a CFF face drawing many glyphs is
  // cut in parts subset side by side: split_face), each holding the glyphs
  // of its part; a TrueType face is one part.
  std::vector<FontResource> parts;
  // Flat tables, read for every glyph drawn (a long book draws hundreds of
  // thousands): the code of each original glyph id with its part in the
  // bits above (kNoCode: not in the subset), the PDF width (1/1000 em) of
  // each code (kNoWidth: none), the part of each code (none: part 0).
  static constexpr int32_t kNoCode = -1;
  static constexpr int kNoWidth = INT_MIN;
  PagedTable<int32_t, kNoCode> code_by_gid;
  PagedTable<int, kNoWidth> widths;
  PagedTable<uint8_t, 0> part_by_code;
  int32_t part_and_code(uint32_t gid) const {
    const int32_t code = code_by_gid.get(gid);
    if (code == kNoCode) [[unlikely]]
      not_in_subset(gid);
    return code;
  }
  [[noreturn]] static void not_in_subset(uint32_t gid) {
    throw std::out_of_range("glyph " + std::to_string(gid) + " is not in the subset");
  }
  uint16_t code_of(uint32_t gid) const { return static_cast<uint16_t>(part_and_code(gid)); }
  void set_codes(const std::unordered_map<uint32_t, uint16_t>& code_of) {
    for (const auto& [gid, code] : code_of)
      if (gid < decltype(code_by_gid)::kKeys) code_by_gid.at(gid) = code;
  }
  // Moves `gids` (already given codes) to part `part` > 0.
  void set_part(std::span<const uint32_t> gids, uint8_t part) {
    for (uint32_t gid : gids) {
      int32_t& code = code_by_gid.at(gid);
      part_by_code.at(static_cast<uint16_t>(code)) = part;
      code = (code & 0xFFFF) | int32_t{part} << 16;
    }
  }
  uint8_t part_of_code(uint16_t code) const { return part_by_code.get(code); }
  // The width of `code`, 0 (and kept) when it had none.
  int& width(uint16_t code) {
    int& w = widths.at(code);
    if (w == kNoWidth) w = 0;
    return w;
  }
  std::map<uint16_t, std::u16string> to_unicode;
  std::vector<bool> mapped;  // by code: has an entry in to_unicode (0x10000 once drawn)
  // Codes past the subset's map no glyph, so they draw .notdef: each
  // distinct uncovered character gets one, so copying gives it back.
  uint32_t next_free = 0;  // 0 = none left
  std::map<std::string, uint16_t> notdef_code;
};

struct AnchorPlace {
  int page = 0;
  double x = 0, y = 0;  // layout coordinates
};

// An opacity as PDF's /ca and /CA take it.
double alpha(double a) { return std::isfinite(a) ? std::clamp(a, 0.0, 1.0) : 1.0; }

// libharu rejects components outside [0, 1] (and then fails every call).
HPDF_REAL c01(double v) {
  return static_cast<HPDF_REAL>(std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0);
}

void append_hex_code(std::string& out, uint16_t code) {
  static const char* digits = "0123456789ABCDEF";
  const char hex[4] = {digits[code >> 12], digits[(code >> 8) & 0xF], digits[(code >> 4) & 0xF],
                       digits[code & 0xF]};
  out.append(hex, 4);
}

// A PDF text string in content: <FEFF…> (UTF-16BE with a byte-order mark).
std::string utf16_hex_string(std::string_view utf8) {
  std::string out = "<FEFF";
  for (char16_t u : utf8_to_utf16(utf8)) append_hex_code(out, static_cast<uint16_t>(u));
  return out + ">";
}

// A PDF text string as UTF-16BE with a byte-order mark, written in hex.
// libharu's UTF-8 encoder drops characters beyond the BMP from outline and
// Info strings, so those are set here instead.
void set_text(HPDF_Dict dict, const char* key, std::string_view utf8) {
  std::u16string units = utf8_to_utf16(utf8);
  // libharu refuses strings over HPDF_LIMIT_MAX_STRING_LEN bytes and the whole PDF
  // then fails; a heading that long is cut instead (keeping surrogate pairs whole).
  constexpr size_t kMaxUnits = (HPDF_LIMIT_MAX_STRING_LEN - 2) / 2;
  if (units.size() > kMaxUnits) {
    size_t n = kMaxUnits;
    if (units[n - 1] >= 0xD800 && units[n - 1] <= 0xDBFF) --n;
    units.resize(n);
  }
  std::vector<HPDF_BYTE> bytes = {0xFE, 0xFF};
  for (char16_t u : units) {
    bytes.push_back(static_cast<HPDF_BYTE>(u >> 8));
    bytes.push_back(static_cast<HPDF_BYTE>(u & 0xFF));
  }
  HPDF_Binary value =
      HPDF_Binary_New(dict->mmgr, bytes.data(), static_cast<HPDF_UINT>(bytes.size()));
  if (value) HPDF_Dict_Add(dict, key, value);
}

// A glyph run's text-showing operators made ahead of its page on the
// drawing thread (Writer::show_ahead): from its first text matrix to its
// last TJ, without the font changes of a face cut in parts, which name the
// page's font resources (libharu's): `font_changes` says where each goes.
struct ShownRun {
  bool ready = false;  // false: the writer formats the run itself
  std::vector<uint16_t> codes;
  uint8_t first_part = 0;
  std::string ops;
  std::vector<std::pair<size_t, uint8_t>> font_changes;  // offset in ops, part
};
using ShownPage = std::vector<ShownRun>;  // by item index

// Appends the text matrices and TJ arrays that show `run`'s glyphs, coded
// `codes` (`parts`: each code's font part, null when the face is one font),
// from `x0`, `y0` (PDF space) with `matrix` ("1 0 <slant> 1 ") starting
// every text matrix; `set_font(part)` is called where the font changes.
// Glyphs 0 are left out when `drop_notdefs` (counted in `dropped`). One
// formatting for the writer's thread and the drawing-ahead thread.
template <typename Width, typename SetFont>
void show_glyphs(std::string& s, const GlyphRun& run, const uint16_t* codes, const uint8_t* parts,
                 double x0, double y0, std::string_view matrix, bool drop_notdefs, int& dropped,
                 const Width& width, const SetFont& set_font) {
  const double size = run.size;
  uint8_t part = parts ? parts[0] : 0;  // the font part in use
  // Glyphs sharing a vertical offset go in one TJ array; a new text matrix
  // starts wherever the offset changes (marks, superscripts).
  double pen = 0;  // pt from the run origin
  size_t i = 0;
  const auto& gs = run.glyphs;
  while (i < gs.size()) {
    const double yoff = gs[i].y_offset;
    const double seg_x = pen;
    s += matrix;
    base::append_compact(s, x0 + seg_x);
    s += ' ';
    base::append_compact(s, y0 + yoff);
    s += " Tm\n["sv;
    size_t array_start = s.size();
    double cur = 0;  // where the text position is now, pt from seg_x
    bool in_string = false;
    for (; i < gs.size() && gs[i].y_offset == yoff; ++i) {
      const auto& g = gs[i];
      if (g.gid == 0 && drop_notdefs) {
        // PDF/A forbids showing .notdef: the character is left out (its box
        // is still drawn), the pen moves on.
        ++dropped;
        pen += g.advance;
        continue;
      }
      if (parts && parts[i] != part) {
        // A glyph of the face's other font: a new TJ after a Tf, from where
        // the text position is (Tf leaves the text matrix as it is).
        part = parts[i];
        if (s.size() == array_start) {
          s.pop_back();  // nothing shown yet: no empty TJ
        } else {
          if (in_string) s += '>';
          in_string = false;
          s += "] TJ\n"sv;
        }
        set_font(part);
        s += '[';
        array_start = s.size();
      }
      const double target = pen - seg_x + g.x_offset;
      const double adjust = -(target - cur) * 1000 / size;  // TJ units
      if (std::abs(adjust) >= 0.0005) {
        if (in_string) s += '>';
        in_string = false;
        base::append_compact(s, adjust);
      }
      if (!in_string) s += '<';
      in_string = true;
      const uint16_t code = codes[i];
      append_hex_code(s, code);
      cur = target + width(code) * size / 1000;
      pen += g.advance;
    }
    if (in_string) s += '>';
    s += "] TJ\n"sv;
    // The pen may differ from where the text position ended; the next
    // segment sets its own matrix, so nothing to correct here.
  }
}

// "1 0 <slant> 1 ": the start of every text matrix of `run`.
void text_matrix_start(std::string& matrix, const GlyphRun& run) {
  matrix = "1 0 "sv;
  base::append_compact(matrix, run.synthetic_slant, 4);
  matrix += " 1 "sv;
}

constexpr const char* kProducer = "Moyin (libharu)";

// How many pages the drawing-ahead thread may be past the writer's: enough
// to ride out an uneven page, little held (a page's text is tens of KB).
constexpr size_t kPagesAhead = 4;

// libharu grows a list by a fixed step of 20 items, copying all of it each
// time with a byte loop: quadratic in a book's object table and long arrays
// (an element's kids, a page's MCIDs, the parent tree). This makes the next
// growth double the list instead; called before adding to a list that may
// be long (libharu's own additions in between grow it by the last step).
void grow_by_doubling(HPDF_List list) {
  list->items_per_block = std::max<HPDF_UINT>(list->block_siz, HPDF_DEF_ITEMS_PER_BLOCK);
}

HPDF_STATUS add_item(HPDF_Array array, void* obj) {
  grow_by_doubling(array->list);
  return HPDF_Array_Add(array, obj);
}

HPDF_STATUS add_number(HPDF_Array array, HPDF_INT32 value) {
  grow_by_doubling(array->list);
  return HPDF_Array_AddNumber(array, value);
}

HPDF_STATUS add_object(HPDF_Doc pdf, HPDF_Dict dict) {
  grow_by_doubling(pdf->xref->entries);
  return HPDF_Xref_Add(pdf->xref, dict);
}

// Tags then categories, empty and repeated entries left out (a tag that is
// also a category appears once).
std::vector<std::string> keyword_list(const doc::Metadata& m) {
  std::vector<std::string> out;
  for (const auto* v : {&m.tags, &m.categories})
    for (const auto& s : *v)
      if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
}

class Writer {
 public:
  Writer(const Book& book, const std::filesystem::path& out, const WriteOptions& opt,
         doc::Diagnostics& diags, Book* consumed = nullptr)
      : book_(book),
        consumed_(consumed),
        out_(out),
        opt_(opt),
        diags_(diags),
        doc_path_(opt.source_path.empty() ? out.string() : opt.source_path) {}
  ~Writer() {
    if (opt_.reclaimed_at_exit) (void)pdf_.release();  // WriteOptions::reclaimed_at_exit
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  bool run();

 private:
  void error(const std::string& msg) {
    diags_.error(doc_path_, {}, msg);
    failed_ = true;
  }
  void warn(const std::string& msg) { diags_.warn(doc_path_, {}, msg); }

  // Reports libharu errors recorded since the last check; true when none.
  bool check(const std::string& doing) {
    // Errors inside libharu's internal calls are only recorded, not handed
    // to the handler: look at the document's error state too.
    if (log_.errors.empty() && pdf_ && HPDF_GetError(pdf_.get()) != HPDF_OK)
      log_.errors.emplace_back(HPDF_GetError(pdf_.get()), HPDF_GetErrorDetail(pdf_.get()));
    if (log_.errors.empty()) return true;
    auto [code, detail] = log_.errors.front();
    error("cannot write PDF " + out_.string() + ": " + describe(code, detail) + " while " + doing);
    log_.errors.clear();
    return false;
  }
  // A libharu call failed: report it (with libharu's error when it has one).
  bool fail(const std::string& doing) {
    if (check(doing))
      error("cannot write PDF " + out_.string() + ": libharu failed while " + doing);
    return false;
  }
  // Clears a recoverable libharu error (they are sticky).
  void forget_errors() {
    log_.errors.clear();
    HPDF_ResetError(pdf_.get());
  }

  void raw(HPDF_Page page, std::string_view s) {
    append(static_cast<HPDF_PageAttr>(page->attr)->stream, s);
  }

  bool load_fonts();
  void start_subsets(std::vector<size_t> faces);
  void make_subset(size_t face, size_t part);
  bool add_font(FontEntry& entry, const font::PdfFont& sub, const std::string& tag,
                const layout::FaceRef& ref);
  bool embed_programs();
  bool subsets_made() const;
  void finish_fonts();
  void draw_page(size_t index);
  void draw_run(HPDF_Page page, const layout::Page& lp, const GlyphRun& run, const ShownRun* ahead);
  HPDF_ExtGState run_state(const GlyphRun& run, double scale);
  // `font(part)`: the name of the face's font resource holding part `part`.
  // `ahead`: the run's glyphs shown already (show_ahead), or null.
  template <typename FontName>
  void run_operators(std::string& out, const layout::Page& lp, const GlyphRun& run,
                     const FontName& font, std::string_view state, const ShownRun* ahead = nullptr);
  // The drawing-ahead thread's work: the text of page `index`'s runs, read
  // from the book and the faces' codes and widths (fixed once the fonts are
  // loaded), touching nothing the writer's thread changes meanwhile.
  ShownPage show_ahead(size_t index) const;
  bool show_run_ahead(const layout::Page& lp, const GlyphRun& run, ShownRun& out) const;
  const std::string& colour(const layout::Color& c, bool stroke);
  std::vector<std::pair<std::pair<layout::Color, bool>, std::string>> colours_;  // colour()
  std::string run_ops_;          // draw_run's operators, its capacity kept
  std::string matrix_;           // run_operators' text matrix start
  std::vector<uint16_t> codes_;  // run_operators' codes
  std::vector<uint8_t> parts_;   // run_operators' parts of the codes (a face cut in parts)
  std::string notdef_boxes(const GlyphRun& run, double x0, double y0,
                           const std::vector<std::string>& texts);
  void draw_image(HPDF_Page page, const layout::Page& lp, const layout::ImageBox& img);
  void draw_path(HPDF_Page page, const layout::Page& lp, const layout::Path& path);
  // A path in its own coordinates (a formula's glyph): drawn where it is
  // first used, a form XObject from its second use on, placed by `cm`.
  struct Shape {
    int uses = 0;
    std::string ops;  // its path operators, y up
    HPDF_Dict form = nullptr;
  };
  std::unordered_map<std::string, Shape> shapes_;  // by shape_key
  // Each outline's segments read once: the outlines (by address: the book
  // holds them while it is written) and their distinct segments, numbered.
  std::unordered_map<const layout::Outline*, size_t> outline_ids_;
  std::unordered_map<std::string, size_t> outline_numbers_;
  size_t outline_id(const layout::Outline& outline);
  HPDF_Dict shape_form(const layout::Path& path, const std::string& ops);
  HPDF_Dict new_form(const Bounds& b);
  HPDF_ExtGState opacity_state(double fill, double stroke);
  // Transparency groups (layout::Group): the form XObject of the items
  // between markers `begin` and its end, or null when something inside
  // cannot be drawn in a form (then they are drawn one by one, faded each).
  HPDF_Dict group_form(const layout::Page& lp, size_t begin, size_t end);
  double opacity_scale_ = 1;            // product of the groups drawn one by one
  std::vector<double> opacity_scales_;  // the scale outside each such group
  HPDF_Image load_image(const std::string& key);
  HPDF_Image load_raster(const image::Raster& r);
  HPDF_Image load_png_stream(std::string_view png);
  HPDF_Image load_pixels(const layout::Pixels& px);
  void add_link(HPDF_Page page, const layout::Page& lp, const layout::LinkArea& link);
  HPDF_Destination destination(const AnchorPlace& place);
  void add_outline();
  void add_labels();
  void add_info();
  // Standards and colour (docs/standards.md).
  bool settle_standard();
  void settle_ua();
  bool pdfa() const {
    return standard_ == Standard::A2b || standard_ == Standard::A2u || standard_ == Standard::A2a;
  }
  const CmykConverter* cmyk() const { return cmyk_ ? &*cmyk_ : nullptr; }
  void set_fill(HPDF_Page page, const layout::Color& c);
  void set_stroke(HPDF_Page page, const layout::Color& c);
  void set_page_boxes(HPDF_Page page, const layout::Page& lp);
  void add_output_intent();
  void check_rgb_leftovers();
  std::string document_id() const;
  void add_document_id(const std::string& id);
  // Tagged PDF (see Tagging below).
  HPDF_Dict struct_element(int index);
  void tag_begin(HPDF_Page page, size_t page_index, int element);
  void tag_end(HPDF_Page page, int element);
  void close_content(HPDF_Page page);
  void open_content(HPDF_Page page, size_t page_index);
  void tag_link(HPDF_Page page, HPDF_Annotation annot, const std::string& description);
  void add_structure_tree();
  std::optional<base::DateTime> document_date();
  void add_catalog_entries();
  void add_metadata(const std::string& id);
  void rewrite_to_unicode();
  bool compress_streams();
  bool save();

  const Book& book_;
  Book* consumed_;  // the same book when the caller gave it away: pages' items freed once drawn
  std::filesystem::path out_;
  const WriteOptions& opt_;
  doc::Diagnostics& diags_;
  std::string doc_path_;
  ErrorLog log_;
  DocPtr pdf_;
  bool failed_ = false;
  std::vector<FontEntry> fonts_;  // by book face index
  std::vector<HPDF_Page> pages_;
  std::map<std::string, AnchorPlace> anchors_;
  std::map<std::string, HPDF_Image> images_;
  std::map<const layout::Pixels*, HPDF_Image> pixel_images_;  // pixels made by the typesetter
  std::map<std::pair<double, double>, HPDF_ExtGState> opacity_states_;
  image::Catalog own_images_;  // when the caller passes none
  bool transparency_ = false;
  Standard standard_ = Standard::None;  // the claim, once settle_standard() checked it
  std::optional<CmykConverter> cmyk_;   // CMYK output
  std::shared_ptr<const std::string> intent_profile_;  // the OutputIntent's ICC profile
  ProfileInfo intent_info_;
  int dropped_notdefs_ = 0;  // characters no face has, left out of a PDF/A's text
  bool ua_ = false;          // PDF/UA-1 claimed, once settle_ua() checked the book
  std::optional<std::optional<base::DateTime>> date_;  // document_date(), once

  // Tagging: the structure tree is built as the pages are drawn, so every
  // element's kids (marked content, child elements, link annotations) come
  // in reading order. Elements of Book::structure no content reaches are
  // left out.
  struct Tagging {
    HPDF_Dict root = nullptr;                     // /StructTreeRoot
    HPDF_Dict document = nullptr;                 // the /Document element every other hangs from
    std::vector<HPDF_Dict> elements;              // by Book::structure index
    std::vector<HPDF_Page> page_of;               // by index: the element's /Pg, once set
    std::vector<std::vector<int>> children;       // by index: child indices, in order
    std::vector<bool> used;                       // has content, or a descendant has
    std::vector<std::vector<HPDF_Dict>> by_mcid;  // per page: the element of each MCID
    std::vector<HPDF_Dict> annot_parents;         // StructParent pages.size() + i
    std::vector<int> open;                        // elements open on this page
    std::vector<std::pair<std::string, HPDF_Dict>> ids;  // elements with an /ID
    bool content_open = false;                           // a BDC … EMC sequence is open
  };
  Tagging tags_;

  // Each face's subset: made (and a CFF program compressed) on the writer's
  // threads while the pages are drawn, when the codes are known without it
  // (font::cid_font_for_pdf); else waited for before drawing. A CID-keyed
  // face drawing many glyphs is cut in parts subset side by side (split_face).
  struct PartWork {
    std::vector<uint32_t> gids;                   // the part's glyphs: sorted, unique
    std::shared_ptr<const font::Face> face;       // opened once for the face (null: not opened)
    std::shared_ptr<const font::PdfFont> subset;  // null until made (or when it failed)
    std::string packed;                           // its font program, compressed
    std::string error;
    std::promise<void> made;
    std::future<void> ready = made.get_future();
  };
  struct FaceWork {
    std::vector<uint32_t> gids;                  // the glyphs drawn: sorted, unique
    std::shared_ptr<const font::PdfFont> codes;  // the codes, before the subset is made
    std::vector<PartWork> parts;                 // one, or the parts of a face cut in parts
  };
  std::vector<FaceWork> work_;  // by book face index
  size_t glyphs_drawn_ = 0;     // by the whole book, every face
  bool worth_cutting(size_t glyphs) const;
  void split_face(size_t face);
  // The pages' content streams, compressed on a thread of their own as each
  // page is drawn (with several threads; `watch` keeps its streams by their
  // raw bytes, compressed by use_libdeflate).
  std::optional<StreamDeflater> page_deflater_;
  // The runs' text formatted a few pages ahead on a thread of its own (with
  // several threads and pages), and the page being drawn's (by item index).
  std::optional<PagesAhead<ShownPage>> shown_ahead_;
  ShownPage shown_;
  // Last: joined (by its destructor, on an early return too) before what it fills goes.
  std::vector<std::jthread> subsetting_;
};

// The face's subset for `gids` (sorted, unique): kept from an earlier build
// of `watch` (reuse.h) when it had the same glyphs, else made now: from
// `face` when given (the face of `ref` opened for this PDF), else from the
// face `fonts` holds when it has it, else from the file mapped for the call.
std::shared_ptr<const font::PdfFont> subset_for_pdf(const layout::FaceRef& ref,
                                                    const font::Face* open,
                                                    const std::vector<uint32_t>& gids, Reuse* reuse,
                                                    const font::FontLibrary* fonts,
                                                    std::string& err) {
  std::string key;
  if (reuse) {
    key = ref.path + '\0' + std::to_string(ref.index) + '\0';
    key.append(reinterpret_cast<const char*>(gids.data()), gids.size() * sizeof(uint32_t));
    if (std::shared_ptr<const font::PdfFont> kept = reuse->find_subset(key)) return kept;
  }
  const font::Face* face = open ? open : fonts ? fonts->find_face(ref.path, ref.index) : nullptr;
  std::optional<font::PdfFont> made =
      face ? font::subset_for_pdf(*face, gids, err)
           : font::subset_for_pdf(std::filesystem::path(ref.path), ref.index, gids, err);
  if (!made) return nullptr;
  auto shared = std::make_shared<const font::PdfFont>(std::move(*made));
  if (reuse) reuse->keep_subset(key, shared);
  return shared;
}

bool Writer::load_fonts() {
  const size_t nfaces = book_.faces.size();
  fonts_.resize(nfaces);
  work_ = std::vector<FaceWork>(nfaces);
  std::vector<std::vector<uint64_t>> drawn(nfaces);  // by face: a bit per glyph id
  for (const auto& page : book_.pages)
    for (const auto& item : page.items)
      if (const auto* run = std::get_if<GlyphRun>(&item)) {
        if (run->face < 0 || static_cast<size_t>(run->face) >= nfaces) {
          error("internal error: a glyph run uses face " + std::to_string(run->face) +
                " but the book has " + std::to_string(nfaces) + " faces");
          return false;
        }
        // The glyphs each face draws, marked by id: a long book draws
        // hundreds of thousands, of a few thousand distinct ones.
        std::vector<uint64_t>& seen = drawn[run->face];
        glyphs_drawn_ += run->glyphs.size();
        for (const auto& g : run->glyphs) {
          if (g.gid > 0xFFFF) {  // OpenType glyph ids are 16-bit
            error("internal error: a glyph run uses glyph " + std::to_string(g.gid) + " of face " +
                  std::to_string(run->face) + ", beyond any font's glyphs");
            return false;
          }
          if (g.gid / 64 >= seen.size()) seen.resize(std::max<size_t>(g.gid / 64 + 1, 1024));
          seen[g.gid / 64] |= uint64_t{1} << (g.gid % 64);
        }
      }
  std::vector<size_t> pending;  // the faces whose subset is still to make
  for (size_t i = 0; i < nfaces; ++i) {
    auto& gids = work_[i].gids;  // sorted, unique
    for (size_t w = 0; w < drawn[i].size(); ++w)
      for (uint64_t bits = drawn[i][w]; bits; bits &= bits - 1)
        gids.push_back(static_cast<uint32_t>(w * 64 + std::countr_zero(bits)));
    if (gids.empty()) continue;
    pending.push_back(i);
  }
  start_subsets(std::move(pending));

  int tag_counter = 0;
  for (size_t i = 0; i < nfaces; ++i) {
    FaceWork& work = work_[i];
    if (work.gids.empty()) continue;
    const auto& ref = book_.faces[i];
    PartWork& first = work.parts.front();
    if (!work.codes) first.ready.wait();
    const std::shared_ptr<const font::PdfFont>& sub = work.codes ? work.codes : first.subset;
    if (!sub) {
      error("cannot subset font " + ref.path + " (face " + std::to_string(ref.index) +
            "): " + first.error);
      return false;
    }
    // A subset tag unique in the document: "MOYAAA", "MOYAAB", …
    auto next_tag = [&] {
      std::string tag = "MOYAAA";
      for (int k = 5, n = tag_counter++; k >= 3; --k, n /= 26)
        tag[k] = static_cast<char>('A' + n % 26);
      return tag;
    };
    FontEntry& entry = fonts_[i];
    entry.set_codes(sub->code_of);
    entry.next_free = sub->first_free_code;
    for (size_t p = 0; p < work.parts.size(); ++p) {
      if (p > 0) entry.set_part(work.parts[p].gids, static_cast<uint8_t>(p));
      if (!add_font(entry, *sub, next_tag(), ref)) return false;
    }
  }
  return true;
}

// A CID-keyed CFF face drawing at least this many glyphs is cut in two
// parts (split_face). hb-subset's time for such a face grows with its
// glyphs and has no fixed part worth counting (docs/performance.md, "What
// hb-subset spends": about 33,000 instructions, 5 µs, a glyph of Noto
// Serif CJK, and 10,000 more to compress it; bench_subset); below this a
// part saves about 1 ms.
constexpr size_t kSplitGlyphs = 384;
// ... when the pages draw fewer than this many glyphs (of every face) per
// glyph of the face: drawing them takes the writer's thread about as long as
// the subset (the seed: 14 per glyph). A longer document's subset is made
// while its pages are drawn anyway; cutting it would only add font changes.
constexpr size_t kSplitDrawnPerGlyph = 24;

// Whether a face drawing `glyphs` distinct glyphs is cut in parts, if its
// codes are known without its subset (a CID-keyed CFF face).
bool Writer::worth_cutting(size_t glyphs) const {
  return glyphs >= kSplitGlyphs && glyphs_drawn_ < kSplitDrawnPerGlyph * glyphs;
}

// Starts making the subsets of `faces` on the writer's threads, each face
// opened once for its subset and its codes (the pages wait only for faces
// whose codes come from the subset: TrueType, so they go first; then the
// largest first). With one thread, all of them now, each face mapped only
// for its subset (a face to cut in parts is opened for its codes: the parts
// and so the file's bytes do not depend on the number of threads).
void Writer::start_subsets(std::vector<size_t> faces) {
  std::vector<std::pair<size_t, size_t>> jobs;  // face, part
  for (size_t i : faces) {
    FaceWork& work = work_[i];
    const layout::FaceRef& ref = book_.faces[i];
    std::shared_ptr<const font::Face> face;
    if (opt_.threads > 1 || worth_cutting(work.gids.size())) {
      const font::Face* held =
          opt_.threads > 1 || !opt_.fonts ? nullptr : opt_.fonts->find_face(ref.path, ref.index);
      doc::Diagnostics ignored;  // a face that cannot be opened: its subset says why
      if (held) face = std::shared_ptr<const font::Face>(held, [](const font::Face*) {});
      else face = font::open_face(ref.path, ref.index, ignored);
      // The codes of a CID-keyed CFF face, read before its subset starts:
      // the subset's thread closes the face once done with it.
      std::string unread;  // a face that cannot be read: its subset says why
      if (face)
        if (auto codes = font::cid_font_for_pdf(*face, work.gids, unread))
          work.codes = std::make_shared<const font::PdfFont>(std::move(*codes));
    }
    work.parts.resize(1);
    work.parts[0].face = std::move(face);
    if (work.codes && worth_cutting(work.gids.size())) split_face(i);
    else work.parts[0].gids = work.gids;
    for (size_t p = 0; p < work.parts.size(); ++p) jobs.emplace_back(i, p);
  }
  auto cff = [&](size_t i) {
    const auto& face = work_[i].parts[0].face;
    return face && font::info(*face).cff;
  };
  std::stable_sort(jobs.begin(), jobs.end(), [&](const auto& a, const auto& b) {
    if (cff(a.first) != cff(b.first)) return !cff(a.first);
    return work_[a.first].parts[a.second].gids.size() > work_[b.first].parts[b.second].gids.size();
  });
  auto make = [this, jobs](size_t k) { make_subset(jobs[k].first, jobs[k].second); };
  if (opt_.threads <= 1) base::run_parallel(jobs.size(), 1, make);
  else subsetting_ = base::start_parallel(jobs.size(), opt_.threads, make);
}

// Cuts a face's glyphs in two parts of equal count, subset side by side,
// each its own font resource in the PDF. The glyphs drawn most go in the
// first part, so most glyph runs draw from one font (a run changes font
// where a glyph of the other part comes); .notdef stays in the first part,
// with the codes past the glyphs that draw it.
void Writer::split_face(size_t face) {
  FaceWork& work = work_[face];
  std::vector<uint32_t> drawn(work.gids.back() + 1, 0);  // times each glyph is drawn
  for (const auto& page : book_.pages)
    for (const auto& item : page.items)
      if (const auto* run = std::get_if<GlyphRun>(&item);
          run && run->face == static_cast<int>(face))
        for (const auto& g : run->glyphs) ++drawn[g.gid];
  std::vector<uint32_t> order = work.gids;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if ((a == 0) != (b == 0)) return a == 0;
    return drawn[a] > drawn[b];
  });
  const auto half = static_cast<std::ptrdiff_t>((order.size() + 1) / 2);
  work.parts.resize(2);
  work.parts[0].gids.assign(order.begin(), order.begin() + half);
  work.parts[1].gids.assign(order.begin() + half, order.end());
  for (PartWork& part : work.parts) std::sort(part.gids.begin(), part.gids.end());
  work.parts[1].face = work.parts[0].face;
}

// One part's subset (kept from an earlier build of `watch` when it had the
// same glyphs), and its program compressed: on a writer's thread.
void Writer::make_subset(size_t face, size_t part) {
  PartWork& work = work_[face].parts[part];
  work.subset = subset_for_pdf(book_.faces[face], work.face.get(), work.gids, opt_.reuse,
                               opt_.fonts, work.error);
  // Unmapped now (once every part is made): the pages the subset read of
  // the font file would otherwise stay resident while the rest of the PDF
  // is written (20x the seed: 119 -> ~100 MB peak).
  work.face.reset();
  const font::PdfFont* sub = work.subset.get();
  // The pages wait for a TrueType subset's codes, not for its program
  // compressed (embed_programs joins this thread before reading `packed`).
  const bool codes_wanted = !sub || sub->kind == font::PdfFont::Kind::TrueType;
  if (codes_wanted) work.made.set_value();
  if (sub && opt_.compress) {
    const std::span<const std::byte> raw(sub->program);
    std::string key;  // `watch`: the program compressed by the build before
    if (opt_.reuse) {
      key.assign(reinterpret_cast<const char*>(raw.data()), raw.size());
      if (auto kept = opt_.reuse->find_stream(key)) work.packed = *kept;
    }
    if (work.packed.empty()) {
      const bool cff = sub->kind == font::PdfFont::Kind::Cff;
      work.packed = deflate(raw, cff ? StreamKind::CffProgram : StreamKind::Default);
      if (opt_.reuse && !work.packed.empty())
        opt_.reuse->keep_stream(std::move(key), std::make_shared<const std::string>(work.packed));
    }
  }
  if (!codes_wanted) work.made.set_value();
}

bool Writer::subsets_made() const {
  for (const FaceWork& work : work_)
    for (const PartWork& part : work.parts)
      if (part.ready.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
  return true;
}

// Whether a subset drew its glyphs with the codes the pages were drawn with
// (`whole`: the subset of all the face's glyphs, not of one part).
bool same_codes(const font::PdfFont& sub, const font::PdfFont& codes, bool whole) {
  if (whole) return sub.code_of == codes.code_of && sub.first_free_code == codes.first_free_code;
  for (const auto& [gid, code] : sub.code_of) {
    auto it = codes.code_of.find(gid);
    if (it == codes.code_of.end() || it->second != code) return false;
  }
  return true;
}

// Waits for the faces' subsets, checks that each drew the codes the pages
// were drawn with, and puts the font programs in their streams (compressed
// already; the raw bytes, for libharu to compress, if that failed).
bool Writer::embed_programs() {
  base::StageTimer timer(opt_.timings, base::Stage::Fonts);
  subsetting_.clear();  // joins
  for (size_t i = 0; i < work_.size(); ++i) {
    FaceWork& work = work_[i];
    const FontEntry& entry = fonts_[i];
    const auto& ref = book_.faces[i];
    for (size_t p = 0; p < entry.parts.size() && p < work.parts.size(); ++p) {
      PartWork& part = work.parts[p];
      const font::PdfFont* sub = part.subset.get();
      if (!sub) {
        error("cannot subset font " + ref.path + " (face " + std::to_string(ref.index) +
              "): " + part.error);
        return false;
      }
      if (work.codes && !same_codes(*sub, *work.codes, work.parts.size() == 1)) {
        error("internal error: the subset of " + ref.path + " (face " + std::to_string(ref.index) +
              ") does not keep the glyphs' CIDs");
        return false;
      }
      HPDF_Dict program = entry.parts[p].program;
      const bool put = part.packed.empty() ? set_raw(program, sub->program)
                                           : set_compressed(program, std::move(part.packed));
      if (!put) return fail("embedding font " + ref.path);
    }
    // libharu holds the programs now: the face's work is not held while saving.
    work = FaceWork{};
  }
  return check("embedding the fonts");
}

// A PDF name from a PostScript name: only the characters a name may hold
// unescaped (PostScript names are ASCII without delimiters anyway).
std::string pdf_name(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c > 0x20 && c < 0x7F && !std::strchr("()<>[]{}/%#", c)) out += c;
  return out.empty() ? std::string("Font") : out;
}

// The Type0 font, its CIDFont, descriptor and program stream, made with
// libharu's object layer: CIDFontType0 with FontFile3 (/CIDFontType0C) for
// CFF outlines, for which libharu has no font type (LIBRARY-NOTES.md: CFF);
// CIDFontType2 with FontFile2 for TrueType. /W, ToUnicode and the
// CIDToGIDMap are added once the pages are drawn (finish_fonts), when every
// code is known. Called once per part of a face cut in parts, each a
// resource of its own.
bool Writer::add_font(FontEntry& entry, const font::PdfFont& sub, const std::string& tag,
                      const layout::FaceRef& ref) {
  const bool truetype = sub.kind == font::PdfFont::Kind::TrueType;
  HPDF_Doc pdf = pdf_.get();
  HPDF_MMgr mmgr = pdf->mmgr;
  const std::string base = tag + "+" + pdf_name(ref.postscript_name);
  HPDF_Dict type0 = HPDF_Dict_New(mmgr);
  if (!type0 || HPDF_Xref_Add(pdf->xref, type0) != HPDF_OK)
    return fail("creating font " + ref.path);
  HPDF_Dict cid = HPDF_Dict_New(mmgr);
  if (!cid || HPDF_Xref_Add(pdf->xref, cid) != HPDF_OK) return fail("creating font " + ref.path);
  HPDF_Dict desc = HPDF_Dict_New(mmgr);
  if (!desc || HPDF_Xref_Add(pdf->xref, desc) != HPDF_OK) return fail("creating font " + ref.path);
  HPDF_Dict file = HPDF_DictStream_New(mmgr, pdf->xref);
  if (!file) return fail("creating font " + ref.path);
  if (opt_.compress) file->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  if (truetype) HPDF_Dict_AddNumber(file, "Length1", static_cast<HPDF_UINT32>(sub.program.size()));
  else HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
  defer(file);  // the program: embed_programs

  HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
  HPDF_Dict_AddName(desc, "FontName", base.c_str());
  // Symbolic (its glyphs are outside the standard Latin set); fixed pitch when it is.
  HPDF_Dict_AddNumber(desc, "Flags", 4 | (sub.fixed_pitch ? 1 : 0));
  HPDF_Array bbox = HPDF_Array_New(mmgr);
  HPDF_Dict_Add(desc, "FontBBox", bbox);
  for (double v : sub.bbox) HPDF_Array_AddNumber(bbox, static_cast<HPDF_INT32>(std::lround(v)));
  HPDF_Dict_AddNumber(desc, "ItalicAngle", static_cast<HPDF_INT32>(std::lround(sub.italic_angle)));
  HPDF_Dict_AddNumber(desc, "Ascent", static_cast<HPDF_INT32>(std::lround(sub.ascent)));
  HPDF_Dict_AddNumber(desc, "Descent", static_cast<HPDF_INT32>(std::lround(sub.descent)));
  HPDF_Dict_AddNumber(desc, "CapHeight", static_cast<HPDF_INT32>(std::lround(sub.cap_height)));
  HPDF_Dict_AddNumber(desc, "StemV", 80);
  HPDF_Dict_Add(desc, truetype ? "FontFile2" : "FontFile3", file);

  HPDF_Dict_AddName(cid, "Type", "Font");
  HPDF_Dict_AddName(cid, "Subtype", truetype ? "CIDFontType2" : "CIDFontType0");
  HPDF_Dict_AddName(cid, "BaseFont", base.c_str());
  HPDF_Dict info = HPDF_Dict_New(mmgr);
  HPDF_Dict_Add(cid, "CIDSystemInfo", info);
  HPDF_Dict_Add(info, "Registry", HPDF_String_New(mmgr, "Adobe", nullptr));
  HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mmgr, "Identity", nullptr));
  HPDF_Dict_AddNumber(info, "Supplement", 0);
  HPDF_Dict_Add(cid, "FontDescriptor", desc);
  HPDF_Dict cid_to_gid = nullptr;
  if (truetype) {
    cid_to_gid = HPDF_DictStream_New(mmgr, pdf->xref);
    if (!cid_to_gid) return fail("creating font " + ref.path);
    if (opt_.compress) cid_to_gid->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_Dict_Add(cid, "CIDToGIDMap", cid_to_gid);
  }

  HPDF_Dict_AddName(type0, "Type", "Font");
  HPDF_Dict_AddName(type0, "Subtype", "Type0");
  HPDF_Dict_AddName(type0, "BaseFont", (base + "-Identity-H").c_str());
  HPDF_Dict_AddName(type0, "Encoding", "Identity-H");
  HPDF_Array descendants = HPDF_Array_New(mmgr);
  HPDF_Dict_Add(type0, "DescendantFonts", descendants);
  HPDF_Array_Add(descendants, cid);
  HPDF_Dict cmap = HPDF_DictStream_New(mmgr, pdf->xref);
  if (!cmap) return fail("creating font " + ref.path);
  if (opt_.compress) cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  HPDF_Dict_Add(type0, "ToUnicode", cmap);
  if (!check("creating font " + ref.path)) return false;

  entry.parts.push_back({type0, cid, cmap, file, cid_to_gid});
  if (entry.parts.size() == 1)  // the face's widths, once for all its parts
    for (const auto& [code, w] : sub.width_of) entry.width(code) = static_cast<int>(std::lround(w));
  return true;
}

// /W of every font: consecutive codes share one array ("c [w1 w2 …]");
// each part of a face lists its own codes. A TrueType font's CIDToGIDMap
// reaches its last code drawn (a .notdef stand-in's, perhaps), made from its
// subset (held until embed_programs).
void Writer::finish_fonts() {
  for (size_t face = 0; face < fonts_.size(); ++face) {
    FontEntry& fe = fonts_[face];
    for (size_t part = 0; part < fe.parts.size(); ++part) {
      HPDF_MMgr mmgr = pdf_->mmgr;
      HPDF_Array w = HPDF_Array_New(mmgr);
      HPDF_Dict_Add(fe.parts[part].cid_font, "W", w);
      HPDF_Array group = nullptr;
      int last = -2;
      fe.widths.for_each([&](uint32_t key, int width) {
        const int code = static_cast<int>(key);
        if (fe.parts.size() > 1 && fe.part_of_code(static_cast<uint16_t>(code)) != part) return;
        if (code != last + 1 || !group) {
          add_number(w, code);
          group = HPDF_Array_New(mmgr);
          add_item(w, group);
        }
        add_number(group, width);
        last = code;
      });
      // Only a TrueType font has the map, and its subset was made before the
      // pages were drawn (load_fonts waited for it); a CFF face's may still
      // be in the making on another thread: not touched here.
      if (HPDF_Dict map = fe.parts[part].cid_to_gid) {
        const font::PdfFont* sub = work_[face].parts.front().subset.get();
        if (sub)  // libharu's error, if any, fails the file
          put_bytes(map, font::cid_to_gid_map(*sub, static_cast<uint32_t>(std::max(last + 1, 1))));
      }
    }
  }
}

void Writer::draw_run(HPDF_Page page, const layout::Page& lp, const GlyphRun& run,
                      const ShownRun* ahead) {
  if (run.glyphs.empty()) return;
  const FontEntry& fe = fonts_[run.face];
  if (fe.parts.empty()) return;
  // A font is named in the page's resources once a run draws from it (on a
  // libharu error the name is empty, and the error fails the file).
  auto font = [&](size_t part) -> std::string_view {
    const char* name = HPDF_Page_GetLocalFontName(page, fe.parts[part].type0);
    return name ? name : "";
  };
  const char* state = nullptr;
  if (HPDF_ExtGState gs = run_state(run, opacity_scale_))
    state = HPDF_Page_GetExtGStateName(page, gs);
  run_ops_.clear();
  run_operators(run_ops_, lp, run, font, state ? state : "", ahead);
  raw(page, run_ops_);
}

// The ExtGState of a run's fill and stroke opacity times `scale`, or null
// when both are opaque.
HPDF_ExtGState Writer::run_state(const GlyphRun& run, double scale) {
  const double fill = alpha(run.opacity > 0 ? run.opacity : 1) * scale;
  const double stroke = (run.stroke ? alpha(run.stroke->opacity) : alpha(run.opacity)) * scale;
  if (fill >= 1 && stroke >= 1) return nullptr;
  return opacity_state(run.opacity > 0 ? fill : stroke, stroke);
}

// The operators that draw `run` (its text object, the synthetic bold's or
// the label's stroke, the boxes of missing glyphs), its font named `font`
// and its ExtGState `state` ("" = none) in the resources of the content
// they go into (a page, or a transparency group's form). Records what each
// code copies as (ToUnicode).
template <typename FontName>
void Writer::run_operators(std::string& s, const layout::Page& lp, const GlyphRun& run,
                           const FontName& font, std::string_view state, const ShownRun* ahead) {
  if (run.glyphs.empty()) return;
  FontEntry& fe = fonts_[run.face];
  if (!(run.size > 0) || run.size > HPDF_MAX_FONTSIZE) {
    warn("skipped text drawn at an impossible size " + base::compact(run.size) + " pt");
    return;
  }
  // ToUnicode: each code maps to the text of the first cluster it drew. The
  // glyphs' texts are worked out only when the run has a code not mapped yet
  // or a .notdef (most runs of a book repeat codes already drawn).
  std::vector<uint16_t>& codes = codes_;
  bool need_texts = false;
  if (fe.mapped.empty()) fe.mapped.assign(0x10000, false);
  const bool split = fe.parts.size() > 1;
  std::vector<uint8_t>& parts = parts_;
  if (ahead) {
    codes = ahead->codes;  // no glyph 0 among them (show_run_ahead)
    for (uint16_t code : codes) need_texts |= !fe.mapped[code];
  } else {
    codes.resize(run.glyphs.size());
    for (size_t i = 0; i < run.glyphs.size(); ++i) {
      const int32_t part_and_code = fe.part_and_code(run.glyphs[i].gid);
      codes[i] = static_cast<uint16_t>(part_and_code);
      need_texts |= run.glyphs[i].gid == 0 || !fe.mapped[codes[i]];
    }
    if (split) parts.resize(run.glyphs.size());
    for (size_t i = 0; split && i < run.glyphs.size(); ++i)
      parts[i] = static_cast<uint8_t>(fe.part_and_code(run.glyphs[i].gid) >> 16);
  }
  std::vector<std::string> texts;
  if (need_texts) texts = glyph_texts(run);
  for (size_t i = 0; need_texts && i < run.glyphs.size(); ++i) {
    uint16_t code = codes[i];
    if (run.glyphs[i].gid == 0 && !texts[i].empty() && fe.next_free) {
      auto [it, fresh] = fe.notdef_code.emplace(texts[i], static_cast<uint16_t>(fe.next_free));
      if (fresh) {
        // The .notdef's width (every free code draws it).
        const int w = fe.width(code);
        fe.width(it->second) = w;
        if (++fe.next_free > 0xFFFD) fe.next_free = 0;
      }
      code = it->second;
    }
    codes[i] = code;
    if (!texts[i].empty() && !fe.mapped[code]) {
      fe.to_unicode.emplace(code, utf8_to_utf16(texts[i]));
      fe.mapped[code] = true;
    }
  }

  const double size = run.size;
  const double x0 = run.origin.x;
  const double y0 = lp.height - run.origin.y;
  const bool fill = run.opacity > 0;
  const bool stroke = run.stroke || run.synthetic_bold;
  // The text render mode and line style belong to the graphics state: kept
  // inside q … Q.
  const bool own_state = stroke || !fill || !state.empty();
  if (own_state) s += "q\n"sv;
  if (!state.empty()) (s += "/"sv).append(state) += " gs\n";
  if (run.stroke) {
    s += colour(run.stroke->color, true);
    s += line_style(*run.stroke);
  } else if (run.synthetic_bold) {
    // Round joins: no miter spikes on sharp corners.
    base::append_compact(s, size * 0.035);
    s += " w 1 j\n"sv;
    s += colour(run.color, true);
  }
  s += "BT\n"sv;
  s += colour(run.color, false);
  auto set_font = [&](size_t part) {
    (s += "/"sv).append(font(part)) += ' ';
    base::append_compact(s, size);
    s += " Tf\n"sv;
  };
  set_font(ahead ? ahead->first_part : split ? parts[0] : 0);
  // Render mode: fill then stroke (SVG's paint order), outlines only, or
  // neither (text that copies but is not seen).
  if (stroke) s += fill ? "2 Tr\n"sv : "1 Tr\n"sv;
  else if (!fill) s += "3 Tr\n"sv;
  if (ahead) {
    size_t from = 0;
    for (const auto& [at, part] : ahead->font_changes) {
      s.append(ahead->ops, from, at - from);
      set_font(part);
      from = at;
    }
    s.append(ahead->ops, from);
  } else {
    text_matrix_start(matrix_, run);
    show_glyphs(
        s, run, codes.data(), split ? parts.data() : nullptr, x0, y0, matrix_, pdfa() || ua_,
        dropped_notdefs_, [&](uint16_t code) { return fe.width(code); }, set_font);
  }
  s += "ET\n"sv;
  if (need_texts) s += notdef_boxes(run, x0, y0, texts);
  if (own_state) s += "Q\n"sv;
}

ShownPage Writer::show_ahead(size_t index) const {
  const layout::Page& lp = book_.pages[index];
  ShownPage shown(lp.items.size());
  for (size_t i = 0; i < lp.items.size(); ++i)
    if (const auto* run = std::get_if<GlyphRun>(&lp.items[i])) {
      try {
        shown[i].ready = show_run_ahead(lp, *run, shown[i]);
      } catch (...) {  // out of memory: the writer's thread formats it
        shown[i] = {};
      }
    }
  return shown;
}

// What run_operators would show for `run`, made from what the writer's
// thread only reads while it draws: the codes and parts by glyph id and the
// widths of the subset's codes (set by load_fonts). Runs drawing a .notdef
// (their codes are chosen as the pages are drawn), at an impossible size,
// or with a glyph without a code or a width are left to the writer's thread
// (false), which says what is wrong as before.
bool Writer::show_run_ahead(const layout::Page& lp, const GlyphRun& run, ShownRun& out) const {
  if (run.glyphs.empty() || !(run.size > 0) || run.size > HPDF_MAX_FONTSIZE || run.face < 0 ||
      static_cast<size_t>(run.face) >= fonts_.size())
    return false;
  const FontEntry& fe = fonts_[run.face];
  if (fe.parts.empty()) return false;
  const size_t n = run.glyphs.size();
  out.codes.resize(n);
  std::vector<uint8_t> parts;
  const bool split = fe.parts.size() > 1;
  if (split) parts.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t gid = run.glyphs[i].gid;
    const int32_t part_and_code = fe.code_by_gid.get(gid);
    if (gid == 0 || part_and_code == FontEntry::kNoCode) return false;
    const auto code = static_cast<uint16_t>(part_and_code);
    if (fe.widths.get(code) == FontEntry::kNoWidth) return false;
    out.codes[i] = code;
    if (split) parts[i] = static_cast<uint8_t>(part_and_code >> 16);
  }
  out.first_part = split ? parts[0] : 0;
  std::string matrix;
  text_matrix_start(matrix, run);
  int dropped = 0;  // none: no glyph 0
  show_glyphs(
      out.ops, run, out.codes.data(), split ? parts.data() : nullptr, run.origin.x,
      lp.height - run.origin.y, matrix, false, dropped,
      [&](uint16_t code) { return fe.widths.get(code); },
      [&](uint8_t part) { out.font_changes.emplace_back(out.ops.size(), part); });
  return true;
}

// The colour operator of `c` (fill "rg"/"k" or stroke "RG"/"K"): formatted
// once per colour, as a book draws thousands of runs in a few colours.
const std::string& Writer::colour(const layout::Color& c, bool stroke) {
  for (const auto& [key, op] : colours_)
    if (key.first == c && key.second == stroke) return op;
  colours_.emplace_back(std::pair{c, stroke}, color_operator(c, stroke, cmyk()));
  return colours_.back().second;
}

// A character no installed face has is drawn with its face's .notdef, which
// PDF viewers leave blank: outline a box over its advance so the gap is
// seen (the text underneath still copies as the character).
std::string Writer::notdef_boxes(const GlyphRun& run, double x0, double y0,
                                 const std::vector<std::string>& texts) {
  std::string s;
  const double size = run.size;
  double pen = 0;
  for (size_t i = 0; i < run.glyphs.size(); ++i) {
    const auto& g = run.glyphs[i];
    if (g.gid == 0 && !texts[i].empty() && g.advance > 0) {
      const double x = x0 + pen + g.x_offset + g.advance * 0.1;
      const double w = g.advance * 0.8;
      const double y = y0 + g.y_offset - size * 0.1;
      s += base::compact(x) + " " + base::compact(y) + " " + base::compact(w) + " " +
           base::compact(size * 0.85) + " re\n";
    }
    pen += g.advance;
  }
  if (s.empty()) return s;
  return "q\n" + base::compact(size * 0.04) + " w [] 0 d\n" +
         color_operator(run.color, true, cmyk()) + s + "S\nQ\n";
}

// A raster as a libharu image: 8-bit pixels in their colour space, the
// alpha channel as a separate soft mask (libharu's own PNG loader mishandles
// 16-bit and some palette files, and has no CMYK or WebP/GIF at all).
HPDF_Image Writer::load_raster(const image::Raster& r) {
  auto space = [](image::ColorSpace s) {
    return s == image::ColorSpace::Gray   ? HPDF_CS_DEVICE_GRAY
           : s == image::ColorSpace::Cmyk ? HPDF_CS_DEVICE_CMYK
                                          : HPDF_CS_DEVICE_RGB;
  };
  // The pixels in the file's colour model: RGB through the CMYK profile for
  // print; a CMYK image as RGB in a PDF/A whose OutputIntent is sRGB.
  std::vector<uint8_t> converted;
  image::ColorSpace cs = r.space;
  if (cmyk() && cs == image::ColorSpace::Rgb) {
    converted = cmyk()->convert_pixels(r.pixels);
    cs = image::ColorSpace::Cmyk;
  } else if (!cmyk() && standard_ != Standard::None && cs == image::ColorSpace::Cmyk) {
    converted = cmyk_pixels_to_rgb(r.pixels);
    cs = image::ColorSpace::Rgb;
  }
  const std::vector<uint8_t>& pixels = converted.empty() ? r.pixels : converted;
  HPDF_Image img =
      HPDF_LoadRawImageFromMem(pdf_.get(), pixels.data(), static_cast<HPDF_UINT>(r.width),
                               static_cast<HPDF_UINT>(r.height), space(cs), 8);
  if (!img || r.alpha.empty()) return img;
  HPDF_Image mask =
      HPDF_LoadRawImageFromMem(pdf_.get(), r.alpha.data(), static_cast<HPDF_UINT>(r.width),
                               static_cast<HPDF_UINT>(r.height), HPDF_CS_DEVICE_GRAY, 8);
  if (!mask || HPDF_Image_AddSMask(img, mask) != HPDF_OK) return nullptr;
  transparency_ = true;
  return img;
}

// A PNG's pixels as the file compressed them (image::png_stream): an image
// XObject made through the object layer, /FlateDecode with the PNG
// predictors, its bytes written as they are (libharu has no such image).
HPDF_Image Writer::load_png_stream(std::string_view png) {
  std::optional<image::PngStream> stream = image::png_stream(png);
  if (!stream) return nullptr;
  HPDF_Doc pdf = pdf_.get();
  HPDF_Dict img = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
  if (!img) return nullptr;
  img->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;  // what HPDF_Page_DrawImage checks
  img->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  HPDF_Dict_AddName(img, "Type", "XObject");
  HPDF_Dict_AddName(img, "Subtype", "Image");
  HPDF_Dict_AddNumber(img, "Width", static_cast<HPDF_UINT32>(stream->width));
  HPDF_Dict_AddNumber(img, "Height", static_cast<HPDF_UINT32>(stream->height));
  HPDF_Dict_AddName(img, "ColorSpace", stream->colors == 1 ? "DeviceGray" : "DeviceRGB");
  HPDF_Dict_AddNumber(img, "BitsPerComponent", 8);
  // libharu writes /Filter as an array: /DecodeParms must be one too.
  HPDF_Array decode = HPDF_Array_New(pdf->mmgr);
  HPDF_Dict_Add(img, "DecodeParms", decode);
  HPDF_Dict parms = HPDF_Dict_New(pdf->mmgr);
  HPDF_Array_Add(decode, parms);
  HPDF_Dict_AddNumber(parms, "Predictor", 15);  // PNG: each row names its filter
  HPDF_Dict_AddNumber(parms, "Colors", stream->colors);
  HPDF_Dict_AddNumber(parms, "BitsPerComponent", 8);
  HPDF_Dict_AddNumber(parms, "Columns", static_cast<HPDF_UINT32>(stream->width));
  if (!set_compressed(img, std::move(stream->idat))) return nullptr;
  return img;
}

HPDF_Image Writer::load_image(const std::string& key) {
  if (auto it = images_.find(key); it != images_.end()) return it->second;
  image::Catalog& catalog = opt_.images ? *opt_.images : own_images_;
  const image::Entry& e = catalog.entry(key);
  auto skip = [&](const std::string& why) -> HPDF_Image {
    // Only reached for a layout::Book made without the catalog (the
    // typesetter places only images the catalog could read).
    warn("image " + std::filesystem::path(key).filename().string() +
         " left out of the PDF: " + why);
    images_[key] = nullptr;
    return nullptr;
  };
  if (!e.ok())
    return skip(
        image::describe(e, std::filesystem::path(key).filename().string(), catalog.limits()));
  HPDF_Image img = nullptr;
  if (e.jpeg_passthrough && !cmyk()) {
    img = HPDF_LoadJpegImageFromMem(pdf_.get(), reinterpret_cast<const HPDF_BYTE*>(e.bytes->data()),
                                    static_cast<HPDF_UINT>(e.bytes->size()));
  } else if (e.png_passthrough && !cmyk() && opt_.compress) {
    img = load_png_stream(*e.bytes);
  } else if (std::optional<image::Raster> r = catalog.take_raster(key)) {
    img = load_raster(*r);
  } else {
    return skip("cannot be decoded");
  }
  if (!img || !log_.errors.empty()) {
    std::string why = log_.errors.empty()
                          ? std::string("libharu could not load it")
                          : describe(log_.errors.front().first, log_.errors.front().second);
    forget_errors();
    return skip(why);
  }
  images_[key] = img;
  return img;
}

// Pixels handed over in the book (an SVG rasterized for the fallback): RGB
// with the alpha plane as a soft mask.
HPDF_Image Writer::load_pixels(const layout::Pixels& px) {
  if (auto it = pixel_images_.find(&px); it != pixel_images_.end()) return it->second;
  HPDF_Image img = nullptr;
  const size_t n = static_cast<size_t>(px.width) * static_cast<size_t>(px.height);
  if (px.width > 0 && px.height > 0 && px.rgb.size() == n * 3 &&
      (px.alpha.empty() || px.alpha.size() == n)) {
    if (cmyk()) {
      const std::vector<uint8_t> ink = cmyk()->convert_pixels(px.rgb);
      img = HPDF_LoadRawImageFromMem(pdf_.get(), ink.data(), static_cast<HPDF_UINT>(px.width),
                                     static_cast<HPDF_UINT>(px.height), HPDF_CS_DEVICE_CMYK, 8);
    } else {
      img = HPDF_LoadRawImageFromMem(pdf_.get(), px.rgb.data(), static_cast<HPDF_UINT>(px.width),
                                     static_cast<HPDF_UINT>(px.height), HPDF_CS_DEVICE_RGB, 8);
    }
    if (img && !px.alpha.empty()) {
      HPDF_Image mask =
          HPDF_LoadRawImageFromMem(pdf_.get(), px.alpha.data(), static_cast<HPDF_UINT>(px.width),
                                   static_cast<HPDF_UINT>(px.height), HPDF_CS_DEVICE_GRAY, 8);
      if (!mask || HPDF_Image_AddSMask(img, mask) != HPDF_OK) img = nullptr;
      else transparency_ = true;
    }
  }
  if (!img || !log_.errors.empty()) {
    forget_errors();
    warn("a drawn image (" + std::to_string(px.width) + "×" + std::to_string(px.height) +
         " pixels) left out of the PDF");
    img = nullptr;
  }
  pixel_images_[&px] = img;
  return img;
}

void Writer::draw_image(HPDF_Page page, const layout::Page& lp, const layout::ImageBox& ib) {
  HPDF_Image img = ib.pixels ? load_pixels(*ib.pixels) : load_image(ib.path);
  if (!img) return;
  HPDF_Page_DrawImage(page, img, static_cast<HPDF_REAL>(ib.box.x),
                      static_cast<HPDF_REAL>(lp.height - ib.box.y - ib.box.height),
                      static_cast<HPDF_REAL>(ib.box.width), static_cast<HPDF_REAL>(ib.box.height));
}

// One ExtGState per distinct (fill, stroke) opacity pair in the document.
HPDF_ExtGState Writer::opacity_state(double fill, double stroke) {
  auto key = std::make_pair(fill, stroke);
  if (auto it = opacity_states_.find(key); it != opacity_states_.end()) return it->second;
  HPDF_ExtGState gs = HPDF_CreateExtGState(pdf_.get());
  if (!gs) return nullptr;
  HPDF_ExtGState_SetAlphaFill(gs, static_cast<HPDF_REAL>(fill));
  HPDF_ExtGState_SetAlphaStroke(gs, static_cast<HPDF_REAL>(stroke));
  opacity_states_.emplace(key, gs);
  transparency_ = true;
  return gs;
}

namespace {

// The index of the end marker of the group that starts at `begin`
// (items.size() when it is not closed on the page).
size_t group_end(const std::vector<layout::Item>& items, size_t begin) {
  int depth = 0;
  for (size_t i = begin; i < items.size(); ++i)
    if (const auto* g = std::get_if<layout::Group>(&items[i])) {
      depth += g->end ? -1 : 1;
      if (depth == 0) return i;
    }
  return items.size();
}

// Segments as bytes: equal bytes, one outline (cheaper to compare than
// their operators, which a shape needs once).
std::string segment_bytes(const layout::Outline& outline) {
  std::string key;
  auto put = [&](const auto& v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  using Op = layout::PathSegment::Op;
  for (const layout::PathSegment& seg : outline) {
    key += static_cast<char>(seg.op);
    const int used = seg.op == Op::Cubic ? 3 : seg.op == Op::Close ? 0 : 1;
    for (int k = 0; k < used; ++k) {
      put(seg.p[k].x);
      put(seg.p[k].y);
    }
  }
  return key;
}

// What makes two paths one shape: their outline (Writer::outline_id) and
// their paint.
std::string shape_key(size_t outline, const layout::Path& path) {
  std::string key;
  auto put = [&](const auto& v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(outline);
  if (path.fill) {
    key += path.fill->even_odd ? 'F' : 'f';
    put(path.fill->color.r), put(path.fill->color.g), put(path.fill->color.b);
  }
  if (const std::optional<layout::PathStroke>& st = path.stroke) {
    key += 'S';
    put(st->color.r), put(st->color.g), put(st->color.b), put(st->width), put(st->miter_limit);
    key += static_cast<char>(st->cap);
    key += static_cast<char>(st->join);
    for (double d : st->dash) put(d);
    put(st->dash_phase);
  }
  return key;
}

}  // namespace

// What a form XObject's content names: its /Resources, each object under
// the name it was first given.
struct FormResources {
  std::vector<std::pair<std::string, HPDF_Dict>> fonts, states, xobjects;

  static std::string name(std::vector<std::pair<std::string, HPDF_Dict>>& list, char prefix,
                          HPDF_Dict obj) {
    for (const auto& [n, o] : list)
      if (o == obj) return n;
    list.emplace_back(prefix + std::to_string(list.size()), obj);
    return list.back().first;
  }
};

// A form XObject with bounds `b`, its content and resources still to add.
HPDF_Dict Writer::new_form(const Bounds& b) {
  HPDF_Doc pdf = pdf_.get();
  HPDF_MMgr mmgr = pdf->mmgr;
  HPDF_Dict form = HPDF_DictStream_New(mmgr, pdf->xref);
  if (!form) return nullptr;
  form->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;  // HPDF_Page_ExecuteXObject checks it
  if (opt_.compress) form->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  HPDF_Dict_AddName(form, "Type", "XObject");
  HPDF_Dict_AddName(form, "Subtype", "Form");
  HPDF_Array bbox = HPDF_Array_New(mmgr);
  for (double v : {b.x0, b.y0, b.x1, b.y1}) HPDF_Array_AddReal(bbox, static_cast<HPDF_REAL>(v));
  HPDF_Dict_Add(form, "BBox", bbox);
  return form;
}

// A transparency group (ISO 32000-1 §11.6.6) as a form XObject in page
// space: its items (paths, text set in the book's fonts, images, rules) are
// composited together inside the form, and the page paints the form once
// with the group's opacity (draw_page), so overlapping items do not show
// through each other. Nested groups are nested forms. Null when an item
// cannot go into a form (a link, a tag, a turn: the layout of an SVG figure
// has none), or libharu fails.
HPDF_Dict Writer::group_form(const layout::Page& lp, size_t begin, size_t end) {
  std::string content;
  Bounds b;
  FormResources res;
  auto state_op = [&](double fill, double stroke) -> std::optional<std::string> {
    if (fill >= 1 && stroke >= 1) return std::string();
    HPDF_ExtGState state = opacity_state(fill, stroke);
    if (!state) return std::nullopt;
    return "/" + FormResources::name(res.states, 'G', state) + " gs\n";
  };
  for (size_t i = begin + 1; i < end; ++i) {
    const layout::Item& item = lp.items[i];
    if (const auto* g = std::get_if<layout::Group>(&item)) {
      const size_t inner_end = group_end(lp.items, i);
      if (inner_end >= end) return nullptr;
      HPDF_Dict inner = group_form(lp, i, inner_end);
      if (!inner) return nullptr;
      const double a = alpha(g->opacity);
      auto gs = state_op(a, a);
      if (!gs) return nullptr;
      content += "q\n" + *gs + "/" + FormResources::name(res.xobjects, 'X', inner) + " Do\nQ\n";
      if (auto box = static_cast<HPDF_Array>(HPDF_Dict_GetItem(inner, "BBox", HPDF_OCLASS_ARRAY))) {
        auto at = [&](HPDF_UINT k) {
          auto* r = static_cast<HPDF_Real>(HPDF_Array_GetItem(box, k, HPDF_OCLASS_REAL));
          return r ? double{r->value} : 0.0;
        };
        b.add(at(0), at(1), at(2), at(3));
      }
      i = inner_end;
    } else if (const auto* own = std::get_if<layout::Path>(&item)) {
      // A shape in its own coordinates is flattened here (a group's form
      // holds page coordinates); a page-coordinate path is used as it is.
      std::optional<layout::Path> flat;
      if (!own->transform.identity()) flat = layout::placed(*own);
      const layout::Path* path = flat ? &*flat : own;
      const std::string ops = path_operators(*path, lp.height, cmyk());
      if (ops.empty()) continue;
      auto gs = state_op(path->fill ? alpha(path->fill->opacity) : 1,
                         path->stroke ? alpha(path->stroke->opacity) : 1);
      if (!gs) return nullptr;
      content += "q\n" + *gs + ops + "Q\n";
      // The bounding box: the points, widened by what a stroke can reach.
      double reach = 1;
      if (path->stroke) reach += path->stroke->width / 2 * std::max(1.0, path->stroke->miter_limit);
      for (const layout::PathSegment& seg : path->segments())
        for (const layout::Point& pt : seg.p)
          b.add(pt.x - reach, lp.height - pt.y - reach, pt.x + reach, lp.height - pt.y + reach);
    } else if (const auto* run = std::get_if<GlyphRun>(&item)) {
      if (run->glyphs.empty()) continue;
      const FontEntry& fe = fonts_[run->face];
      if (fe.parts.empty()) return nullptr;
      auto font = [&](size_t part) {
        return FormResources::name(res.fonts, 'F', fe.parts[part].type0);
      };
      std::string state;
      if (HPDF_ExtGState gs = run_state(*run, 1)) state = FormResources::name(res.states, 'G', gs);
      run_operators(content, lp, *run, font, state);
      // Generous bounds: the advance, a size's room on every side, the stroke.
      double width = 0;
      for (const layout::Glyph& gl : run->glyphs)
        width += std::abs(gl.advance) + std::abs(gl.x_offset);
      const double room = run->size * (1.5 + std::abs(run->synthetic_slant)) +
                          (run->stroke ? run->stroke->width * run->stroke->miter_limit : 0);
      const double y = lp.height - run->origin.y;
      b.add(run->origin.x - room, y - room, run->origin.x + width + room, y + room);
    } else if (const auto* img = std::get_if<layout::ImageBox>(&item)) {
      HPDF_Image image = img->pixels ? load_pixels(*img->pixels) : load_image(img->path);
      if (!image) continue;  // reported by the loader, as on a page
      const layout::Box& box = img->box;
      const double y = lp.height - box.y - box.height;
      content += "q\n" + base::compact(box.width) + " 0 0 " + base::compact(box.height) + " " +
                 base::compact(box.x) + " " + base::compact(y) + " cm\n/" +
                 FormResources::name(res.xobjects, 'I', image) + " Do\nQ\n";
      b.add(box.x, y, box.x + box.width, y + box.height);
    } else if (const auto* rule = std::get_if<layout::Rule>(&item)) {
      const double w = std::clamp(rule->width, 0.0, double{HPDF_MAX_LINEWIDTH});
      content += base::compact(w) + " w\n" + color_operator(rule->color, true, cmyk()) +
                 base::compact(rule->from.x) + " " + base::compact(lp.height - rule->from.y) +
                 " m\n" + base::compact(rule->to.x) + " " + base::compact(lp.height - rule->to.y) +
                 " l\nS\n";
      b.add(rule->from.x - w, lp.height - rule->from.y - w, rule->to.x + w,
            lp.height - rule->to.y + w);
    } else if (const auto* rect = std::get_if<layout::Rect>(&item)) {
      const layout::Box& box = rect->box;
      const double y = lp.height - box.y - box.height;
      content += color_operator(rect->fill, false, cmyk()) + base::compact(box.x) + " " +
                 base::compact(y) + " " + base::compact(box.width) + " " +
                 base::compact(box.height) + " re\nf\n";
      b.add(box.x, y, box.x + box.width, y + box.height);
    } else if (!std::holds_alternative<layout::Anchor>(item)) {
      return nullptr;  // a link, a tag, a turn, marked text: drawn by the page
    }
  }
  if (!(b.x0 < b.x1 && b.y0 < b.y1) || !std::isfinite(b.x0 + b.y0 + b.x1 + b.y1))
    b.x0 = b.y0 = b.x1 = b.y1 = 0;
  HPDF_Dict form = new_form(b);
  if (!form) return nullptr;
  HPDF_MMgr mmgr = pdf_.get()->mmgr;
  HPDF_Dict group = HPDF_Dict_New(mmgr);
  HPDF_Dict_AddName(group, "Type", "Group");
  HPDF_Dict_AddName(group, "S", "Transparency");
  HPDF_Dict_Add(form, "Group", group);
  HPDF_Dict resources = HPDF_Dict_New(mmgr);
  for (auto [key, list] : {std::pair{"Font", &res.fonts}, std::pair{"ExtGState", &res.states},
                           std::pair{"XObject", &res.xobjects}}) {
    if (list->empty()) continue;
    HPDF_Dict dict = HPDF_Dict_New(mmgr);
    for (auto& [name, obj] : *list) HPDF_Dict_Add(dict, name.c_str(), obj);
    HPDF_Dict_Add(resources, key, dict);
  }
  HPDF_Dict_Add(form, "Resources", resources);
  if (!put_bytes(form, std::move(content))) return nullptr;
  transparency_ = true;
  return form;
}

void Writer::draw_path(HPDF_Page page, const layout::Page& lp, const layout::Path& path) {
  // A shape in its own coordinates: its operators with y turned up (page
  // height 0), made once, and the transform onto the page, y turned again,
  // as `cm`.
  const bool own = !path.transform.identity();
  if (path.segments().empty() || (!path.fill && !path.stroke)) return;
  double fill = (path.fill ? alpha(path.fill->opacity) : 1) * opacity_scale_;
  double stroke = (path.stroke ? alpha(path.stroke->opacity) : 1) * opacity_scale_;
  HPDF_Page_GSave(page);
  if (fill < 1 || stroke < 1)
    if (HPDF_ExtGState gs = opacity_state(fill, stroke)) HPDF_Page_SetExtGState(page, gs);
  if (own) {
    Shape& shape = shapes_[shape_key(outline_id(*path.outline), path)];
    if (shape.uses == 0) shape.ops = path_operators(path, 0, cmyk());
    if (shape.ops.empty()) {
      HPDF_Page_GRestore(page);
      return;
    }
    const layout::Transform& t = path.transform;
    // The scale to six decimals (a glyph is 1,000 units to the em: 0.001 pt
    // at its edge), the place to three, as every coordinate.
    std::string cm;
    for (double v : {t.a, -t.b, -t.c, t.d}) cm += base::compact(v, 6) + " ";
    cm += base::compact(t.e) + " " + base::compact(lp.height - t.f) + " cm\n";
    raw(page, cm);
    if (++shape.uses == 2) shape.form = shape_form(path, shape.ops);
    if (shape.form) HPDF_Page_ExecuteXObject(page, shape.form);
    else raw(page, shape.ops);
  } else {
    raw(page, path_operators(path, lp.height, cmyk()));
  }
  HPDF_Page_GRestore(page);
}

size_t Writer::outline_id(const layout::Outline& outline) {
  auto [it, fresh] = outline_ids_.try_emplace(&outline, 0);
  if (fresh)
    it->second =
        outline_numbers_.try_emplace(segment_bytes(outline), outline_numbers_.size()).first->second;
  return it->second;
}

HPDF_Dict Writer::shape_form(const layout::Path& path, const std::string& ops) {
  // Its bounds in its own space (y turned up), widened by the stroke's reach.
  Bounds b;
  double reach = 0;
  if (path.stroke) reach = path.stroke->width / 2 * std::max(1.0, path.stroke->miter_limit);
  for (const layout::PathSegment& seg : path.segments())
    for (const layout::Point& pt : seg.p)
      b.add(pt.x - reach, -pt.y - reach, pt.x + reach, -pt.y + reach);
  if (!(b.x0 <= b.x1 && b.y0 <= b.y1) || !std::isfinite(b.x0 + b.y0 + b.x1 + b.y1)) return nullptr;
  HPDF_Dict form = new_form(b);
  if (!form) return nullptr;
  HPDF_MMgr mmgr = pdf_.get()->mmgr;
  HPDF_Dict_Add(form, "Resources", HPDF_Dict_New(mmgr));
  if (!put_bytes(form, std::string(ops))) return nullptr;
  return form;
}

HPDF_Destination Writer::destination(const AnchorPlace& place) {
  const layout::Page& lp = book_.pages[place.page];
  HPDF_Destination dst = HPDF_Page_CreateDestination(pages_[place.page]);
  if (!dst) return nullptr;
  double top = std::clamp(lp.height - place.y, 0.0, lp.height);
  // libharu rejects zoom 0 ("keep the reader's zoom"): set 1, then patch.
  HPDF_Destination_SetXYZ(dst, 0, static_cast<HPDF_REAL>(top), 1);
  if (auto* zoom = static_cast<HPDF_Real>(HPDF_Array_GetItem(dst, 4, HPDF_OCLASS_REAL)))
    zoom->value = 0;
  return dst;
}

void Writer::add_link(HPDF_Page page, const layout::Page& lp, const layout::LinkArea& link) {
  // A print file (PDF/X) has no interactive links: annotations over the
  // trimmed page are not allowed there.
  if (standard_ == Standard::X4) return;
  // In a tagged PDF an annotation belongs to an element: a link outside
  // the book's tagged content (in an artifact) is not made clickable.
  if (opt_.tagged && !book_.structure.empty() && tags_.open.empty()) return;
  HPDF_Rect rect;
  rect.left = static_cast<HPDF_REAL>(link.box.x);
  rect.right = static_cast<HPDF_REAL>(link.box.x + link.box.width);
  rect.top = static_cast<HPDF_REAL>(lp.height - link.box.y);
  rect.bottom = static_cast<HPDF_REAL>(lp.height - link.box.y - link.box.height);
  HPDF_Annotation annot = nullptr;
  if (!link.dest.empty()) {
    std::string name = link.dest[0] == '#' ? link.dest.substr(1) : link.dest;
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      warn("link to #" + name + " has no target in the document");
      return;
    }
    HPDF_Destination dst = destination(it->second);
    if (!dst) return;
    annot = HPDF_Page_CreateLinkAnnot(page, rect, dst);
  } else if (!link.uri.empty()) {
    annot = HPDF_Page_CreateURILinkAnnot(page, rect, escape_uri(link.uri).c_str());
  } else {
    return;
  }
  if (!annot) return;
  HPDF_LinkAnnot_SetBorderStyle(annot, 0, 0, 0);
  if (standard_ != Standard::None) HPDF_Dict_AddNumber(annot, "F", 4);  // Print: PDF/A
  tag_link(page, annot, link.text.empty() ? (link.dest.empty() ? link.uri : link.dest) : link.text);
}

void Writer::draw_page(size_t index) {
  const layout::Page& lp = book_.pages[index];
  HPDF_Page page = pages_[index];
  opacity_scale_ = 1;
  opacity_scales_.clear();
  for (size_t i = 0; i < lp.items.size(); ++i) {
    const layout::Item& item = lp.items[i];
    const bool drawn =
        !std::holds_alternative<layout::LinkArea>(item) &&
        !std::holds_alternative<layout::Anchor>(item) &&
        !std::holds_alternative<layout::ActualText>(item) &&
        !std::holds_alternative<layout::Tag>(item) && !std::holds_alternative<layout::Turn>(item) &&
        !(std::holds_alternative<layout::Group>(item) && std::get<layout::Group>(item).end);
    if (opt_.tagged && drawn) open_content(page, index);
    if (const auto* group = std::get_if<layout::Group>(&item)) {
      if (group->end) {  // of a group drawn one by one
        if (!opacity_scales_.empty()) {
          opacity_scale_ = opacity_scales_.back();
          opacity_scales_.pop_back();
        }
        continue;
      }
      const size_t end = group_end(lp.items, i);
      const double a = alpha(group->opacity) * opacity_scale_;
      if (end < lp.items.size()) {
        if (HPDF_Dict form = group_form(lp, i, end)) {
          HPDF_Page_GSave(page);
          if (a < 1)
            if (HPDF_ExtGState gs = opacity_state(a, a)) HPDF_Page_SetExtGState(page, gs);
          HPDF_Page_ExecuteXObject(page, form);
          HPDF_Page_GRestore(page);
          i = end;
          continue;
        }
      }
      // Something a form cannot hold (never in an SVG figure's layout), or
      // the group is not closed on the page: each item faded by the group's
      // opacity, where overlaps show through.
      warn("a group drawn at " + base::compact(a * 100) + " % opacity on page " +
           std::to_string(index + 1) +
           " holds items a transparency group cannot; its parts are faded one by one");
      opacity_scales_.push_back(opacity_scale_);
      opacity_scale_ = a;
    } else if (const auto* tag = std::get_if<layout::Tag>(&item)) {
      if (!opt_.tagged) continue;
      if (tag->end) tag_end(page, tag->element);
      else tag_begin(page, index, tag->element);
    } else if (const auto* run = std::get_if<GlyphRun>(&item)) {
      draw_run(page, lp, *run, i < shown_.size() && shown_[i].ready ? &shown_[i] : nullptr);
    } else if (const auto* rule = std::get_if<layout::Rule>(&item)) {
      HPDF_Page_SetLineWidth(
          page, static_cast<HPDF_REAL>(std::clamp(rule->width, 0.0, double{HPDF_MAX_LINEWIDTH})));
      set_stroke(page, rule->color);
      HPDF_Page_MoveTo(page, static_cast<HPDF_REAL>(rule->from.x),
                       static_cast<HPDF_REAL>(lp.height - rule->from.y));
      HPDF_Page_LineTo(page, static_cast<HPDF_REAL>(rule->to.x),
                       static_cast<HPDF_REAL>(lp.height - rule->to.y));
      HPDF_Page_Stroke(page);
    } else if (const auto* rect = std::get_if<layout::Rect>(&item)) {
      set_fill(page, rect->fill);
      HPDF_Page_Rectangle(page, static_cast<HPDF_REAL>(rect->box.x),
                          static_cast<HPDF_REAL>(lp.height - rect->box.y - rect->box.height),
                          static_cast<HPDF_REAL>(rect->box.width),
                          static_cast<HPDF_REAL>(rect->box.height));
      HPDF_Page_Fill(page);
    } else if (const auto* img = std::get_if<layout::ImageBox>(&item)) {
      draw_image(page, lp, *img);
    } else if (const auto* link = std::get_if<layout::LinkArea>(&item)) {
      add_link(page, lp, *link);
    } else if (const auto* path = std::get_if<layout::Path>(&item)) {
      draw_path(page, lp, *path);
    } else if (const auto* turn = std::get_if<layout::Turn>(&item)) {
      // A quarter turn counter-clockwise about the pivot, in PDF space (y up);
      // marked content stays inside the q … Q.
      if (opt_.tagged) close_content(page);
      if (turn->end) {
        HPDF_Page_GRestore(page);
      } else {
        const double px = turn->pivot.x, py = lp.height - turn->pivot.y;
        HPDF_Page_GSave(page);
        HPDF_Page_Concat(page, 0, 1, -1, 0, static_cast<HPDF_REAL>(px + py),
                         static_cast<HPDF_REAL>(py - px));
      }
    } else if (const auto* span = std::get_if<layout::ActualText>(&item)) {
      // Marked content: what copying the bracketed drawing gives (a formula's TeX).
      if (opt_.tagged) close_content(page);
      if (span->end) raw(page, "EMC\n");
      else raw(page, "/Span <</ActualText " + utf16_hex_string(span->text) + ">> BDC\n");
    }
  }
  if (opt_.tagged) {
    close_content(page);
    tags_.open.clear();
  }
}

// ---- Tagging (ISO 32000-1 §14.7–14.8, PDF/UA-1).
// Content inside Tag markers goes into "/Type <</MCID n>> BDC … EMC"
// sequences of its innermost element; everything else is drawn as
// "/Artifact BMC … EMC" (running heads, page numbers, rules, backgrounds).
// Sequences open lazily at the first drawn item and close at every marker,
// so nested elements never share a sequence.

// Top-level elements come in the order their content is met; an element's
// descendants are made with it, in Book::structure order (the typesetter's
// reading order), so a list item's label precedes its body wherever drawn.
// Inline elements (links, inline formulas) are made where their content is
// met instead, among their parent's marked content.
HPDF_Dict Writer::struct_element(int index) {
  if (tags_.elements[index]) return tags_.elements[index];
  const layout::StructElement& se = book_.structure[index];
  const int parent = se.parent;
  HPDF_Dict parent_dict = tags_.document;
  if (parent >= 0 && parent < index) {
    parent_dict = struct_element(parent);
    if (tags_.elements[index]) return tags_.elements[index];  // made with its parent
  }
  if (!parent_dict) return nullptr;
  HPDF_Doc pdf = pdf_.get();
  HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
  if (!d || add_object(pdf, d) != HPDF_OK) return nullptr;
  // No /Type: optional for a structure element (ISO 32000-1 Table 323), and
  // a name in libharu costs about 300 bytes per element of a long book.
  HPDF_Dict_AddName(d, "S", pdf_name(se.type).c_str());
  HPDF_Dict_Add(d, "P", parent_dict);
  HPDF_Dict_Add(d, "K", HPDF_Array_New(pdf->mmgr));
  if (!se.alt.empty()) set_text(d, "Alt", se.alt);
  if (!se.actual.empty()) set_text(d, "ActualText", se.actual);
  if (se.type == "Note") {  // PDF/UA: a Note has an ID, unique in the file (and the IDTree)
    std::string id = "note-" + std::to_string(index);
    HPDF_Dict_Add(d, "ID", HPDF_String_New(pdf->mmgr, id.c_str(), nullptr));
    tags_.ids.emplace_back(std::move(id), d);
  }
  if (se.type == "TH") {  // header cells head their column (PDF/UA: TH has a scope)
    HPDF_Dict attr = HPDF_Dict_New(pdf->mmgr);
    if (attr) {
      HPDF_Dict_AddName(attr, "O", "Table");
      HPDF_Dict_AddName(attr, "Scope", "Column");
      HPDF_Dict_Add(d, "A", attr);
    }
  }
  if (auto* kids = static_cast<HPDF_Array>(HPDF_Dict_GetItem(parent_dict, "K", HPDF_OCLASS_ARRAY)))
    add_item(kids, d);
  tags_.elements[index] = d;
  for (int child : tags_.children[index])
    if (tags_.used[child] && !book_.structure[child].in_line) struct_element(child);
  return d;
}

void Writer::close_content(HPDF_Page page) {
  if (!tags_.content_open) return;
  raw(page, "EMC\n");
  tags_.content_open = false;
}

void Writer::open_content(HPDF_Page page, size_t page_index) {
  if (tags_.content_open) return;
  tags_.content_open = true;
  if (tags_.open.empty()) {
    raw(page, "/Artifact BMC\n");
    return;
  }
  const int e = tags_.open.back();
  HPDF_Dict elem = struct_element(e);
  auto& mcids = tags_.by_mcid[page_index];
  const auto mcid = static_cast<HPDF_INT32>(mcids.size());
  mcids.push_back(elem);
  raw(page,
      "/" + pdf_name(book_.structure[e].type) + " <</MCID " + std::to_string(mcid) + ">> BDC\n");
  if (!elem) return;
  auto* kids = static_cast<HPDF_Array>(HPDF_Dict_GetItem(elem, "K", HPDF_OCLASS_ARRAY));
  if (!kids) return;
  // The element's /Pg is the page of its first content; content there is a
  // bare MCID (ISO 32000-1 §14.7.4.2), content on later pages a marked-content
  // reference naming its page. A book has thousands of sequences: a number
  // instead of a dictionary each keeps the tree small.
  if (!tags_.page_of[e]) {
    HPDF_Dict_Add(elem, "Pg", page);
    tags_.page_of[e] = page;
  }
  if (tags_.page_of[e] == page) {
    add_number(kids, mcid);
    return;
  }
  HPDF_Dict mcr = HPDF_Dict_New(pdf_->mmgr);
  if (!mcr) return;
  HPDF_Dict_AddName(mcr, "Type", "MCR");
  HPDF_Dict_Add(mcr, "Pg", page);
  HPDF_Dict_AddNumber(mcr, "MCID", mcid);
  add_item(kids, mcr);
}

void Writer::tag_begin(HPDF_Page page, size_t, int element) {
  if (element < 0 || static_cast<size_t>(element) >= book_.structure.size()) return;
  close_content(page);
  tags_.open.push_back(element);
}

void Writer::tag_end(HPDF_Page page, int element) {
  auto it = std::find(tags_.open.rbegin(), tags_.open.rend(), element);
  if (it == tags_.open.rend()) return;
  close_content(page);
  tags_.open.erase(std::next(it).base(), tags_.open.end());
}

// A link inside tagged content: its annotation by an object reference in
// the Link element the typesetter made for the link's text (after that
// text), else in a new Link element under the innermost open element.
void Writer::tag_link(HPDF_Page page, HPDF_Annotation annot, const std::string& description) {
  if (!opt_.tagged || tags_.open.empty()) return;
  HPDF_Doc pdf = pdf_.get();
  const int innermost = tags_.open.back();
  HPDF_Dict link = nullptr;
  if (book_.structure[innermost].type == "Link") {
    link = struct_element(innermost);
  } else if (HPDF_Dict parent = struct_element(innermost)) {
    link = HPDF_Dict_New(pdf->mmgr);
    if (!link || add_object(pdf, link) != HPDF_OK) return;
    HPDF_Dict_AddName(link, "S", "Link");
    HPDF_Dict_Add(link, "P", parent);
    HPDF_Dict_Add(link, "K", HPDF_Array_New(pdf->mmgr));
    if (auto* kids = static_cast<HPDF_Array>(HPDF_Dict_GetItem(parent, "K", HPDF_OCLASS_ARRAY)))
      add_item(kids, link);
  }
  if (!link) return;
  HPDF_Dict objr = HPDF_Dict_New(pdf->mmgr);
  if (!objr) return;
  HPDF_Dict_AddName(objr, "Type", "OBJR");
  HPDF_Dict_Add(objr, "Pg", page);
  HPDF_Dict_Add(objr, "Obj", annot);
  if (auto* kids = static_cast<HPDF_Array>(HPDF_Dict_GetItem(link, "K", HPDF_OCLASS_ARRAY)))
    add_item(kids, objr);
  HPDF_Dict_AddNumber(annot, "StructParent",
                      static_cast<HPDF_INT32>(pages_.size() + tags_.annot_parents.size()));
  tags_.annot_parents.push_back(link);
  set_text(annot, "Contents", description);  // PDF/UA: a description of the link
}

// The root, /MarkInfo and the parent tree (page → elements by MCID,
// annotation → its Link element), once every page is drawn.
void Writer::add_structure_tree() {
  HPDF_Doc pdf = pdf_.get();
  HPDF_MMgr mmgr = pdf->mmgr;
  HPDF_Dict tree = HPDF_Dict_New(mmgr);
  if (!tree || add_object(pdf, tree) != HPDF_OK) return;
  HPDF_Array nums = HPDF_Array_New(mmgr);
  if (!nums) return;
  nums->list->items_per_block =
      static_cast<HPDF_UINT>(2 * (pages_.size() + tags_.annot_parents.size()) + 1);
  HPDF_Dict_Add(tree, "Nums", nums);
  for (size_t p = 0; p < pages_.size(); ++p) {
    HPDF_Dict_AddNumber(pages_[p], "StructParents", static_cast<HPDF_INT32>(p));
    HPDF_Array list = HPDF_Array_New(mmgr);
    if (!list) return;
    list->list->items_per_block = static_cast<HPDF_UINT>(tags_.by_mcid[p].size() + 1);
    for (HPDF_Dict e : tags_.by_mcid[p]) {
      if (e) HPDF_Array_Add(list, e);
      else HPDF_Array_Add(list, HPDF_Null_New(mmgr));
    }
    HPDF_Array_AddNumber(nums, static_cast<HPDF_INT32>(p));
    HPDF_Array_Add(nums, list);
  }
  for (size_t i = 0; i < tags_.annot_parents.size(); ++i) {
    HPDF_Array_AddNumber(nums, static_cast<HPDF_INT32>(pages_.size() + i));
    HPDF_Array_Add(nums, tags_.annot_parents[i]);
  }
  HPDF_Dict_Add(tags_.root, "ParentTree", tree);
  if (!tags_.ids.empty()) {  // the IDTree: a name tree of one node, keys in byte order
    std::sort(tags_.ids.begin(), tags_.ids.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    HPDF_Dict id_tree = HPDF_Dict_New(mmgr);
    HPDF_Array names = HPDF_Array_New(mmgr);
    for (const auto& [id, elem] : tags_.ids) {
      add_item(names, HPDF_String_New(mmgr, id.c_str(), nullptr));
      add_item(names, elem);
    }
    HPDF_Dict_Add(id_tree, "Names", names);
    HPDF_Dict_Add(tags_.root, "IDTree", id_tree);
  }
  HPDF_Dict_AddNumber(tags_.root, "ParentTreeNextKey",
                      static_cast<HPDF_INT32>(pages_.size() + tags_.annot_parents.size()));
  HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", tags_.root);
  HPDF_Dict mark = HPDF_Dict_New(mmgr);
  HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE);
  HPDF_Dict_Add(pdf->catalog, "MarkInfo", mark);
}

void Writer::add_outline() {
  if (book_.outline.empty()) return;
  HPDF_Doc pdf = pdf_.get();
  std::vector<std::pair<int, HPDF_Outline>> stack;
  for (const auto& e : book_.outline) {
    std::string name = !e.dest.empty() && e.dest[0] == '#' ? e.dest.substr(1) : e.dest;
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      warn("outline entry \"" + e.title + "\" has no target in the document");
      continue;
    }
    while (!stack.empty() && stack.back().first >= e.level) stack.pop_back();
    HPDF_Outline parent = stack.empty() ? nullptr : stack.back().second;
    HPDF_Outline o = HPDF_CreateOutline(pdf, parent, "", nullptr);  // Title: set_text
    if (!o) return;
    set_text(o, "Title", e.title);
    if (HPDF_Destination dst = destination(it->second)) HPDF_Outline_SetDestination(o, dst);
    HPDF_Outline_SetOpened(o, stack.empty() ? HPDF_TRUE : HPDF_FALSE);
    stack.emplace_back(e.level, o);
  }
  HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
}

void Writer::add_labels() {
  if (book_.labels.empty() || book_.pages.empty()) return;
  auto ranges = book_.labels;
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const auto& a, const auto& b) { return a.first_page < b.first_page; });
  HPDF_Doc pdf = pdf_.get();
  HPDF_Dict labels = HPDF_Dict_New(pdf->mmgr);
  HPDF_Array nums = HPDF_Array_New(pdf->mmgr);
  if (!labels || !nums) return;
  HPDF_Dict_Add(labels, "Nums", nums);
  // The number tree must start at page 0.
  if (ranges.front().first_page > 0) ranges.insert(ranges.begin(), layout::PageLabelRange{});
  int last = -1;
  for (const auto& r : ranges) {
    if (r.first_page <= last || r.first_page >= static_cast<int>(book_.pages.size())) continue;
    last = r.first_page;
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (!d) return;
    switch (r.style) {
      case layout::LabelStyle::Decimal: HPDF_Dict_AddName(d, "S", "D"); break;
      case layout::LabelStyle::LowerRoman: HPDF_Dict_AddName(d, "S", "r"); break;
      case layout::LabelStyle::UpperRoman: HPDF_Dict_AddName(d, "S", "R"); break;
      case layout::LabelStyle::None: break;
    }
    if (r.start != 1 && r.start > 0) HPDF_Dict_AddNumber(d, "St", r.start);
    HPDF_Array_AddNumber(nums, r.first_page);
    HPDF_Array_Add(nums, d);
  }
  HPDF_Dict_Add(pdf->catalog, "PageLabels", labels);
}

void Writer::add_info() {
  HPDF_Doc pdf = pdf_.get();
  const auto& m = book_.meta;
  auto set = [&](HPDF_InfoType type, const std::string& value) {
    if (value.empty()) return;
    // Let libharu create its Info dictionary, then store the full text.
    HPDF_SetInfoAttr(pdf, type, "-");
    static constexpr const char* kKeys[] = {"CreationDate", "ModDate", "Author",  "Creator",
                                            "Producer",     "Title",   "Subject", "Keywords"};
    if (pdf->info && static_cast<size_t>(type) < std::size(kKeys))
      set_text(pdf->info, kKeys[type], value);
  };
  set(HPDF_INFO_TITLE, m.title);
  std::string authors;
  for (const auto& a : m.authors)
    if (!a.empty()) authors += (authors.empty() ? "" : ", ") + a;
  set(HPDF_INFO_AUTHOR, authors);
  set(HPDF_INFO_SUBJECT, m.description);
  std::string keywords;
  for (const auto& k : keyword_list(m)) keywords += (keywords.empty() ? "" : ", ") + k;
  set(HPDF_INFO_KEYWORDS, keywords);
  set(HPDF_INFO_CREATOR, "Moyin");
  set(HPDF_INFO_PRODUCER, kProducer);  // equal to the XMP's pdf:Producer (PDF/A)
  if (standard_ == Standard::X4 && pdf->info) {
    HPDF_Dict_AddName(pdf->info, "Trapped", "False");
    HPDF_Dict_Add(pdf->info, "GTS_PDFXVersion", HPDF_String_New(pdf->mmgr, "PDF/X-4", nullptr));
  }
  if (m.description.empty()) set(HPDF_INFO_SUBJECT, m.subtitle);
  // Publication data as custom Info keys (pdfinfo -custom lists them).
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"Subtitle", &m.subtitle},
        {"Publisher", &m.publisher},
        {"Rights", &m.rights},
        {"ISBN", &m.isbn},
        {"Series", &m.series},
        {"Edition", &m.edition}})
    if (!value->empty() && pdf->info) set_text(pdf->info, key, *value);

  std::optional<base::DateTime> date = document_date();
  if (!date) return;
  HPDF_Date d{};
  d.year = date->year;
  d.month = date->month;
  d.day = date->day;
  d.hour = date->hour;
  d.minutes = date->minute;
  d.seconds = std::min(date->second, 59);
  if (date->offset_minutes.value_or(0) == 0) {
    d.ind = 'Z';
  } else {
    const int offset = *date->offset_minutes;
    d.ind = offset < 0 ? '-' : '+';
    d.off_hour = std::abs(offset) / 60;
    d.off_minutes = std::abs(offset) % 60;
  }
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d);
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d);
  if (!log_.errors.empty()) {
    forget_errors();
    warn("front-matter date \"" + m.date + "\" is out of range; PDF dates left out");
  }
}

// The document's date: Book::meta.date when it parses, else
// SOURCE_DATE_EPOCH, else none (warned once when the front matter's is bad).
std::optional<base::DateTime> Writer::document_date() {
  if (date_) return *date_;
  const auto& m = book_.meta;
  std::optional<base::DateTime> date;
  if (!m.date.empty()) {
    date = base::parse_iso_date(m.date);
    if (!date)
      warn("front-matter date \"" + m.date + "\" is not an ISO 8601 date; PDF dates left out");
  }
  if (!date && opt_.source_date_epoch) date = base::from_epoch(*opt_.source_date_epoch);
  date_ = date;
  return date;
}

// The catalog entries readers and assistive technology look for: the
// document language, the title shown instead of the file name.
void Writer::add_catalog_entries() {
  HPDF_Doc pdf = pdf_.get();
  if (!book_.meta.lang.empty()) set_text(pdf->catalog, "Lang", book_.meta.lang);
  HPDF_Dict prefs = HPDF_Dict_New(pdf->mmgr);
  if (!prefs) return;
  HPDF_Dict_Add(pdf->catalog, "ViewerPreferences", prefs);
  HPDF_Dict_AddBoolean(prefs, "DisplayDocTitle", HPDF_TRUE);
}

std::string xmp_date(const base::DateTime& d) {
  std::string out = base::integer(d.year, 4) + "-" + base::integer(d.month, 2) + "-" +
                    base::integer(d.day, 2) + "T" + base::integer(d.hour, 2) + ":" +
                    base::integer(d.minute, 2) + ":" + base::integer(std::min(d.second, 59), 2);
  const int offset = d.offset_minutes.value_or(0);
  if (offset == 0) return out + "Z";
  out += offset < 0 ? "-" : "+";
  return out + base::integer(std::abs(offset) / 60, 2) + ":" +
         base::integer(std::abs(offset) % 60, 2);
}

// The XMP metadata stream (uncompressed, as PDF/A asks, so any tool finds it),
// from the same fields as the Info dictionary.
void Writer::add_metadata(const std::string& id) {
  HPDF_Doc pdf = pdf_.get();
  const auto& m = book_.meta;
  XmpFields f;
  f.lang = m.lang;
  f.title = m.title;
  f.creators = m.authors;
  // The same text as the Info dictionary's Subject (PDF/A: both must agree).
  f.description = m.description.empty() ? m.subtitle : m.description;
  f.subjects = keyword_list(m);
  for (const auto& k : f.subjects) f.keywords += (f.keywords.empty() ? "" : ", ") + k;
  if (auto d = document_date()) f.date = xmp_date(*d);
  f.creator_tool = "Moyin";
  f.producer = kProducer;
  if (pdfa()) {
    f.pdfa_part = 2;
    f.pdfa_conformance = standard_ == Standard::A2a ? "A" : standard_ == Standard::A2u ? "U" : "B";
  }
  if (standard_ != Standard::None) {
    // The Info dictionary's Author is one text: PDF/A wants dc:creator equal to it.
    std::string authors;
    for (const auto& a : m.authors)
      if (!a.empty()) authors += (authors.empty() ? "" : ", ") + a;
    f.creators.clear();
    if (!authors.empty()) f.creators.push_back(authors);
    f.document_id = "uuid:" + id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) +
                    "-" + id.substr(16, 4) + "-" + id.substr(20, 12);
  }
  if (standard_ == Standard::X4) f.pdfx_version = "PDF/X-4";
  if (ua_) f.pdfua_part = 1;
  HPDF_Dict stream = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
  if (!stream) return;
  stream->filter = HPDF_STREAM_FILTER_NONE;
  HPDF_Dict_AddName(stream, "Type", "Metadata");
  HPDF_Dict_AddName(stream, "Subtype", "XML");
  put_bytes(stream, xmp_packet(f));
  HPDF_Dict_Add(pdf->catalog, "Metadata", stream);
}

// ---- Standards and colour (docs/standards.md).

// Checks what the claim needs before anything is drawn: the OutputIntent's
// profile, tagging for PDF/A-2a, a CMYK profile for PDF/X-4. A claim the
// file could not keep is dropped with a warning (the PDF is still written).
bool Writer::settle_standard() {
  settle_ua();
  standard_ = opt_.standard;
  if (standard_ == Standard::A2a && !opt_.tagged) {
    warn("pdf.standard a-2a needs a tagged PDF (pdf.tagged: true); claiming PDF/A-2u instead");
    standard_ = Standard::A2u;
  }
  if (opt_.cmyk || standard_ == Standard::X4) {
    std::string error;
    const std::string_view profile = opt_.cmyk_profile ? *opt_.cmyk_profile : std::string_view();
    cmyk_ = CmykConverter::make(profile, error);
    if (!cmyk_) {
      warn("the CMYK profile cannot be used (" + error +
           "); colours converted by the plain formula");
      cmyk_ = CmykConverter::make({}, error);
    } else if (profile.empty()) {
      warn("no CMYK profile (color.profile): colours and images converted by the plain formula");
    }
  }
  if (standard_ == Standard::None) return true;
  const bool want_cmyk = cmyk_.has_value();
  intent_profile_ = want_cmyk ? opt_.cmyk_profile : opt_.srgb_profile;
  if (intent_profile_) intent_info_ = profile_info(*intent_profile_);
  const int components = want_cmyk ? 4 : 3;
  if (!intent_profile_ || intent_info_.components != components) {
    warn(std::string("pdf.standard ") + (standard_ == Standard::X4 ? "x-4" : "PDF/A-2") +
         " needs " + (want_cmyk ? "a CMYK output profile (color.profile)" : "an sRGB ICC profile") +
         " for its OutputIntent; the PDF makes no conformance claim");
    standard_ = Standard::None;
    intent_profile_.reset();
  } else if (standard_ == Standard::X4 && !intent_info_.output) {
    warn("the CMYK profile \"" + intent_info_.description +
         "\" is not an output (printer) profile, as PDF/X-4 asks");
  }
  return true;
}

// PDF/UA-1 (ISO 14289-1) is claimed only when the book keeps the rules the
// writer cannot keep by itself: tagging, a title (7.1), alternative text on
// every figure (7.3), headings that begin at H1 and skip no level in reading
// order (7.4.2). The rest (marked content, artifacts, /Lang, links, fonts,
// notes' IDs, table header scope) the writer does for every tagged PDF.
void Writer::settle_ua() {
  ua_ = false;
  if (!opt_.ua) return;
  std::string why;
  if (!opt_.tagged) {
    why = "it needs a tagged PDF (pdf.tagged: true)";
  } else if (book_.meta.title.empty()) {
    why = "the document has no title (title: in the front matter)";
  } else {
    int no_alt = 0;
    for (const layout::StructElement& e : book_.structure)
      if (e.type == "Figure" && e.alt.empty() && e.actual.empty()) ++no_alt;
    if (no_alt > 0) why = std::to_string(no_alt) + " image(s) have no alternative text";
  }
  // Headings in reading order: where their content first appears.
  std::vector<bool> seen(book_.structure.size(), false);
  int previous = 0;
  for (size_t i = 0; why.empty() && i < book_.pages.size(); ++i)
    for (const layout::Item& item : book_.pages[i].items) {
      const auto* t = std::get_if<layout::Tag>(&item);
      if (!t || t->end || t->element < 0 || static_cast<size_t>(t->element) >= seen.size() ||
          seen[t->element])
        continue;
      seen[t->element] = true;
      const layout::StructElement& e = book_.structure[t->element];
      if (e.type.size() != 2 || e.type[0] != 'H' || e.type[1] < '1' || e.type[1] > '6') continue;
      const int level = e.type[1] - '0';
      if (level > previous + 1) {
        why = "heading " + e.type +
              (e.pos.line > 0 ? " at line " + std::to_string(e.pos.line) : "") + " on page " +
              book_.pages[i].label +
              (previous == 0 ? " is the first heading (PDF/UA wants H1 first)"
                             : " follows H" + std::to_string(previous) + " (a level is skipped)");
        break;
      }
      previous = level;
    }
  if (!why.empty()) {
    warn("pdf.ua: the PDF does not claim PDF/UA-1: " + why);
    return;
  }
  ua_ = true;
}

// CMYK output (and PDF/X) must hold no RGB: every drawing path converts, so
// this finds none unless a path was missed; it says so rather than claim.
void Writer::check_rgb_leftovers() {
  if (!cmyk_) return;
  int rgb = 0;
  for (HPDF_Xref x = pdf_->xref; x; x = x->prev)
    for (HPDF_UINT i = 0; i < x->entries->count; ++i) {
      HPDF_XrefEntry e = HPDF_Xref_GetEntry(x, i);
      auto* header = e && e->obj ? static_cast<HPDF_Obj_Header*>(e->obj) : nullptr;
      if (!header || (header->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT) continue;
      auto* cs = static_cast<HPDF_Name>(
          HPDF_Dict_GetItem(static_cast<HPDF_Dict>(e->obj), "ColorSpace", HPDF_OCLASS_NAME));
      if (cs && std::strcmp(cs->value, "DeviceRGB") == 0) ++rgb;
    }
  if (rgb == 0) return;
  warn(std::to_string(rgb) + " image(s) left in RGB in a CMYK PDF" +
       (standard_ == Standard::X4 ? "; the PDF/X-4 claim is dropped" : ""));
  if (standard_ == Standard::X4) standard_ = Standard::None;
}

void Writer::set_fill(HPDF_Page page, const layout::Color& c) {
  if (!cmyk_) {
    HPDF_Page_SetRGBFill(page, c01(c.r), c01(c.g), c01(c.b));
    return;
  }
  const Cmyk k = cmyk_->convert(c);
  HPDF_Page_SetCMYKFill(page, c01(k.c), c01(k.m), c01(k.y), c01(k.k));
}

void Writer::set_stroke(HPDF_Page page, const layout::Color& c) {
  if (!cmyk_) {
    HPDF_Page_SetRGBStroke(page, c01(c.r), c01(c.g), c01(c.b));
    return;
  }
  const Cmyk k = cmyk_->convert(c);
  HPDF_Page_SetCMYKStroke(page, c01(k.c), c01(k.m), c01(k.y), c01(k.k));
}

// TrimBox and BleedBox when the page has bleed, and on every page of a
// PDF/X file (which needs them even without bleed).
void Writer::set_page_boxes(HPDF_Page page, const layout::Page& lp) {
  const bool has_trim = lp.trim.width > 0 && lp.trim.height > 0;
  const bool has_bleed = has_trim && (lp.trim.x != 0 || lp.trim.y != 0 ||
                                      lp.trim.width != lp.width || lp.trim.height != lp.height);
  if (!has_bleed && standard_ != Standard::X4) return;
  auto box = [&](const layout::Box& b) {
    return HPDF_Box_Array_New(
        pdf_->mmgr,
        HPDF_Box{static_cast<HPDF_REAL>(b.x), static_cast<HPDF_REAL>(lp.height - b.y - b.height),
                 static_cast<HPDF_REAL>(b.x + b.width), static_cast<HPDF_REAL>(lp.height - b.y)});
  };
  const layout::Box whole{0, 0, lp.width, lp.height};
  const layout::Box trim = has_trim ? lp.trim : whole;
  HPDF_Dict_Add(page, "TrimBox", box(trim));
  if (lp.bleed.width > 0 && lp.bleed.height > 0) HPDF_Dict_Add(page, "BleedBox", box(lp.bleed));
  else if (standard_ == Standard::X4) HPDF_Dict_Add(page, "BleedBox", box(trim));
}

// The OutputIntent of the claim: GTS_PDFA1 (PDF/A) or GTS_PDFX (PDF/X) with
// the ICC profile embedded as its DestOutputProfile.
void Writer::add_output_intent() {
  if (standard_ == Standard::None || !intent_profile_) return;
  HPDF_Doc pdf = pdf_.get();
  HPDF_Dict icc = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
  if (!icc) return;
  if (opt_.compress) icc->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  HPDF_Dict_AddNumber(icc, "N", intent_info_.components);
  put_bytes(icc, *intent_profile_);
  HPDF_Dict intent = HPDF_Dict_New(pdf->mmgr);
  if (!intent) return;
  HPDF_Dict_AddName(intent, "Type", "OutputIntent");
  HPDF_Dict_AddName(intent, "S", standard_ == Standard::X4 ? "GTS_PDFX" : "GTS_PDFA1");
  // The registered name of the sRGB condition; a CMYK profile's own name.
  std::string condition = opt_.output_condition;
  if (condition.empty() && intent_info_.components == 3) condition = "sRGB IEC61966-2.1";
  if (condition.empty()) condition = intent_info_.description;
  if (condition.empty()) condition = "CMYK";
  set_text(intent, "OutputConditionIdentifier", condition);
  set_text(intent, "Info", intent_info_.description.empty() ? condition : intent_info_.description);
  HPDF_Dict_Add(intent, "RegistryName",
                HPDF_String_New(pdf->mmgr, "http://www.color.org", nullptr));
  HPDF_Dict_Add(intent, "DestOutputProfile", icc);
  HPDF_Array intents = HPDF_Array_New(pdf->mmgr);
  if (!intents) return;
  HPDF_Array_Add(intents, intent);
  HPDF_Dict_Add(pdf->catalog, "OutputIntents", intents);
}

// A file identifier (32 hex digits) from the document's metadata and text:
// the same book gives the same identifier, so output stays reproducible.
// Two FNV-1a lanes: an identifier, not a security hash.
std::string Writer::document_id() const {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  auto feed = [&](std::string_view bytes) {
    for (unsigned char c : bytes) {
      a = (a ^ c) * 0x100000001b3ULL;
      b = (b ^ (c + 0x5bu)) * 0x100000001b3ULL;
    }
    a = (a ^ 0xff) * 0x100000001b3ULL;  // separates the pieces
  };
  const auto& m = book_.meta;
  for (const std::string* v : {&m.title, &m.subtitle, &m.description, &m.date, &m.lang, &m.isbn})
    feed(*v);
  for (const auto& author : m.authors) feed(author);
  for (const auto& page : book_.pages) {
    feed(page.label);
    for (const auto& item : page.items)
      if (const auto* run = std::get_if<GlyphRun>(&item)) feed(run->text);
  }
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buf;
}

// The trailer's /ID (PDF/A and PDF/X require one): both entries the same, as
// for a file never modified.
void Writer::add_document_id(const std::string& id) {
  HPDF_Doc pdf = pdf_.get();
  std::vector<HPDF_BYTE> bytes;
  for (size_t i = 0; i + 1 < id.size(); i += 2)
    bytes.push_back(static_cast<HPDF_BYTE>(std::stoi(id.substr(i, 2), nullptr, 16)));
  HPDF_Array ids = HPDF_Array_New(pdf->mmgr);
  if (!ids) return;
  for (int i = 0; i < 2; ++i)
    HPDF_Array_Add(ids,
                   HPDF_Binary_New(pdf->mmgr, bytes.data(), static_cast<HPDF_UINT>(bytes.size())));
  HPDF_Dict_Add(pdf->trailer, "ID", ids);
}

void Writer::rewrite_to_unicode() {
  for (auto& fe : fonts_) {
    // PDF/A-2u: every code drawn maps to Unicode; a glyph drawn for no
    // text of its own (the second glyph of a cluster) maps to U+200B.
    if (standard_ == Standard::A2u || standard_ == Standard::A2a)
      fe.widths.for_each([&](uint32_t code, int) {
        fe.to_unicode.emplace(static_cast<uint16_t>(code), u"\u200B");
      });
    if (fe.parts.size() == 1)
      put_bytes(fe.parts[0].to_unicode_stream, tounicode_cmap(fe.to_unicode));
    if (fe.parts.size() <= 1) continue;
    // A face cut in parts: each font maps the codes it draws.
    std::vector<std::map<uint16_t, std::u16string>> by_part(fe.parts.size());
    for (auto& [code, text] : fe.to_unicode) by_part[fe.part_of_code(code)].emplace(code, text);
    for (size_t p = 0; p < fe.parts.size(); ++p)
      put_bytes(fe.parts[p].to_unicode_stream, tounicode_cmap(by_part[p]));
  }
}

// What libharu's own page hook would append while saving (closing an open
// text or path object, restoring saved graphics states), done now: the
// page's content stream is final, to be compressed.
void finish_content(HPDF_Page page) {
  if (HPDF_Page_GetGMode(page) == HPDF_GMODE_PATH_OBJECT) HPDF_Page_EndPath(page);
  if (HPDF_Page_GetGMode(page) == HPDF_GMODE_TEXT_OBJECT) HPDF_Page_EndText(page);
  while (HPDF_Page_GetGStateDepth(page) > 1) HPDF_Page_GRestore(page);
}

bool Writer::compress_streams() {
  // libdeflate compresses each stream (docs/performance.md): the pages'
  // content streams on their own thread as they were drawn, when they
  // were, then the rest there too when it is small (under 256 KB: about
  // 3 ms of compression).
  for (HPDF_Page page : pages_) finish_content(page);
  if (page_deflater_) {
    const bool all = page_deflater_->give_rest(pdf_.get(), size_t{256} << 10);
    const bool done = page_deflater_->finish();
    page_deflater_.reset();
    if (!done) return fail("compressing the streams");
    if (all) return true;
  }
  // Else on this thread alone while subsets are still being made (it would
  // wait for them anyway); the font programs come after, compressed already.
  if (opt_.compress) use_libdeflate(pdf_.get(), subsets_made() ? opt_.threads : 1, opt_.reuse);
  return true;
}

bool Writer::save() {
  // Through a synced temporary file renamed into place (libharu's file
  // writer ignores a failing fclose), as libharu serializes it: not into
  // libharu's memory first and read back.
  base::AtomicFile file(out_);
  if (!save_into(pdf_.get(), [&](std::string_view bytes) { return file.write(bytes); }) &&
      file.error().empty())
    return fail("saving");
  if (file.error().empty() && file.commit(opt_.commit)) return true;
  error("cannot write PDF " + out_.string() + ": " + file.error());
  return false;
}

bool Writer::run() {
  base::StageTimer timer(opt_.timings, base::Stage::Pdf);
  pdf_.reset(HPDF_New(on_error, &log_));
  if (!pdf_) {
    error("cannot write PDF " + out_.string() + ": libharu could not start (out of memory)");
    return false;
  }
  HPDF_Doc pdf = pdf_.get();
  if (opt_.compress) HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  // No libharu font or encoder is made: every font is the writer's own
  // objects (add_font), outline and Info strings are set as UTF-16 by set_text.
  if (!check("setting up the document")) return false;
  if (!settle_standard()) return false;

  timer.stop();
  base::StageTimer font_timer(opt_.timings, base::Stage::Fonts);
  if (!load_fonts()) return false;
  font_timer.stop();
  base::StageTimer page_timer(opt_.timings, base::Stage::Pdf);

  for (size_t i = 0; i < book_.pages.size(); ++i) {
    const auto& lp = book_.pages[i];
    if (!(lp.width >= HPDF_MIN_PAGE_SIZE && lp.width <= HPDF_MAX_PAGE_WIDTH &&
          lp.height >= HPDF_MIN_PAGE_SIZE && lp.height <= HPDF_MAX_PAGE_HEIGHT)) {
      error("cannot write PDF " + out_.string() + ": page " + std::to_string(i + 1) + " is " +
            base::compact(lp.width) + " x " + base::compact(lp.height) +
            " pt, outside what PDF allows (3 to 14400 pt)");
      return false;
    }
    grow_by_doubling(pdf->xref->entries);  // a page, its contents and their lengths
    HPDF_Page page = HPDF_AddPage(pdf);
    if (!page || !use_string_stream(page)) return fail("adding page " + std::to_string(i + 1));
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(lp.width));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(lp.height));
    set_page_boxes(page, lp);
    pages_.push_back(page);
    for (const auto& item : lp.items)
      if (const auto* a = std::get_if<layout::Anchor>(&item))
        anchors_.emplace(a->name, AnchorPlace{static_cast<int>(i), a->at.x, a->at.y});
  }
  if (!check("adding pages")) return false;
  if (pages_.empty()) {
    error("cannot write PDF " + out_.string() + ": the book has no pages");
    return false;
  }
  if (opt_.tagged) {
    tags_.root = HPDF_Dict_New(pdf->mmgr);
    tags_.document = HPDF_Dict_New(pdf->mmgr);
    if (!tags_.root || HPDF_Xref_Add(pdf->xref, tags_.root) != HPDF_OK || !tags_.document ||
        HPDF_Xref_Add(pdf->xref, tags_.document) != HPDF_OK)
      return fail("starting the structure tree");
    HPDF_Dict_AddName(tags_.root, "Type", "StructTreeRoot");
    HPDF_Dict_Add(tags_.root, "K", tags_.document);
    HPDF_Dict_AddName(tags_.document, "S", "Document");
    HPDF_Dict_Add(tags_.document, "P", tags_.root);
    HPDF_Dict_Add(tags_.document, "K", HPDF_Array_New(pdf->mmgr));
    const size_t n = book_.structure.size();
    tags_.elements.assign(n, nullptr);
    tags_.page_of.assign(n, nullptr);
    tags_.children.assign(n, {});
    tags_.used.assign(n, false);
    for (size_t e = 0; e < n; ++e) {
      const int p = book_.structure[e].parent;
      if (p >= 0 && static_cast<size_t>(p) < e) tags_.children[p].push_back(static_cast<int>(e));
    }
    for (const auto& lp : book_.pages)
      for (const auto& item : lp.items)
        if (const auto* t = std::get_if<layout::Tag>(&item))
          for (int e = t->element; e >= 0 && static_cast<size_t>(e) < n && !tags_.used[e];) {
            tags_.used[e] = true;
            const int p = book_.structure[e].parent;
            e = p < e ? p : -1;
          }
    tags_.by_mcid.assign(pages_.size(), {});
    // Annotations are visited in the order of the structure (PDF/UA).
    for (HPDF_Page page : pages_) HPDF_Dict_AddName(page, "Tabs", "S");
  }
  // The identifier reads the pages' text: taken before they are drawn (and
  // freed, when the book is given away).
  const std::string early_id = standard_ == Standard::None ? std::string() : document_id();
  // (The last page's is compressed at the end either way: not for one page.)
  if (opt_.compress && opt_.threads > 1 && !opt_.reuse && pages_.size() > 1)
    page_deflater_.emplace();
  if (opt_.draw_ahead && opt_.threads > 1 && pages_.size() > 1)
    shown_ahead_.emplace(pages_.size(), kPagesAhead, [this](size_t i) { return show_ahead(i); });
  for (size_t i = 0; i < pages_.size(); ++i) {
    grow_by_doubling(pdf->xref->entries);  // annotations, forms, images
    if (shown_ahead_) shown_ = shown_ahead_->take(i).value_or(ShownPage());
    draw_page(i);
    if (consumed_) std::vector<layout::Item>().swap(consumed_->pages[i].items);
    if (!check("drawing page " + std::to_string(i + 1))) return false;
    if (page_deflater_) {
      finish_content(pages_[i]);
      page_deflater_->give(static_cast<HPDF_PageAttr>(pages_[i]->attr)->contents);
    }
  }
  shown_ahead_.reset();  // done: the writer's thread changes the fonts' tables from here
  shown_ = {};
  check_rgb_leftovers();
  add_outline();
  if (!check("building the outline")) return false;
  add_labels();
  add_info();
  add_catalog_entries();
  if (opt_.tagged) add_structure_tree();
  const std::string id = standard_ == Standard::None ? std::string() : early_id;
  add_metadata(id);
  if (!id.empty()) add_document_id(id);
  add_output_intent();
  // PDF 1.7 (ISO 32000-1): the structure and metadata features used here,
  // and the base of PDF/A-2 and PDF/UA-1. PDF/X-4 files are PDF 1.6.
  pdf->pdf_version = standard_ == Standard::X4 ? HPDF_VER_16 : HPDF_VER_17;
  if (dropped_notdefs_ > 0)
    warn(std::to_string(dropped_notdefs_) + " character(s) no font has are left out of the " +
         (pdfa() ? "PDF/A" : "PDF/UA") + " text (it forbids .notdef)");
  finish_fonts();
  rewrite_to_unicode();
  if (!check("finishing the document")) return false;
  page_timer.stop();
  base::StageTimer compress_timer(opt_.timings, base::Stage::Write);
  if (!compress_streams()) return false;
  compress_timer.stop();
  if (!embed_programs()) return false;  // "fonts": waiting for the subsets
  base::StageTimer write_timer(opt_.timings, base::Stage::Write);
  return save();
}

}  // namespace

bool write(const layout::Book& book, const std::filesystem::path& out, const WriteOptions& options,
           doc::Diagnostics& diags) {
  Writer w(book, out, options, diags);
  return w.run();
}

bool write(layout::Book&& book, const std::filesystem::path& out, const WriteOptions& options,
           doc::Diagnostics& diags) {
  Writer w(book, out, options, diags, &book);
  return w.run();
}

}  // namespace moyin::pdf
