#include "font/subset.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "font/face_impl.h"

namespace moyin::font {
namespace {

struct SubsetInputDeleter {
  void operator()(hb_subset_input_t* p) const { hb_subset_input_destroy(p); }
};
struct SubsetPlanDeleter {
  void operator()(hb_subset_plan_t* p) const { hb_subset_plan_destroy(p); }
};
using BlobPtr = std::unique_ptr<hb_blob_t, HbBlobDeleter>;
using FacePtrHb = std::unique_ptr<hb_face_t, HbFaceDeleter>;
using InputPtr = std::unique_ptr<hb_subset_input_t, SubsetInputDeleter>;
using PlanPtr = std::unique_ptr<hb_subset_plan_t, SubsetPlanDeleter>;

// A face over caller-owned bytes; the blob never outlives this call.
FacePtrHb face_from_bytes(std::span<const std::byte> file, int index, std::string& error) {
  if (file.empty() || index < 0) {
    error = "empty font data or bad face index";
    return nullptr;
  }
  BlobPtr blob(hb_blob_create(reinterpret_cast<const char*>(file.data()),
                              static_cast<unsigned>(file.size()), HB_MEMORY_MODE_READONLY, nullptr,
                              nullptr));
  if (static_cast<int>(hb_face_count(blob.get())) <= index) {
    error = "the font file has no face " + std::to_string(index);
    return nullptr;
  }
  FacePtrHb face(hb_face_create(blob.get(), static_cast<unsigned>(index)));
  if (hb_face_get_glyph_count(face.get()) == 0) {
    error = "the face has no glyphs (not a usable font)";
    return nullptr;
  }
  return face;
}

std::vector<std::byte> blob_bytes(hb_blob_t* blob) {
  unsigned len = 0;
  const auto* data = reinterpret_cast<const std::byte*>(hb_blob_get_data(blob, &len));
  return data ? std::vector<std::byte>(data, data + len)
              : std::vector<std::byte>();  // not zeroed first
}

void put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
  s.push_back(static_cast<char>(v & 0xFF));
}
void put32(std::string& s, uint32_t v) {
  put16(s, v >> 16);
  put16(s, v & 0xFFFF);
}

// Where the code for subset glyph `g` lives: U+E000 + g up to U+FFFD, then
// on from U+0100 (never reaching the surrogates, checked by the caller).
constexpr uint32_t kFirstRangeCount = 0xFFFE - kPuaFirst;  // E000..FFFD
constexpr uint32_t kSecondFirst = 0x0100;
constexpr uint32_t kMaxGlyphs = kFirstRangeCount + (0xD800 - kSecondFirst);

uint16_t code_for(uint32_t new_gid) {
  if (new_gid < kFirstRangeCount) return static_cast<uint16_t>(kPuaFirst + new_gid);
  return static_cast<uint16_t>(kSecondFirst + (new_gid - kFirstRangeCount));
}

// The subset glyph code_for gave `code`.
uint32_t glyph_for(uint16_t code) {
  if (code >= kPuaFirst) return code - kPuaFirst;
  return kFirstRangeCount + (code - kSecondFirst);
}

// A cmap table with one (3,1) format-4 subtable mapping code_for(g) → g for
// every g in [0, glyph_count): one or two idDelta segments plus the final
// 0xFFFF segment.
std::string build_cmap(uint32_t glyph_count) {
  struct Seg {
    uint32_t start, end;
    uint16_t delta;
  };
  std::vector<Seg> segs;
  uint32_t first = std::min(glyph_count, kFirstRangeCount);
  if (glyph_count > kFirstRangeCount) {
    uint32_t n = glyph_count - kFirstRangeCount;
    // code c maps to c - kSecondFirst + kFirstRangeCount.
    segs.push_back({kSecondFirst, kSecondFirst + n - 1,
                    static_cast<uint16_t>(kFirstRangeCount - kSecondFirst)});
  }
  segs.push_back({kPuaFirst, kPuaFirst + first - 1, static_cast<uint16_t>(0x10000 - kPuaFirst)});
  segs.push_back({0xFFFF, 0xFFFF, 1});
  uint32_t seg_count = static_cast<uint32_t>(segs.size());
  uint32_t search_range = 2, entry_selector = 0;
  while (search_range * 2 <= seg_count * 2) {
    search_range *= 2;
    ++entry_selector;
  }
  std::string sub;
  put16(sub, 4);
  put16(sub, 16 + 8 * seg_count);  // length
  put16(sub, 0);                   // language
  put16(sub, seg_count * 2);
  put16(sub, search_range);
  put16(sub, entry_selector);
  put16(sub, seg_count * 2 - search_range);
  for (const Seg& s : segs) put16(sub, s.end);
  put16(sub, 0);  // reservedPad
  for (const Seg& s : segs) put16(sub, s.start);
  for (const Seg& s : segs) put16(sub, s.delta);
  for (size_t i = 0; i < segs.size(); ++i) put16(sub, 0);  // idRangeOffset
  std::string cmap;
  put16(cmap, 0);  // version
  put16(cmap, 1);  // numTables
  put16(cmap, 3);  // platform: Windows
  put16(cmap, 1);  // encoding: Unicode BMP
  put32(cmap, 12);
  return cmap + sub;
}

std::optional<std::vector<std::byte>> subset_codepoints_face(hb_face_t* face,
                                                             std::span<const char32_t> cps,
                                                             std::string& error) {
  InputPtr input(hb_subset_input_create_or_fail());
  if (!input) {
    error = "out of memory";
    return std::nullopt;
  }
  hb_set_t* unicodes = hb_subset_input_unicode_set(input.get());
  for (char32_t cp : cps) hb_set_add(unicodes, cp);
  // A reader's engine shapes with this subset: keep every OpenType feature
  // (halt/chws for punctuation trimming, vert/vrt2 for vertical text), not
  // only hb-subset's default list.
  hb_set_t* features = hb_subset_input_set(input.get(), HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
  hb_set_clear(features);
  hb_set_invert(features);
  // CFF charstrings without subroutines: hb-subset 6.0 flattens them faster
  // than it subsets the subroutines, and they deflate smaller in the EPUB's
  // zip (the seed's four Noto CJK faces: 886 -> 677 M instructions for the
  // EPUB with the files no longer read, 1.44 -> 1.36 MB; docs/performance.md).
  hb_subset_input_set_flags(input.get(), HB_SUBSET_FLAGS_DESUBROUTINIZE);
  FacePtrHb sub(hb_subset_or_fail(face, input.get()));
  if (!sub) {
    error = "hb-subset failed";
    return std::nullopt;
  }
  BlobPtr blob(hb_face_reference_blob(sub.get()));
  return blob_bytes(blob.get());
}

// A subset input holding `glyphs`, or null with `error` set (an id the face lacks).
InputPtr glyph_input(hb_face_t* face, std::span<const uint32_t> glyphs, std::string& error) {
  const unsigned glyph_total = hb_face_get_glyph_count(face);
  InputPtr input(hb_subset_input_create_or_fail());
  if (!input) {
    error = "out of memory";
    return nullptr;
  }
  hb_set_t* gset = hb_subset_input_glyph_set(input.get());
  for (uint32_t g : glyphs) {
    if (g >= glyph_total) {
      error = "glyph id " + std::to_string(g) + " is not in the face (" +
              std::to_string(glyph_total) + " glyphs)";
      return nullptr;
    }
    hb_set_add(gset, g);
  }
  return input;
}

hb_blob_t* table_but_cmap(hb_face_t*, hb_tag_t tag, void* source) {
  if (tag == HB_TAG('c', 'm', 'a', 'p')) return hb_blob_get_empty();
  return hb_face_reference_table(static_cast<hb_face_t*>(source), tag);
}

// `face` seen without its cmap (sharing its tables), for the glyph-addressed
// subset, which replaces the cmap with its own: asked for glyphs, hb-subset
// 6.0 first maps every code point of the cmap to its glyph to keep the ones
// that reach a glyph asked for (DejaVu Sans Mono's format 12 subtable: 4.4 M
// instructions a subset, docs/performance.md), a cmap thrown away after.
FacePtrHb without_cmap(hb_face_t* face) {
  FacePtrHb out(hb_face_create_for_tables(table_but_cmap, hb_face_reference(face), [](void* f) {
    hb_face_destroy(static_cast<hb_face_t*>(f));
  }));
  if (out.get() == hb_face_get_empty()) return nullptr;
  return out;
}

std::optional<PuaSubset> subset_pua_face(hb_face_t* whole, std::span<const uint32_t> glyphs,
                                         std::string& error) {
  FacePtrHb source = without_cmap(whole);
  if (!source) {
    error = "out of memory";
    return std::nullopt;
  }
  hb_face_t* face = source.get();
  InputPtr input = glyph_input(face, glyphs, error);
  if (!input) return std::nullopt;
  // Nothing shapes with this subset: drop layout tables (and with them the
  // layout closure, so only the asked-for glyphs and their components stay).
  hb_set_t* drop = hb_subset_input_set(input.get(), HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (const char* tag :
       {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "morx", "kerx", "kern", "vhea", "vmtx"})
    hb_set_add(drop, hb_tag_from_string(tag, 4));
  // PDF viewers rasterize without TrueType hinting: drop the instructions
  // (libharu copies whichever of cvt/fpgm/prep exist).
  hb_subset_input_set_flags(input.get(), HB_SUBSET_FLAGS_NO_HINTING);

  PlanPtr plan(hb_subset_plan_create_or_fail(face, input.get()));
  if (!plan) {
    error = "hb-subset could not plan the subset";
    return std::nullopt;
  }
  FacePtrHb sub(hb_subset_plan_execute_or_fail(plan.get()));
  if (!sub) {
    error = "hb-subset failed";
    return std::nullopt;
  }
  const unsigned count = hb_face_get_glyph_count(sub.get());
  if (count > kMaxGlyphs) {
    error = "the face uses " + std::to_string(count) + " glyphs, more than " +
            std::to_string(kMaxGlyphs) + " can be addressed";
    return std::nullopt;
  }
  PuaSubset out;
  out.glyph_count = static_cast<int>(count);
  const hb_map_t* old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan.get());
  for (uint32_t g : glyphs) {
    hb_codepoint_t n = hb_map_get(old_to_new, g);
    if (n == HB_MAP_VALUE_INVALID || n >= count) {
      error = "glyph " + std::to_string(g) + " was lost in subsetting";
      return std::nullopt;
    }
    out.code_of[g] = code_for(n);
  }

  // Rebuild the face with every table but cmap, plus our own cmap. The
  // subset is a builder face that cannot list its tables: serialize it and
  // reopen it first.
  BlobPtr sub_blob(hb_face_reference_blob(sub.get()));
  sub.reset(hb_face_create(sub_blob.get(), 0));
  FacePtrHb builder(hb_face_builder_create());
  std::vector<hb_tag_t> tags(64);
  unsigned start = 0;
  for (;;) {
    unsigned n = static_cast<unsigned>(tags.size());
    unsigned total = hb_face_get_table_tags(sub.get(), start, &n, tags.data());
    for (unsigned i = 0; i < n; ++i) {
      if (tags[i] == HB_TAG('c', 'm', 'a', 'p')) continue;
      BlobPtr table(hb_face_reference_table(sub.get(), tags[i]));
      if (!hb_face_builder_add_table(builder.get(), tags[i], table.get())) {
        error = "could not rebuild the subset face";
        return std::nullopt;
      }
    }
    start += n;
    if (n == 0 || start >= total) break;
  }
  std::string cmap = build_cmap(count);
  BlobPtr cmap_blob(hb_blob_create(cmap.data(), static_cast<unsigned>(cmap.size()),
                                   HB_MEMORY_MODE_DUPLICATE, nullptr, nullptr));
  if (!hb_face_builder_add_table(builder.get(), HB_TAG('c', 'm', 'a', 'p'), cmap_blob.get())) {
    error = "could not add the cmap table";
    return std::nullopt;
  }
  BlobPtr font(hb_face_reference_blob(builder.get()));
  out.font = blob_bytes(font.get());
  if (out.font.empty()) {
    error = "could not serialize the subset face";
    return std::nullopt;
  }
  return out;
}

// ---- The few CFF structures the PDF needs: is the font CID-keyed, and
// which CID (or SID) the charset gives each glyph. (Adobe TN #5176.)

struct CffReader {
  std::span<const uint8_t> d;
  bool ok = true;
  uint32_t u(size_t at, int size) {
    if (at + static_cast<size_t>(size) > d.size() || size < 1 || size > 4) {
      ok = false;
      return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < size; ++i) v = (v << 8) | d[at + static_cast<size_t>(i)];
    return v;
  }
  // An INDEX at `at`: the [begin, end) of each element; `next` after it.
  std::vector<std::pair<size_t, size_t>> index(size_t at, size_t& next) {
    std::vector<std::pair<size_t, size_t>> out;
    const uint32_t count = u(at, 2);
    if (!ok || count == 0) {
      next = at + 2;
      return out;
    }
    const int off_size = static_cast<int>(u(at + 2, 1));
    const size_t offsets = at + 3;
    const size_t base = offsets + (count + 1) * static_cast<size_t>(off_size) - 1;
    uint32_t prev = u(offsets, off_size);
    for (uint32_t i = 1; i <= count && ok; ++i) {
      uint32_t cur = u(offsets + i * static_cast<size_t>(off_size), off_size);
      if (cur < prev || base + cur > d.size()) ok = false;
      else out.emplace_back(base + prev, base + cur);
      prev = cur;
    }
    next = base + prev;
    return out;
  }
};

struct CffTop {
  bool cid_keyed = false;    // ROS present
  int64_t charset = 0;       // offset (0..2: predefined, name-keyed only)
  int64_t charstrings = -1;  // offset of the CharStrings INDEX
};

// Integer operands and the operators that matter of a Top DICT.
CffTop parse_top_dict(std::span<const uint8_t> dict) {
  CffTop top;
  std::vector<int64_t> operands;
  for (size_t i = 0; i < dict.size();) {
    const uint8_t b0 = dict[i];
    auto need = [&](size_t n) { return i + n <= dict.size(); };
    if (b0 <= 21) {  // operator
      int op = b0;
      if (b0 == 12) {
        if (!need(2)) break;
        op = 1200 + dict[i + 1];
        ++i;
      }
      ++i;
      if (op == 1230) top.cid_keyed = true;  // ROS
      if (op == 15 && !operands.empty()) top.charset = operands.back();
      if (op == 17 && !operands.empty()) top.charstrings = operands.back();
      operands.clear();
    } else if (b0 == 28 && need(3)) {
      operands.push_back(static_cast<int16_t>((dict[i + 1] << 8) | dict[i + 2]));
      i += 3;
    } else if (b0 == 29 && need(5)) {
      operands.push_back(static_cast<int32_t>((uint32_t{dict[i + 1]} << 24) |
                                              (uint32_t{dict[i + 2]} << 16) |
                                              (uint32_t{dict[i + 3]} << 8) | dict[i + 4]));
      i += 5;
    } else if (b0 == 30) {  // real: nibbles up to an 0xF
      ++i;
      while (i < dict.size() && (dict[i] & 0x0F) != 0x0F && (dict[i] >> 4) != 0x0F) ++i;
      ++i;
      operands.push_back(0);
    } else if (b0 >= 32 && b0 <= 246) {
      operands.push_back(b0 - 139);
      ++i;
    } else if (b0 >= 247 && b0 <= 250 && need(2)) {
      operands.push_back((b0 - 247) * 256 + dict[i + 1] + 108);
      i += 2;
    } else if (b0 >= 251 && b0 <= 254 && need(2)) {
      operands.push_back(-(b0 - 251) * 256 - dict[i + 1] - 108);
      i += 2;
    } else {
      break;  // reserved byte or truncated operand
    }
  }
  return top;
}

// A CFF charset: which CID (CID-keyed) or SID each glyph has. Read in place
// (a CJK face has 65,535 glyphs, and the PDF asks for a few hundred):
// format 0 by index, formats 1 and 2 by their ranges.
struct CffCharset {
  bool cid_keyed = false;
  size_t glyph_count = 0;   // CharStrings, .notdef included
  bool predefined = false;  // name-keyed ISOAdobe/Expert charsets: ids unused here
  uint32_t format = 0;
  std::span<const uint8_t> format0;  // format 0: the ids of glyphs 1…
  struct Range {
    uint32_t glyph, id, count;  // glyphs [glyph, glyph + count) have ids from `id`
  };
  std::vector<Range> ranges;  // formats 1 and 2, by glyph
  // The id of glyph `g` (< glyph_count): its CID (CID-keyed) or SID.
  uint32_t id_of(uint32_t g) const {
    if (g == 0 || predefined) return g;
    if (format == 0) return (uint32_t{format0[2 * (g - 1)]} << 8) | format0[2 * (g - 1) + 1];
    auto it = std::upper_bound(ranges.begin(), ranges.end(), g,
                               [](uint32_t v, const Range& r) { return v < r.glyph; });
    if (it == ranges.begin()) return 0;
    --it;
    return g - it->glyph < it->count ? it->id + (g - it->glyph) : 0;
  }
};

std::optional<CffCharset> read_cff_charset(std::span<const uint8_t> cff, std::string& error) {
  CffReader r{cff};
  const uint32_t header_size = r.u(2, 1);
  size_t at = header_size;
  r.index(at, at);                   // Name INDEX
  auto top_dicts = r.index(at, at);  // Top DICT INDEX
  if (!r.ok || top_dicts.size() != 1) {
    error = "the CFF table is damaged (no single Top DICT)";
    return std::nullopt;
  }
  const CffTop top =
      parse_top_dict(cff.subspan(top_dicts[0].first, top_dicts[0].second - top_dicts[0].first));
  if (top.charstrings <= 0 || static_cast<size_t>(top.charstrings) >= cff.size()) {
    error = "the CFF table has no CharStrings";
    return std::nullopt;
  }
  CffCharset out;
  out.cid_keyed = top.cid_keyed;
  out.glyph_count = r.u(static_cast<size_t>(top.charstrings), 2);  // the INDEX's count
  const size_t glyphs = out.glyph_count;
  if (top.charset <= 2) {  // predefined charsets: only name-keyed fonts, SIDs unused here
    if (top.cid_keyed) {
      error = "a CID-keyed CFF without a charset";
      return std::nullopt;
    }
    out.predefined = true;
    return out;
  }
  size_t p = static_cast<size_t>(top.charset);
  out.format = r.u(p++, 1);
  if (out.format == 0) {
    const size_t size = 2 * (glyphs > 0 ? glyphs - 1 : 0);
    if (p + size > cff.size()) r.ok = false;
    else out.format0 = cff.subspan(p, size);
  } else if (out.format == 1 || out.format == 2) {
    const int left_size = out.format == 1 ? 1 : 2;
    for (size_t g = 1; g < glyphs && r.ok;) {
      const uint32_t first = r.u(p, 2);
      const uint32_t left = r.u(p + 2, left_size);
      p += 2 + static_cast<size_t>(left_size);
      out.ranges.push_back({static_cast<uint32_t>(g), first, left + 1});
      g += left + 1;
    }
  } else {
    error = "unknown CFF charset format " + std::to_string(out.format);
    return std::nullopt;
  }
  if (!r.ok) {
    error = "the CFF charset is damaged";
    return std::nullopt;
  }
  return out;
}

bool face_has_table(hb_face_t* face, hb_tag_t tag) {
  BlobPtr t(hb_face_reference_table(face, tag));
  return hb_blob_get_length(t.get()) > 0;
}

// The tables a CFF subset for the PDF reads (the outlines and the glyph
// count), shared with the source face, and whether hb-subset is shown the
// outlines (see plans_without_outlines).
struct OutlineTables {
  BlobPtr cff, head, maxp;
  bool hide_cff = false;
};

hb_blob_t* outline_table(hb_face_t*, hb_tag_t tag, void* user_data) {
  const auto* tables = static_cast<const OutlineTables*>(user_data);
  const BlobPtr* blob = tag == HB_TAG('C', 'F', 'F', ' ') && !tables->hide_cff ? &tables->cff
                        : tag == HB_TAG('h', 'e', 'a', 'd')                    ? &tables->head
                        : tag == HB_TAG('m', 'a', 'x', 'p')                    ? &tables->maxp
                                                                               : nullptr;
  return blob ? hb_blob_reference(blob->get()) : hb_blob_get_empty();
}

// A face of only those tables (`tables` must outlive it). Subsetting the
// whole face would first walk its cmap (tens of thousands of code points in
// a CJK face) and the Unicode variation sequences, adding variant glyphs no
// text uses: a fixed ~10–20 ms per Noto CJK face even for a handful of
// glyphs (docs/performance.md), and a larger font program.
FacePtrHb outline_face(hb_face_t* face, OutlineTables& tables) {
  tables.cff.reset(hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' ')));
  tables.head.reset(hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd')));
  tables.maxp.reset(hb_face_reference_table(face, HB_TAG('m', 'a', 'x', 'p')));
  FacePtrHb out(hb_face_create_for_tables(outline_table, &tables, nullptr));
  if (out.get() == hb_face_get_empty()) return nullptr;
  return out;
}

// Whether hb-subset may plan the subset of a CFF face without its outlines
// (OutlineTables::hide_cff) and give the same subset. hb-subset 6.0 reads
// the `CFF ` table twice: to cut the outlines (executing the plan), and
// while planning only to add the components of accented glyphs built with
// `seac` (endchar with four arguments naming two glyphs by their
// StandardEncoding codes), for which it interprets the charstring of every
// glyph asked for: a third of the subset's instructions (about 17,000 a
// glyph of Noto CJK, docs/performance.md). A CID-keyed font has no
// StandardEncoding, so it has no such glyphs (none in any face of the four
// Noto CJK collections, scanned with 6.0's own check). Checked in 6.0's
// source, where planning reads `CFF ` for nothing else; other releases
// (later ones keep the parsed CFF in the plan for both steps) plan with the
// outlines.
bool plans_without_outlines(std::span<const uint8_t> cff) {
  unsigned major = 0, minor = 0, micro = 0;
  hb_version(&major, &minor, &micro);
  if (major != 6 || minor != 0) return false;
  std::string ignored;  // a damaged CFF table: hb-subset says why
  auto charset = read_cff_charset(cff, ignored);
  return charset && charset->cid_keyed;
}

// Each glyph's width and the font descriptor's metrics, from the original
// face (hmtx, head, OS/2, post), once `out.code_of` is known.
void add_metrics(hb_face_t* face, PdfFont& out) {
  std::unique_ptr<hb_font_t, HbFontDeleter> font(hb_font_create(face));
  const double upem = hb_face_get_upem(face);
  auto em = [&](double v) { return v * 1000.0 / upem; };
  for (const auto& [g, code] : out.code_of)
    out.width_of[code] = em(hb_font_get_glyph_h_advance(font.get(), g));
  BlobPtr head(hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd')));
  unsigned head_len = 0;
  const auto* h = reinterpret_cast<const uint8_t*>(hb_blob_get_data(head.get(), &head_len));
  if (h && head_len >= 44) {
    for (int k = 0; k < 4; ++k)
      out.bbox[k] = em(static_cast<int16_t>((h[36 + 2 * k] << 8) | h[37 + 2 * k]));
  }
  hb_position_t v = 0;
  if (hb_ot_metrics_get_position(font.get(), HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v))
    out.ascent = em(v);
  if (hb_ot_metrics_get_position(font.get(), HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v))
    out.descent = em(v);
  out.cap_height = out.ascent;
  if (hb_ot_metrics_get_position(font.get(), HB_OT_METRICS_TAG_CAP_HEIGHT, &v) && v > 0)
    out.cap_height = em(v);
  out.italic_angle = hb_style_get_value(font.get(), HB_STYLE_TAG_SLANT_ANGLE);
  BlobPtr post(hb_face_reference_table(face, HB_TAG('p', 'o', 's', 't')));
  unsigned post_len = 0;
  const auto* pd = reinterpret_cast<const uint8_t*>(hb_blob_get_data(post.get(), &post_len));
  out.fixed_pitch = pd && post_len >= 16 && (pd[12] | pd[13] | pd[14] | pd[15]) != 0;
}

// Sets `out.code_of[g]` to `code` for the 2-byte codes; false (and `error`) past them.
bool set_code(PdfFont& out, uint32_t g, uint32_t code, std::string& error) {
  if (code > 0xFFFF) {
    error = "CID " + std::to_string(code) + " does not fit a 2-byte code";
    return false;
  }
  out.code_of[g] = static_cast<uint16_t>(code);
  return true;
}

// The first code past every glyph's: free for .notdef stand-ins.
uint32_t first_free_code(const PdfFont& out) {
  uint32_t max_code = 0;
  for (const auto& [g, code] : out.code_of) max_code = std::max<uint32_t>(max_code, code);
  return max_code + 1 <= 0xFFFD ? max_code + 1 : 0;
}

// The CFF path of subset_for_pdf: outlines stay CFF; codes are CIDs.
std::optional<PdfFont> subset_cff_for_pdf(hb_face_t* face, std::span<const uint32_t> glyphs,
                                          CffPlanning planning, std::string& error) {
  OutlineTables tables;  // outlives the face made of it, and the plan holding that face
  FacePtrHb outlines = outline_face(face, tables);
  if (!outlines) {
    error = "out of memory";
    return std::nullopt;
  }
  InputPtr input = glyph_input(outlines.get(), glyphs, error);
  if (!input) return std::nullopt;
  // Desubroutinized charstrings deflate better than subroutinized ones
  // (LIBRARY-NOTES.md: CFF) and subset faster.
  hb_subset_input_set_flags(input.get(), HB_SUBSET_FLAGS_DESUBROUTINIZE);
  unsigned cff_len = 0;
  const char* cff_data = hb_blob_get_data(tables.cff.get(), &cff_len);
  tables.hide_cff =
      planning == CffPlanning::Default &&
      plans_without_outlines(std::span(reinterpret_cast<const uint8_t*>(cff_data), cff_len));
  PlanPtr plan(hb_subset_plan_create_or_fail(outlines.get(), input.get()));
  tables.hide_cff = false;
  if (!plan) {
    error = "hb-subset could not plan the subset";
    return std::nullopt;
  }
  FacePtrHb sub(hb_subset_plan_execute_or_fail(plan.get()));
  if (!sub) {
    error = "hb-subset failed";
    return std::nullopt;
  }
  BlobPtr cff(hb_face_reference_table(sub.get(), HB_TAG('C', 'F', 'F', ' ')));
  unsigned len = 0;
  const char* data = hb_blob_get_data(cff.get(), &len);
  if (!data || len == 0) {
    error = "the subset has no CFF table";
    return std::nullopt;
  }
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(data), len);
  auto charset = read_cff_charset(bytes, error);
  if (!charset) return std::nullopt;

  PdfFont out;
  out.kind = PdfFont::Kind::Cff;
  out.program = blob_bytes(cff.get());
  out.glyph_count = static_cast<int>(charset->glyph_count);
  const hb_map_t* old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan.get());
  for (uint32_t g : glyphs) {
    const hb_codepoint_t n = hb_map_get(old_to_new, g);
    if (n == HB_MAP_VALUE_INVALID || n >= charset->glyph_count) {
      error = "glyph " + std::to_string(g) + " was lost in subsetting";
      return std::nullopt;
    }
    // Name-keyed: a CIDFontType0 uses the CID as the glyph index (PDF 9.7.4.2).
    if (!set_code(out, g, charset->cid_keyed ? charset->id_of(n) : n, error)) return std::nullopt;
  }
  out.first_free_code = first_free_code(out);
  add_metrics(face, out);
  return out;
}

