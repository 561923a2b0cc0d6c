// FontLibrary: fonts.yaml -> named sets of families -> faces opened once.
// Families are resolved through font/resolver.h (fontconfig, or its answers
// remembered between runs); after loading, the sets are immutable and shared
// read-only, and on-demand lookups (fallback faces, families a style names)
// run under the library's mutex.
#include <fontconfig/fontconfig.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

#include "base/chars.h"
#include "base/file.h"
#include "base/utf8.h"
#include "base/yaml_text.h"
#include "font/face_impl.h"
#include "font/resolver.h"

namespace moyin::font {

// An installed face fontconfig offers as a fallback, opened on first use.
struct FallbackCandidate {
  std::string file;
  int index = 0;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // coverage (fontconfig's charset)
  int face_id = -2;                                   // -2: not opened yet; -1: cannot be used

  bool covers(char32_t cp) const {
    auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                               [](char32_t c, const auto& r) { return c < r.first; });
    return it != ranges.begin() && cp <= std::prev(it)->second;
  }
};

// Fallback order per language: fontconfig's sorted (trimmed) list.
struct FallbackOrder {
  std::string lang;  // fontconfig language tag: zh-cn, zh-tw, ja, ko, en, de, …
  std::vector<int> candidates;
};

// Face id -> face. Faces are added while loading and later on demand
// (fallback faces, families a style names), from any thread under the
// library's mutex; an id is published after its face, so a reader holding
// an id never needs a lock.
class FaceTable {
 public:
  static constexpr size_t kCapacity = 16384;
  int add(FacePtr face) {
    const size_t n = size_.load(std::memory_order_relaxed);
    if (n == kCapacity) return -1;
    std::atomic_ref(slots_[n]).store(face.get(), std::memory_order_release);
    owned_.push_back(std::move(face));
    size_.store(n + 1, std::memory_order_release);
    return static_cast<int>(n);
  }
  const Face* get(int id) const {
    if (id < 0 || static_cast<size_t>(id) >= size_.load(std::memory_order_acquire)) return nullptr;
    return std::atomic_ref(slots_[static_cast<size_t>(id)]).load(std::memory_order_acquire);
  }
  size_t size() const { return size_.load(std::memory_order_acquire); }

 private:
  // Not zeroed: only slots below size_ are read, each written before it is
  // published; so only the pages of the slots used are touched (faulted in),
  // not the table's 128 KB at every start.
  std::unique_ptr<const Face*[]> slots_ = std::make_unique_for_overwrite<const Face*[]>(kCapacity);
  std::atomic<size_t> size_{0};
  std::vector<FacePtr> owned_;
};

struct LibraryData {
  FaceTable faces;
  std::vector<FontSet> sets;  // from fonts.yaml; immutable after loading
  // Everything below is used after loading under `mutex`.
  std::mutex mutex;
  // Family names -> faces, and fontconfig's private configuration (never
  // the global one), started only when needed (font/resolver.h).
  Resolver resolver{ResolutionCache{}};
  std::map<std::pair<std::string, int>, int> by_file;  // (canonical path, index) -> id
  // Font files' canonical paths by the path named (canonical_path).
  std::unordered_map<std::string, std::string> canonical;
  // Fallback: candidates in fontconfig's order per language, opened lazily.
  std::vector<FallbackCandidate> candidates;
  std::map<std::pair<std::string, int>, int> candidate_ids;  // (file, index) -> index in candidates
  std::vector<FallbackOrder> orders;                         // one per document language met so far
  // (order index, code point) -> face id, or -1 when nothing covers it.
  std::unordered_map<uint64_t, int> cache;
  // Sets made for families or files a style names (stable addresses).
  std::deque<FontSet> named;
  std::map<std::string, const FontSet*> named_by_key;
};

struct FontLibrary::Impl : LibraryData {};

namespace {

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
    return base::ascii_iequals(std::string_view(s).substr(s.size() - suf.size()), suf);
  };
  return ends(".ttf") || ends(".ttc") || ends(".otf") || ends(".otc");
}

