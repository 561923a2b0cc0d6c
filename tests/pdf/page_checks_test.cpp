// Reader-facing checks of issue 6 ("Checks"), measured on the PDFs the built
// `moyin` writes for the seed manuscript and every content/*.md:
//   - line start / line end prohibitions (CJK-RULES.md §2), —— and …… unsplit;
//   - justified body lines end at the right margin within 0.5 pt;
//   - Han–Latin gaps: median 0.25 em ± 0.05;
//   - no text outside the type area (running head/foot in their bands);
//   - every TOC link lands on the page of its heading;
//   - pdftotext prints no warnings.
// Geometry comes from `pdftotext -bbox-layout` (what a reader's tools see);
// `moyin dump --stage pages` only tells which font and size each word was set
// in (code lines are monospace and not justified; em sizes), matched by
// position. Everything is built once per test binary run (SetUpTestSuite).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "doc/diagnostics.h"
#include "pdf/page_checks.h"
#include "pdf/pdf_test_util.h"
#include "style/style.h"

namespace moyin::pdf {
namespace {

namespace fs = std::filesystem;
using namespace checks;
using testing::read_bytes;
using testing::run_command;

// A word placed: its box and the glyph run it was set in.
struct PlacedWord {
  Word box;
  double size = 0;    // font size of the run (em)
  bool mono = false;  // set in a monospace face (code)
};

// One visual line: the words sharing a baseline on a page, left to right.
struct Line {
  int page = 0;  // 0-based
  double baseline = 0;
  std::vector<PlacedWord> words;
  bool all_mono() const {
    return std::all_of(words.begin(), words.end(), [](const PlacedWord& w) { return w.mono; });
  }
  bool sized(double size) const {
    return std::all_of(words.begin(), words.end(),
                       [&](const PlacedWord& w) { return std::abs(w.size - size) < 0.05; });
  }
  std::string text() const {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w.box.text;
    return s;
  }
  bool starts_with_marker() const { return !words.empty() && is_list_marker(words[0].box.text); }
  // Left edge of the text, a leading list marker left out.
  double content_left() const {
    size_t k = starts_with_marker() && words.size() > 1 ? 1 : 0;
    return words[k].box.x0;
  }
  double left() const { return words.front().box.x0; }
  double right() const {
    double r = 0;
    for (const auto& w : words) r = std::max(r, w.box.x1);
    return r;
  }
};

struct Output {
  std::string name;  // e.g. "llm-survey-2025"
  fs::path pdf;
  std::string build_log;  // moyin's stderr
  bool built = false;
  std::string pdftotext_err;  // pdftotext's stderr
  std::vector<TextPage> text;
  Dump dump;
  nlohmann::json qpdf;
  std::vector<std::vector<Line>> lines;  // per page, by baseline
  std::vector<std::string> unmatched;    // words no glyph run explains
  std::set<std::string> block_ends;      // see block_end_tails()
};

std::string no_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n') out += c;
  return out;
}

// The last `n` code points of `s` (all of it when shorter), as UTF-8.
std::string tail(std::string_view s, size_t n) {
  size_t at = s.size();
  for (size_t k = 0; k < n && at > 0;) {
    --at;
    if ((static_cast<unsigned char>(s[at]) & 0xC0) != 0x80) ++k;
  }
  return std::string(s.substr(at));
}

// Where the manuscript ends a line on purpose: the last characters before a
// hard line break, and of every paragraph, list item, quote line, table row
// or heading (a source line followed by a blank line or a block start). A
// printed line ending with these is a last line, never justified. Inline
// syntax is stripped roughly (emphasis marks, code ticks, tags, link
// targets, footnote references); a stray match only skips a line.
std::set<std::string> block_end_tails(const std::string& source) {
  std::vector<std::string> lines;
  std::istringstream in(source);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto starts_block = [](std::string_view l) {
    const size_t b = l.find_first_not_of(' ');
    if (b == std::string_view::npos) return true;  // blank
    l.remove_prefix(b);
    if (l[0] == '#' || l[0] == '>' || l[0] == '|' || l.rfind("```", 0) == 0 ||
        l.rfind("~~~", 0) == 0)
      return true;
    if (l.size() > 1 && (l[0] == '-' || l[0] == '*' || l[0] == '+') && l[1] == ' ') return true;
    size_t d = 0;
    while (d < l.size() && l[d] >= '0' && l[d] <= '9') ++d;
    return d > 0 && d + 1 < l.size() && (l[d] == '.' || l[d] == ')') && l[d + 1] == ' ';
  };
  std::set<std::string> out;
  // Callout titles (docs/callouts.md) are lines of their own, set flush left:
  // the default titles, and a title written after the kind on an opener line.
  for (const char* t : {"注意", "提示", "重要", "警告", "小心", "危险", "信息", "详情", "Note",
                        "Tip", "Important", "Warning", "Caution"})
    out.insert(tail(t, 4));
  for (const std::string& l : lines) {
    const size_t b = l.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    const std::string_view opener = std::string_view(l).substr(b);
    if (!(opener.starts_with(":::") || opener.starts_with("!!!") || opener.starts_with("???") ||
          opener.starts_with("===")))
      continue;
    std::string title(opener.substr(3));
    std::erase(title, '"');
    while (!title.empty() && title.back() == ' ') title.pop_back();
    if (const size_t space = title.find_last_of(' '); space != std::string::npos)
      title = title.substr(space + 1);
    if (!title.empty()) out.insert(tail(title, 4));
  }
  size_t i = 0;
  if (!lines.empty() && lines[0] == "---")
    for (i = 1; i < lines.size() && lines[i] != "---"; ++i) {
    }
  for (++i; i < lines.size(); ++i) {
    std::string l = lines[i];
    const bool hard_break = (!l.empty() && l.back() == '\\') ||
                            (l.size() > 2 && l.ends_with("  ")) || l.ends_with("<br>");
    const bool last = i + 1 == lines.size() || starts_block(lines[i + 1]);
    if (!hard_break && !last) continue;
    while (!l.empty() && (l.back() == '\\' || l.back() == ' ')) l.pop_back();
    // Footnote references and link targets at the end.
    for (bool again = true; again;) {
      again = false;
      if (l.ends_with("]") && l.rfind("[^") != std::string::npos) {
        l.erase(l.rfind("[^"));
        again = true;
      } else if (l.ends_with(")") && l.rfind("](") != std::string::npos) {
        l.erase(l.rfind("]("));
        again = true;
      }
    }
    std::string clean;
    for (size_t k = 0; k < l.size(); ++k) {
      if (l[k] == '<') {  // an HTML tag
        const size_t e = l.find('>', k);
        if (e != std::string::npos) {
          k = e;
          continue;
        }
      }
      if (l[k] == '*' || l[k] == '_' || l[k] == '`' || l[k] == '~' || l[k] == '[' || l[k] == ']')
        continue;
      clean += l[k];
    }
    clean = no_spaces(clean);
    if (!clean.empty()) out.insert(tail(clean, 4));
  }
  return out;
}

// Whether the printed line's text ends where the manuscript ends a line.
bool ends_a_block(const std::set<std::string>& tails, const std::string& line_text) {
  std::string t = no_spaces(line_text);
  for (int pass = 0; pass < 2; ++pass) {
    // Tails shorter than 4 stand for source lines that short.
    for (size_t n = 1; n <= 4; ++n)
      if (tails.count(tail(t, n))) return true;
    while (!t.empty() && t.back() >= '0' && t.back() <= '9') t.pop_back();  // a note number
  }
  return false;
}

std::string fmt(double v) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(2);
  s << v;
  return s.str();
}