// subset_for_pdf of an open face.
std::optional<PdfFont> subset_face_for_pdf(hb_face_t* face, std::span<const uint32_t> glyphs,
                                           CffPlanning planning, std::string& error) {
  if (face_has_table(face, HB_TAG('C', 'F', 'F', '2'))) {
    error = "CFF2 (variable PostScript) outlines cannot be embedded in a PDF";
    return std::nullopt;
  }
  if (face_has_table(face, HB_TAG('C', 'F', 'F', ' ')))
    return subset_cff_for_pdf(face, glyphs, planning, error);
  auto pua = subset_pua_face(face, glyphs, error);
  if (!pua) return std::nullopt;
  PdfFont out;
  out.kind = PdfFont::Kind::TrueType;
  out.program = std::move(pua->font);
  out.code_of = std::move(pua->code_of);
  out.glyph_count = pua->glyph_count;
  const uint32_t next = kPuaFirst + static_cast<uint32_t>(pua->glyph_count);
  out.first_free_code = next <= 0xFFFD ? next : 0;
  add_metrics(face, out);
  return out;
}

}  // namespace

std::optional<PdfFont> subset_for_pdf(const std::filesystem::path& file, int index,
                                      std::span<const uint32_t> glyphs, std::string& error) {
  BlobPtr blob(hb_blob_create_from_file_or_fail(file.c_str()));
  if (!blob) {
    error = "cannot read font file " + file.string();
    return std::nullopt;
  }
  unsigned len = 0;
  const char* data = hb_blob_get_data(blob.get(), &len);
  FacePtrHb face =
      face_from_bytes(std::span(reinterpret_cast<const std::byte*>(data), len), index, error);
  if (!face) return std::nullopt;
  return subset_face_for_pdf(face.get(), glyphs, CffPlanning::Default, error);
}

