// Page logic on synthetic lines with exact metrics: every character is 1 em
// wide, every line box is exactly the role's leading tall.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <unistd.h>

#include "base/utf8.h"
#include "font/font.h"
#include "typeset/blocks.h"
#include "typeset/book.h"
#include "typeset/pages.h"
#include "typeset/pages_dump.h"

namespace moyin::typeset {
namespace {

// A page whose type area holds exactly `lines` boxes of 20 pt.
style::PageStyle page_of(int lines) {
  style::PageStyle p;
  p.width = 300;
  p.height = 100 + 20.0 * lines;
  p.top = p.bottom = 50;
  p.inner = p.outer = 50;
  return p;
}

VBox line(int tag) {
  VBox b;
  b.height = 20;
  b.baseline = 15;
  b.items.push_back(layout::Anchor{"l" + std::to_string(tag), {0, 0}});
  return b;
}

// Tags of the synthetic lines on each page.
std::vector<std::vector<int>> tags(const PageBuild& pb) {
  std::vector<std::vector<int>> out;
  for (const auto& p : pb.pages) {
    out.emplace_back();
    for (const auto& it : p.items)
      if (auto* a = std::get_if<layout::Anchor>(&it))
        if (a->name[0] == 'l') out.back().push_back(std::stoi(a->name.substr(1)));
  }
  return out;
}

void paragraph(VListBuilder& vb, int first, int n) {
  std::vector<VBox> lines;
  for (int k = 0; k < n; ++k) lines.push_back(line(first + k));
  vb.add_break(0);
  vb.add_lines(std::move(lines), 2, 2);
}

TEST(PageBuilder, FillsPagesAndPlacesBoxes) {
  VListBuilder vb;
  paragraph(vb, 1, 10);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  ASSERT_EQ(pb.pages.size(), 2u);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}}));
  // First box top at the top margin, its baseline 15 pt lower.
  auto* a = std::get_if<layout::Anchor>(&pb.pages[0].items[0]);
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(a->at.x, 50);
  EXPECT_DOUBLE_EQ(a->at.y, 65);
}

// A note of `lines` lines of 10 pt, tagged n<tag>.<line>.
std::shared_ptr<FootNote> note_of(int tag, int lines) {
  auto n = std::make_shared<FootNote>();
  n->key = "k" + std::to_string(tag);
  for (int k = 0; k < lines; ++k) {
    VBox b;
    b.height = 10;
    b.baseline = 8;
    b.items.push_back(layout::Anchor{"n" + std::to_string(tag) + "." + std::to_string(k), {0, 0}});
    n->lines.push_back(std::move(b));
  }
  return n;
}

// Page index of every anchor.
std::map<std::string, size_t> anchor_pages(const PageBuild& pb) {
  std::map<std::string, size_t> out;
  for (size_t k = 0; k < pb.pages.size(); ++k)
    for (const auto& it : pb.pages[k].items)
      if (auto* a = std::get_if<layout::Anchor>(&it)) out.emplace(a->name, k);
  return out;
}

FootStyle foot10() {
  FootStyle fs;
  fs.skip = 10;
  fs.rule_length = 30;
  fs.continued.push_back(layout::Anchor{"cont", {0, 0}});
  return fs;
}

// A paragraph of `n` lines; line `cite` (1-based) cites `note`.
std::vector<VItem> citing(int n, int cite, std::shared_ptr<FootNote> note) {
  VListBuilder vb;
  std::vector<VBox> lines;
  for (int k = 1; k <= n; ++k) {
    lines.push_back(line(k));
    if (k == cite) lines.back().notes.push_back(note);
  }
  vb.add_break(0);
  vb.add_lines(std::move(lines), 2, 2);
  return vb.take();
}

// Consecutive lines of one element on a page are one piece of marked
// content (a structure element's kids stay few); an element that ends
// before another begins keeps its markers.
TEST(PageBuilder, ConsecutiveLinesOfOneElementShareTheirTags) {
  VListBuilder vb;
  for (int k = 0; k < 4; ++k) {
    VBox b = line(k);
    const int e = k < 3 ? 7 : 8;
    b.items.insert(b.items.begin(), layout::Tag{e, false});
    b.items.push_back(layout::Tag{e, true});
    vb.add_box(std::move(b));
  }
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  ASSERT_EQ(pb.pages.size(), 1u);
  std::string markers;
  for (const auto& it : pb.pages[0].items)
    if (auto* t = std::get_if<layout::Tag>(&it))
      markers += (t->end ? "/" : "") + std::to_string(t->element) + " ";
  EXPECT_EQ(markers, "7 /7 8 /8 ");
  // Consuming the list gives the same pages.
  PageBuild moved = build_pages(std::move(items), page_of(5), true);
  ASSERT_EQ(moved.pages.size(), 1u);
  EXPECT_EQ(dump_page(moved.pages[0]), dump_page(pb.pages[0]));
}

TEST(PageFoot, NoteAtTheFootOfTheCitingPage) {
  auto items = citing(10, 3, note_of(1, 2));
  PageBuild pb = build_pages(items, page_of(5), true, foot10());
  auto at = anchor_pages(pb);
  EXPECT_EQ(at["l3"], 0u);
  EXPECT_EQ(at["n1.0"], 0u);
  EXPECT_EQ(at["n1.1"], 0u);
  // 3 lines (60 pt) + skip (10) + the note (20) fill the 100 pt area: line 4 moved on.
  EXPECT_EQ(at["l4"], 1u);
  ASSERT_EQ(pb.notes.size(), pb.pages.size());
  EXPECT_EQ(pb.notes[0], (std::vector<std::string>{"k1"}));
  // The note's last line ends at the bottom of the type area (top 50 + 100).
  for (const auto& it : pb.pages[0].items) {
    if (auto* a = std::get_if<layout::Anchor>(&it); a && a->name == "n1.1") {
      EXPECT_DOUBLE_EQ(a->at.y, 150 - 10 + 8);
    }
  }
  // The short rule above the notes.
  int rules = 0;
  for (const auto& it : pb.pages[0].items) rules += std::holds_alternative<layout::Rule>(it);
  EXPECT_EQ(rules, 1);
}

