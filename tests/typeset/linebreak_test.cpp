// The abstract breaker on hand-made box/glue/penalty lists with exact widths.
#include "typeset/linebreak.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace moyin::typeset {
namespace {

// Latin-like words separated by breakable word glue: box, penalty(0), glue, box, …
std::vector<Item> words(const std::vector<double>& widths, Item space) {
  std::vector<Item> items;
  for (size_t i = 0; i < widths.size(); ++i) {
    if (i > 0) {
      items.push_back(Item::pen(0));
      items.push_back(space);
    }
    items.push_back(Item::box(widths[i], 2));
  }
  return items;
}

// Han-like text: unit boxes, breakable zero-width glue (stretch only) between.
std::vector<Item> han(int count, double stretch = 0.5) {
  std::vector<Item> items;
  for (int i = 0; i < count; ++i) {
    if (i > 0) {
      items.push_back(Item::pen(0));
      items.push_back(Item::glue(0, stretch, 0, StretchClass::Han, ShrinkClass::Word));
    }
    items.push_back(Item::box(1));
  }
  return items;
}

std::vector<std::pair<size_t, size_t>> spans(const std::vector<LineSpan>& lines) {
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& l : lines) out.emplace_back(l.begin, l.end);
  return out;
}

using Spans = std::vector<std::pair<size_t, size_t>>;

// Boxes 5 4 1 8 3, measure 10, spaces 1 (+2 −1). First fit squeezes "5 4 1"
// onto line 1 (shrink 2 of 2) and leaves "8" alone on an overfull-stretched
// line 2; the optimum is "5 4" / "1 8" / "3", all three at natural width.
TEST(LineBreak, OptimalBeatsFirstFit) {
  auto items = words({5, 4, 1, 8, 3}, Item::glue(1, 2, 1));
  BreakParams p{.measure = 10};
  EXPECT_EQ(spans(break_lines(items, p)), (Spans{{0, 4}, {6, 10}, {12, 13}}));
  EXPECT_EQ(spans(break_lines_first_fit(items, p)), (Spans{{0, 7}, {9, 10}, {12, 13}}));
  auto lines = break_lines(items, p);
  std::vector<double> w;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    LineFit f = fit_line(items, lines[i], 10, true, w);
    EXPECT_DOUBLE_EQ(f.natural, 10);
    EXPECT_DOUBLE_EQ(f.width, 10);
    EXPECT_DOUBLE_EQ(f.ratio, 0);
  }
  EXPECT_EQ(lines.back().rule, BreakRule::End);
}

TEST(LineBreak, FirstFitAboveThreshold) {
  auto items = words({5, 4, 1, 8, 3}, Item::glue(1, 2, 1));
  BreakParams p{.measure = 10, .first_fit_threshold = 5};
  EXPECT_EQ(spans(break_lines(items, p)), (Spans{{0, 7}, {9, 10}, {12, 13}}));
  EXPECT_EQ(break_lines(items, p)[0].rule, BreakRule::FirstFit);
}

// 12 Han boxes at measure 5: 5 + 5 + 2. Items: box at 3k, penalty 3k+1, glue 3k+2.
TEST(LineBreak, HanFillsLinesExactly) {
  auto items = han(12);
  BreakParams p{.measure = 5};
  EXPECT_EQ(spans(break_lines(items, p)), (Spans{{0, 13}, {15, 28}, {30, 34}}));
}

// 11 Han boxes at measure 5 would leave one on the last line: min-last-line 2
// pulls one more down (one line of four, stretched by 1 over three gaps).
TEST(LineBreak, MinLastLinePullsACharacterDown) {
  auto items = han(11);
  BreakParams p{.measure = 5};
  auto lines = break_lines(items, p);
  ASSERT_EQ(lines.size(), 3u);
  int last_units = 0;
  for (size_t i = lines.back().begin; i < lines.back().end; ++i) last_units += items[i].units;
  EXPECT_EQ(last_units, 2);
  p.min_last_line = 1;
  lines = break_lines(items, p);
  EXPECT_EQ(spans(lines), (Spans{{0, 13}, {15, 28}, {30, 31}}));
}

