// The #include edges between src/ folders and the folders that include each
// C library agree with the table in docs/architecture.md ("depends on" and
// "the only folder that includes" columns). The table is read, not copied:
// a new folder or library is checked as soon as its row is there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace moyin {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = MOYIN_SOURCE_DIR;

// How each library's headers are recognised: the names the table may use
// (compared lower-case) and the prefixes of its <header> paths. A library
// that is used by several folders on purpose (yaml-cpp, nlohmann/json, the
// C and C++ standard libraries) is not listed and not checked.
struct Library {
  std::vector<std::string> names;
  std::vector<std::string> header_prefixes;
};
const std::vector<Library> kLibraries = {
    {{"cmark-gfm", "cmark"}, {"cmark-gfm", "cmark.h"}},
    {{"hb-subset", "harfbuzz-subset"}, {"hb-subset"}},
    {{"harfbuzz"}, {"hb.h", "hb-", "harfbuzz/"}},
    {{"freetype"}, {"ft2build.h", "freetype/"}},
    {{"fontconfig"}, {"fontconfig/"}},
    {{"icu"}, {"unicode/"}},
    {{"libhyphen", "hyphen"}, {"hyphen.h"}},
    {{"libharu", "hpdf"}, {"hpdf"}},
    {{"libpng", "png"}, {"png.h", "pngconf.h"}},
    {{"libjpeg", "libjpeg-turbo", "jpeg"}, {"jpeglib.h", "jerror.h", "turbojpeg.h"}},
    {{"libuuid", "uuid"}, {"uuid/"}},
    {{"pugixml"}, {"pugixml"}},
    {{"gumbo"}, {"gumbo"}},
    {{"libzip"}, {"zip.h", "zipconf.h"}},
    {{"zlib"}, {"zlib.h"}},
    {{"libdeflate"}, {"libdeflate.h"}},
    {{"littlecms", "lcms2", "lcms"}, {"lcms2"}},
    {{"libxml2"}, {"libxml/"}},
    {{"cairo"}, {"cairo.h", "cairo/"}},
    {{"librsvg"}, {"librsvg/"}},
    {{"lunasvg"}, {"lunasvg"}},
    {{"nanosvg"}, {"nanosvg"}},
    {{"libwebp", "webp"}, {"webp/"}},
    {{"giflib", "libgif", "gif"}, {"gif_lib.h"}},
    {{"svg++", "svgpp"}, {"svgpp/", "boost/"}},  // SVG++ is built on Boost
    {{"rapidxml_ns", "rapidxml"}, {"rapidxml_ns/", "rapidxml"}},
    {{"gnu source-highlight", "source-highlight", "srchilite"}, {"srchilite/"}},
    {{"cli11"}, {"CLI/"}},
    {{"toml++", "tomlplusplus"}, {"toml++/"}},
    {{"xxhash"}, {"xxhash.h"}},
    {{"libcurl", "curl"}, {"curl/"}},
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string strip_backticks(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '`'), s.end());
  return trim(s);
}