TEST(PageFoot, ALineWhoseNoteCannotStartMovesToTheNextPage) {
  // Line 5 fills the page: its note's first line could not fit below it.
  auto items = citing(10, 5, note_of(1, 1));
  PageBuild pb = build_pages(items, page_of(5), true, foot10());
  auto at = anchor_pages(pb);
  EXPECT_EQ(at["l4"], 0u);
  EXPECT_EQ(at["l5"], 1u);
  EXPECT_EQ(at["n1.0"], 1u);
}

TEST(PageFoot, ALongNoteContinuesAtTheFootOfTheNextPage) {
  auto items = citing(10, 1, note_of(1, 12));  // 120 pt of note on a 100 pt area
  PageBuild pb = build_pages(items, page_of(5), true, foot10());
  auto at = anchor_pages(pb);
  EXPECT_EQ(at["l1"], 0u);
  EXPECT_EQ(at["n1.0"], 0u);
  EXPECT_GT(at["n1.11"], 0u);
  for (int k = 1; k < 12; ++k)  // in order, each line once
    EXPECT_LE(at["n1." + std::to_string(k - 1)], at["n1." + std::to_string(k)]);
  EXPECT_EQ(at["cont"], 1u);  // marked continued where it goes on
  for (int k = 1; k <= 10; ++k) EXPECT_TRUE(at.count("l" + std::to_string(k)));
}

TEST(PageFoot, NotesLeftAfterTheLastLineGetPagesOfTheirOwn) {
  auto items = citing(4, 4, note_of(1, 25));
  PageBuild pb = build_pages(items, page_of(5), true, foot10());
  auto at = anchor_pages(pb);
  EXPECT_EQ(at["n1.0"], 0u);
  EXPECT_EQ(at["l4"], 0u);
  EXPECT_GE(pb.pages.size(), 3u);
  EXPECT_EQ(at["n1.24"], pb.pages.size() - 1);
  EXPECT_EQ(pb.marks.size(), pb.pages.size());
  EXPECT_EQ(pb.top_marks.size(), pb.pages.size());
}

// Lines 1..n; line k cites notes[k] when there is one.
std::vector<VItem> citing_notes(int n, const std::map<int, std::shared_ptr<FootNote>>& notes) {
  VListBuilder vb;
  std::vector<VBox> lines;
  for (int k = 1; k <= n; ++k) {
    lines.push_back(line(k));
    if (auto it = notes.find(k); it != notes.end()) lines.back().notes.push_back(it->second);
  }
  vb.add_break(0);
  vb.add_lines(std::move(lines), 2, 2);
  return vb.take();
}

// Every line of every note once, in order, and the first on the page of `ref`.
void expect_notes_whole(std::map<std::string, size_t>& at, int tag, int lines, const char* ref) {
  ASSERT_TRUE(at.count("n" + std::to_string(tag) + ".0")) << tag;
  EXPECT_EQ(at["n" + std::to_string(tag) + ".0"], at[ref]) << "note " << tag << " cited by " << ref;
  for (int k = 1; k < lines; ++k) {
    const std::string name = "n" + std::to_string(tag) + "." + std::to_string(k);
    ASSERT_TRUE(at.count(name)) << name;
    EXPECT_LE(at["n" + std::to_string(tag) + "." + std::to_string(k - 1)], at[name]);
  }
}

// A long note continued from the page before gives way: the note cited on
// the next page starts there, under the part of the long one that fits,
// and the rest of the long one continues overleaf.
TEST(PageFoot, ANoteCitedUnderAContinuedNoteStartsOnItsPage) {
  auto items = citing_notes(4, {{1, note_of(1, 25)}, {4, note_of(2, 1)}});
  PageBuild pb = build_pages(items, page_of(5), true, foot10());
  auto at = anchor_pages(pb);
  EXPECT_EQ(at["l4"], 1u);  // its note could not start under the long one on page 1
  expect_notes_whole(at, 1, 25, "l1");
  expect_notes_whole(at, 2, 1, "l4");
  EXPECT_GT(at["n1.24"], at["l4"]);  // the long note goes on after the page of line 4
  EXPECT_EQ(pb.notes[1], (std::vector<std::string>{"k2"}));
  // No page holds a note line below the type area.
  for (const auto& p : pb.pages) {
    for (const auto& it : p.items) {
      if (auto* a = std::get_if<layout::Anchor>(&it)) {
        EXPECT_LE(a->at.y, 150) << a->name;
      }
    }
  }
}

// A page's first line citing more notes than its foot can hold: each starts
// there, the earlier ones continue overleaf, in order.
TEST(PageFoot, ALineCitingMoreNotesThanTheFootHoldsStartsEachThere) {
  VListBuilder vb;
  VBox first = line(1);
  for (int k = 1; k <= 3; ++k) first.notes.push_back(note_of(k, 6));
  vb.add_box(std::move(first));
  for (int k = 2; k <= 6; ++k) {
    vb.add_break(0);
    vb.add_box(line(k));
  }
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true, foot10());
  auto at = anchor_pages(pb);
  for (int k = 1; k <= 3; ++k) expect_notes_whole(at, k, 6, "l1");
  EXPECT_EQ(pb.notes[0], (std::vector<std::string>{"k1", "k2", "k3"}));
}

// Many notes, some of them long, cited close together: each starts on the
// page of its reference, and no note line is lost or out of order.
TEST(PageFoot, CrowdedNotesEachStartOnTheirPage) {
  std::map<int, std::shared_ptr<FootNote>> notes;
  std::map<int, int> length;
  for (int k = 1; k <= 40; k += 2) {
    length[k] = k % 7 == 0 ? 18 : 1 + k % 4;
    notes[k] = note_of(k, length[k]);
  }
  auto items = citing_notes(40, notes);
  PageBuild pb = build_pages(items, page_of(5), true, foot10());
  auto at = anchor_pages(pb);
  for (const auto& [k, n] : length) {
    const std::string ref = "l" + std::to_string(k);
    expect_notes_whole(at, k, n, ref.c_str());
  }
}

TEST(PageFoot, NoNotesNoChange) {
  VListBuilder vb;
  paragraph(vb, 1, 10);
  auto items = vb.take();
  EXPECT_EQ(tags(build_pages(items, page_of(5), true, foot10())),
            tags(build_pages(items, page_of(5), true)));
}