// The bold faces of `family` among the font files in `dir` (a folder a
// manuscript's font came from, which fontconfig may not index): at most
// 256 files are looked at, in name order.
std::vector<Candidate> bold_beside(const std::filesystem::path& dir, const std::string& family) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end && files.size() < 256;
       it.increment(ec))
    if (it->is_regular_file(ec) && looks_like_path(it->path().filename().string()))
      files.push_back(it->path());
  std::sort(files.begin(), files.end());
  std::vector<Candidate> out;
  for (const std::filesystem::path& f : files) {
    std::unique_ptr<FcFontSet, FcFontSetDeleter> fs(FcFontSetCreate());
    FcFreeTypeQueryAll(reinterpret_cast<const FcChar8*>(f.c_str()), static_cast<unsigned>(-1),
                       nullptr, nullptr, fs.get());
    for (int i = 0; i < fs->nfont; ++i) {
      FcPattern* p = fs->fonts[i];
      bool same = false;
      FcChar8* name = nullptr;
      for (int k = 0; !same && FcPatternGetString(p, FC_FAMILY, k, &name) == FcResultMatch; ++k)
        same = FcStrCmpIgnoreCase(name, reinterpret_cast<const FcChar8*>(family.c_str())) == 0;
      if (!same) continue;
      Candidate c;
      c.file = f.string();
      FcPatternGetInteger(p, FC_INDEX, 0, &c.index);
      FcPatternGetInteger(p, FC_WEIGHT, 0, &c.weight);
      FcPatternGetInteger(p, FC_SLANT, 0, &c.slant);
      FcPatternGetInteger(p, FC_WIDTH, 0, &c.width);
      out.push_back(std::move(c));
    }
  }
  return out;
}

doc::Position pos_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

// `p` made canonical (weakly: a path that does not resolve stays as it is),
// as std::filesystem::weakly_canonical, whose every call walks the whole path
// (a stat and a readlink per component: about 7 µs, nearly all of it the
// kernel's). Here each path named, and each folder on the way, is resolved
// once: a file or folder that is not a link, in a folder resolved already,
// takes one lstat. (A collection's faces name one file; the faces of a
// family share their folder.)
const std::string& canonical_path(LibraryData& lib, const std::filesystem::path& p) {
  namespace fs = std::filesystem;
  if (auto it = lib.canonical.find(p.native()); it != lib.canonical.end()) return it->second;
  std::string canon;
  std::error_code ec;
  const fs::path name = p.filename();
  const fs::path parent = p.parent_path();
  const bool plain_name =
      p.is_absolute() && !name.empty() && name != "." && name != ".." && parent != p;
  const fs::file_type type = plain_name ? fs::symlink_status(p, ec).type() : fs::file_type::none;
  if (!ec && type != fs::file_type::none && type != fs::file_type::not_found &&
      type != fs::file_type::symlink) {
    const std::string& dir = canonical_path(lib, parent);  // exists: `p` does
    canon = (fs::path(dir) / name).string();
  } else {
    const fs::path weak = fs::weakly_canonical(p, ec);
    canon = ec ? p.string() : weak.string();
  }
  return lib.canonical.try_emplace(p.native(), std::move(canon)).first->second;
}

struct Loader {
  LibraryData& lib;
  doc::Diagnostics& diags;
  std::string yaml_path;
  std::filesystem::path base_dir;
  bool soft = false;  // a face a document names: problems are warnings (defaults stay)

