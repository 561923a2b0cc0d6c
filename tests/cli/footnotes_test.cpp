// Footnotes at the foot of the page through the whole pipeline (`moyin build
// --to pdf`), checked on the PDF's text page by page (pdftotext): every note
// starts on the page of its reference, a note too long for the rest of its
// page continues at the foot of the next one, and `footnote.placement: end`
// keeps the notes after the text.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "test_util.h"

namespace fs = std::filesystem;

namespace {

using moyin::testing::shell;
using Outcome = moyin::testing::Run;

// Two digits: tokens stay distinct ("R03" is not inside "R30").
std::string two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }
std::string three(int n) { return (n < 100 ? "0" : "") + two(n); }

// A manuscript of `notes` paragraphs, each citing one note: the paragraph
// holds the token Rnn, its note starts with Nnn and ends with Ennn. Note
// `long_note` is long enough that it cannot fit beside its reference.
std::string manuscript(int notes, int long_note) {
  std::string md = "---\ntitle: 注\n---\n\n";
  std::string defs;
  for (int k = 1; k <= notes; ++k) {
    std::string para;
    for (int s = 0; s < 3 + k % 4; ++s) para += "这是正文中的一句话，用来填满页面上的行。";
    md += para + "R" + two(k) + "引用[^n" + two(k) + "]，" + para + "\n\n";
    std::string body = "N" + two(k) + " 注释的正文";
    const int sentences = k == long_note ? 400 : 1 + k % 3;  // 400: more than a page
    for (int s = 0; s < sentences; ++s) body += "，说明一个细节";
    defs += "[^n" + two(k) + "]: " + body + "。E" + two(k) + "\n\n";
  }
  return md + defs;
}

// Crowded notes: `paras` paragraphs citing two to five notes each, the token
// Rnnn right before each reference mark (so a line break cannot part them),
// the notes 3 to 300 short sentences long (Nnnn … Ennn): long notes continue
// over pages while the next ones are cited, and some lines cite more notes
// than a page's foot can hold. Returns the manuscript and the note count.
std::pair<std::string, int> crowded(int paras) {
  std::string md = "---\ntitle: 注\n---\n\n", defs;
  unsigned state = 7;
  auto next = [&state](unsigned n) {
    state = state * 1103515245u + 12345u;
    return (state >> 16) % n;
  };
  const int sentences[] = {3, 20, 40, 120, 300};
  int k = 0;
  for (int p = 0; p < paras; ++p) {
    std::string para;
    for (unsigned s = 0, n = 1 + next(6); s < n; ++s)
      para += "这是正文中的一句话，用来填满页面上的行。";
    std::string body = para;
    for (unsigned r = 0, n = 2 + next(4); r < n; ++r) {
      ++k;
      body += "引用R" + three(k) + "[^n" + three(k) + "]，" + para.substr(0, 3 * (2 + next(12)));
      std::string note = "N" + three(k) + " 注释的正文";
      for (int s = 0, m = sentences[next(5)]; s < m; ++s) note += "，说明一个细节";
      defs += "[^n" + three(k) + "]: " + note + "。E" + three(k) + "\n\n";
    }
    md += body + "\n\n";
  }
  return {md + defs, k};
}

class Footnotes : public ::testing::Test {
 protected:
  void SetUp() override { dir = moyin::testing::test_folder("notes"); }
  void TearDown() override { fs::remove_all(dir); }

  // Builds the PDF and returns the text of each page.
  std::vector<std::string> pages(const std::string& markdown, const std::string& sets = "") {
    std::ofstream(dir / "notes.md", std::ios::binary) << markdown;
    Outcome b = shell("'" + std::string(MOYIN_BINARY) + "' build '" + (dir / "notes.md").string() +
                      "' --to pdf -o '" + dir.string() + "'" + sets);
    EXPECT_EQ(b.code, 0) << b.output;
    std::vector<std::string> out;
    const std::string pdf = (dir / "notes.pdf").string();
    int n = 0;
    if (Outcome info = shell("pdfinfo '" + pdf + "'"); info.code == 0) {
      size_t at = info.output.find("Pages:");
      if (at != std::string::npos) n = std::stoi(info.output.substr(at + 6));
    }
    for (int k = 1; k <= n; ++k)
      out.push_back(shell("pdftotext -f " + std::to_string(k) + " -l " + std::to_string(k) + " '" +
                          pdf + "' -")
                        .output);
    return out;
  }
  fs::path dir;
};