TEST(PageBuilder, NoOrphanAtPageBottom) {
  VListBuilder vb;
  paragraph(vb, 1, 4);
  paragraph(vb, 11, 6);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  // Line 11 alone at the bottom of page 1 is not allowed.
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2, 3, 4}, {11, 12, 13, 14}, {15, 16}}));
}

TEST(PageBuilder, NoWidowAtPageTop) {
  VListBuilder vb;
  paragraph(vb, 1, 6);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2, 3, 4}, {5, 6}}));
}

TEST(PageBuilder, TwoLineParagraphStaysTogether) {
  VListBuilder vb;
  paragraph(vb, 1, 4);
  paragraph(vb, 11, 2);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2, 3, 4}, {11, 12}}));
}

TEST(PageBuilder, HeadingKeptWithNextTwoLines) {
  // 2 lines, heading, 4 lines on a 5-line page: the heading would fit with
  // one following line only, so it moves to page 2.
  VListBuilder vb;
  paragraph(vb, 1, 2);
  vb.add_break(0);
  vb.add_glue(0);
  vb.add_box(line(100));
  vb.keep_next(2);
  paragraph(vb, 11, 6);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(4), true);
  ASSERT_GE(pb.pages.size(), 2u);
  EXPECT_EQ(tags(pb)[0], (std::vector<int>{1, 2}));
  EXPECT_EQ(tags(pb)[1].front(), 100);
}

TEST(PageBuilder, HeadingNeverLastOnPage) {
  VListBuilder vb;
  paragraph(vb, 1, 4);
  vb.add_break(0);
  vb.add_box(line(100));
  vb.keep_next(2);
  paragraph(vb, 11, 3);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  auto t = tags(pb);
  for (const auto& page : t) EXPECT_NE(page.back(), 100);
  EXPECT_EQ(t[0], (std::vector<int>{1, 2, 3, 4}));
}

TEST(PageBuilder, ForcedBreakAndGlueVanishAtTop) {
  VListBuilder vb;
  paragraph(vb, 1, 2);
  vb.add_break(kForce);
  vb.add_glue(30);
  vb.add_box(line(3));
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  ASSERT_EQ(pb.pages.size(), 2u);
  auto* a = std::get_if<layout::Anchor>(&pb.pages[1].items[0]);
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(a->at.y, 65);  // the 30 pt of glue vanished at the page top
}

TEST(PageBuilder, RectoBreakLeavesBlankVerso) {
  VListBuilder vb;
  paragraph(vb, 1, 2);
  vb.add_break(kForce, true);  // chapter 2 opens on a recto
  vb.add_box(line(3));
  vb.add_break(kForce, true);  // chapter 3 too: page 4 is a verso again
  vb.add_box(line(4));
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2}, {}, {3}, {}, {4}}));
}

TEST(PageBuilder, OversizedBoxGetsItsOwnPage) {
  VListBuilder vb;
  vb.add_box(line(1));
  VBox tall = line(2);
  tall.height = 500;
  vb.add_box(tall);
  vb.add_box(line(3));
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1}, {2}, {3}}));
}

TEST(PageBuilder, BandDrawnPerFragment) {
  VListBuilder vb;
  paragraph(vb, 1, 3);
  std::vector<VBox> code;
  for (int k = 0; k < 6; ++k) {
    VBox b = line(10 + k);
    b.bands.push_back(Band{7, Band::Kind::Shade, 0, 200, {0.9, 0.9, 0.9}, 4});
    code.push_back(b);
  }
  vb.add_break(0);
  vb.add_glue(0);
  vb.add_lines(std::move(code), 2, 2);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  ASSERT_EQ(pb.pages.size(), 2u);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2, 3, 10, 11}, {12, 13, 14, 15}}));
  // Page 1: lines 4-5 (y 110..150) + 4 pt pad above, the pad below clamped to
  // the type area; page 2: 4 lines, pad above clamped, 4 pt below.
  std::vector<layout::Box> rects;
  for (const auto& p : pb.pages) {
    int n = 0;
    for (const auto& it : p.items)
      if (auto* r = std::get_if<layout::Rect>(&it)) rects.push_back(r->box), ++n;
    EXPECT_EQ(n, 1);
  }
  ASSERT_EQ(rects.size(), 2u);
  EXPECT_DOUBLE_EQ(rects[0].y, 106);
  EXPECT_DOUBLE_EQ(rects[0].height, 40 + 4);
  EXPECT_DOUBLE_EQ(rects[1].y, 50);
  EXPECT_DOUBLE_EQ(rects[1].height, 80 + 4);
  // The rect comes before the text it shades.
  EXPECT_TRUE(std::holds_alternative<layout::Rect>(pb.pages[1].items[0]));
}

// A table header row for the synthetic tests: a run "H" and a rule along its top.
VBox header_row() {
  VBox h;
  h.height = 20;
  h.baseline = 15;
  layout::GlyphRun r;
  r.text = "H";
  h.items.push_back(r);
  h.items.push_back(layout::Rule{{0, -15}, {200, -15}, 0.8, layout::Color{0, 0, 0}});
  return h;
}

// Header then `rows` body rows (tags first…) that carry the header to repeat.
void table_rows(VListBuilder& vb, int first, int rows) {
  auto head = std::make_shared<const VBox>(header_row());
  vb.add_break(0);
  vb.add_box(header_row());
  for (int k = 0; k < rows; ++k) {
    vb.add_break(k == 0 ? kForbid : 0);
    VBox row = line(first + k);
    row.repeat = head;
    vb.add_box(std::move(row));
  }
}

std::vector<const layout::GlyphRun*> header_runs(const layout::Page& p) {
  std::vector<const layout::GlyphRun*> out;
  for (const auto& it : p.items)
    if (auto* r = std::get_if<layout::GlyphRun>(&it); r && r->text == "H") out.push_back(r);
  return out;
}