  // Opens (or reuses) a face; errors are reported at the yaml position.
  int open(const std::string& file, int index, doc::Position at) {
    std::filesystem::path p = file;
    if (p.is_relative()) p = base_dir / p;
    const std::filesystem::path canon = canonical_path(lib, p);
    auto key = std::make_pair(canon.string(), index);
    if (auto it = lib.by_file.find(key); it != lib.by_file.end()) return it->second;
    doc::Diagnostics local;
    FacePtr face = open_face(canon, index, local);
    if (!face) {
      for (const doc::Diagnostic& d : local.items) {
        if (soft) diags.warn(yaml_path, at, canon.string() + ": " + d.message);
        else diags.error(yaml_path, at, canon.string() + ": " + d.message);
      }
      return -1;
    }
    int id = lib.faces.add(std::move(face));
    if (id < 0) {
      diags.error(yaml_path, at, "too many font faces");
      return -1;
    }
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

  // The bold face that goes with a font file a document names: the bold of
  // its family among the installed fonts, else a bold face of the family in
  // the file's own folder; else a warning (bold text is then synthesised).
  int bold_of_file(int regular, const std::string& named, doc::Position at) {
    const FaceInfo& fi = info(*lib.faces.get(regular));
    if (fi.bold) return -1;  // the file is itself bold
    const std::vector<Candidate>& cs = lib.resolver.family(fi.family);
    const Candidate* c = pick(cs, true, false);
    std::vector<Candidate> beside;
    if (!c) {
      beside = bold_beside(std::filesystem::path(fi.path).parent_path(), fi.family);
      c = pick(beside, true, false);
    }
    const int id = c ? open(c->file, c->index, at) : -1;
    if (id < 0 || id == regular)
      diags.warn(yaml_path, at,
                 "font file `" + named + "` (family `" + fi.family +
                     "`) has no bold face installed or in its folder; bold text is drawn "
                     "with synthetic bold (name a bold file with `bold:` in fonts.yaml)");
    return id == regular ? -1 : id;
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
        static const char* known[] = {
            "family",           "path",        "index",         "regular",    "bold",
            "italic",           "bold-italic", "regular-index", "bold-index", "italic-index",
            "bold-italic-index"};
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
      const bool bold_given = node.IsMap() && node["bold"];
      if (soft && e.regular >= 0 && !bold_given) e.bold = bold_of_file(e.regular, path, at);
    } else {
      const std::vector<Candidate>& cs = lib.resolver.family(family);
      if (cs.empty()) {
        diags.warn(yaml_path, at,
                   "font family `" + family +
                       "` is not installed (fontconfig found no face); "
                       "entry skipped");
        return std::nullopt;
      }
      auto open_pick = [&](bool bold, bool italic) {
        const Candidate* c = pick(cs, bold, italic);
        return c ? open(c->file, c->index, at) : -1;
      };
      e.regular = open_pick(false, false);
      if (e.regular < 0 && !pick(cs, false, false)) {
        diags.warn(yaml_path, at,
                   "font family `" + family + "` has no regular face; entry skipped");
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
    const Face& f = *lib.faces.get(e.regular);
    e.han = glyph_of(f, U'一') != 0 && glyph_of(f, U'。') != 0;  // no coverage bitmap yet
    return e;
  }
};

// The fontconfig language tag of a document language (BCP 47): Chinese by
// script or region (zh-cn, zh-tw, zh-hk), any other language as its primary
// subtag ("de", "hi", "ar": fontconfig's coverage is per language, not per
// region); Simplified Chinese when none is given.
std::string fc_lang(std::string_view lang) {
  std::string l = base::ascii_lower(lang);
  std::replace(l.begin(), l.end(), '_', '-');
  if (l.empty()) return "zh-cn";
  std::vector<std::string> parts;
  for (size_t at = 0; at <= l.size();) {
    size_t end = std::min(l.find('-', at), l.size());
    parts.push_back(l.substr(at, end - at));
    at = end + 1;
  }
  auto has = [&](std::string_view s) {
    return std::find(parts.begin(), parts.end(), s) != parts.end();
  };
  if (parts[0] == "zh") {
    if (has("hk") || has("mo")) return "zh-hk";
    return has("hant") || has("tw") ? "zh-tw" : "zh-cn";
  }
  return parts[0];
}

std::vector<std::pair<char32_t, char32_t>> charset_ranges(const FcCharSet* cs) {
  std::vector<std::pair<char32_t, char32_t>> out;
  FcChar32 map[FC_CHARSET_MAP_SIZE];
  FcChar32 next = 0;
  for (FcChar32 base = FcCharSetFirstPage(cs, map, &next); base != FC_CHARSET_DONE;
       base = FcCharSetNextPage(cs, map, &next)) {
    for (int i = 0; i < FC_CHARSET_MAP_SIZE; ++i) {
      for (int bit = 0; bit < 32; ++bit) {
        if (!((map[i] >> bit) & 1)) continue;
        const char32_t cp = base + static_cast<char32_t>(i * 32 + bit);
        if (!out.empty() && out.back().second + 1 == cp) out.back().second = cp;
        else out.emplace_back(cp, cp);
      }
    }
  }
  return out;
}

// Fontconfig's sorted fallback list for one language: faces with outlines
// (TrueType or CFF), no colour bitmap fonts. Only file names and coverage
// are kept; the faces open when first needed. Made on the first fallback a
// document of that language needs, under the library's mutex.
size_t fallback_order(LibraryData& lib, const std::string& lang) {
  for (size_t i = 0; i < lib.orders.size(); ++i)
    if (lib.orders[i].lang == lang) return i;
  FallbackOrder order{lang, {}};
  std::unique_ptr<FcPattern, FcPatternDeleter> pat(FcPatternCreate());
  FcLangSet* ls = FcLangSetCreate();
  FcLangSetAdd(ls, reinterpret_cast<const FcChar8*>(lang.c_str()));
  FcPatternAddLangSet(pat.get(), FC_LANG, ls);
  FcLangSetDestroy(ls);
  FcConfigSubstitute(lib.resolver.config(), pat.get(), FcMatchPattern);
  FcDefaultSubstitute(pat.get());
  FcResult result = FcResultNoMatch;
  std::unique_ptr<FcFontSet, FcFontSetDeleter> fs(
      FcFontSort(lib.resolver.config(), pat.get(), FcTrue, nullptr, &result));
  for (int i = 0; fs && i < fs->nfont; ++i) {
    FcPattern* p = fs->fonts[i];
    FcChar8* file = nullptr;
    FcCharSet* cs = nullptr;
    if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch ||
        FcPatternGetCharSet(p, FC_CHARSET, 0, &cs) != FcResultMatch)
      continue;
    FcBool flag = FcFalse;
    if (FcPatternGetBool(p, FC_COLOR, 0, &flag) == FcResultMatch && flag) continue;
    if (FcPatternGetBool(p, FC_OUTLINE, 0, &flag) == FcResultMatch && !flag) continue;
    FcChar8* format = nullptr;
    if (FcPatternGetString(p, FC_FONTFORMAT, 0, &format) == FcResultMatch) {
      const std::string f = reinterpret_cast<const char*>(format);
      if (f != "TrueType" && f != "CFF") continue;
    }
    int index = 0;
    FcPatternGetInteger(p, FC_INDEX, 0, &index);
    auto key = std::make_pair(std::string(reinterpret_cast<const char*>(file)), index);
    auto [it, fresh] = lib.candidate_ids.emplace(key, static_cast<int>(lib.candidates.size()));
    if (fresh) lib.candidates.push_back({key.first, index, charset_ranges(cs)});
    order.candidates.push_back(it->second);
  }
  lib.orders.push_back(std::move(order));
  return lib.orders.size() - 1;
}

// Opens a fallback candidate (or finds it among the faces already open);
// -1 when it cannot be used. Called under the library's mutex.
int open_fallback(LibraryData& lib, const FallbackCandidate& c) {
  auto key = std::make_pair(canonical_path(lib, c.file), c.index);
  if (auto it = lib.by_file.find(key); it != lib.by_file.end()) return it->second;
  doc::Diagnostics ignored;  // a face fontconfig lists but Moyin cannot embed: skip it
  FacePtr face = open_face(key.first, c.index, ignored);
  const int id = face ? lib.faces.add(std::move(face)) : -1;
  lib.by_file.emplace(key, id);
  return id;
}

}  // namespace

