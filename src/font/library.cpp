// FontLibrary: fonts.yaml -> named sets of families -> faces opened once.
// fontconfig is used only while loading (single thread); afterwards the
// library is immutable and shared read-only.
#include <fontconfig/fontconfig.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <system_error>

#include "base/chars.h"
#include "base/utf8.h"
#include "font/face_impl.h"

namespace moyin::font {

struct LibraryData {
  std::vector<FacePtr> faces;
  std::map<std::pair<std::string, int>, int> by_file;  // (canonical path, index) -> id
  std::vector<FontSet> sets;
};

struct FontLibrary::Impl : LibraryData {};

namespace {

struct FcPatternDeleter {
  void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};
struct FcObjectSetDeleter {
  void operator()(FcObjectSet* o) const { FcObjectSetDestroy(o); }
};
struct FcFontSetDeleter {
  void operator()(FcFontSet* s) const { FcFontSetDestroy(s); }
};
struct FcConfigDeleter {
  void operator()(FcConfig* c) const { FcConfigDestroy(c); }
};

struct Candidate {
  std::string file;
  int index = 0;
  int weight = FC_WEIGHT_REGULAR;
  int slant = FC_SLANT_ROMAN;
  int width = FC_WIDTH_NORMAL;
};

// Every installed face of `family` (fontconfig family match is
// case-insensitive and looks at all the family names a face declares).
std::vector<Candidate> list_family(FcConfig* config, const std::string& family) {
  std::vector<Candidate> out;
  std::unique_ptr<FcPattern, FcPatternDeleter> pat(FcPatternCreate());
  FcPatternAddString(pat.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  std::unique_ptr<FcObjectSet, FcObjectSetDeleter> os(
      FcObjectSetBuild(FC_FILE, FC_INDEX, FC_WEIGHT, FC_SLANT, FC_WIDTH, nullptr));
  std::unique_ptr<FcFontSet, FcFontSetDeleter> fs(FcFontList(config, pat.get(), os.get()));
  if (!fs) return out;
  for (int i = 0; i < fs->nfont; ++i) {
    FcPattern* p = fs->fonts[i];
    FcChar8* file = nullptr;
    if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch) continue;
    Candidate c;
    c.file = reinterpret_cast<const char*>(file);
    FcPatternGetInteger(p, FC_INDEX, 0, &c.index);
    FcPatternGetInteger(p, FC_WEIGHT, 0, &c.weight);
    FcPatternGetInteger(p, FC_SLANT, 0, &c.slant);
    FcPatternGetInteger(p, FC_WIDTH, 0, &c.width);
    out.push_back(std::move(c));
  }
  // fontconfig's order depends on its cache; make the choice deterministic.
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.file, a.index) < std::tie(b.file, b.index);
  });
  return out;
}

// The best candidate for a weight/slant, or nullptr.
const Candidate* pick(const std::vector<Candidate>& cs, bool bold, bool italic) {
  const Candidate* best = nullptr;
  int best_score = 0;
  for (const Candidate& c : cs) {
    bool is_italic = c.slant != FC_SLANT_ROMAN;
    bool is_bold = c.weight >= FC_WEIGHT_DEMIBOLD;
    if (is_italic != italic || is_bold != bold) continue;
    int target = bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR;
    int score = std::abs(c.weight - target) * 4 + std::abs(c.width - FC_WIDTH_NORMAL);
    if (!best || score < best_score) {
      best = &c;
      best_score = score;
    }
  }
  return best;
}

bool looks_like_path(const std::string& s) {
  if (s.find('/') != std::string::npos) return true;
  auto ends = [&](std::string_view suf) {
    if (s.size() < suf.size()) return false;
    std::string tail = s.substr(s.size() - suf.size());
    std::transform(tail.begin(), tail.end(), tail.begin(), ::tolower);
    return tail == suf;
  };
  return ends(".ttf") || ends(".ttc") || ends(".otf") || ends(".otc");
}

doc::Position pos_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

struct Loader {
  LibraryData& lib;
  FcConfig* config;
  doc::Diagnostics& diags;
  std::string yaml_path;
  std::filesystem::path base_dir;

  // Opens (or reuses) a face; errors are reported at the yaml position.
  int open(const std::string& file, int index, doc::Position at) {
    std::error_code ec;
    std::filesystem::path p = file;
    if (p.is_relative()) p = base_dir / p;
    std::filesystem::path canon = std::filesystem::weakly_canonical(p, ec);
    if (ec) canon = p;
    auto key = std::make_pair(canon.string(), index);
    if (auto it = lib.by_file.find(key); it != lib.by_file.end()) return it->second;
    doc::Diagnostics local;
    FacePtr face = open_face(canon, index, local);
    if (!face) {
      for (const doc::Diagnostic& d : local.items)
        diags.error(yaml_path, at, canon.string() + ": " + d.message);
      return -1;
    }
    int id = static_cast<int>(lib.faces.size());
    lib.faces.push_back(std::move(face));
    lib.by_file.emplace(key, id);
    return id;
  }