TEST(PageBuilder, TableHeaderRepeatsOnContinuationPages) {
  VListBuilder vb;
  table_rows(vb, 1, 10);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  // Each page: the header and four rows (the repeated header takes its room).
  ASSERT_EQ(pb.pages.size(), 3u);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10}}));
  for (const auto& p : pb.pages) {
    auto h = header_runs(p);
    ASSERT_EQ(h.size(), 1u);
    EXPECT_DOUBLE_EQ(h[0]->origin.x, 50);
    EXPECT_DOUBLE_EQ(h[0]->origin.y, 65);  // at the page top
    int top_rules = 0;
    for (const auto& it : p.items)
      if (auto* r = std::get_if<layout::Rule>(&it))
        top_rules += r->from.y == 50 && r->to.y == 50 && r->from.x == 50 && r->to.x == 250;
    EXPECT_EQ(top_rules, 1);  // the header's rule comes with it
  }
  // The first body row of page 2 sits right under the repeated header.
  for (const auto& it : pb.pages[1].items)
    if (auto* a = std::get_if<layout::Anchor>(&it); a && a->name == "l5") {
      EXPECT_DOUBLE_EQ(a->at.y, 85);
    }
}

TEST(PageBuilder, TableHeaderNeverAloneAtPageBottom) {
  VListBuilder vb;
  paragraph(vb, 1, 4);
  table_rows(vb, 11, 3);
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  ASSERT_EQ(pb.pages.size(), 2u);
  EXPECT_EQ(tags(pb), (std::vector<std::vector<int>>{{1, 2, 3, 4}, {11, 12, 13}}));
  EXPECT_TRUE(header_runs(pb.pages[0]).empty());
  ASSERT_EQ(header_runs(pb.pages[1]).size(), 1u);  // once: the original, not a copy
  EXPECT_DOUBLE_EQ(header_runs(pb.pages[1])[0]->origin.y, 65);
}

TEST(PageBuilder, RepeatedHeaderDoesNotDuplicateAnchors) {
  VListBuilder vb;
  VBox h = header_row();
  h.items.push_back(layout::Anchor{"head", {0, 0}});
  auto head = std::make_shared<const VBox>(h);
  vb.add_box(std::move(h));
  for (int k = 0; k < 8; ++k) {
    vb.add_break(k == 0 ? kForbid : 0);
    VBox row = line(k + 1);
    row.repeat = head;
    vb.add_box(std::move(row));
  }
  auto items = vb.take();
  PageBuild pb = build_pages(items, page_of(5), true);
  ASSERT_EQ(pb.pages.size(), 2u);
  int anchors = 0;
  for (const auto& p : pb.pages)
    for (const auto& it : p.items)
      if (auto* a = std::get_if<layout::Anchor>(&it)) anchors += a->name == "head";
  EXPECT_EQ(anchors, 1);
  EXPECT_EQ(header_runs(pb.pages[1]).size(), 1u);
}

// build_pages(std::vector&&) moves each placed box's items onto its page
// instead of copying them: the pages must be those made from a list it may
// not touch, with a repeated table header, a closing rule, a shaded band, a
// figure scaled into the rest of a page and runs of text.
TEST(PageBuilder, MovingTheListsItemsGivesThePagesCopyingWould) {
  VListBuilder vb;
  auto text_line = [](int tag, std::string text) {
    VBox b = line(tag);
    layout::GlyphRun r;
    r.text = std::move(text);
    r.origin = {3, 0};
    r.glyphs.push_back(layout::Glyph{7, 10, 0, 0, 0});
    b.items.push_back(std::move(r));
    return b;
  };
  std::vector<VBox> lines;
  for (int k = 0; k < 3; ++k) lines.push_back(text_line(k + 1, "line " + std::to_string(k)));
  vb.add_break(0);
  vb.add_lines(std::move(lines), 2, 2);
  VBox figure = text_line(20, "figure");
  figure.height = 60;
  figure.baseline = 60;
  figure.min_scale = 0.3;
  vb.add_break(0);
  vb.add_box(std::move(figure));
  auto head = std::make_shared<const VBox>(header_row());
  vb.add_break(0);
  vb.add_box(header_row());
  for (int k = 0; k < 7; ++k) {
    vb.add_break(k == 0 ? kForbid : 0);
    VBox row = text_line(30 + k, "row " + std::to_string(k));
    row.repeat = head;
    row.bands.push_back(Band{9, Band::Kind::Shade, 0, 200, {0.9, 0.9, 0.9}, 2});
    row.close.push_back(layout::Rule{{0, 5}, {200, 5}, 0.8, layout::Color{0, 0, 0}});
    vb.add_box(std::move(row));
  }
  std::vector<VItem> items = vb.take();
  const PageBuild copied = build_pages(std::span<const VItem>(items), page_of(5), true);
  const PageBuild moved = build_pages(std::move(items), page_of(5), true);
  ASSERT_GE(copied.pages.size(), 3u);
  ASSERT_EQ(moved.pages.size(), copied.pages.size());
  bool scaled_figure = false;
  for (size_t k = 0; k < copied.pages.size(); ++k) {
    EXPECT_EQ(dump_page(moved.pages[k]), dump_page(copied.pages[k])) << "page " << k + 1;
    for (const auto& it : copied.pages[k].items)
      if (auto* r = std::get_if<layout::GlyphRun>(&it); r && r->text == "figure")
        scaled_figure = r->glyphs[0].advance < 10;
  }
  EXPECT_TRUE(scaled_figure);
}

TEST(PageBuilder, MirroredMargins) {
  style::PageStyle p = page_of(5);
  p.inner = 60;
  p.outer = 40;
  p.mirrored = true;
  EXPECT_DOUBLE_EQ(type_area(p, true).left, 60);
  EXPECT_DOUBLE_EQ(type_area(p, false).left, 40);
  p.bleed = 9;
  EXPECT_DOUBLE_EQ(type_area(p, true).left, 69);
  layout::Page page = blank_page(p);
  EXPECT_DOUBLE_EQ(page.width, 318);
  EXPECT_DOUBLE_EQ(page.trim.x, 9);
}