FontLibrary::FontLibrary() : impl_(std::make_unique<Impl>()) {}
FontLibrary::FontLibrary(FontLibrary&&) noexcept = default;
FontLibrary& FontLibrary::operator=(FontLibrary&&) noexcept = default;
FontLibrary::~FontLibrary() = default;

std::optional<FontLibrary> FontLibrary::load(const std::filesystem::path& fonts_yaml,
                                             doc::Diagnostics& diags,
                                             const ResolutionCache& cache) {
  const std::string yp = fonts_yaml.string();
  std::string error;
  const std::optional<std::string> text = base::read_bounded(fonts_yaml, error);
  if (!text) {
    diags.error(yp, {}, "cannot read the font configuration: " + error);
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(base::without_leading_comments(*text));
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
  FontLibrary lib;
  lib.impl_->resolver = Resolver(cache);
  Loader loader{*lib.impl_, diags, yp, fonts_yaml.parent_path()};
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

void FontLibrary::save_resolution_cache() const {
  std::lock_guard lock(impl_->mutex);
  impl_->resolver.save();
}

bool FontLibrary::fontconfig_started() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->resolver.started();
}

bool FontLibrary::resolved_from_cache() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->resolver.from_cache();
}

const FontSet* FontLibrary::find_set(std::string_view name) const {
  for (const FontSet& s : impl_->sets)
    if (s.name == name) return &s;
  return nullptr;
}

const std::vector<FontSet>& FontLibrary::sets() const { return impl_->sets; }

int FontLibrary::face_count() const { return static_cast<int>(impl_->faces.size()); }
const Face& FontLibrary::face(int id) const {
  const Face* f = impl_->faces.get(id);
  if (!f) throw std::out_of_range("no font face " + std::to_string(id));
  return *f;
}
const Face* FontLibrary::find_face(std::string_view path, int index) const {
  for (size_t i = 0; i < impl_->faces.size(); ++i) {
    const Face* f = impl_->faces.get(static_cast<int>(i));
    if (f && f->info.index == index && f->info.path == path) return f;
  }
  return nullptr;
}

int FontLibrary::face_id(const Face& face) const {
  for (size_t i = 0; i < impl_->faces.size(); ++i)
    if (impl_->faces.get(static_cast<int>(i)) == &face) return static_cast<int>(i);
  return -1;
}