int page_of(const std::vector<std::string>& pages, const std::string& token) {
  for (size_t k = 0; k < pages.size(); ++k)
    if (pages[k].find(token) != std::string::npos) return static_cast<int>(k);
  return -1;
}

TEST_F(Footnotes, EachNoteStartsOnThePageOfItsReference) {
  const int kNotes = 30, kLong = 17;
  auto text = pages(manuscript(kNotes, kLong));
  ASSERT_GT(text.size(), 4u);
  std::set<int> pages_with_notes;
  for (int k = 1; k <= kNotes; ++k) {
    const int ref = page_of(text, "R" + two(k));
    const int note = page_of(text, "N" + two(k));
    ASSERT_GE(ref, 0) << k;
    EXPECT_EQ(note, ref) << "note " << k << " starts on page " << note + 1 << ", cited on page "
                         << ref + 1;
    pages_with_notes.insert(ref);
    if (k != kLong) {
      EXPECT_EQ(page_of(text, "E" + two(k)), ref) << "note " << k << " is split";
    }
  }
  EXPECT_GT(pages_with_notes.size(), 3u);
  // The long note is split: it ends at the foot of a later page, marked continued.
  const int start = page_of(text, "N" + two(kLong)), end = page_of(text, "E" + two(kLong));
  EXPECT_GT(end, start);
  EXPECT_NE(text[static_cast<size_t>(start + 1)].find("续"), std::string::npos);
}

// Long notes continued from page to page while more are cited, and lines
// citing more notes than one foot holds: every note still starts on the page
// of its reference (continued notes give way, and continue overleaf marked
// 续), and every note ends somewhere after it starts.
TEST_F(Footnotes, CrowdedAndContinuedNotesStartOnTheirReferencesPage) {
  const auto [md, notes] = crowded(24);
  auto text = pages(md);
  ASSERT_GT(text.size(), 10u);
  int continued = 0;
  for (const std::string& p : text) continued += p.find("续") != std::string::npos;
  EXPECT_GT(continued, 3);
  for (int k = 1; k <= notes; ++k) {
    const int ref = page_of(text, "R" + three(k));
    ASSERT_GE(ref, 0) << k;
    EXPECT_EQ(page_of(text, "N" + three(k)), ref)
        << "note " << k << " starts on page " << page_of(text, "N" + three(k)) + 1
        << ", cited on page " << ref + 1;
    EXPECT_GE(page_of(text, "E" + three(k)), ref) << k;
  }
}

TEST_F(Footnotes, CircledMarksNumberedPerPage) {
  auto text =
      pages(manuscript(12, 0), " --set footnote.marks=circled --set footnote.numbering=page");
  ASSERT_GT(text.size(), 2u);
  int pages_with_notes = 0;
  for (const std::string& p : text) {
    if (p.find("N0") == std::string::npos && p.find("N1") == std::string::npos) continue;
    ++pages_with_notes;
    EXPECT_NE(p.find("①"), std::string::npos);  // every page with notes starts again at ①
    EXPECT_EQ(p.find("⑫"), std::string::npos);
  }
  EXPECT_GT(pages_with_notes, 1);
}

TEST_F(Footnotes, PlacementEndKeepsNotesAfterTheText) {
  auto text = pages(manuscript(12, 0), " --set footnote.placement=end");
  ASSERT_GT(text.size(), 1u);
  const int last_ref = page_of(text, "R12");
  for (int k = 1; k <= 12; ++k) EXPECT_GE(page_of(text, "N" + two(k)), last_ref) << k;
}

}  // namespace
