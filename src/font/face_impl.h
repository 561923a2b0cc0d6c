// The definition of font::Face. Internal to src/font (it includes HarfBuzz):
// subset.cpp and font.cpp use it; nothing outside src/font may include it.
#pragma once

#include <hb.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "font/font.h"

namespace moyin::font {

struct HbBlobDeleter {
  void operator()(hb_blob_t* b) const { hb_blob_destroy(b); }
};
struct HbFaceDeleter {
  void operator()(hb_face_t* f) const { hb_face_destroy(f); }
};
struct HbFontDeleter {
  void operator()(hb_font_t* f) const { hb_font_destroy(f); }
};

struct Face {
  FaceInfo info;
  // The whole file, memory-mapped read-only by hb_blob_create_from_file_or_fail
  // (unmapped when the last reference dies). For a .ttc this is the collection;
  // `face` selects info.index inside it.
  std::unique_ptr<hb_blob_t, HbBlobDeleter> blob;
  std::unique_ptr<hb_face_t, HbFaceDeleter> face;
  // hb_font_t at scale = upem, HarfBuzz's own OpenType functions (no
  // FreeType): immutable, so hb_shape on it is thread-safe.
  std::unique_ptr<hb_font_t, HbFontDeleter> font;
  // Every code point the face's cmap maps, one bit per code point
  // (0..0x10FFFF). A plain bitmap rather than hb_set_t: hb_set_has updates
  // an internal lookup cache, which would race between threads. Built only
  // once has_glyph() has asked the cmap itself kDirectLookups times: filling
  // it from a CJK cmap (~45,000 code points, 139 KB) costs about 18 million
  // instructions, as much as that many cmap lookups, and a short document
  // never asks that much (docs/performance.md).
  static constexpr uint32_t kDirectLookups = 32768;
  mutable std::atomic<uint32_t> lookups{0};
  mutable std::once_flag coverage_once;
  mutable std::vector<uint64_t> coverage;
};

}  // namespace moyin::font