FaceChoice FontLibrary::fallback(char32_t cp, std::string_view lang, bool bold, bool italic) const {
  LibraryData& lib = *impl_;
  FaceChoice out;
  const std::string tag = fc_lang(lang);
  int id = -1;
  std::unique_lock lock(lib.mutex);
  if (!lib.resolver.config()) return out;
  const size_t order = fallback_order(lib, tag);
  const uint64_t key = (uint64_t{order} << 32) | cp;
  if (auto it = lib.cache.find(key); it != lib.cache.end()) {
    id = it->second;
  } else {
    // Opening a face under the lock happens once per face per process.
    for (int k : lib.orders[order].candidates) {
      FallbackCandidate& c = lib.candidates[static_cast<size_t>(k)];
      if (!c.covers(cp)) continue;
      if (c.face_id == -2) c.face_id = open_fallback(lib, c);
      if (c.face_id >= 0 && has_glyph(*lib.faces.get(c.face_id), cp)) {
        id = c.face_id;
        break;
      }
    }
    lib.cache.emplace(key, id);
  }
  lock.unlock();
  if (id < 0) return out;
  out.face_id = id;
  out.face = &face(id);
  out.covered = true;
  out.synthetic_bold = bold && !info(*out.face).bold;
  out.synthetic_italic = italic && !base::is_cjk(cp) && !info(*out.face).italic;
  return out;
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
    if (has_glyph(face(c.face_id), cp)) {
      out = c;
      return true;
    }
    if (c.face_id != e.regular && has_glyph(face(e.regular), cp)) {
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
  out.face = &face(out.face_id);
  return out;
}

const FontSet& FontLibrary::named_set(std::string_view family_or_file,
                                      const std::filesystem::path& base_dir, const FontSet& then,
                                      doc::Diagnostics& diags, std::string_view doc_path) const {
  LibraryData& lib = *impl_;
  const std::string name(family_or_file);
  const std::string key = name + '\n' + base_dir.string() + '\n' + then.name;
  std::lock_guard lock(lib.mutex);
  if (auto it = lib.named_by_key.find(key); it != lib.named_by_key.end()) return *it->second;
  Loader loader{lib, diags, std::string(doc_path), base_dir, true};
  std::optional<FontFamilyEntry> entry = loader.entry(YAML::Node(name));
  if (!entry) return then;  // reported; asked again by the next document
  FontSet set;
  set.name = name + " + " + then.name;
  set.faces.push_back(std::move(*entry));
  for (const FontFamilyEntry& e : then.faces)
    if (e.regular != set.faces.front().regular) set.faces.push_back(e);
  lib.named.push_back(std::move(set));
  lib.named_by_key.emplace(key, &lib.named.back());
  return lib.named.back();
}

void MissingGlyphs::note(char32_t cp, doc::Position pos) {
  if (seen_.insert(cp).second) items_.emplace_back(cp, pos);
  const uint64_t where = (uint64_t{cp} << 40) ^ (uint64_t(static_cast<uint32_t>(pos.line)) << 16) ^
                         static_cast<uint32_t>(pos.column);
  if (positions_.insert(where).second) ++uses_[cp];
}

size_t MissingGlyphs::uses(char32_t cp) const {
  auto it = uses_.find(cp);
  return it == uses_.end() ? 0 : it->second;
}

std::string coverage_advice(char32_t cp) {
  if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000)
    return "a private-use character: add a face that defines it to the style";
  if (cp >= 0x20000 && cp <= 0x3FFFF)
    return "install fonts-hanazono (CJK Extension B and beyond) or add a face to the style";
  if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x1F000 && cp <= 0x1FAFF) ||
      (cp >= 0x1D400 && cp <= 0x1D7FF))
    return "install fonts-symbola or add a face to the style";
  return "install a font that has it (fc-list ':charset=" + [&] {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%x", static_cast<unsigned>(cp));
    return std::string(hex);
  }() + "') or add a face to the style";
}

void MissingGlyphs::report(std::string_view path, doc::Diagnostics& diags) const {
  for (const auto& [cp, pos] : items_) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
    std::string msg = std::string("no font draws ") + code + " ";
    base::append_utf8(msg, cp);
    const size_t n = uses(cp);
    msg += n > 1 ? " (first of " + std::to_string(n) + " uses); " : "; ";
    msg += coverage_advice(cp);
    diags.warn(path, pos, std::move(msg));
    diags.items.back().kind = kMissingGlyphKind;
  }
}

}  // namespace moyin::font
