// GFM conformance of the XHTML writer: every example of the GFM spec and of
// cmark-gfm's extension tests is parsed by source::parse, rendered by
// epub::render_fragment, and compared with the expected HTML after the
// normalisation documented in docs/epub.md (epub::canonical_html).
// Examples listed in tests/spec/gfm-exclusions.txt (each with a reason) may
// differ; any other difference fails the test. An excluded example that now
// passes is reported so the list can shrink.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "epub/epub.h"
#include "source/source.h"

namespace {

struct Example {
  std::string id;  // "spec:12", "ext:3"
  std::string markdown;
  std::string html;
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Copied into a new string: replacing in place trips GCC 12's -O3 -Wrestrict.
std::string untab(const std::string& s) {
  const std::string arrow = "\xE2\x86\x92";  // → stands for a tab
  std::string out;
  size_t from = 0;
  for (size_t p; (p = s.find(arrow, from)) != std::string::npos; from = p + arrow.size())
    (out += s.substr(from, p - from)) += '\t';
  return out += s.substr(from);
}

std::vector<Example> load(const std::string& path, const std::string& prefix) {
  std::vector<Example> out;
  std::istringstream in(read(path));
  std::string line;
  const std::string fence(32, '`');
  int state = 0, n = 0;
  Example ex;
  while (std::getline(in, line)) {
    if (state == 0) {
      if (line.rfind(fence + " example", 0) == 0) {
        state = 1;
        ex = Example{prefix + ":" + std::to_string(++n), "", ""};
      }
    } else if (state == 1) {
      if (line == ".") state = 2;
      else ex.markdown += line + "\n";
    } else {
      if (line == fence) {
        ex.markdown = untab(ex.markdown);
        ex.html = untab(ex.html);
        out.push_back(ex);
        state = 0;
      } else {
        ex.html += line + "\n";
      }
    }
  }
  return out;
}

std::map<std::string, std::string> exclusions() {
  std::map<std::string, std::string> out;
  std::istringstream in(read(std::string(MOYIN_SOURCE_DIR) + "/tests/spec/gfm-exclusions.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string id, reason;
    ls >> id;
    std::getline(ls, reason);
    out[id] = reason;
  }
  return out;
}

TEST(GfmSpec, ExamplesMatchAfterNormalisation) {
  std::vector<Example> examples =
      load(std::string(MOYIN_TEST_DATA_DIR) + "/spec/gfm-spec.txt", "spec");
  std::vector<Example> ext =
      load(std::string(MOYIN_TEST_DATA_DIR) + "/spec/gfm-extensions.txt", "ext");
  ASSERT_GT(examples.size(), 600u);
  ASSERT_GT(ext.size(), 10u);
  examples.insert(examples.end(), ext.begin(), ext.end());
  auto excluded = exclusions();
  int passed = 0, failed = 0, unexpected = 0;
  std::vector<std::string> now_passing;
  bool verbose = std::getenv("MOYIN_GFM_VERBOSE") != nullptr;
  for (const Example& ex : examples) {
    moyin::doc::Diagnostics diags;
    auto document = moyin::source::parse(ex.markdown, "example.md", diags);
    std::string actual = document ? moyin::epub::render_fragment(*document, diags) : "";
    std::string a = moyin::epub::canonical_html(actual);
    std::string e = moyin::epub::canonical_html(ex.html);
    bool ok = a == e;
    bool is_excluded = excluded.count(ex.id) > 0;
    if (ok) {
      ++passed;
      if (is_excluded) now_passing.push_back(ex.id);
    } else {
      ++failed;
      if (!is_excluded) {
        ++unexpected;
        ADD_FAILURE() << ex.id << " differs\n--- markdown\n"
                      << ex.markdown << "--- expected\n"
                      << e << "\n--- actual\n"
                      << a << "\n";
      } else if (verbose) {
        std::cout << ex.id << " (excluded)\n--- expected\n" << e << "\n--- actual\n" << a << "\n";
      }
    }
  }
  std::cout << passed << " passed, " << failed << " failed (" << excluded.size() << " excluded, "
            << unexpected << " unexpected failures)\n";
  for (const std::string& id : now_passing)
    std::cout << "note: excluded example " << id << " passes now; remove it from the list\n";
  EXPECT_EQ(unexpected, 0);
}

}  // namespace
