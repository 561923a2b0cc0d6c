// Golden dumps: `moyin dump` of every manuscript in content/ and of the seed
// corpus must match tests/golden/<stem>.doc.json byte for byte.
// Regenerate after an intended change with:
//   MOYIN_UPDATE_GOLDEN=1 build/tests/cli/test_cli --gtest_filter='Golden*'
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/dump.h"
#include "source/source.h"

namespace moyin {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool updating() {
  const char* v = std::getenv("MOYIN_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// `relative` is the path as given on the command line from the repo root; it
// is what the dump prints, so goldens do not depend on where the clone lives.
void check_golden(const std::string& relative) {
  const fs::path root = MOYIN_SOURCE_DIR;
  doc::Diagnostics diags;
  auto d = source::read_file(root / relative, diags);
  ASSERT_TRUE(d) << relative;
  d->path = relative;
  const std::string got = cli::dump_doc_json(*d);
  const fs::path golden =
      root / "tests/golden" / (fs::path(relative).stem().string() + ".doc.json");
  if (updating()) {
    std::ofstream(golden, std::ios::binary) << got;
    GTEST_SKIP() << "wrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with MOYIN_UPDATE_GOLDEN=1";
  const std::string want = slurp(golden);
  if (got == want) return;
  // Point at the first differing line rather than printing two huge strings.
  std::istringstream a(got), b(want);
  std::string la, lb;
  int line = 0;
  while (true) {
    ++line;
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) break;
    if (la != lb || ha != hb) {
      FAIL() << golden << ":" << line << " differs\n  golden: " << lb << "\n  now:    " << la
             << "\n(regenerate with MOYIN_UPDATE_GOLDEN=1 if the change is intended)";
    }
  }
  FAIL() << golden << " differs";
}

TEST(Golden, EveryContentManuscript) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(MOYIN_SOURCE_DIR) / "content")) {
    if (e.path().extension() == ".md") files.push_back("content/" + e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 2u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    check_golden(f);
  }
}

TEST(Golden, SeedCorpus) { check_golden("tests/data/corpus/llm-survey-2025.md"); }

}  // namespace
}  // namespace moyin