  int open_variant(const YAML::Node& entry, const char* key) {
    const YAML::Node v = entry[key];
    if (!v) return -1;
    if (!v.IsScalar()) {
      diags.warn(yaml_path, pos_of(v), std::string("`") + key + "` must be a font file path");
      return -1;
    }
    int index = 0;
    if (auto idx = entry[std::string(key) + "-index"]; idx && idx.IsScalar())
      index = std::atoi(idx.Scalar().c_str());
    return open(v.Scalar(), index, pos_of(v));
  }

  // One entry of a set: "Family Name", "path/to/file.ttf", or a map.
  std::optional<FontFamilyEntry> entry(const YAML::Node& node) {
    FontFamilyEntry e;
    std::string family, path;
    int index = 0;
    if (node.IsScalar()) {
      (looks_like_path(node.Scalar()) ? path : family) = node.Scalar();
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        const std::string k = kv.first.Scalar();
        static const char* known[] = {"family", "path", "index", "regular", "bold", "italic",
                                      "bold-italic", "regular-index", "bold-index",
                                      "italic-index", "bold-italic-index"};
        if (std::find_if(std::begin(known), std::end(known),
                         [&](const char* s) { return k == s; }) == std::end(known))
          diags.warn(yaml_path, pos_of(kv.first), "unknown key `" + k + "` in a font entry");
      }
      if (auto f = node["family"]; f && f.IsScalar()) family = f.Scalar();
      if (auto p = node["path"]; p && p.IsScalar()) path = p.Scalar();
      if (auto r = node["regular"]; r && r.IsScalar()) path = r.Scalar();
      if (auto i = node["index"]; i && i.IsScalar()) index = std::atoi(i.Scalar().c_str());
    } else {
      diags.warn(yaml_path, pos_of(node), "a font entry must be a family name, a path or a map");
      return std::nullopt;
    }
    e.name = family.empty() ? path : family;
    if (e.name.empty()) {
      diags.warn(yaml_path, pos_of(node), "font entry without `family` or `path`");
      return std::nullopt;
    }
    const doc::Position at = pos_of(node);
    if (!path.empty()) {
      // Explicit files win over fontconfig.
      e.regular = open(path, index, at);
    } else {
      std::vector<Candidate> cs = list_family(config, family);
      if (cs.empty()) {
        diags.warn(yaml_path, at,
                   "font family `" + family + "` is not installed (fontconfig found no face); "
                   "entry skipped");
        return std::nullopt;
      }
      auto open_pick = [&](bool bold, bool italic) {
        const Candidate* c = pick(cs, bold, italic);
        return c ? open(c->file, c->index, at) : -1;
      };
      e.regular = open_pick(false, false);
      if (e.regular < 0 && !pick(cs, false, false)) {
        diags.warn(yaml_path, at, "font family `" + family + "` has no regular face; entry skipped");
        return std::nullopt;
      }
      e.bold = open_pick(true, false);
      e.italic = open_pick(false, true);
      e.bold_italic = open_pick(true, true);
    }
    if (node.IsMap()) {
      if (int b = open_variant(node, "bold"); b >= 0) e.bold = b;
      if (int i = open_variant(node, "italic"); i >= 0) e.italic = i;
      if (int bi = open_variant(node, "bold-italic"); bi >= 0) e.bold_italic = bi;
    }
    if (e.regular < 0) return std::nullopt;
    const Face& f = *lib.faces[e.regular];
    e.han = has_glyph(f, U'一') && has_glyph(f, U'。');
    return e;
  }
};

}  // namespace

FontLibrary::FontLibrary() : impl_(std::make_unique<Impl>()) {}
FontLibrary::FontLibrary(FontLibrary&&) noexcept = default;
FontLibrary& FontLibrary::operator=(FontLibrary&&) noexcept = default;
FontLibrary::~FontLibrary() = default;