std::optional<PdfFont> subset_for_pdf(const Face& face, std::span<const uint32_t> glyphs,
                                      std::string& error, CffPlanning planning) {
  return subset_face_for_pdf(face.face.get(), glyphs, planning, error);
}

bool plans_cff_without_outlines(const Face& face) {
  BlobPtr cff(hb_face_reference_table(face.face.get(), HB_TAG('C', 'F', 'F', ' ')));
  unsigned len = 0;
  const char* data = hb_blob_get_data(cff.get(), &len);
  return len > 0 && plans_without_outlines(std::span(reinterpret_cast<const uint8_t*>(data), len));
}

std::optional<PdfFont> cid_font_for_pdf(const Face& source, std::span<const uint32_t> glyphs,
                                        std::string& error) {
  hb_face_t* face = source.face.get();
  if (face_has_table(face, HB_TAG('C', 'F', 'F', '2'))) {
    error = "CFF2 (variable PostScript) outlines cannot be embedded in a PDF";
    return std::nullopt;
  }
  BlobPtr cff(hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' ')));
  unsigned len = 0;
  const char* data = hb_blob_get_data(cff.get(), &len);
  if (!data || len == 0) return std::nullopt;  // TrueType: codes follow the subset
  auto charset = read_cff_charset(std::span(reinterpret_cast<const uint8_t*>(data), len), error);
  if (!charset) return std::nullopt;
  if (!charset->cid_keyed) return std::nullopt;  // name-keyed: codes are subset glyph ids
  PdfFont out;
  out.kind = PdfFont::Kind::Cff;
  bool notdef = false;
  for (uint32_t g : glyphs) {
    if (g >= charset->glyph_count) {
      error = "glyph id " + std::to_string(g) + " is not in the face (" +
              std::to_string(charset->glyph_count) + " glyphs)";
      return std::nullopt;
    }
    if (!set_code(out, g, charset->id_of(g), error)) return std::nullopt;
    notdef |= g == 0;
  }
  out.glyph_count = static_cast<int>(out.code_of.size()) + (notdef ? 0 : 1);
  out.first_free_code = first_free_code(out);
  add_metrics(face, out);
  return out;
}

