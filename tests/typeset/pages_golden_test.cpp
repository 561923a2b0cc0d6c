// The real pipeline (source -> typeset with the shipped style and fonts):
// golden `--stage pages` dumps, text inside the type area, TOC links.
// Re-bless the goldens after an intended change with MOYIN_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "base/utf8.h"
#include "font/font.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"
#include "typeset/pages.h"
#include "typeset/pages_dump.h"

namespace moyin::typeset {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = MOYIN_SOURCE_DIR;
const fs::path kData = MOYIN_TEST_DATA_DIR;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Typeset {
  doc::Document doc;
  style::Sheet sheet;
  layout::Book book;
  doc::Diagnostics diags;
};

// Like dump_pages(), keeping the parts for checks.
std::unique_ptr<Typeset> typeset_file(const fs::path& file) {
  auto t = std::make_unique<Typeset>();
  auto d = source::read_file(file, t->diags);
  if (!d) return nullptr;
  t->doc = std::move(*d);
  style::Layers layers;
  layers.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  layers.front_matter = t->doc.meta.style;
  layers.document_dir = file.parent_path();
  t->sheet = style::resolve(layers, t->diags);
  auto fonts = font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml",
                                       t->diags);
  if (!fonts) return nullptr;
  t->book = typeset::typeset(t->doc, t->sheet, *fonts, t->diags);
  return t;
}

