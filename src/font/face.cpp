// One face: opened once (memory-mapped by HarfBuzz), immutable afterwards,
// so every query and shape() may run on any thread at the same time.
#include <hb-ot.h>
#include <hb.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>

#include "font/face_impl.h"

namespace moyin::font {

namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;

std::string name_string(hb_face_t* face, hb_ot_name_id_t id) {
  // Prefer the English name, then whatever the face has.
  for (const char* lang : std::initializer_list<const char*>{"en", "en-US", nullptr}) {
    hb_language_t l = lang ? hb_language_from_string(lang, -1) : HB_LANGUAGE_INVALID;
    unsigned size = 0;
    size = hb_ot_name_get_utf8(face, id, l, nullptr, nullptr);
    if (size == 0) continue;
    std::string out(size + 1, '\0');
    unsigned cap = size + 1;
    hb_ot_name_get_utf8(face, id, l, &cap, out.data());
    out.resize(cap);
    return out;
  }
  return {};
}

bool has_table(hb_face_t* face, hb_tag_t tag) {
  hb_blob_t* t = hb_face_reference_table(face, tag);
  bool present = hb_blob_get_length(t) > 0;
  hb_blob_destroy(t);
  return present;
}

// What the face's `post` table says, read from its bytes: HarfBuzz's post
// accelerator (which hb_style_get_value's slant angle goes through) first
// indexes every glyph name, about 0.8 M instructions for a CJK TrueType face,
// for two numbers.
struct PostInfo {
  bool fixed_pitch = false;  // post.isFixedPitch
  bool slanted = false;      // post.italicAngle != 0
};

PostInfo post_info(hb_face_t* face) {
  hb_blob_t* t = hb_face_reference_table(face, HB_TAG('p', 'o', 's', 't'));
  unsigned len = 0;
  const char* d = hb_blob_get_data(t, &len);
  PostInfo info;
  if (d && len >= 16) {
    // Big-endian: italicAngle a 16.16 fixed at offset 4, isFixedPitch a
    // uint32 at offset 12.
    auto b = reinterpret_cast<const unsigned char*>(d);
    info.slanted = (b[4] | b[5] | b[6] | b[7]) != 0;
    info.fixed_pitch = (b[12] | b[13] | b[14] | b[15]) != 0;
  }
  hb_blob_destroy(t);
  return info;
}

// The coverage bitmap from the cmap (see Face::coverage).
void fill_coverage(const Face& face) {
  face.coverage.assign((kMaxCodePoint + 1 + 63) / 64, 0);
  hb_set_t* set = hb_set_create();
  hb_face_collect_unicodes(face.face.get(), set);
  for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(set, &cp);) {
    if (cp > kMaxCodePoint) break;
    face.coverage[cp >> 6] |= uint64_t{1} << (cp & 63);
  }
  hb_set_destroy(set);
}

}  // namespace

void FaceDeleter::operator()(Face* face) const { delete face; }