std::string where(const Output& o, const Line& l) {
  return o.name + " page " + std::to_string(l.page + 1) + " (y=" + fmt(l.baseline) + ")";
}

// Puts each pdftotext word on the dump's glyph run it overlaps most (same
// baseline inside the word's box), then groups the words by baseline.
void build_lines(Output& o) {
  const size_t n = std::min(o.text.size(), o.dump.pages.size());
  o.lines.assign(n, {});
  for (size_t p = 0; p < n; ++p) {
    std::map<long, Line> by_baseline;
    for (const Word& w : o.text[p].words) {
      const DumpRun* best = nullptr;
      double best_overlap = 0;
      for (const DumpRun& r : o.dump.pages[p].runs) {
        // A superscript (footnote reference) is raised by glyph offsets
        // above its run's baseline.
        if (r.y < w.y0 - 1 || r.y > w.y1 + 0.6 * r.size + 1) continue;
        const double overlap = std::min(w.x1, r.x + r.w + 0.1) - std::max(w.x0, r.x - 0.1);
        if (overlap > best_overlap) {
          best_overlap = overlap;
          best = &r;
        }
      }
      if (!best) {
        o.unmatched.push_back("page " + std::to_string(p + 1) + " \"" + w.text + "\" at " +
                              fmt(w.x0) + "," + fmt(w.y0));
        continue;
      }
      const std::string& face =
          best->face >= 0 && static_cast<size_t>(best->face) < o.dump.faces.size()
              ? o.dump.faces[static_cast<size_t>(best->face)]
              : std::string();
      Line& line = by_baseline[std::lround(best->y * 10)];
      line.page = static_cast<int>(p);
      line.baseline = best->y;
      line.words.push_back({w, best->size, face.find("Mono") != std::string::npos});
    }
    for (auto& [key, line] : by_baseline) {
      std::sort(line.words.begin(), line.words.end(),
                [](const PlacedWord& a, const PlacedWord& b) { return a.box.x0 < b.box.x0; });
      o.lines[p].push_back(std::move(line));
    }
  }
}