void check_golden(const fs::path& input, const std::string& name) {
  ASSERT_TRUE(fs::exists(input)) << input;
  doc::Diagnostics diags;
  auto d = source::read_file(input, diags);
  ASSERT_TRUE(d);
  style::Layers layers;
  layers.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  layers.front_matter = d->meta.style;
  layers.document_dir = input.parent_path();
  const style::Sheet sheet = style::resolve(layers, diags);
  auto fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  ASSERT_TRUE(fonts);
  auto out = dump_pages(*d, sheet, *fonts, diags);
  ASSERT_TRUE(out);
  fs::path golden = kRoot / "tests/golden/pages" / (name + ".txt");
  if (std::getenv("MOYIN_UPDATE_GOLDEN")) {
    std::ofstream(golden, std::ios::binary) << *out;
    GTEST_SKIP() << "wrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " missing: run with MOYIN_UPDATE_GOLDEN=1";
  std::string want = read(golden);
  if (want == *out) return;
  // Show the first differing line.
  std::istringstream a(want), b(*out);
  std::string la, lb;
  int n = 0;
  while (true) {
    bool ga = static_cast<bool>(std::getline(a, la));
    bool gb = static_cast<bool>(std::getline(b, lb));
    ++n;
    if (!ga && !gb) break;
    if (la != lb || ga != gb) {
      ADD_FAILURE() << golden << ":" << n << "\n  want: " << la << "\n  got:  " << lb
                    << "\n(re-bless with MOYIN_UPDATE_GOLDEN=1 if the change is intended)";
      return;
    }
  }
}

TEST(PagesGolden, ZhArticle) { check_golden(kRoot / "content/zh-article.md", "zh-article"); }

// Footnotes at the foot of their pages, one of them split over two.
TEST(PagesGolden, ZhNotes) { check_golden(kRoot / "content/zh-notes.md", "zh-notes"); }

// A page with an SVG diagram: its shapes as paths, its Chinese labels as runs.
TEST(PagesGolden, SvgFigure) { check_golden(kRoot / "tests/fixtures/svg/figure.md", "svg-figure"); }

// Tables (issue 15): automatic column widths, smaller type, a table split
// into column groups; a row taller than a page split between its lines.
TEST(PagesGolden, WideTables) {
  check_golden(kRoot / "tests/fixtures/tables/wide.md", "table-wide");
}
TEST(PagesGolden, TallTable) {
  check_golden(kRoot / "tests/fixtures/tables/tall.md", "table-tall");
}

// No glyph run of a table overprints another on the same baseline, and
// every run stays inside the type area (the 200-column table printed black bands).
void check_no_overprint(const Typeset& t) {
  for (size_t k = 0; k < t.book.pages.size(); ++k) {
    const layout::Page& page = t.book.pages[k];
    const TypeArea a = type_area(t.sheet.page, k % 2 == 0);
    std::map<long, std::vector<std::pair<double, double>>> rows;  // baseline -> [x0, x1)
    std::optional<layout::Point> turn;  // inside a turned (landscape) table: its pivot
    for (const auto& it : page.items) {
      if (auto* t = std::get_if<layout::Turn>(&it)) {
        turn = t->end ? std::nullopt : std::optional(t->pivot);
        continue;
      }
      auto* r = std::get_if<layout::GlyphRun>(&it);
      if (!r) continue;
      double w = 0;
      for (const auto& g : r->glyphs) w += g.advance;
      SCOPED_TRACE("page " + page.label + " run \"" + r->text + "\"");
      if (turn) {
        // Turned a quarter turn counter-clockwise: the run goes up the page.
        const double x = turn->x + (r->origin.y - turn->y);
        const double bottom = turn->y - (r->origin.x - turn->x);
        EXPECT_GE(x, a.left - 0.5);
        EXPECT_LE(x, a.left + a.width + 0.5);
        EXPECT_LE(bottom, a.top + a.height + 0.5);
        EXPECT_GE(bottom - w, a.top - 0.5);
        rows[-1 - std::lround(r->origin.y * 10)].emplace_back(r->origin.x, r->origin.x + w);
        continue;
      }
      EXPECT_LE(r->origin.x + w, a.left + a.width + 0.5);
      EXPECT_LE(r->origin.y, a.top + a.height + 30);  // running footer at most
      rows[std::lround(r->origin.y * 10)].emplace_back(r->origin.x, r->origin.x + w);
    }
    for (auto& [y, spans] : rows) {
      std::sort(spans.begin(), spans.end());
      for (size_t i = 1; i < spans.size(); ++i)
        EXPECT_LE(spans[i - 1].second, spans[i].first + 0.5)
            << "page " << page.label << " y " << y / 10.0;
    }
  }
}

TEST(PagesGolden, TablesNeverOverprintOrLeaveTheTypeArea) {
  for (const char* name : {"wide.md", "tall.md"}) {
    SCOPED_TRACE(name);
    auto t = typeset_file(kRoot / "tests/fixtures/tables" / name);
    ASSERT_TRUE(t);
    check_no_overprint(*t);
  }
  // The 12-column table, too wide for the page even at table.shrink but not
  // for the type area's height, is turned: pages of its own, each a Turn
  // bracket, with one warning; the text after it goes on with the next page.
  {
    auto w = typeset_file(kRoot / "tests/fixtures/tables/wide.md");
    ASSERT_TRUE(w);
    int turned_pages = 0;
    for (const auto& page : w->book.pages) {
      int turns = 0, ends = 0;
      bool other_text = false, inside = false;
      for (const auto& it : page.items) {
        if (auto* t = std::get_if<layout::Turn>(&it)) {
          (t->end ? ends : turns)++;
          inside = !t->end;
        } else if (auto* r = std::get_if<layout::GlyphRun>(&it); r && !inside) {
          other_text = other_text || r->text.find("横排表格之后") != std::string::npos;
        }
      }
      EXPECT_EQ(turns, ends) << page.label;
      if (turns == 0) continue;
      ++turned_pages;
      EXPECT_FALSE(other_text) << page.label;
    }
    EXPECT_GE(turned_pages, 1);
    size_t warned = 0;
    for (const auto& d : w->diags.items)
      warned += d.message.find("turned (landscape)") != std::string::npos;
    EXPECT_EQ(warned, 1u);
  }
  // The tall row is split over pages: its text continues on a later page,
  // with the header repeated and a closing rule at the bottom of the first.
  auto t = typeset_file(kRoot / "tests/fixtures/tables/tall.md");
  ASSERT_TRUE(t);
  int pages_with_cells = 0;
  for (const auto& page : t->book.pages) {
    bool cell = false;
    for (const auto& it : page.items)
      if (auto* r = std::get_if<layout::GlyphRun>(&it);
          r && r->text.find("非常长") != std::string::npos)
        cell = true;
    pages_with_cells += cell;
  }
  EXPECT_GE(pages_with_cells, 2);
  EXPECT_EQ(t->diags.count(doc::Severity::Warning), 0u);
}

TEST(PagesGolden, SeedCorpus) {
  check_golden(kData / "corpus/llm-survey-2025.md", "llm-survey-2025");
}

// Every text run lies inside the type area, except the running header and
// footer, which sit exactly on their own baselines in the margins.
void check_type_area(const Typeset& t) {
  const style::Sheet& s = t.sheet;
  int runs = 0;
  for (size_t k = 0; k < t.book.pages.size(); ++k) {
    const layout::Page& page = t.book.pages[k];
    TypeArea a = type_area(s.page, k % 2 == 0);
    double header = a.top - s.running.header_gap;
    double footer = a.top + a.height + s.running.footer_gap;
    for (const auto& it : page.items) {
      auto* r = std::get_if<layout::GlyphRun>(&it);
      if (!r) continue;
      ++runs;
      double w = 0;
      for (const auto& g : r->glyphs) w += g.advance;
      SCOPED_TRACE("page " + page.label + " run \"" + r->text + "\"");
      // An opening bracket that starts a line gives up its blank (left) half:
      // its origin may sit half an em left of the margin, the ink does not.
      size_t i0 = 0;
      char32_t first = r->text.empty() ? 0 : base::next_code_point(r->text, i0);
      bool opening =
          std::u32string_view(U"“‘（《〈「『【〖〔［｛").find(first) != std::u32string_view::npos;
      EXPECT_GE(r->origin.x, a.left - 0.5 - (opening ? 0.5 * r->size : 0));
      EXPECT_LE(r->origin.x + w, a.left + a.width + 0.5);
      double y = r->origin.y;
      if (std::abs(y - header) < 1e-6 || std::abs(y - footer) < 1e-6) continue;
      EXPECT_GE(y - 0.88 * r->size, a.top - 0.5);
      EXPECT_LE(y + 0.12 * r->size, a.top + a.height + 0.5);
    }
  }
  EXPECT_GT(runs, 100);
}

// TOC entries link to their heading's anchor and print its page label.
void check_toc(const Typeset& t) {
  const layout::Book& b = t.book;
  ASSERT_FALSE(b.labels.empty());
  int first_body = b.labels.back().first_page;
  EXPECT_EQ(b.pages[static_cast<size_t>(first_body)].label, "1");
  std::map<std::string, std::string> where;
  for (const auto& p : b.pages)
    for (const auto& it : p.items)
      if (auto* a = std::get_if<layout::Anchor>(&it)) where.emplace(a->name, p.label);
  for (const auto& o : b.outline) EXPECT_TRUE(where.count(o.dest)) << o.dest;
  // Every internal link (TOC, #anchors, footnote references) has a target.
  for (const auto& p : b.pages) {
    for (const auto& it : p.items) {
      auto* l = std::get_if<layout::LinkArea>(&it);
      if (!l || l->dest.empty()) continue;
      EXPECT_TRUE(where.count(l->dest)) << "page " << p.label << ": link to " << l->dest;
    }
  }
  int links = 0;
  for (int k = 0; k < first_body; ++k) {
    const auto& items = b.pages[static_cast<size_t>(k)].items;
    for (size_t i = 0; i < items.size(); ++i) {
      auto* l = std::get_if<layout::LinkArea>(&items[i]);
      if (!l || l->dest.empty()) continue;
      ++links;
      ASSERT_TRUE(where.count(l->dest)) << l->dest;
      // A line's link area follows its runs (the Link element holds the
      // title, then the page number): on the entry's last line, the run
      // right before it is the page number.
      bool last_line = true;
      for (size_t j = i + 1; j < items.size() && last_line; ++j)
        if (auto* nl = std::get_if<layout::LinkArea>(&items[j])) {
          last_line = nl->dest != l->dest;
          break;
        }
      if (!last_line) continue;
      std::string last;
      for (size_t j = i; j-- > 0;) {
        if (std::holds_alternative<layout::LinkArea>(items[j])) break;
        if (auto* r = std::get_if<layout::GlyphRun>(&items[j])) {
          last = r->text;
          break;
        }
      }
      EXPECT_EQ(last, where[l->dest]) << l->dest;
    }
  }
  EXPECT_GT(links, 3);
}

TEST(PagesReal, ZhArticleInsideTypeAreaAndTocLinks) {
  auto t = typeset_file(kRoot / "content/zh-article.md");
  ASSERT_TRUE(t);
  check_type_area(*t);
  check_toc(*t);
  // Footnote references link to their notes.
  int note_links = 0;
  for (const auto& p : t->book.pages)
    for (const auto& it : p.items)
      if (auto* l = std::get_if<layout::LinkArea>(&it)) note_links += l->dest.starts_with("fn-");
  EXPECT_EQ(note_links, static_cast<int>(t->doc.footnotes.size()));
}

// Every note starts on the page of its first reference: the note's anchor
// and the first link to it land on the same page.
TEST(PagesReal, NotesOnThePageOfTheirReference) {
  auto t = typeset_file(kRoot / "content/zh-notes.md");
  ASSERT_TRUE(t);
  check_type_area(*t);
  std::map<std::string, size_t> anchor, first_link;
  for (size_t k = 0; k < t->book.pages.size(); ++k) {
    for (const auto& it : t->book.pages[k].items) {
      if (auto* a = std::get_if<layout::Anchor>(&it)) anchor.emplace(a->name, k);
      if (auto* l = std::get_if<layout::LinkArea>(&it); l && l->dest.starts_with("fn-"))
        first_link.emplace(l->dest, k);
    }
  }
  ASSERT_EQ(first_link.size(), t->doc.footnotes.size());
  std::set<size_t> pages;
  for (const auto& [id, page] : first_link) {
    EXPECT_EQ(anchor[id], page) << id;
    pages.insert(page);
  }
  EXPECT_GT(pages.size(), 1u);
}

TEST(PagesReal, SeedInsideTypeAreaAndTocLinks) {
  auto t = typeset_file(kData / "corpus/llm-survey-2025.md");
  ASSERT_TRUE(t);
  check_type_area(*t);
  check_toc(*t);
  // Every heading of the seed is in the outline.
  int headings = 0;
  for (const auto& b : t->doc.blocks) headings += b.kind == doc::BlockKind::Heading;
  EXPECT_EQ(static_cast<int>(t->book.outline.size()), headings);
}

TEST(PagesReal, BookStyleMirroredAndRectoStart) {
  auto t = std::make_unique<Typeset>();
  auto d = source::read_file(kRoot / "content/zh-article.md", t->diags);
  ASSERT_TRUE(d);
  t->sheet =
      style::resolve("book", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), t->diags);
  auto fonts = font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml",
                                       t->diags);
  ASSERT_TRUE(fonts);
  t->doc = std::move(*d);
  t->book = typeset::typeset(t->doc, t->sheet, *fonts, t->diags);
  int first_body = t->book.labels.back().first_page;
  if (t->sheet.page.mirrored) {
    EXPECT_EQ(first_body % 2, 0);  // body page 1 is a recto
  }
  check_type_area(*t);
}

}  // namespace
}  // namespace moyin::typeset