// Fullwidth-punctuation model: 甲，丙丁戊，己庚 at measure 5 em (em = 1).
// "，" is an ink box of ½ with its ½ blank as glue after the break penalty.
// The second "，" may not start a line, so line 1 pushes it in by shrinking
// the first comma's blank (½), rather than pushing 戊 out.
TEST(LineBreak, PushInBeforePushOut) {
  auto hgap = [] { return Item::glue(0, 0.1, 0, StretchClass::Han, ShrinkClass::Word); };
  auto blank = [] { return Item::glue(0.5, 0, 0.5, StretchClass::Word, ShrinkClass::Pause); };
  std::vector<Item> items{
      Item::box(1),                              // 0 甲
      Item::box(0.5, 0),                         // 1 ，
      Item::pen(0),      blank(),                // 2 3
      Item::box(1),                              // 4 丙
      Item::pen(0),      hgap(),  Item::box(1),  // 5 6 7 丁
      Item::pen(0),      hgap(),  Item::box(1),  // 8 9 10 戊
      Item::box(0.5, 0),                         // 11 ，
      Item::pen(0),      blank(),                // 12 13
      Item::box(1),                              // 14 己
      Item::pen(0),      hgap(),  Item::box(1),  // 15 16 17 庚
  };
  BreakParams p{.measure = 5};
  auto lines = break_lines(items, p);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].end, 12u);    // line ends after the second comma's ink
  EXPECT_EQ(lines[1].begin, 14u);  // its blank is discarded
  std::vector<double> w;
  LineFit f = fit_line(items, lines[0], 5, true, w);
  EXPECT_DOUBLE_EQ(f.natural, 5.5);
  EXPECT_DOUBLE_EQ(f.width, 5);
  EXPECT_DOUBLE_EQ(w[3], 0);  // the first comma's blank fully shrunk
  EXPECT_DOUBLE_EQ(f.shrink_ratio[static_cast<int>(ShrinkClass::Pause)], 1);
}

// An opening bracket at a line start loses its blank: the glue before its ink
// box follows the break penalty and is discarded.
TEST(LineBreak, OpeningBracketAtLineStartLosesBlank) {
  std::vector<Item> items = han(5, 0.1);  // items 0..12
  items.push_back(Item::pen(0));          // 13
  items.push_back(Item::glue(0.5, 0, 0.5, StretchClass::Word, ShrinkClass::Bracket));  // 14
  items.push_back(Item::box(0.5, 0));                                                  // 15 （
  items.push_back(Item::box(1));                                                       // 16 己
  items.push_back(Item::box(0.5, 0));                                                  // 17 ）
  BreakParams p{.measure = 5, .min_last_line = 1};  // 2 would pull 戊 down
  auto lines = break_lines(items, p);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].end, 13u);
  EXPECT_EQ(lines[1].begin, 15u);
  EXPECT_DOUBLE_EQ(natural_width(items, lines[1]), 2);
}

TEST(LineBreak, ForcedAndForbiddenPenalties) {
  auto items = han(6);
  items[4] = Item::pen(kInfPenalty);    // never between boxes 1 and 2
  items[10] = Item::pen(-kInfPenalty);  // always between boxes 3 and 4
  BreakParams p{.measure = 3};
  auto lines = break_lines(items, p);
  EXPECT_EQ(spans(lines), (Spans{{0, 7}, {9, 10}, {12, 16}}));
  EXPECT_EQ(lines[1].rule, BreakRule::Forced);
  std::vector<double> w;
  LineFit f = fit_line(items, lines[1], 3, true, w);
  EXPECT_DOUBLE_EQ(f.width, 1);  // a forced line is not stretched
}

// Shrink takes the first class in CJK-RULES §5 order before touching the next.
TEST(LineBreak, ShrinkPriorityClasses) {
  std::vector<Item> items{
      Item::box(4), Item::glue(1, 0, 0.5, StretchClass::Word, ShrinkClass::Stop), Item::box(4),
      Item::glue(1, 0, 0.5, StretchClass::Word, ShrinkClass::Word), Item::box(1)};
  LineSpan line{0, items.size(), 99, BreakRule::Optimal};
  std::vector<double> w;
  LineFit f = fit_line(items, line, 10.75, true, w);
  EXPECT_DOUBLE_EQ(w[3], 0.75);  // word space: 0.25 of its 0.5
  EXPECT_DOUBLE_EQ(w[1], 1);     // 。 blank untouched
  f = fit_line(items, line, 10.25, true, w);
  EXPECT_DOUBLE_EQ(w[3], 0.5);
  EXPECT_DOUBLE_EQ(w[1], 0.75);
  EXPECT_DOUBLE_EQ(f.width, 10.25);
}