// ---- The parsers and classifiers the checks rely on.

TEST(PageCheckHelpers, ParsesBboxLayout) {
  const auto pages = parse_bbox_layout(
      "<doc><page width=\"595.5\" height=\"842\"><flow><block><line>"
      "<word xMin=\"70.5\" yMin=\"10\" xMax=\"80\" yMax=\"20\">A&amp;B</word>"
      "<word xMin=\"81\" yMin=\"10\" xMax=\"90\" yMax=\"20\">中文</word>"
      "</line></block></flow></page><page width=\"100\" height=\"200\"></page></doc>");
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_DOUBLE_EQ(pages[0].width, 595.5);
  ASSERT_EQ(pages[0].words.size(), 2u);
  EXPECT_EQ(pages[0].words[0].text, "A&B");
  EXPECT_DOUBLE_EQ(pages[0].words[1].x0, 81);
  EXPECT_TRUE(pages[1].words.empty());
}

TEST(PageCheckHelpers, ParsesPagesDump) {
  const Dump d = parse_pages_dump(
      "book pages=1 faces=2\nface f0 Serif\nface f1 SomeMono\npage \"iv\" 595.3x841.9\n"
      "  text f1 10.5 70.9,157.2 w=432.5 n=40 #1a1a1a bold \"x y\"\n  rule 1,2 3,4 w=0.5 #000000\n");
  ASSERT_EQ(d.faces.size(), 2u);
  EXPECT_EQ(d.faces[1], "SomeMono");
  ASSERT_EQ(d.pages.size(), 1u);
  EXPECT_EQ(d.pages[0].label, "iv");
  ASSERT_EQ(d.pages[0].runs.size(), 1u);
  EXPECT_EQ(d.pages[0].runs[0].face, 1);
  EXPECT_DOUBLE_EQ(d.pages[0].runs[0].size, 10.5);
  EXPECT_DOUBLE_EQ(d.pages[0].runs[0].y, 157.2);
  EXPECT_DOUBLE_EQ(d.pages[0].runs[0].w, 432.5);
}

TEST(PageCheckHelpers, ClassifiesMarks) {
  for (char32_t c : std::u32string(U"，。、；：？！”’）》〉」』】〗〕］｝～·%‰℃°"))
    EXPECT_TRUE(no_start(c));
  for (char32_t c : std::u32string(U"“‘（《〈「『【〖〔［｛")) EXPECT_TRUE(no_end(c));
  EXPECT_FALSE(no_start(U'中'));
  EXPECT_FALSE(no_end(U'）'));
  EXPECT_TRUE(is_list_marker("•"));
  EXPECT_TRUE(is_list_marker("12."));
  EXPECT_FALSE(is_list_marker("2006"));
  EXPECT_FALSE(is_list_marker("AlexNet."));
}

TEST(PageCheckHelpers, BlockEndsFromTheSource) {
  const auto tails = block_end_tails(
      "---\ntitle: t\n---\n第一行软换行\n接着一行。\\\n硬换行之后**结束**[^1]\n\n- [x] 任务项[链接](https://x.y)\n");
  EXPECT_TRUE(ends_a_block(tails, "……接着一行。"));
  EXPECT_TRUE(ends_a_block(tails, "硬换行之后结束1"));  // a note number printed after it
  EXPECT_TRUE(ends_a_block(tails, "任务项链接"));
  EXPECT_FALSE(ends_a_block(tails, "第一行软换行"));
}