TEST(PageBuilder, CropMarksSitOutsideTheBleed) {
  style::PageStyle p = page_of(5);
  p.bleed = 9;
  p.crop_marks = true;
  layout::Page page = blank_page(p);
  const double off = trim_offset(p);
  EXPECT_GT(off, p.bleed);
  EXPECT_DOUBLE_EQ(page.width, p.width + 2 * off);
  EXPECT_DOUBLE_EQ(page.trim.x, off);
  EXPECT_DOUBLE_EQ(page.trim.width, p.width);
  EXPECT_DOUBLE_EQ(page.bleed.x, off - 9);
  EXPECT_DOUBLE_EQ(page.bleed.width, p.width + 18);
  EXPECT_DOUBLE_EQ(type_area(p, true).left, off + 50);
  int marks = 0;
  for (const layout::Item& it : page.items) {
    const auto* r = std::get_if<layout::Rule>(&it);
    ASSERT_NE(r, nullptr);
    ++marks;
    // Every mark lies on the paper, wholly outside the bleed box, and on the
    // line of a trim edge.
    for (const layout::Point& q : {r->from, r->to}) {
      EXPECT_GE(q.x, 0);
      EXPECT_LE(q.x, page.width);
      EXPECT_GE(q.y, 0);
      EXPECT_LE(q.y, page.height);
    }
    const bool inside_x = std::max(r->from.x, r->to.x) > page.bleed.x &&
                          std::min(r->from.x, r->to.x) < page.bleed.x + page.bleed.width;
    const bool inside_y = std::max(r->from.y, r->to.y) > page.bleed.y &&
                          std::min(r->from.y, r->to.y) < page.bleed.y + page.bleed.height;
    EXPECT_FALSE(inside_x && inside_y);
    const bool on_trim_line =
        r->from.x == page.trim.x || r->from.x == page.trim.x + page.trim.width ||
        r->from.y == page.trim.y || r->from.y == page.trim.y + page.trim.height;
    EXPECT_TRUE(on_trim_line);
  }
  EXPECT_EQ(marks, 8);
  p.crop_marks = false;
  EXPECT_TRUE(blank_page(p).items.empty());
}

// ---- Fake line setter: every code point is 1 em (the role's size), lines
// break at any character. Faces: 0.

struct Fake {
  const style::Sheet* sheet;
  std::vector<SetLine> operator()(const SetRequest& req) const {
    std::string text = doc::plain_text(*req.inlines);
    double size = sheet->role(req.role).size;
    std::vector<SetLine> out;
    SetLine cur;
    layout::GlyphRun run;
    run.size = size;
    double indent = req.first_indent;
    double x = indent;
    auto flush = [&] {
      cur.width = x;
      cur.ascent = 0.8 * size;
      cur.descent = 0.2 * size;
      double shift = 0;
      if (req.align == style::Align::Right) shift = req.measure - x;
      if (req.align == style::Align::Center) shift = (req.measure - x) / 2;
      run.origin.x = (out.empty() ? indent : 0) + shift;
      if (!run.glyphs.empty()) cur.items.push_back(run);
      out.push_back(std::move(cur));
      cur = SetLine{};
      run.glyphs.clear();
      run.text.clear();
      x = 0;
    };
    size_t i = 0;
    while (i < text.size()) {
      size_t start = i;
      char32_t cp = base::next_code_point(text, i);
      if (!req.nowrap && x + size > req.measure + 1e-9 && !run.glyphs.empty()) flush();
      layout::Glyph g;
      g.gid = cp;
      g.advance = size;
      g.cluster = static_cast<uint32_t>(run.text.size());
      run.text.append(text, start, i - start);
      run.glyphs.push_back(g);
      x += size;
    }
    if (!run.glyphs.empty() || out.empty()) flush();
    return out;
  }
};

style::Sheet test_sheet(int lines_per_page) {
  style::Sheet s;
  s.page = page_of(lines_per_page);
  for (auto& r : s.roles) {
    r = style::RoleStyle{};
    r.size = 10;
    r.leading = 20;
  }
  s.role(style::Role::Body).indent = 20;
  s.running.header = {"", "{title}", "", false};
  s.running.footer = {"", "{page}", "", false};
  s.running.on_chapter_pages = true;
  return s;
}

doc::Inline text(const std::string& t) {
  doc::Inline i;
  i.text = t;
  return i;
}

doc::Block para(const std::string& t) {
  doc::Block b;
  b.inlines.push_back(text(t));
  return b;
}

doc::Block heading(int level, const std::string& id, const std::string& t) {
  doc::Block b;
  b.kind = doc::BlockKind::Heading;
  b.level = level;
  b.id = id;
  b.inlines.push_back(text(t));
  return b;
}

std::vector<std::string> runs_text(const layout::Page& p) {
  std::vector<std::string> out;
  for (const auto& it : p.items)
    if (auto* r = std::get_if<layout::GlyphRun>(&it)) out.push_back(r->text);
  return out;
}

TEST(BlockLayout, ParagraphIndentAndMeasure) {
  style::Sheet s = test_sheet(10);
  doc::Document d;
  d.blocks.push_back(para(std::string(25, 'a')));  // 20 per line, 2 em indent
  doc::Diagnostics diags;
  Fake fake{&s};
  BlockLayout bl = layout_blocks(d, s, fake, diags);
  PageBuild pb = build_pages(bl.list, s.page, true);
  ASSERT_EQ(pb.pages.size(), 1u);
  std::vector<const layout::GlyphRun*> runs;
  for (const auto& it : pb.pages[0].items)
    if (auto* r = std::get_if<layout::GlyphRun>(&it)) runs.push_back(r);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]->glyphs.size(), 18u);
  EXPECT_DOUBLE_EQ(runs[0]->origin.x, 70);  // margin 50 + indent 20
  EXPECT_DOUBLE_EQ(runs[1]->origin.x, 50);
  EXPECT_DOUBLE_EQ(runs[1]->origin.y - runs[0]->origin.y, 20);
}