// Table cells; a | inside `code` does not end a cell.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool code = false;
  for (size_t i = 1; i < line.size(); ++i) {
    char c = line[i];
    if (c == '`') code = !code;
    if (c == '|' && !code) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// "libharu (`hpdf.h`), libpng, librsvg/cairo" → libharu, libpng, librsvg, cairo.
std::vector<std::string> split_list(const std::string& cell) {
  std::vector<std::string> out;
  std::string item, part;
  std::istringstream in(cell);
  while (std::getline(in, item, ',')) {
    std::istringstream parts(item.substr(0, item.find('(')));
    while (std::getline(parts, part, '/')) {
      part = strip_backticks(part);
      if (!part.empty() && part != "—" && part != "-") out.push_back(part);
    }
  }
  return out;
}

struct Row {
  std::set<std::string> deps;  // as written in the table
  bool all = false;            // "all": the command line
  int line = 0;
};

// What `folder` may include: what it depends on and, below that, what those
// depend on (source → doc → base lets source include base). An edge up or
// sideways is never in this set.
std::set<std::string> reachable(const std::map<std::string, Row>& folders,
                                const std::string& folder) {
  std::set<std::string> seen;
  std::vector<std::string> todo{folder};
  while (!todo.empty()) {
    auto it = folders.find(todo.back());
    todo.pop_back();
    if (it == folders.end()) continue;
    for (const std::string& d : it->second.deps)
      if (seen.insert(d).second) todo.push_back(d);
  }
  return seen;
}

struct Table {
  std::map<std::string, Row> folders;
  std::map<std::string, std::set<std::string>> library_folders;  // library index → folders
  std::vector<std::string> problems;
};

std::optional<size_t> library_named(const std::string& name) {
  const std::string n = lower(name);
  for (size_t i = 0; i < kLibraries.size(); ++i)
    for (const auto& alias : kLibraries[i].names)
      if (n == alias) return i;
  return std::nullopt;
}

std::optional<size_t> library_of_header(const std::string& header) {
  for (size_t i = 0; i < kLibraries.size(); ++i)
    for (const auto& prefix : kLibraries[i].header_prefixes)
      if (header.rfind(prefix, 0) == 0) return i;
  return std::nullopt;
}

Table read_table(const fs::path& md) {
  Table t;
  std::ifstream in(md);
  std::string line;
  bool in_table = false;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] != '|') {
      in_table = false;
      continue;
    }
    std::vector<std::string> c = cells(line);
    if (c.size() < 3) continue;
    if (lower(c[0]) == "folder" && lower(c[1]) == "depends on") {
      in_table = true;
      continue;
    }
    if (!in_table || c[0].starts_with("---") || c[0].starts_with(":-")) continue;
    const std::string folder = strip_backticks(c[0]);
    Row& row = t.folders[folder];
    row.line = n;
    for (const std::string& d : split_list(c[1])) {
      if (lower(d) == "all") row.all = true;
      else row.deps.insert(d);
    }
    for (const std::string& lib : split_list(c.back())) {
      if (auto i = library_named(lib)) {
        t.library_folders[kLibraries[*i].names[0]].insert(folder);
      } else {
        t.problems.push_back(md.filename().string() + ":" + std::to_string(n) + ": library `" +
                             lib + "` (folder " + folder +
                             ") is unknown to tests/architecture/include_edges_test.cpp: add its "
                             "header prefixes to kLibraries");
      }
    }
  }
  return t;
}

struct Include {
  fs::path file;
  int line;
  std::string target;
  bool angle;
};

std::vector<Include> includes_under(const fs::path& dir) {
  std::vector<Include> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".cpp" && ext != ".h" && ext != ".hpp" && ext != ".cc"))
      continue;
    std::ifstream in(e.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::string s = trim(line);
      if (!s.starts_with("#")) continue;
      s = trim(s.substr(1));
      if (!s.starts_with("include")) continue;
      s = trim(s.substr(7));
      if (s.size() < 2 || (s[0] != '"' && s[0] != '<')) continue;
      const char close = s[0] == '"' ? '"' : '>';
      const size_t end = s.find(close, 1);
      if (end == std::string::npos) continue;
      out.push_back({e.path(), n, s.substr(1, end - 1), s[0] == '<'});
    }
  }
  return out;
}

std::string where(const Include& inc) {
  return fs::relative(inc.file, kRoot).string() + ":" + std::to_string(inc.line);
}

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "nothing" : out;
}

