#include "font/subset.h"

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
  const char* data = hb_blob_get_data(blob, &len);
  std::vector<std::byte> out(len);
  if (len) std::copy_n(reinterpret_cast<const std::byte*>(data), len, out.data());
  return out;
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
  FacePtrHb sub(hb_subset_or_fail(face, input.get()));
  if (!sub) {
    error = "hb-subset failed";
    return std::nullopt;
  }
  BlobPtr blob(hb_face_reference_blob(sub.get()));
  return blob_bytes(blob.get());
}

std::optional<PuaSubset> subset_pua_face(hb_face_t* face, std::span<const uint32_t> glyphs,
                                         std::string& error) {
  const unsigned glyph_total = hb_face_get_glyph_count(face);
  InputPtr input(hb_subset_input_create_or_fail());
  if (!input) {
    error = "out of memory";
    return std::nullopt;
  }
  hb_set_t* gset = hb_subset_input_glyph_set(input.get());
  for (uint32_t g : glyphs) {
    if (g >= glyph_total) {
      error = "glyph id " + std::to_string(g) + " is not in the face (" +
              std::to_string(glyph_total) + " glyphs)";
      return std::nullopt;
    }
    hb_set_add(gset, g);
  }
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

}  // namespace

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