TEST(BlockLayout, DamagedImageWarnsAndKeepsItsAltText) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("moyin-image-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "bad.png", std::ios::binary)
      << std::string("\x89PNG\r\n\x1a\n", 8) << std::string(40, '\xff');
  style::Sheet s = test_sheet(10);
  doc::Document d;
  d.path = (dir / "doc.md").string();
  doc::Block img{.kind = doc::BlockKind::Image, .pos = {3, 1}};
  doc::Inline pic{.kind = doc::InlineKind::Image, .url = "bad.png"};
  pic.children.push_back({.kind = doc::InlineKind::Text, .text = "alt"});
  img.inlines.push_back(pic);
  d.blocks.push_back(img);
  doc::Diagnostics diags;
  Fake fake{&s};
  BlockLayout bl = layout_blocks(d, s, fake, diags);
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_EQ(
      doc::format(diags.items[0]),
      d.path + ":3:1: warning: image bad.png is a damaged PNG file (no IHDR chunk); alt text used");
  PageBuild pb = build_pages(bl.list, s.page, true);
  std::string text;
  for (const auto& page : pb.pages)
    for (const auto& it : page.items)
      if (auto* r = std::get_if<layout::GlyphRun>(&it)) text += r->text;
  EXPECT_NE(text.find("alt"), std::string::npos) << text;
  fs::remove_all(dir);
}

TEST(BlockLayout, CodeWrapsWithMarkAndShadesEachFragment) {
  style::Sheet s = test_sheet(5);
  doc::Document d;
  doc::Block code;
  code.kind = doc::BlockKind::Code;
  // 30 characters: measure 200 - 2*5 pad - 10 mark = 180 -> 18 per line.
  code.text = std::string(30, 'x') + "\nb\nc\nd\ne\nf\n";
  d.blocks.push_back(code);
  doc::Diagnostics diags;
  Fake fake{&s};
  BlockLayout bl = layout_blocks(d, s, fake, diags);
  PageBuild pb = build_pages(bl.list, s.page, true);
  ASSERT_EQ(pb.pages.size(), 2u);
  auto t0 = runs_text(pb.pages[0]);
  ASSERT_GE(t0.size(), 2u);
  EXPECT_EQ(t0[0], std::string(18, 'x'));
  EXPECT_EQ(t0[1], std::string(12, 'x'));
  int rects = 0, rules = 0;
  for (const auto& p : pb.pages)
    for (const auto& it : p.items) {
      rects += std::holds_alternative<layout::Rect>(it);
      rules += std::holds_alternative<layout::Rule>(it);
    }
  EXPECT_EQ(rects, 2);  // one background per page fragment
  EXPECT_EQ(rules, 4);  // the continuation mark
}