// Stretch: word spaces, then Han–Latin, then Han gaps; beyond all capacity,
// the excess goes to word/Han–Latin glue, never to Han gaps when those exist.
TEST(LineBreak, StretchPriorityAndOverflow) {
  std::vector<Item> items{Item::box(2), Item::glue(0, 0.1, 0, StretchClass::Han), Item::box(2),
                          Item::glue(0.25, 0.1, 0, StretchClass::HanLatin), Item::box(2)};
  LineSpan line{0, items.size(), 99, BreakRule::Optimal};
  std::vector<double> w;
  LineFit f = fit_line(items, line, 6.4, true, w);
  EXPECT_NEAR(w[3], 0.35, 1e-12);
  EXPECT_NEAR(w[1], 0.05, 1e-12);
  f = fit_line(items, line, 7.25, true, w);
  EXPECT_NEAR(w[1], 0.1, 1e-12);   // Han gap at its cap
  EXPECT_NEAR(w[3], 1.15, 1e-12);  // the rest
  EXPECT_NEAR(f.width, 7.25, 1e-12);
  EXPECT_FALSE(f.han_overflow);
  items[3] = Item::glue(0, 0.1, 0, StretchClass::Han);
  f = fit_line(items, line, 7.0, true, w);
  EXPECT_TRUE(f.han_overflow);
  EXPECT_NEAR(f.width, 7.0, 1e-12);
}

// An unbreakable run wider than the measure: emergency breaks if it has any,
// otherwise an overfull line; the breaker never fails.
TEST(LineBreak, EmergencyAndOverfull) {
  std::vector<Item> items{Item::box(1), Item::pen(0), Item::glue(0.3, 0.2, 0.1)};
  for (int i = 0; i < 8; ++i) {
    if (i > 0) items.push_back(Item::pen(5000, 0, true));
    items.push_back(Item::box(1));
  }
  BreakParams p{.measure = 3.5};
  auto lines = break_lines(items, p);
  bool emergency = false;
  for (const auto& l : lines) {
    EXPECT_LE(natural_width(items, l), 3.5 + 0.3);
    emergency |= l.rule == BreakRule::Emergency;
  }
  EXPECT_TRUE(emergency);
  std::vector<Item> wide{Item::box(1), Item::pen(0), Item::glue(0.3, 0.2, 0.1),
                         Item::box(9), Item::pen(0), Item::glue(0.3, 0.2, 0.1),
                         Item::box(1)};
  lines = break_lines(wide, p);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].rule, BreakRule::Overfull);
}

TEST(LineBreak, EmptyAndSingle) {
  std::vector<Item> none;
  EXPECT_TRUE(break_lines(none, BreakParams{.measure = 5}).empty() ||
              break_lines(none, BreakParams{.measure = 5}).size() == 1);
  std::vector<Item> one{Item::box(2)};
  auto lines = break_lines(one, BreakParams{.measure = 5});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rule, BreakRule::End);
}

// Long paragraphs stay cheap: the active list never holds more than a line's
// worth of breakpoints (checked structurally by breaking 50,000 boxes).
TEST(LineBreak, LongParagraph) {
  auto items = han(15000, 0.1);
  BreakParams p{.measure = 40};
  auto lines = break_lines(items, p);
  EXPECT_EQ(lines.size(), 375u);
}

// A measure wide enough for the whole paragraph (a table cell measured at its
// natural width): one line, even with thousands of breakpoints on it.
TEST(LineBreak, HugeMeasureKeepsOneLine) {
  auto items = han(3000, 0.1);
  auto lines = break_lines(items, BreakParams{.measure = 1e9});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].end, items.size());
}

// ---- The breaker against a plain transcription of its definition.
//
// The same Knuth–Plass search written without any of break_lines' economies
// (each line's sums from separate prefix arrays, all nine classes computed,
// a fresh active list per breakpoint), on pseudo-random lists shaped like the
// paragraph setter's: the optimized breaker must choose the same lines.

struct Plain {
  std::span<const Item> items;
  const BreakParams& p;
  std::vector<double> width;
  std::vector<std::array<double, kStretchClasses>> stretch;
  std::vector<std::array<double, kShrinkClasses>> shrink;
  std::vector<int> units;

  Plain(std::span<const Item> its, const BreakParams& params)
      : items(its),
        p(params),
        width(its.size() + 1),
        stretch(its.size() + 1),
        shrink(its.size() + 1),
        units(its.size() + 1) {
    for (size_t i = 0; i < its.size(); ++i) {
      const Item& it = its[i];
      width[i + 1] = width[i] + (it.kind == ItemKind::Penalty ? 0 : it.width);
      stretch[i + 1] = stretch[i];
      shrink[i + 1] = shrink[i];
      units[i + 1] = units[i] + (it.kind == ItemKind::Box ? it.units : 0);
      if (it.kind == ItemKind::Glue) {
        stretch[i + 1][static_cast<int>(it.stretch_class)] += it.stretch;
        shrink[i + 1][static_cast<int>(it.shrink_class)] += it.shrink;
      }
    }
  }