std::string cid_to_gid_map(const PdfFont& sub, uint32_t codes) {
  std::string map(2 * static_cast<size_t>(std::min<uint32_t>(codes, 0x10000)), '\0');
  for (const auto& [gid, code] : sub.code_of) {
    const size_t at = 2 * static_cast<size_t>(code);
    if (at + 1 >= map.size()) continue;
    const uint32_t glyph = glyph_for(code);
    map[at] = static_cast<char>(glyph >> 8);
    map[at + 1] = static_cast<char>(glyph & 0xFF);
  }
  return map;
}

std::optional<std::vector<std::byte>> read_font_file(const std::filesystem::path& path,
                                                     std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open font file " + path.string();
    return std::nullopt;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) {
    error = "cannot read font file " + path.string();
    return std::nullopt;
  }
  std::vector<std::byte> out(static_cast<size_t>(size));
  if (!in.read(reinterpret_cast<char*>(out.data()), size)) {
    error = "cannot read font file " + path.string();
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<std::byte>> subset_codepoints(std::span<const std::byte> file, int index,
                                                        std::span<const char32_t> code_points,
                                                        std::string& error) {
  FacePtrHb face = face_from_bytes(file, index, error);
  if (!face) return std::nullopt;
  return subset_codepoints_face(face.get(), code_points, error);
}

std::optional<std::vector<std::byte>> subset_codepoints(const Face& face,
                                                        std::span<const char32_t> code_points,
                                                        std::string& error) {
  return subset_codepoints_face(face.face.get(), code_points, error);
}

std::optional<PuaSubset> subset_glyphs_pua(std::span<const std::byte> file, int index,
                                           std::span<const uint32_t> glyphs, std::string& error) {
  FacePtrHb face = face_from_bytes(file, index, error);
  if (!face) return std::nullopt;
  return subset_pua_face(face.get(), glyphs, error);
}

std::optional<PuaSubset> subset_glyphs_pua(const Face& face, std::span<const uint32_t> glyphs,
                                           std::string& error) {
  return subset_pua_face(face.face.get(), glyphs, error);
}

std::optional<PuaSubset> subset_glyphs_pua(const std::filesystem::path& file, int index,
                                           std::span<const uint32_t> glyphs, std::string& error) {
  BlobPtr blob(hb_blob_create_from_file_or_fail(file.c_str()));
  if (!blob) {
    error = "cannot read font file " + file.string();
    return std::nullopt;
  }
  unsigned len = 0;
  const char* data = hb_blob_get_data(blob.get(), &len);
  return subset_glyphs_pua(std::span(reinterpret_cast<const std::byte*>(data), len), index, glyphs,
                           error);
}

}  // namespace moyin::font