FacePtr open_face(const std::filesystem::path& path, int index, doc::Diagnostics& diags) {
  const std::string p = path.string();
  std::unique_ptr<hb_blob_t, HbBlobDeleter> blob(hb_blob_create_from_file_or_fail(p.c_str()));
  if (!blob) {
    diags.error(p, {}, "cannot read font file");
    return FacePtr(nullptr);
  }
  unsigned count = hb_face_count(blob.get());
  if (count == 0) {
    diags.error(p, {}, "not a TrueType/OpenType font file");
    return FacePtr(nullptr);
  }
  if (index < 0 || static_cast<unsigned>(index) >= count) {
    diags.error(p, {},
                "the font file has " + std::to_string(count) + " face(s), no face index " +
                    std::to_string(index));
    return FacePtr(nullptr);
  }
  std::unique_ptr<hb_face_t, HbFaceDeleter> face(hb_face_create(blob.get(), index));
  if (has_table(face.get(), HB_TAG('C', 'F', 'F', '2'))) {
    diags.error(p, {},
                "font has CFF2 (variable PostScript) outlines, which a PDF cannot embed; "
                "use a static .otf/.ttc instance of the family instead");
    return FacePtr(nullptr);
  }
  const bool cff = has_table(face.get(), HB_TAG('C', 'F', 'F', ' '));
  if ((!cff && !has_table(face.get(), HB_TAG('g', 'l', 'y', 'f'))) ||
      !has_table(face.get(), HB_TAG('c', 'm', 'a', 'p')) ||
      !has_table(face.get(), HB_TAG('h', 'm', 't', 'x'))) {
    diags.error(p, {},
                "font has no outlines Moyin can embed (glyf or CFF, cmap and hmtx tables needed; "
                "colour bitmap fonts are not supported)");
    return FacePtr(nullptr);
  }
  hb_face_make_immutable(face.get());

  FacePtr out(new Face);
  out->info.path = p;
  out->info.index = index;
  out->info.cff = cff;
  out->info.units_per_em = static_cast<int>(hb_face_get_upem(face.get()));
  if (out->info.units_per_em <= 0) out->info.units_per_em = 1000;
  std::unique_ptr<hb_font_t, HbFontDeleter> font(hb_font_create(face.get()));
  hb_font_make_immutable(font.get());

  FaceInfo& fi = out->info;
  fi.family = name_string(face.get(), HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY);
  if (fi.family.empty()) fi.family = name_string(face.get(), HB_OT_NAME_ID_FONT_FAMILY);
  fi.style = name_string(face.get(), HB_OT_NAME_ID_TYPOGRAPHIC_SUBFAMILY);
  if (fi.style.empty()) fi.style = name_string(face.get(), HB_OT_NAME_ID_FONT_SUBFAMILY);
  fi.postscript_name = name_string(face.get(), HB_OT_NAME_ID_POSTSCRIPT_NAME);
  if (fi.postscript_name.empty()) {
    fi.postscript_name = fi.family;
    for (char& c : fi.postscript_name)
      if (c == ' ') c = '-';
  }
  const double upem = fi.units_per_em;
  hb_position_t v = 0;
  if (hb_ot_metrics_get_position(font.get(), HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v))
    fi.ascender = v / upem;
  if (hb_ot_metrics_get_position(font.get(), HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v))
    fi.descender = v / upem;
  if (hb_ot_metrics_get_position(font.get(), HB_OT_METRICS_TAG_HORIZONTAL_LINE_GAP, &v))
    fi.line_gap = v / upem;
  const PostInfo post = post_info(face.get());
  fi.bold = hb_style_get_value(font.get(), HB_STYLE_TAG_WEIGHT) >= 600;
  fi.italic = hb_style_get_value(font.get(), HB_STYLE_TAG_ITALIC) > 0 || post.slanted;
  fi.monospace = post.fixed_pitch;

  out->blob = std::move(blob);
  out->face = std::move(face);
  out->font = std::move(font);
  return out;
}

const FaceInfo& info(const Face& face) { return face.info; }

bool has_glyph(const Face& face, char32_t cp) {
  if (cp > kMaxCodePoint) return false;
  // The cmap answers the same as the bitmap made from it (hb_font_t's
  // lookups are thread-safe); the bitmap pays only for many lookups.
  if (face.lookups.load(std::memory_order_relaxed) < Face::kDirectLookups) {
    face.lookups.fetch_add(1, std::memory_order_relaxed);
    return glyph_of(face, cp) != 0;
  }
  std::call_once(face.coverage_once, [&face] { fill_coverage(face); });
  return (face.coverage[cp >> 6] >> (cp & 63)) & 1;
}

uint32_t glyph_of(const Face& face, char32_t cp) {
  hb_codepoint_t gid = 0;
  if (!hb_font_get_nominal_glyph(face.font.get(), cp, &gid)) return 0;
  return gid;
}

double advance_em(const Face& face, uint32_t gid) {
  return hb_font_get_glyph_h_advance(face.font.get(), gid) /
         static_cast<double>(face.info.units_per_em);
}

std::vector<ShapedGlyph> shape(const Face& face, std::string_view utf8, std::string_view script,
                               std::string_view lang) {
  return shape(face, utf8, 0, utf8.size(), script, lang);
}

namespace {

// A BCP 47 tag as HarfBuzz's language (invalid for "": none).
hb_language_t language_of(std::string_view lang) {
  if (lang.empty()) return HB_LANGUAGE_INVALID;
  return hb_language_from_string(lang.data(), static_cast<int>(lang.size()));
}

// utf8[offset, offset+length) into `buf` (the rest as context), left to
// right, with the script and language given and the rest guessed.
void fill(hb_buffer_t* buf, std::string_view utf8, size_t offset, size_t length,
          std::string_view script, hb_language_t language) {
  hb_buffer_add_utf8(buf, utf8.data(), static_cast<int>(utf8.size()), static_cast<unsigned>(offset),
                     static_cast<int>(length));
  hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
  if (!script.empty())
    hb_buffer_set_script(buf,
                         hb_script_from_string(script.data(), static_cast<int>(script.size())));
  if (language != HB_LANGUAGE_INVALID) hb_buffer_set_language(buf, language);
  hb_buffer_guess_segment_properties(buf);  // fills only what is still unset
}

std::vector<ShapedGlyph> glyphs(hb_buffer_t* buf, const Face& face) {
  unsigned n = 0;
  const hb_glyph_info_t* infos = hb_buffer_get_glyph_infos(buf, &n);
  const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, &n);
  const double upem = face.info.units_per_em;
  std::vector<ShapedGlyph> out;
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(ShapedGlyph{.gid = infos[i].codepoint,
                              .x_advance = pos[i].x_advance / upem,
                              .x_offset = pos[i].x_offset / upem,
                              .y_offset = pos[i].y_offset / upem,
                              .cluster = infos[i].cluster});
  }
  return out;
}