TEST(Architecture, IncludeEdgesFollowTheTable) {
  const fs::path md = kRoot / "docs" / "architecture.md";
  Table t = read_table(md);
  ASSERT_FALSE(t.folders.empty()) << md << ": no table with the columns `folder | depends on`";
  std::vector<std::string> problems = t.problems;

  std::set<std::string> src_folders;
  for (const auto& e : fs::directory_iterator(kRoot / "src"))
    if (e.is_directory()) src_folders.insert(e.path().filename().string());
  for (const std::string& f : src_folders)
    if (!t.folders.contains(f))
      problems.push_back("src/" + f + " has no row in the table of docs/architecture.md");

  std::map<std::string, std::set<std::string>> library_users;  // library → folders (seen)
  std::set<std::string> reported;  // "folder library": one problem per pair, not per header
  for (const std::string& folder : src_folders) {
    auto row = t.folders.find(folder);
    const std::set<std::string> allowed = reachable(t.folders, folder);
    for (const Include& inc : includes_under(kRoot / "src" / folder)) {
      if (auto lib = library_of_header(inc.target); lib && inc.angle) {
        const std::string& name = kLibraries[*lib].names[0];
        library_users[name].insert(folder);
        auto owners = t.library_folders.find(name);
        if (!reported.insert(folder + " " + name).second) continue;
        if (owners == t.library_folders.end()) {
          problems.push_back(where(inc) + ": includes <" + inc.target + "> (" + name +
                             ") but docs/architecture.md names no folder for " + name +
                             " in its last column");
        } else if (!owners->second.contains(folder)) {
          problems.push_back(where(inc) + ": includes <" + inc.target + "> (" + name + "): only " +
                             joined(owners->second) + " may include it (docs/architecture.md)");
        }
        continue;
      }
      if (inc.angle) continue;
      const size_t slash = inc.target.find('/');
      if (slash == std::string::npos) continue;
      const std::string to = inc.target.substr(0, slash);
      if (to == folder || !src_folders.contains(to) || row == t.folders.end()) continue;
      if (row->second.all || allowed.contains(to)) continue;
      problems.push_back(where(inc) + ": includes \"" + inc.target + "\": " + folder +
                         " may not include " + to +
                         " (docs/architecture.md:" + std::to_string(row->second.line) + ": " +
                         folder + " depends on " + joined(row->second.deps) +
                         ", and through them on " + joined(allowed) + ")");
    }
  }
  for (const auto& [name, users] : library_users)
    if (users.size() > 1)
      problems.push_back(name + " headers are included in " + std::to_string(users.size()) +
                         " folders (" + joined(users) + "): each C library belongs to one");

  std::string report;
  for (const auto& p : problems) report += "  " + p + "\n";
  EXPECT_TRUE(problems.empty()) << problems.size() << " architecture problem(s):\n" << report;
}

// The table reader itself.
TEST(Architecture, CellsKeepPipesInsideCode) {
  auto c = cells("| `cli` | all | `moyin build | dump | fonts` | CLI11 |");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0], "`cli`");
  EXPECT_EQ(c[2], "`moyin build | dump | fonts`");
  EXPECT_EQ(split_list("libharu (`hpdf.h`), libpng"),
            (std::vector<std::string>{"libharu", "libpng"}));
  EXPECT_EQ(split_list("—"), std::vector<std::string>{});
  EXPECT_EQ(split_list("SVG++ (with Boost), librsvg/cairo"),
            (std::vector<std::string>{"SVG++", "librsvg", "cairo"}));
  EXPECT_TRUE(library_named("GNU Source-highlight"));
  EXPECT_EQ(library_of_header("hb-subset.h"), library_named("hb-subset"));
  EXPECT_EQ(library_of_header("hb-ot.h"), library_named("HarfBuzz"));
  EXPECT_FALSE(library_of_header("yaml-cpp/yaml.h"));
  std::map<std::string, Row> folders{
      {"base", {}}, {"doc", {{"base"}}}, {"source", {{"doc"}}}, {"typeset", {{"doc"}}}};
  EXPECT_EQ(reachable(folders, "source"), (std::set<std::string>{"doc", "base"}));
  EXPECT_FALSE(reachable(folders, "source").contains("typeset"));
}

}  // namespace
}  // namespace moyin