std::optional<FontLibrary> FontLibrary::load(const std::filesystem::path& fonts_yaml,
                                             doc::Diagnostics& diags) {
  const std::string yp = fonts_yaml.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(yp);
  } catch (const YAML::BadFile&) {
    diags.error(yp, {}, "cannot read the font configuration");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diags.error(yp, {e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  const YAML::Node sets = root.IsMap() ? root["sets"] : YAML::Node();
  if (!sets || !sets.IsMap() || sets.size() == 0) {
    diags.error(yp, pos_of(root), "the font configuration needs a `sets:` map of font sets");
    return std::nullopt;
  }
  for (const auto& kv : root) {
    if (kv.first.Scalar() != "sets")
      diags.warn(yp, pos_of(kv.first), "unknown key `" + kv.first.Scalar() + "`");
  }
  // A private fontconfig configuration, destroyed after loading: nothing of
  // fontconfig stays alive (or global) once the faces are open.
  std::unique_ptr<FcConfig, FcConfigDeleter> config(FcInitLoadConfigAndFonts());
  if (!config) {
    diags.error(yp, {}, "fontconfig could not be initialised");
    return std::nullopt;
  }
  FontLibrary lib;
  Loader loader{*lib.impl_, config.get(), diags, yp, fonts_yaml.parent_path()};
  const size_t errors_before = diags.count(doc::Severity::Error);
  for (const auto& kv : sets) {
    FontSet set;
    set.name = kv.first.Scalar();
    const YAML::Node list = kv.second;
    if (!list.IsSequence()) {
      diags.error(yp, pos_of(kv.first), "font set `" + set.name + "` must be a list of faces");
      continue;
    }
    for (const YAML::Node& item : list) {
      if (auto e = loader.entry(item)) set.faces.push_back(std::move(*e));
    }
    if (set.faces.empty()) {
      diags.error(yp, pos_of(kv.first), "font set `" + set.name + "` has no usable face");
      continue;
    }
    lib.impl_->sets.push_back(std::move(set));
  }
  if (diags.count(doc::Severity::Error) > errors_before) return std::nullopt;
  return lib;
}

const FontSet* FontLibrary::find_set(std::string_view name) const {
  for (const FontSet& s : impl_->sets)
    if (s.name == name) return &s;
  return nullptr;
}

const std::vector<FontSet>& FontLibrary::sets() const { return impl_->sets; }

int FontLibrary::face_count() const { return static_cast<int>(impl_->faces.size()); }
const Face& FontLibrary::face(int id) const { return *impl_->faces.at(id); }
int FontLibrary::face_id(const Face& face) const {
  for (size_t i = 0; i < impl_->faces.size(); ++i)
    if (impl_->faces[i].get() == &face) return static_cast<int>(i);
  return -1;
}

namespace {

// The face of `e` for bold/italic, with the flags for what must be synthesised.
FaceChoice variant(const FontFamilyEntry& e, bool bold, bool italic) {
  FaceChoice c;
  int id = -1;
  if (bold && italic) id = e.bold_italic;
  if (id < 0 && bold && italic && e.bold >= 0) {
    id = e.bold;
    c.synthetic_italic = true;
  } else if (id < 0 && bold && italic && e.italic >= 0) {
    id = e.italic;
    c.synthetic_bold = true;
  } else if (id < 0 && bold && !italic) {
    id = e.bold;
  } else if (id < 0 && italic && !bold) {
    id = e.italic;
  }
  if (id < 0) {
    id = e.regular;
    c.synthetic_bold = bold;
    c.synthetic_italic = italic;
  }
  c.face_id = id;
  return c;
}

}  // namespace

FaceChoice FontLibrary::select(const FontSet& set, char32_t cp, bool bold, bool italic,
                               bool prefer_cjk) const {
  // Han stays upright: no italic face and no synthetic slant for CJK.
  if (italic && base::is_cjk(cp)) italic = false;
  auto try_entry = [&](const FontFamilyEntry& e, FaceChoice& out) {
    FaceChoice c = variant(e, bold, italic);
    if (has_glyph(*impl_->faces[c.face_id], cp)) {
      out = c;
      return true;
    }
    if (c.face_id != e.regular && has_glyph(*impl_->faces[e.regular], cp)) {
      // The variant lacks the character; the regular face draws it, synthesised.
      out = FaceChoice{.face_id = e.regular, .synthetic_bold = bold, .synthetic_italic = italic};
      return true;
    }
    return false;
  };
  FaceChoice out;
  bool found = false;
  if (prefer_cjk) {
    for (const FontFamilyEntry& e : set.faces)
      if (e.han && (found = try_entry(e, out))) break;
  }
  if (!found) {
    for (const FontFamilyEntry& e : set.faces)
      if ((found = try_entry(e, out))) break;
  }
  if (!found) out = variant(set.faces.front(), bold, italic);
  out.covered = found;
  out.face = impl_->faces[out.face_id].get();
  return out;
}

void MissingGlyphs::note(char32_t cp, doc::Position pos) {
  if (seen_.insert(cp).second) items_.emplace_back(cp, pos);
}

void MissingGlyphs::report(std::string_view path, doc::Diagnostics& diags) const {
  if (items_.empty()) return;
  std::string msg = "no font in the style can draw " + std::to_string(items_.size()) +
                    (items_.size() == 1 ? " character" : " characters") +
                    " (drawn as .notdef):";
  size_t shown = 0;
  for (const auto& [cp, pos] : items_) {
    if (shown == 50) {
      msg += " …";
      break;
    }
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
    msg += shown ? ", " : " ";
    msg += code;
    msg += " '";
    base::append_utf8(msg, cp);
    msg += "' (" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ")";
    ++shown;
  }
  diags.warn(path, items_.front().second, std::move(msg));
}

std::filesystem::path default_fonts_yaml() {
  if (const char* home = std::getenv("MOYIN_HOME"); home && *home) {
    std::filesystem::path p = std::filesystem::path(home) / "fonts" / "fonts.yaml";
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return p;
  }
  return std::filesystem::path(MOYIN_DATA_DIR) / "fonts" / "fonts.yaml";
}

}  // namespace moyin::font