class PageChecks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<fs::path>(fs::temp_directory_path() /
                                      ("moyin-page-checks-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    outputs_ = std::make_unique<std::vector<Output>>();
    std::vector<fs::path> inputs = {fs::path(MOYIN_TEST_DATA_DIR) / "corpus/llm-survey-2025.md"};
    std::vector<fs::path> content;
    for (const auto& e : fs::directory_iterator(fs::path(MOYIN_SOURCE_DIR) / "content"))
      if (e.path().extension() == ".md") content.push_back(e.path());
    std::sort(content.begin(), content.end());
    inputs.insert(inputs.end(), content.begin(), content.end());

    for (const fs::path& in : inputs) {
      Output o;
      o.name = in.stem().string();
      o.pdf = *dir_ / (o.name + ".pdf");
      auto b = run_command(
          "'" MOYIN_BINARY "' build --to pdf '" + in.string() + "' -o '" + dir_->string() + "'",
          *dir_);
      o.build_log = b.err;
      o.built = b.status == 0 && fs::exists(o.pdf);
      o.block_ends = block_end_tails(read_bytes(in));
      if (o.built) {
        const fs::path html = *dir_ / (o.name + ".html");
        auto t = run_command(
            "pdftotext -bbox-layout '" + o.pdf.string() + "' '" + html.string() + "'", *dir_);
        o.pdftotext_err = t.err;
        o.text = parse_bbox_layout(read_bytes(html));
        auto d = run_command("'" MOYIN_BINARY "' dump --stage pages '" + in.string() + "'", *dir_);
        o.dump = parse_pages_dump(d.out);
        auto q = run_command("qpdf --json '" + o.pdf.string() + "'", *dir_);
        o.qpdf = nlohmann::json::parse(q.out, nullptr, false);
        build_lines(o);
      }
      outputs_->push_back(std::move(o));
    }
    doc::Diagnostics diags;
    sheet_ = std::make_unique<style::Sheet>(style::resolve(
        style::Layers{.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles")}, diags));
  }

  static void TearDownTestSuite() {
    std::error_code ec;
    if (dir_) fs::remove_all(*dir_, ec);
    dir_.reset();
    outputs_.reset();
    sheet_.reset();
  }

  static const std::vector<Output>& outputs() { return *outputs_; }
  static const style::Sheet& sheet() { return *sheet_; }

  // The right edge of the type area on page `p` (0-based).
  static double right_margin_x(const Output& o, int p) {
    const auto& pg = sheet().page;
    const bool verso = pg.mirrored && (p % 2 == 1);
    return o.text[static_cast<size_t>(p)].width - (verso ? pg.inner : pg.outer);
  }
  static double left_margin_x(int p) {
    const auto& pg = sheet().page;
    const bool verso = pg.mirrored && (p % 2 == 1);
    return verso ? pg.outer : pg.inner;
  }

  // Up to `max` failure lines, then a count of the rest.
  static std::string summary(const std::vector<std::string>& failures, size_t max = 25) {
    std::string s;
    for (size_t k = 0; k < failures.size() && k < max; ++k) s += "  " + failures[k] + "\n";
    if (failures.size() > max) s += "  … and " + std::to_string(failures.size() - max) + " more\n";
    return s;
  }

  static std::unique_ptr<fs::path> dir_;
  static std::unique_ptr<std::vector<Output>> outputs_;
  static std::unique_ptr<style::Sheet> sheet_;
};

std::unique_ptr<fs::path> PageChecks::dir_;
std::unique_ptr<std::vector<Output>> PageChecks::outputs_;
std::unique_ptr<style::Sheet> PageChecks::sheet_;

TEST_F(PageChecks, EveryInputBuildsAndParses) {
  ASSERT_GE(outputs().size(), 3u);
  for (const Output& o : outputs()) {
    ASSERT_TRUE(o.built) << o.name << ": moyin build failed:\n" << o.build_log;
    EXPECT_FALSE(o.text.empty()) << o.name;
    EXPECT_EQ(o.text.size(), o.dump.pages.size())
        << o.name << ": pdftotext and the pages dump disagree";
    EXPECT_FALSE(o.qpdf.is_discarded()) << o.name << ": qpdf --json output did not parse";
    // Copying gives the source text back: no word carries a space inside or
    // at its end (a glyph's ToUnicode text must not swallow the word space
    // the typesetter set as glue).
    std::vector<std::string> spaced;
    for (size_t p = 0; p < o.text.size(); ++p)
      for (const Word& w : o.text[p].words)
        if (w.text.find(' ') != std::string::npos)
          spaced.push_back("page " + std::to_string(p + 1) + " \"" + w.text + "\"");
    EXPECT_TRUE(spaced.empty()) << o.name << ": " << spaced.size()
                                << " words copy with spaces inside:\n"
                                << summary(spaced);
    // Every word pdftotext finds comes from a glyph run of the typesetter.
    EXPECT_TRUE(o.unmatched.empty()) << o.name << ": words with no glyph run:\n"
                                     << summary(o.unmatched);
  }
}

TEST_F(PageChecks, PdftotextPrintsNoWarnings) {
  for (const Output& o : outputs()) {
    if (!o.built) continue;
    EXPECT_EQ(o.pdftotext_err, "") << o.name;
  }
}

// CJK-RULES.md §2 (level gb): no line starts with a no-start mark or ends
// with a no-end mark; `——` and `……` are never split across lines and a
// single — or … never starts one. Code lines (monospace) are verbatim.
TEST_F(PageChecks, LineStartAndEndProhibitions) {
  for (const Output& o : outputs()) {
    std::vector<std::string> bad;
    size_t checked = 0;
    for (const auto& page : o.lines) {
      for (size_t i = 0; i < page.size(); ++i) {
        const Line& l = page[i];
        if (l.all_mono() || l.words.empty()) continue;
        ++checked;
        const size_t first = l.starts_with_marker() && l.words.size() > 1 ? 1 : 0;
        const auto head = code_points(l.words[first].box.text);
        const auto tail = code_points(l.words.back().box.text);
        if (head.empty() || tail.empty()) continue;
        const bool single_head = head.size() < 2 || head[1] != head[0];
        if (no_start(head[0]) || ((head[0] == U'—' || head[0] == U'…') && single_head))
          bad.push_back(where(o, l) + " starts with a no-start mark: \"" + l.text() + "\"");
        if (no_end(tail.back()))
          bad.push_back(where(o, l) + " ends with a no-end mark: \"" + l.text() + "\"");
        if ((tail.back() == U'—' || tail.back() == U'…') && i + 1 < page.size() &&
            !page[i + 1].words.empty()) {
          const auto next = code_points(page[i + 1].words.front().box.text);
          const bool pair_ends_here = tail.size() >= 2 && tail[tail.size() - 2] == tail.back();
          if (!next.empty() && next[0] == tail.back() && !pair_ends_here)
            bad.push_back(where(o, l) + " splits a pair: \"" + l.text() + "\" / \"" +
                          page[i + 1].text() + "\"");
        }
      }
    }
    EXPECT_GT(checked, 0u) << o.name;
    std::printf("  %s: %zu lines checked for 禁则\n", o.name.c_str(), checked);
    EXPECT_TRUE(bad.empty()) << o.name << ": " << bad.size() << " of " << checked
                             << " lines break a rule:\n"
                             << summary(bad);
  }
}

// Every justified body line ends at the right margin within 0.5 pt.
//
// Which lines are justified body lines: lines set entirely at the body size
// in a proportional face (not code, headings, footnotes, running heads),
// followed on the same page by a line one body leading lower that continues
// the same paragraph: it is not a new list item (no marker) and does not
// start right of this line's text (a new paragraph's first-line indent).
// Lines at a page bottom are not checked (their continuation is overleaf).
//
// What is measured: pdftotext's word box ends at the advance of the last
// glyph as the PDF font gives it. A mark with its blank half on the right
// (，。”）…) that ends a line is set half width by the typesetter (§3: its
// blank half removed so the line ends flush), but the embedded font's width
// for it is still 1 em: pdftotext reports its box ½ em past the margin
// while its ink ends before it. So for such a line the expected right edge
// is margin + ½ em (em = that word's size); for any other line the margin.
// Tolerance 0.5 pt, as the issue says (positions are written with 1/1000 pt
// precision; the dump's rounding does not enter the measurement).
TEST_F(PageChecks, JustifiedLinesEndAtTheRightMargin) {
  const auto& body = sheet().role(style::Role::Body);
  for (const Output& o : outputs()) {
    std::vector<std::string> bad;
    size_t checked = 0;
    double worst = 0;
    for (const auto& page : o.lines) {
      for (size_t i = 0; i + 1 < page.size(); ++i) {
        const Line& l = page[i];
        const Line& next = page[i + 1];
        if (l.words.empty() || next.words.empty()) continue;
        if (!l.sized(body.size) || l.all_mono() || next.all_mono()) continue;
        if (std::abs(next.baseline - l.baseline - body.leading) > 0.6) continue;
        if (next.starts_with_marker()) continue;
        if (next.left() > l.content_left() + 0.5) continue;
        if (ends_a_block(o.block_ends, l.text())) continue;
        const PlacedWord& last = l.words.back();
        const auto cps = code_points(no_spaces(last.box.text));
        const double margin = right_margin_x(o, l.page);
        double off = l.right() - margin;
        double expected = margin;
        // A blank-right mark: its box may end ½ em past the margin (full-width
        // font advance) or at it (a proportional glyph, e.g. ” in WenKai).
        if (!cps.empty() && blank_right(cps.back()) &&
            std::abs(off - last.size / 2) < std::abs(off)) {
          expected = margin + last.size / 2;
          off = l.right() - expected;
        }
        ++checked;
        worst = std::max(worst, std::abs(off));
        if (std::abs(off) > 0.5)
          bad.push_back(where(o, l) + " ends " + fmt(off) + " pt from the margin (right=" +
                        fmt(l.right()) + ", expected " + fmt(expected) + "): \"" + l.text() + "\"");
      }
    }
    // callouts.md has only short paragraphs (and its boxes' text ends at the
    // box's inner padding, not the margin): nothing of it to check here.
    if (o.name != "callouts") {
      EXPECT_GT(checked, 0u) << o.name;
    }
    std::printf("  %s: %zu justified lines checked, worst %s pt\n", o.name.c_str(), checked,
                fmt(worst).c_str());
    EXPECT_TRUE(bad.empty()) << o.name << ": " << bad.size() << " of " << checked
                             << " justified lines off the margin (worst " << fmt(worst) << " pt):\n"
                             << summary(bad);
  }
}

// Han–Latin gaps: pdftotext splits words at a ¼ em gap, so two neighbouring
// words on a line, one ending in Han and the next starting with a Latin
// letter or digit (or the reverse), give the gap as the distance between
// their boxes. em = the size of the Han word. Justification stretches and
// shrinks these gaps (⅛…⅓ em), so the median is what must sit at ¼ em.
TEST_F(PageChecks, HanLatinGapsAreAQuarterEm) {
  for (const Output& o : outputs()) {
    std::vector<double> gaps;
    std::vector<std::string> odd;
    for (const auto& page : o.lines) {
      for (const Line& l : page) {
        for (size_t k = 0; k + 1 < l.words.size(); ++k) {
          const PlacedWord& a = l.words[k];
          const PlacedWord& b = l.words[k + 1];
          const auto ca = code_points(a.box.text);
          const auto cb = code_points(b.box.text);
          if (ca.empty() || cb.empty()) continue;
          double em = 0;
          if (is_han(ca.back()) && is_latin_or_digit(cb.front())) em = a.size;
          else if (is_latin_or_digit(ca.back()) && is_han(cb.front())) em = b.size;
          if (em <= 0 || std::abs(a.size - b.size) > 0.05) continue;  // not a superscript
          const double gap = (b.box.x0 - a.box.x1) / em;
          gaps.push_back(gap);
          if (gap < 0.1 || gap > 0.45)
            odd.push_back(where(o, l) + " gap " + fmt(gap) + " em between \"" + a.box.text +
                          "\" and \"" + b.box.text + "\"");
        }
      }
    }
    if (gaps.empty()) continue;  // a text without mixed Han–Latin lines
    std::vector<double> sorted = gaps;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    std::printf("  %s: %zu Han–Latin gaps, median %s em (min %s, max %s)\n", o.name.c_str(),
                gaps.size(), fmt(median).c_str(), fmt(sorted.front()).c_str(),
                fmt(sorted.back()).c_str());
    EXPECT_NEAR(median, 0.25, 0.05)
        << o.name << ": median Han–Latin gap " << fmt(median) << " em over " << gaps.size()
        << " gaps (min " << fmt(sorted.front()) << ", max " << fmt(sorted.back())
        << "); gaps outside 0.1–0.45 em:\n"
        << summary(odd);
  }
}

// No text outside the type area: every word box lies between the left and
// right margins (a line-final mark may reach ½ em past the right one, see
// above, and a line-initial opening bracket ½ em before the left one) and between the top and
// bottom margins, except the running header above the type area (within header-gap plus a line) and
// the footer below it (within footer-gap plus a line); and nothing leaves the page.
TEST_F(PageChecks, NoTextOutsideTheTypeArea) {
  const auto& pg = sheet().page;
  const auto& run = sheet().running;
  const double header_band = run.header_gap + 2 * sheet().role(style::Role::Header).leading;
  const double footer_band = run.footer_gap + 2 * sheet().role(style::Role::Footer).leading;
  for (const Output& o : outputs()) {
    std::vector<std::string> bad;
    size_t checked = 0;
    for (const auto& page : o.lines) {
      for (const Line& l : page) {
        const auto& tp = o.text[static_cast<size_t>(l.page)];
        const double left = left_margin_x(l.page);
        const double right = right_margin_x(o, l.page);
        const double top = pg.top, bottom = tp.height - pg.bottom;
        for (const PlacedWord& w : l.words) {
          ++checked;
          const auto cps = code_points(w.box.text);
          const double allow = !cps.empty() && blank_right(cps.back()) ? w.size / 2 : 0;
          // An opening bracket starting a line loses its leading blank half
          // (§3): its advance box starts ½ em left of the margin, its ink at it.
          const double allow_left = !cps.empty() && no_end(cps.front()) ? w.size / 2 : 0;
          std::string why;
          if (w.box.x0 < left - allow_left - 0.5)
            why = "left of the margin by " + fmt(left - w.box.x0);
          else if (w.box.x1 > right + allow + 0.5)
            why = "right of the margin by " + fmt(w.box.x1 - right);
          else if (w.box.y0 < top - header_band || w.box.y1 > bottom + footer_band)
            why = "outside the header/footer bands";
          else if (w.box.y1 > top + 0.5 && w.box.y0 < top - 0.5 && w.box.y1 < top + 5)
            why = "straddles the top margin";
          if (w.box.x0 < 0 || w.box.y0 < 0 || w.box.x1 > tp.width || w.box.y1 > tp.height)
            why = "off the page";
          if (!why.empty())
            bad.push_back(where(o, l) + " \"" + w.box.text + "\" [" + fmt(w.box.x0) + "," +
                          fmt(w.box.y0) + " – " + fmt(w.box.x1) + "," + fmt(w.box.y1) + "] " + why);
        }
      }
    }
    EXPECT_GT(checked, 0u) << o.name;
    std::printf("  %s: %zu word boxes checked against the type area\n", o.name.c_str(), checked);
    EXPECT_TRUE(bad.empty()) << o.name << ": " << bad.size() << " of " << checked
                             << " words outside the type area:\n"
                             << summary(bad);
  }
}

// ---- TOC links, read from the PDF's Link annotations (qpdf --json).

const nlohmann::json* object(const nlohmann::json& q, const nlohmann::json& ref) {
  if (!ref.is_string()) return nullptr;
  const auto& objs = q["qpdf"][1];
  auto it = objs.find("obj:" + ref.get<std::string>());
  if (it == objs.end() || !it->contains("value")) return nullptr;
  return &(*it)["value"];
}

// Follows an indirect reference (or returns the direct value).
const nlohmann::json* resolve(const nlohmann::json& q, const nlohmann::json& v) {
  if (v.is_string() && v.get<std::string>().size() > 2 &&
      v.get<std::string>().compare(v.get<std::string>().size() - 2, 2, " R") == 0)
    return object(q, v);
  return &v;
}

TEST_F(PageChecks, TocLinksLandOnTheirHeadingsPage) {
  for (const Output& o : outputs()) {
    if (!o.built || o.qpdf.is_discarded()) continue;
    const auto& pages = o.qpdf["pages"];
    std::map<std::string, int> page_of_object;
    for (size_t p = 0; p < pages.size(); ++p)
      page_of_object[pages[p]["object"].get<std::string>()] = static_cast<int>(p);
    // The TOC lives on the front pages: those before the first page labelled
    // in decimal (all pages when there are no labels).
    size_t body_start = pages.size();
    for (size_t p = 0; p < pages.size(); ++p)
      if (pages[p].contains("label") && pages[p]["label"].value("/S", "") == "/D") {
        body_start = p;
        break;
      }
    std::vector<std::string> bad;
    size_t checked = 0;
    for (size_t p = 0; p < body_start && p < o.text.size(); ++p) {
      const nlohmann::json* page = object(o.qpdf, pages[p]["object"]);
      if (!page || !page->contains("/Annots")) continue;
      const nlohmann::json* annots = resolve(o.qpdf, (*page)["/Annots"]);
      if (!annots || !annots->is_array()) continue;
      const double height = o.text[p].height;
      for (const auto& ref : *annots) {
        const nlohmann::json* a = resolve(o.qpdf, ref);
        if (!a || a->value("/Subtype", "") != "/Link") continue;
        const nlohmann::json* dest = nullptr;
        if (a->contains("/Dest")) dest = resolve(o.qpdf, (*a)["/Dest"]);
        else if (a->contains("/A")) {
          const nlohmann::json* act = resolve(o.qpdf, (*a)["/A"]);
          if (act && act->contains("/D")) dest = resolve(o.qpdf, (*act)["/D"]);
        }
        if (!dest) continue;  // a URI link
        if (dest->is_object() && dest->contains("/D")) dest = resolve(o.qpdf, (*dest)["/D"]);
        const auto& rect = (*a)["/Rect"];
        // The entry's text: words inside the link rectangle (PDF y is up).
        const double x0 = rect[0].get<double>(), x1 = rect[2].get<double>();
        const double y0 = height - rect[3].get<double>(), y1 = height - rect[1].get<double>();
        std::vector<const Word*> inside;
        for (const Word& w : o.text[p].words) {
          const double cy = (w.y0 + w.y1) / 2;
          if (w.x0 >= x0 - 1 && w.x1 <= x1 + 1 && cy >= y0 && cy <= y1) inside.push_back(&w);
        }
        std::string title, number;
        for (const Word* w : inside) {
          const std::string& t = w->text;
          if (t.find_first_not_of('.') == std::string::npos) continue;  // dot leader
          if (w == inside.back() && t.find_first_not_of("0123456789ivxlcdm") == std::string::npos) {
            number = t;
            continue;
          }
          title += t;
        }
        // Trailing dots glued to the title by pdftotext.
        while (!title.empty() && title.back() == '.') title.pop_back();
        ++checked;
        const std::string label = "TOC page " + std::to_string(p + 1) + " entry \"" + title + "\"";
        if (!dest->is_array() || dest->empty() || !(*dest)[0].is_string() ||
            !page_of_object.count((*dest)[0].get<std::string>())) {
          bad.push_back(label + ": destination is not a page of this PDF: " + dest->dump());
          continue;
        }
        const int target = page_of_object[(*dest)[0].get<std::string>()];
        std::string target_text;
        for (const Word& w : o.text[static_cast<size_t>(target)].words) target_text += w.text;
        if (title.empty() || no_spaces(target_text).find(no_spaces(title)) == std::string::npos)
          bad.push_back(label + " -> page " + std::to_string(target + 1) +
                        ", which does not show the heading");
        const std::string target_label = o.dump.pages.size() > static_cast<size_t>(target)
                                             ? o.dump.pages[static_cast<size_t>(target)].label
                                             : "";
        if (!number.empty() && number != target_label)
          bad.push_back(label + " prints page " + number + " but links to the page labelled \"" +
                        target_label + "\"");
      }
    }
    std::printf("  %s: %zu TOC links checked\n", o.name.c_str(), checked);
    EXPECT_TRUE(bad.empty()) << o.name << ": " << bad.size() << " of " << checked
                             << " TOC links wrong:\n"
                             << summary(bad);
    if (sheet().toc.enabled && o.dump.pages.size() > 2) {
      EXPECT_GT(checked, 0u) << o.name << ": no TOC links found";
    }
  }
}

}  // namespace
}  // namespace moyin::pdf
