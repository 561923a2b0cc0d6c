// Family names -> installed faces, through fontconfig, remembered between
// runs. Internal to src/font (it includes fontconfig).
//
// Starting fontconfig (parsing its ~50 configuration files and mapping its
// caches) costs 5–8 ms, as much as typesetting a short post. The answers for
// the families a font configuration names change only when fonts or
// fontconfig's configuration do, so they are kept in a small text file with
// the modification time of every configuration file and font folder
// fontconfig reported; while none of those changed, a run reads the file and
// never starts fontconfig (docs/fonts.md, "The resolution cache").
#pragma once

#include <fontconfig/fontconfig.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "font/font.h"

namespace moyin::font {

// RAII for fontconfig's handles (library.cpp and resolver.cpp).
struct FcConfigDeleter {
  void operator()(FcConfig* c) const { FcConfigDestroy(c); }
};
struct FcPatternDeleter {
  void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};
struct FcObjectSetDeleter {
  void operator()(FcObjectSet* o) const { FcObjectSetDestroy(o); }
};
struct FcFontSetDeleter {
  void operator()(FcFontSet* s) const { FcFontSetDestroy(s); }
};

// One installed face of a family, as fontconfig describes it.
struct Candidate {
  std::string file;
  int index = 0;
  int weight = FC_WEIGHT_REGULAR;
  int slant = FC_SLANT_ROMAN;
  int width = FC_WIDTH_NORMAL;
};

// A file or folder whose change invalidates the cache: its modification
// time in nanoseconds, or -1 when it did not exist.
struct Stamp {
  std::string path;
  int64_t mtime = -1;
};

class Resolver {
 public:
  explicit Resolver(ResolutionCache cache);
  Resolver(Resolver&&) noexcept = default;
  Resolver& operator=(Resolver&&) noexcept = default;

  // Every installed face of `family` (fontconfig family match is
  // case-insensitive and looks at all the family names a face declares),
  // sorted by (file, index) so the choice does not depend on fontconfig's
  // cache order. Starts fontconfig when the family is not remembered.
  const std::vector<Candidate>& family(const std::string& name);

  // fontconfig's configuration, started on the first call; nullptr when it
  // cannot be initialised.
  FcConfig* config();
  bool started() const { return config_ != nullptr; }

  // Whether the cache file was read and is still valid.
  bool from_cache() const { return from_cache_; }

  // Writes the cache file when fontconfig answered anything the file did
  // not hold. Failures are ignored: the cache only saves time.
  void save();

 private:
  void read();

  ResolutionCache cache_;
  std::unique_ptr<FcConfig, FcConfigDeleter> config_;
  bool config_failed_ = false;
  bool from_cache_ = false;
  bool dirty_ = false;
  std::vector<Stamp> stamps_;
  std::map<std::string, std::vector<Candidate>> families_;
};

// The modification time of `path` in nanoseconds, -1 when it does not exist.
int64_t mtime_ns(const std::filesystem::path& path);

}  // namespace moyin::font