  static bool forced(const Item& it) {
    return it.kind == ItemKind::Penalty && it.penalty <= -kInfPenalty;
  }
  size_t after_break(size_t b) const {
    size_t k = b + 1;
    while (k < items.size() && items[k].kind != ItemKind::Box && !forced(items[k])) ++k;
    return k;
  }

  // {feasible, badness} of items[begin, b) set to the measure.
  std::pair<bool, double> evaluate(size_t begin, size_t b, bool last) const {
    std::array<double, kStretchClasses> st{};
    std::array<double, kShrinkClasses> sh{};
    for (int c = 0; c < kStretchClasses; ++c) st[c] = stretch[b][c] - stretch[begin][c];
    for (int c = 0; c < kShrinkClasses; ++c) sh[c] = shrink[b][c] - shrink[begin][c];
    const double nat = (width[b] - width[begin]) + (b < items.size() ? items[b].width : 0);
    const double d = p.measure - nat;
    double bad = 0;
    // Takes `rem` from the classes in order; what is left over.
    auto spend = [&bad](double rem, std::span<const double> caps, std::span<const double> weights) {
      for (size_t c = 0; c < caps.size() && rem > 1e-9; ++c) {
        if (caps[c] <= 1e-9) continue;
        const double take = std::min(rem, caps[c]);
        const double r = take / caps[c];
        bad += 100 * weights[c] * r * r * r;
        rem -= take;
      }
      return rem;
    };
    if (d >= 0) {
      if (last) return {true, 0};
      const double rem = spend(d, st, p.stretch_weight);
      if (rem > 1e-6)
        bad += 10000 * ((st[0] + st[1] > 1e-9 ? 1 : 3) + rem / std::max(p.measure, 1.0));
      return {true, bad};
    }
    return {spend(-d, sh, p.shrink_weight) <= 1e-6, bad};
  }

  struct Node {
    size_t pos, begin;
    double demerits;
    int prev;
    BreakRule rule;
  };

  std::optional<std::vector<LineSpan>> optimal(bool final_pass) const {
    const size_t n = items.size(), none = static_cast<size_t>(-1);
    std::vector<Node> nodes{{none, 0, 0, -1, BreakRule::Optimal}};
    std::vector<int> active{0};
    int last_killed = -1;
    for (size_t b = 0; b <= n; ++b) {
      const bool end = b == n;
      if (!end && !(items[b].kind == ItemKind::Penalty && items[b].penalty < kInfPenalty &&
                    (final_pass || !items[b].emergency)))
        continue;
      const bool is_forced = end || forced(items[b]);
      const double pen = end ? 0 : items[b].penalty;
      int best = -1;
      double best_d = std::numeric_limits<double>::infinity();
      std::vector<int> next;
      for (int a : active) {
        const Node& na = nodes[static_cast<size_t>(a)];
        if (na.begin > b || (na.begin == b && !is_forced) ||
            (na.begin == b && end && b > 0 && na.pos != none)) {
          next.push_back(a);
          continue;
        }
        const auto [feasible, bad] = evaluate(na.begin, b, is_forced);
        if (!feasible) {
          last_killed = a;
          continue;
        }
        next.push_back(a);
        double d = (p.line_penalty + bad) * (p.line_penalty + bad);
        if (!is_forced) d += pen >= 0 ? pen * pen : -pen * pen;
        if (end && na.pos != none && units[n] - units[na.begin] < p.min_last_line) d += 1e12;
        d += na.demerits;
        if (d < best_d) {
          best_d = d;
          best = a;
        }
      }
      active = is_forced ? std::vector<int>{} : next;
      if (best >= 0) {
        const BreakRule rule = end                  ? BreakRule::End
                               : is_forced          ? BreakRule::Forced
                               : items[b].emergency ? BreakRule::Emergency
                                                    : BreakRule::Optimal;
        nodes.push_back({end ? n : b, end ? n : after_break(b), best_d, best, rule});
        active.push_back(static_cast<int>(nodes.size() - 1));
        if (active.size() > 512) {
          size_t keep = 0;
          for (size_t k = 1; k < active.size(); ++k)
            if (nodes[static_cast<size_t>(active[k])].demerits <
                nodes[static_cast<size_t>(active[keep])].demerits)
              keep = k;
          active.erase(active.begin() + (keep == 0 ? 1 : 0));
        }
      } else if (active.empty()) {
        if (!final_pass || last_killed < 0) return std::nullopt;
        nodes.push_back({end ? n : b, end ? n : after_break(b),
                         nodes[static_cast<size_t>(last_killed)].demerits + 1e15, last_killed,
                         BreakRule::Overfull});
        active.push_back(static_cast<int>(nodes.size() - 1));
      }
      if (end) break;
    }
    size_t k = nodes.size() - 1;
    if (nodes[k].pos != n) return std::nullopt;
    std::vector<LineSpan> lines;
    while (k > 0) {
      const Node& nk = nodes[k];
      lines.push_back({nodes[static_cast<size_t>(nk.prev)].begin, nk.pos, nk.pos, nk.rule});
      k = static_cast<size_t>(nk.prev);
    }
    std::reverse(lines.begin(), lines.end());
    return lines;
  }

