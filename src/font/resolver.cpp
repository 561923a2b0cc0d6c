#include "font/resolver.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string_view>
#include <tuple>

#include "base/file.h"

namespace moyin::font {

namespace {

constexpr std::string_view kHeader = "moyin font resolution 1";
constexpr std::uintmax_t kMaxCacheBytes = 1u << 20;

struct FcStrListDeleter {
  void operator()(FcStrList* l) const { FcStrListDone(l); }
};

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
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.file, a.index) < std::tie(b.file, b.index);
  });
  return out;
}

// Everything whose change can change fontconfig's answers: its
// configuration files and folders, its font folders (with their
// subfolders; configured folders that do not exist yet are kept as
// missing, so creating one invalidates), and the caller's extra paths.
std::vector<Stamp> stamps_of(FcConfig* config, const std::vector<std::filesystem::path>& extra) {
  std::vector<Stamp> out;
  for (FcStrList* raw : {FcConfigGetConfigFiles(config), FcConfigGetConfigDirs(config),
                         FcConfigGetFontDirs(config)}) {
    std::unique_ptr<FcStrList, FcStrListDeleter> list(raw);
    while (FcChar8* s = list ? FcStrListNext(list.get()) : nullptr) {
      const std::string path = reinterpret_cast<const char*>(s);
      out.push_back({path, mtime_ns(path)});
    }
  }
  for (const std::filesystem::path& p : extra) out.push_back({p.string(), mtime_ns(p)});
  std::sort(out.begin(), out.end(), [](const Stamp& a, const Stamp& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Stamp& a, const Stamp& b) { return a.path == b.path; }),
            out.end());
  return out;
}

bool one_line(std::string_view s) { return s.find_first_of("\n\r") == std::string_view::npos; }

// "face INDEX WEIGHT SLANT WIDTH FILE"; false when malformed.
bool parse_face(std::string_view rest, Candidate& c) {
  int* fields[] = {&c.index, &c.weight, &c.slant, &c.width};
  for (int* field : fields) {
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), *field);
    if (ec != std::errc() || end == rest.data() + rest.size() || *end != ' ') return false;
    rest.remove_prefix(static_cast<size_t>(end - rest.data()) + 1);
  }
  c.file = std::string(rest);
  return !c.file.empty();
}

}  // namespace

int64_t mtime_ns(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
}

Resolver::Resolver(ResolutionCache cache) : cache_(std::move(cache)) {
  if (!cache_.file.empty()) read();
}

void Resolver::read() {
  std::string error;
  const std::optional<std::string> text = base::read_bounded(cache_.file, error, kMaxCacheBytes);
  if (!text) return;
  std::istringstream in(*text);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return;
  if (!std::getline(in, line) || line != "env " + cache_.environment_key) return;
  std::vector<Stamp> stamps;
  std::map<std::string, std::vector<Candidate>> families;
  std::vector<Candidate>* current = nullptr;
  while (std::getline(in, line)) {
    const std::string_view l = line;
    if (l.starts_with("stamp ")) {
      const std::string_view rest = l.substr(6);
      const size_t space = rest.find(' ');
      Stamp s;
      if (space == std::string_view::npos) return;
      const auto [end, ec] = std::from_chars(rest.data(), rest.data() + space, s.mtime);
      if (ec != std::errc() || end != rest.data() + space) return;
      s.path = std::string(rest.substr(space + 1));
      if (mtime_ns(s.path) != s.mtime) return;  // something changed: ask fontconfig again
      stamps.push_back(std::move(s));
    } else if (l.starts_with("family ")) {
      current = &families[std::string(l.substr(7))];
    } else if (l.starts_with("face ") && current) {
      Candidate c;
      if (!parse_face(l.substr(5), c)) return;
      current->push_back(std::move(c));
    } else {
      return;
    }
  }
  if (stamps.empty()) return;
  stamps_ = std::move(stamps);
  families_ = std::move(families);
  from_cache_ = true;
}

FcConfig* Resolver::config() {
  if (!config_ && !config_failed_) {
    config_.reset(FcInitLoadConfigAndFonts());
    config_failed_ = !config_;
  }
  return config_.get();
}

const std::vector<Candidate>& Resolver::family(const std::string& name) {
  if (auto it = families_.find(name); it != families_.end()) return it->second;
  std::vector<Candidate> found;
  FcConfig* c = config();
  if (c) found = list_family(c, name);
  if (c && one_line(name)) dirty_ = true;
  return families_.emplace(name, std::move(found)).first->second;
}

void Resolver::save() {
  if (!dirty_ || cache_.file.empty() || !config_) return;
  std::string out(kHeader);
  out += "\nenv " + cache_.environment_key + "\n";
  for (const Stamp& s : stamps_of(config_.get(), cache_.watched))
    if (one_line(s.path)) out += "stamp " + std::to_string(s.mtime) + " " + s.path + "\n";
  for (const auto& [name, faces] : families_) {
    if (!one_line(name)) continue;
    out += "family " + name + "\n";
    for (const Candidate& c : faces)
      if (one_line(c.file))
        out += "face " + std::to_string(c.index) + " " + std::to_string(c.weight) + " " +
               std::to_string(c.slant) + " " + std::to_string(c.width) + " " + c.file + "\n";
  }
  if (base::write_atomic(cache_.file, out).empty()) dirty_ = false;
}

}  // namespace moyin::font