TEST(BlockLayout, TableHeaderRepeatsWithItsRules) {
  style::Sheet s = test_sheet(5);
  doc::Document d;
  doc::Block t;
  t.kind = doc::BlockKind::Table;
  auto row = [](bool header, const std::string& a, const std::string& b) {
    doc::TableRow r;
    r.header = header;
    r.cells.resize(2);
    r.cells[0].inlines.push_back(text(a));
    r.cells[1].inlines.push_back(text(b));
    return r;
  };
  t.rows.push_back(row(true, "Name", "Size"));
  for (int k = 0; k < 8; ++k) t.rows.push_back(row(false, "r" + std::to_string(k), "v"));
  d.blocks.push_back(t);
  doc::Diagnostics diags;
  Fake fake{&s};
  BlockLayout bl = layout_blocks(d, s, fake, diags);
  PageBuild pb = build_pages(bl.list, s.page, true);
  // Rows are 20 + 2 * 2.5 = 25 pt: the header and three body rows per 100 pt page.
  ASSERT_EQ(pb.pages.size(), 3u);
  std::vector<std::string> body;
  for (size_t pi = 0; pi < pb.pages.size(); ++pi) {
    auto runs = runs_text(pb.pages[pi]);
    ASSERT_GE(runs.size(), 4u) << pi;
    EXPECT_EQ(runs[0], "Name") << pi;
    EXPECT_EQ(runs[1], "Size") << pi;
    for (size_t k = 2; k < runs.size(); k += 2) body.push_back(runs[k]);
    // The header's top rule (0.8) at the type area top and its bottom rule (0.5).
    std::vector<double> widths;
    for (const auto& it : pb.pages[pi].items)
      if (auto* r = std::get_if<layout::Rule>(&it)) {
        if (std::abs(r->from.y - 50) < 1e-9) widths.push_back(r->width);
        if (std::abs(r->from.y - 75) < 1e-9) widths.push_back(r->width);
      }
    EXPECT_EQ(widths, (std::vector<double>{0.8, 0.5})) << pi;
  }
  EXPECT_EQ(body, (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"}));
}

TEST(BlockLayout, ListMarkersHangRightAligned) {
  style::Sheet s = test_sheet(10);
  doc::Document d;
  doc::Block list;
  list.kind = doc::BlockKind::List;
  list.ordered = true;
  list.start = 9;
  for (int k = 0; k < 2; ++k) {
    doc::Block item;
    item.kind = doc::BlockKind::Item;
    item.children.push_back(para("ab"));
    list.children.push_back(item);
  }
  d.blocks.push_back(list);
  doc::Diagnostics diags;
  Fake fake{&s};
  BlockLayout bl = layout_blocks(d, s, fake, diags);
  PageBuild pb = build_pages(bl.list, s.page, true);
  std::vector<const layout::GlyphRun*> runs;
  for (const auto& it : pb.pages[0].items)
    if (auto* r = std::get_if<layout::GlyphRun>(&it)) runs.push_back(r);
  ASSERT_EQ(runs.size(), 4u);
  // "10." is 30 pt wide: indent = 30 + 5 = 35; markers end 5 pt before the text.
  EXPECT_EQ(runs[0]->text, "ab");
  EXPECT_DOUBLE_EQ(runs[0]->origin.x, 85);
  EXPECT_EQ(runs[1]->text, "9.");
  EXPECT_DOUBLE_EQ(runs[1]->origin.x, 80 - 20);
  EXPECT_EQ(runs[3]->text, "10.");
  EXPECT_DOUBLE_EQ(runs[3]->origin.x, 80 - 30);
}

doc::Document long_doc(int sections) {
  doc::Document d;
  d.meta.title = "T";
  d.meta.has_front_matter = true;
  for (int k = 1; k <= sections; ++k) {
    d.blocks.push_back(heading(1, "s" + std::to_string(k), "S" + std::to_string(k)));
    d.blocks.push_back(heading(2, "s" + std::to_string(k) + "a", "Sub"));
    d.blocks.push_back(para(std::string(60, 'a')));
  }
  return d;
}

std::vector<layout::Page> body_of(const layout::Book& b) {
  return {b.pages.begin() + b.labels.back().first_page, b.pages.end()};
}

TEST(Book, FrontPagesRomanBodyStartsAtOne) {
  style::Sheet s = test_sheet(8);
  doc::Diagnostics diags;
  Fake fake{&s};
  layout::Book shallow, deep;
  s.toc.depth = 1;
  shallow = typeset_with(long_doc(12), s, fake, diags);
  s.toc.depth = 3;
  deep = typeset_with(long_doc(12), s, fake, diags);
  ASSERT_EQ(deep.labels.size(), 2u);
  EXPECT_EQ(deep.labels[0].style, layout::LabelStyle::LowerRoman);
  EXPECT_EQ(deep.labels[1].style, layout::LabelStyle::Decimal);
  // The TOC grew by at least a page; the body did not move.
  EXPECT_GT(deep.labels[1].first_page, shallow.labels[1].first_page);
  EXPECT_EQ(deep.pages[0].label, "i");
  EXPECT_EQ(deep.pages[1].label, "ii");
  auto a = body_of(shallow), b = body_of(deep);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(b[0].label, "1");
  for (size_t k = 0; k < a.size(); ++k) EXPECT_EQ(dump_page(a[k]), dump_page(b[k]));
  EXPECT_EQ(deep.outline.size(), 24u);
}

TEST(Book, TocLinksAndNumbersPointAtHeadings) {
  style::Sheet s = test_sheet(8);
  s.running.header = {};  // so the last run of a page is an entry's number
  s.running.footer = {};
  doc::Diagnostics diags;
  Fake fake{&s};
  layout::Book book = typeset_with(long_doc(5), s, fake, diags);
  int first_body = book.labels.back().first_page;
  std::map<std::string, std::string> where;  // anchor -> page label
  for (const auto& p : book.pages)
    for (const auto& it : p.items)
      if (auto* a = std::get_if<layout::Anchor>(&it)) where[a->name] = p.label;
  int links = 0;
  for (int k = 0; k < first_body; ++k) {
    const auto& p = book.pages[k];
    for (size_t i = 0; i < p.items.size(); ++i) {
      auto* l = std::get_if<layout::LinkArea>(&p.items[i]);
      if (!l) continue;
      ++links;
      ASSERT_TRUE(where.count(l->dest)) << l->dest;
      // The link area follows the entry line's runs (the Link element holds
      // the title, then the page number; the leader dots come after it).
      std::string last;
      for (size_t j = i; j-- > 0 && !std::holds_alternative<layout::LinkArea>(p.items[j]);)
        if (auto* r = std::get_if<layout::GlyphRun>(&p.items[j])) {
          last = r->text;
          break;
        }
      EXPECT_EQ(last, where[l->dest]);
    }
  }
  EXPECT_EQ(links, 10);
}

TEST(Book, TextInsideTypeArea) {
  style::Sheet s = test_sheet(8);
  s.running = style::RunningStyle{};
  s.running.header = {};
  s.running.footer = {};
  doc::Diagnostics diags;
  Fake fake{&s};
  layout::Book book = typeset_with(long_doc(7), s, fake, diags);
  for (size_t k = 0; k < book.pages.size(); ++k) {
    TypeArea a = type_area(s.page, k % 2 == 0);
    for (const auto& it : book.pages[k].items) {
      auto* r = std::get_if<layout::GlyphRun>(&it);
      if (!r) continue;
      double w = 0;
      for (const auto& g : r->glyphs) w += g.advance;
      EXPECT_GE(r->origin.x, a.left - 1e-6);
      EXPECT_LE(r->origin.x + w, a.left + a.width + 1e-6);
      EXPECT_GE(r->origin.y - 0.8 * r->size, a.top - 1e-6);
      EXPECT_LE(r->origin.y + 0.2 * r->size, a.top + a.height + 1e-6);
    }
  }
}

TEST(Book, ChaptersStartOnNewRectoPages) {
  style::Sheet s = test_sheet(8);
  s.chapter.open_right = true;
  doc::Diagnostics diags;
  Fake fake{&s};
  std::vector<doc::Document> chapters(2);
  chapters[0].blocks.push_back(heading(1, "a", "A"));
  chapters[0].blocks.push_back(para("x"));
  chapters[1].blocks.push_back(heading(1, "b", "B"));
  doc::Block note;
  note.kind = doc::BlockKind::FootnoteDef;
  note.number = 1;
  note.id = "fn-1";
  note.children.push_back(para("n"));
  chapters[1].footnotes.push_back(note);
  doc::Metadata meta;
  meta.title = "Book";
  layout::Book book = typeset_book_with(meta, chapters, s, fake, diags);
  std::vector<layout::Page> body = body_of(book);
  ASSERT_EQ(body.size(), 3u);
  EXPECT_TRUE(body[1].items.empty());  // the blank verso before chapter 2
  std::map<std::string, std::string> where;
  for (const auto& p : book.pages)
    for (const auto& it : p.items)
      if (auto* a = std::get_if<layout::Anchor>(&it)) where[a->name] = p.label;
  EXPECT_EQ(where["a"], "1");
  EXPECT_EQ(where["b"], "3");
  EXPECT_EQ(where["fn-1"], "3");        // notes at the end of their chapter
  EXPECT_EQ(book.pages[0].label, "i");  // title page
}

// A mirrored book's verso header replaces the header on left-hand pages:
// the chapter title heads recto pages, the book title verso pages, each at
// the outer edge.
TEST(Book, VersoHeaderReplacesTheHeaderOnLeftHandPages) {
  style::Sheet s = test_sheet(3);
  s.page.mirrored = true;
  s.running.on_chapter_pages = false;
  s.running.header = {"", "", "{chapter}", false};
  s.running.verso_header = style::RunningLine{"", "", "{title}", false};
  doc::Diagnostics diags;
  Fake fake{&s};
  std::vector<doc::Document> chapters(1);
  chapters[0].blocks.push_back(heading(1, "a", "Alpha"));
  for (int i = 0; i < 12; ++i) chapters[0].blocks.push_back(para("x"));
  doc::Metadata meta;
  meta.title = "Book";
  layout::Book book = typeset_book_with(meta, chapters, s, fake, diags);
  std::vector<layout::Page> body = body_of(book);
  ASSERT_GE(body.size(), 3u);
  auto head_of = [&](const layout::Page& p) -> std::pair<std::string, double> {
    for (const auto& it : p.items)
      if (auto* r = std::get_if<layout::GlyphRun>(&it);
          r && (r->text == "Alpha" || r->text == "Book"))
        return {r->text, r->origin.x};
    return {"", 0};
  };
  for (size_t i = 1; i < body.size(); ++i) {  // body page 1 is the chapter's first: no header
    const bool recto = i % 2 == 0;
    auto [text, x] = head_of(body[i]);
    EXPECT_EQ(text, recto ? "Alpha" : "Book") << "body page " << i + 1;
    const TypeArea area = type_area(s.page, recto);
    // Outer edge: right-aligned on rectos, at the left edge on versos.
    if (recto) EXPECT_GT(x, area.left + area.width / 2) << "body page " << i + 1;
    else EXPECT_NEAR(x, area.left, 0.01) << "body page " << i + 1;
  }
}

TEST(Book, ChapterWithoutTitleHeadingGetsTocAndOutlineEntries) {
  style::Sheet s = test_sheet(8);
  s.toc.enabled = true;
  doc::Diagnostics diags;
  Fake fake{&s};
  std::vector<doc::Document> chapters(2);
  chapters[0].blocks.push_back(heading(1, "a", "A"));
  chapters[1].path = "book/preface.md";  // no level-1 heading, no title
  chapters[1].blocks.push_back(para("x"));
  doc::Metadata meta;
  meta.title = "Book";
  layout::Book book = typeset_book_with(meta, chapters, s, fake, diags);
  ASSERT_EQ(book.outline.size(), 2u);
  EXPECT_EQ(book.outline[1].title, "preface");
  EXPECT_EQ(book.outline[1].level, 1);
  bool anchored = false;
  for (const auto& p : book.pages)
    for (const auto& it : p.items)
      if (auto* a = std::get_if<layout::Anchor>(&it)) anchored |= a->name == book.outline[1].dest;
  EXPECT_TRUE(anchored);
}

TEST(Book, EmptyDocumentStillHasAPage) {
  style::Sheet s = test_sheet(8);
  doc::Diagnostics diags;
  Fake fake{&s};
  layout::Book book = typeset_with(doc::Document{}, s, fake, diags);
  ASSERT_EQ(book.pages.size(), 1u);
  EXPECT_EQ(book.pages[0].label, "1");
}

TEST(Book, DeepNestingNeitherCrashesNorLosesText) {
  style::Sheet s = test_sheet(8);
  doc::Diagnostics diags;
  Fake fake{&s};
  doc::Block inner = para("deep");
  for (int k = 0; k < 80; ++k) {
    doc::Block q;
    q.kind = k % 2 ? doc::BlockKind::Quote : doc::BlockKind::List;
    if (q.kind == doc::BlockKind::List) {
      doc::Block item;
      item.kind = doc::BlockKind::Item;
      item.children.push_back(inner);
      q.children.push_back(item);
    } else {
      q.children.push_back(inner);
    }
    inner = q;
  }
  doc::Document d;
  d.blocks.push_back(inner);
  layout::Book book = typeset_with(d, s, fake, diags);
  std::string all;
  for (const auto& p : book.pages)
    for (const auto& it : p.items)
      if (auto* r = std::get_if<layout::GlyphRun>(&it)) {
        if (r->text[0] == 'd' || r->text[0] == 'e' || r->text[0] == 'p') all += r->text;
        // Nesting stops indenting: text stays on the page.
        EXPECT_GE(r->origin.x, 0);
        EXPECT_LE(r->origin.x + r->glyphs.size() * 10.0, s.page.width) << r->text;
      }
  EXPECT_EQ(all, "deep");
}

// An SVG figure shrunk into the rest of a page scales its outlines, strokes
// and labels about the centre of its drawing, as an image is scaled.
TEST(Pages, ScaledFigureScalesPathsAndLabels) {
  VBox fig;
  fig.height = 100;
  fig.baseline = 100;
  layout::Path p;
  using Op = layout::PathSegment::Op;
  p.outline = layout::make_outline({{Op::Move, {{50, -100}}}, {Op::Line, {{150, 0}}}});
  p.stroke = layout::PathStroke{};
  p.stroke->width = 2;
  p.stroke->dash = {4, 2};
  fig.items.push_back(p);
  layout::GlyphRun label;
  label.size = 12;
  label.origin = {60, -50};
  label.glyphs.push_back(layout::Glyph{1, 12, 1, 2, 0});
  fig.items.push_back(label);
  VBox half = scaled(fig, 0.5);
  EXPECT_DOUBLE_EQ(half.height, 50);
  const auto& q = std::get<layout::Path>(half.items[0]);
  // Centre x = 100: 50 -> 75, 150 -> 125; y from the baseline halves.
  EXPECT_DOUBLE_EQ(q.segments()[0].p[0].x, 75);
  EXPECT_DOUBLE_EQ(q.segments()[0].p[0].y, -50);
  EXPECT_DOUBLE_EQ(q.segments()[1].p[0].x, 125);
  EXPECT_DOUBLE_EQ(q.stroke->width, 1);
  EXPECT_DOUBLE_EQ(q.stroke->dash[0], 2);
  const auto& g = std::get<layout::GlyphRun>(half.items[1]);
  EXPECT_DOUBLE_EQ(g.size, 6);
  EXPECT_DOUBLE_EQ(g.origin.x, 80);
  EXPECT_DOUBLE_EQ(g.origin.y, -25);
  EXPECT_DOUBLE_EQ(g.glyphs[0].advance, 6);
  EXPECT_DOUBLE_EQ(g.glyphs[0].y_offset, 1);
}

TEST(Book, RomanNumerals) {
  EXPECT_EQ(roman(1), "i");
  EXPECT_EQ(roman(4), "iv");
  EXPECT_EQ(roman(14), "xiv");
  EXPECT_EQ(roman(1999), "mcmxcix");
}

}  // namespace
}  // namespace moyin::typeset