  std::vector<LineSpan> lines() const {
    if (items.size() > p.first_fit_threshold) return break_lines_first_fit(items, p);
    if (auto l = optimal(false)) return *l;
    if (auto l = optimal(true)) return *l;
    return break_lines_first_fit(items, p);
  }
};

// A paragraph like build_items makes: Han and Latin boxes, marks with blank
// halves, word spaces, Han gaps, Han–Latin glue, breaks of every kind
// (ordinary, discouraged, emergency, forbidden, hanging, forced).
std::vector<Item> random_paragraph(std::mt19937& rng) {
  auto real = [&](double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng); };
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const double em = pick(4) == 0 ? 9 : 10.5;
  std::vector<Item> items;
  if (pick(2) == 0) items.push_back(Item::box(2 * em, 0));
  const int atoms = 1 + pick(pick(5) == 0 ? 600 : 120);
  for (int i = 0; i < atoms; ++i) {
    const int what = pick(20);
    if (i > 0) {
      const int brk = pick(20);
      if (brk < 12) items.push_back(Item::pen(0));
      else if (brk < 14) items.push_back(Item::pen(50));
      else if (brk < 15) items.push_back(Item::pen(0, -em / 2));  // hanging
      else if (brk < 16) items.push_back(Item::pen(5000, 0, true));
      else if (brk < 18) items.push_back(Item::pen(kInfPenalty, 0, true));
      else if (brk < 19 && pick(8) == 0) items.push_back(Item::pen(-kInfPenalty));
      const int glue = pick(10);
      if (glue < 5)
        items.push_back(Item::glue(0, 0.1 * em, 0, StretchClass::Han, ShrinkClass::Word));
      else if (glue < 7) {
        const double w = real(0.2, 0.35) * em;
        items.push_back(Item::glue(w, em / 2 - w, w - em / 4));
      } else if (glue < 8) {
        const double w = em / 4;
        items.push_back(
            Item::glue(w, em / 3 - w, w - em / 8, StretchClass::HanLatin, ShrinkClass::HanLatin));
      } else if (glue < 9) {
        const double w = em / 2;
        items.push_back(
            Item::glue(w, 0, w, StretchClass::Word, static_cast<ShrinkClass>(1 + pick(5))));
      }
    }
    if (what < 12) items.push_back(Item::box(em, 1));
    else if (what < 17) items.push_back(Item::box(real(0.3, 4) * em, 1));
    else items.push_back(Item::box(em / 2, 0));
  }
  return items;
}

TEST(LineBreak, AgreesWithThePlainDefinition) {
  std::mt19937 rng(16);
  int lines = 0, loose = 0;
  for (int round = 0; round < 1500; ++round) {
    const std::vector<Item> items = random_paragraph(rng);
    BreakParams p;
    const int m = static_cast<int>(rng() % 8);
    p.measure = m == 0 ? 1e9 : m == 1 ? 31.5 : 105 + static_cast<double>(rng() % 320);
    p.min_last_line = static_cast<int>(rng() % 4);
    p.justify = rng() % 5 != 0;
    const std::vector<LineSpan> got = break_lines(items, p);
    const std::vector<LineSpan> want = Plain(items, p).lines();
    ASSERT_EQ(got.size(), want.size()) << "round " << round;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].begin, want[i].begin) << "round " << round << " line " << i;
      ASSERT_EQ(got[i].end, want[i].end) << "round " << round << " line " << i;
      ASSERT_EQ(got[i].brk, want[i].brk) << "round " << round << " line " << i;
      ASSERT_EQ(got[i].rule, want[i].rule) << "round " << round << " line " << i;
      loose += got[i].rule != BreakRule::Optimal && got[i].rule != BreakRule::End;
    }
    lines += static_cast<int>(got.size());
  }
  // The lists reach every kind of line, not just easy ones.
  EXPECT_GT(lines, 10000);
  EXPECT_GT(loose, 100);
}

}  // namespace
}  // namespace moyin::typeset