struct HbBufferDeleter {
  void operator()(hb_buffer_t* b) const { hb_buffer_destroy(b); }
};

}  // namespace

void prepare_shaping(const Face& face, std::span<const std::string_view> scripts,
                     std::string_view lang) {
  hb_font_t* font = face.font.get();
  hb_face_t* f = hb_font_get_face(font);
  hb_ot_layout_has_substitution(f);  // each makes the table's accelerator (lazily, once)
  hb_ot_layout_has_positioning(f);
  // The key hb_shape and Shaper::Impl::plan_for look plans up by: the
  // buffer's properties as fill() sets them (Latin text guesses "Latn"), no
  // features, the font's coordinates, the default shapers.
  const hb_language_t language = language_of(lang);
  unsigned coords_length = 0;
  const int* coords = hb_font_get_var_coords_normalized(font, &coords_length);
  for (std::string_view script : scripts) {
    hb_segment_properties_t props = HB_SEGMENT_PROPERTIES_DEFAULT;
    props.direction = HB_DIRECTION_LTR;
    props.script = hb_script_from_string(script.data(), static_cast<int>(script.size()));
    props.language = language != HB_LANGUAGE_INVALID ? language : hb_language_get_default();
    hb_shape_plan_destroy(
        hb_shape_plan_create_cached2(f, &props, nullptr, 0, coords, coords_length, nullptr));
  }
}

std::vector<ShapedGlyph> shape(const Face& face, std::string_view utf8, size_t offset,
                               size_t length, std::string_view script, std::string_view lang) {
  if (offset > utf8.size()) return {};
  length = std::min(length, utf8.size() - offset);
  if (length == 0) return {};
  // A buffer per call: buffers are mutable, fonts are not.
  std::unique_ptr<hb_buffer_t, HbBufferDeleter> buf(hb_buffer_create());
  fill(buf.get(), utf8, offset, length, script, language_of(lang));
  hb_shape(face.font.get(), buf.get(), nullptr, 0);
  return glyphs(buf.get(), face);
}

struct Shaper::Impl {
  std::unique_ptr<hb_buffer_t, HbBufferDeleter> buf{hb_buffer_create()};
  struct Plan {
    const hb_face_t* face = nullptr;
    hb_segment_properties_t props{};
    hb_shape_plan_t* plan = nullptr;  // a reference of our own
  };
  std::vector<Plan> plans;  // a handful: faces × scripts of a document
  // The last language tag asked for and HarfBuzz's interned value of it
  // (hb_language_from_string searches a global list).
  std::string lang;
  hb_language_t language = HB_LANGUAGE_INVALID;

  ~Impl() {
    for (Plan& p : plans) hb_shape_plan_destroy(p.plan);
  }

  // The plan hb_shape would use for the buffer's properties on `font`:
  // hb_shape_plan_create_cached2 with the same arguments (no features, the
  // font's variation coordinates), asked once per key.
  hb_shape_plan_t* plan_for(hb_font_t* font) {
    hb_face_t* face = hb_font_get_face(font);
    hb_segment_properties_t props;
    hb_buffer_get_segment_properties(buf.get(), &props);
    for (const Plan& p : plans)
      if (p.face == face && hb_segment_properties_equal(&p.props, &props)) return p.plan;
    unsigned coords_length = 0;
    const int* coords = hb_font_get_var_coords_normalized(font, &coords_length);
    hb_shape_plan_t* plan =
        hb_shape_plan_create_cached2(face, &props, nullptr, 0, coords, coords_length, nullptr);
    plans.push_back({face, props, plan});
    return plan;
  }
};

Shaper::Shaper() : impl_(std::make_unique<Impl>()) {}
Shaper::Shaper(Shaper&&) noexcept = default;
Shaper& Shaper::operator=(Shaper&&) noexcept = default;
Shaper::~Shaper() = default;

size_t Shaper::plans() const { return impl_->plans.size(); }

std::vector<ShapedGlyph> Shaper::shape(const Face& face, std::string_view utf8,
                                       std::string_view script, std::string_view lang) {
  if (utf8.empty()) return {};
  hb_buffer_t* buf = impl_->buf.get();
  hb_buffer_clear_contents(buf);  // flags and Unicode functions stay the defaults
  if (lang != impl_->lang) {
    impl_->lang = lang;
    impl_->language = language_of(lang);
  }
  fill(buf, utf8, 0, utf8.size(), script, impl_->language);
  // What hb_shape does around this call is internal to HarfBuzz: it bounds
  // the work on the buffer by its length (a hostile font's lookups); called
  // directly, a buffer keeps HarfBuzz's default bounds, larger but finite.
  hb_shape_plan_execute(impl_->plan_for(face.font.get()), face.font.get(), buf, nullptr, 0);
  return glyphs(buf, face);
}

}  // namespace moyin::font
