// The abstract line breaker: boxes, glue and penalties (Knuth–Plass), with
// the shrink-before-stretch priority classes of CJK-RULES.md §5. Knows
// nothing about fonts or text: paragraph.cpp builds the item list, tests
// feed hand-made lists with exact widths.
//
// Model (slightly simpler than TeX's, and explicit):
// - breaks happen only at Penalty items whose penalty < kInfPenalty
//   (a penalty >= kInfPenalty is a forbidden break, <= -kInfPenalty forced);
// - after a break, every Glue and Penalty up to the next Box is discarded
//   (so a punctuation mark's blank half, placed after the break penalty,
//   vanishes at a line end, and an opening bracket's blank at a line start);
// - each Glue has its stretch in one stretch class and its shrink in one
//   shrink class; a line takes adjustment from the classes in order, so a
//   later class is used only when every earlier one is exhausted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace moyin::typeset {

// Shrink order of CJK-RULES.md §5 (line-end punctuation needs no class: its
// blank is discarded at the break).
// Word: word spaces; Interpunct: the blank sides of a fullwidth 间隔号 · ・;
// Bracket: bracket outsides; Pause: ，、；： blanks; HanLatin: Han–Western
// glue; Stop: 。？！ blanks.
enum class ShrinkClass : uint8_t { Word, Interpunct, Bracket, Pause, HanLatin, Stop };
inline constexpr int kShrinkClasses = 6;
// Stretch order of CJK-RULES.md §5.
enum class StretchClass : uint8_t { Word, HanLatin, Han };
inline constexpr int kStretchClasses = 3;

inline constexpr double kInfPenalty = 10000;

enum class ItemKind : uint8_t { Box, Glue, Penalty };

struct Item {
  ItemKind kind = ItemKind::Box;
  double width = 0;    // natural width in pt; for a penalty: width added when breaking there
  double stretch = 0;  // Glue: how much it may grow (pt) within its class
  double shrink = 0;   // Glue: how much it may shrink (pt)
  StretchClass stretch_class = StretchClass::Word;
  ShrinkClass shrink_class = ShrinkClass::Word;
  double penalty = 0;      // Penalty: cost of breaking here
  bool emergency = false;  // Penalty: allowed only when no normal break fits (overfull)
  int units = 0;           // Box: characters of content (for min-last-line)
  uint32_t ref = 0;        // caller's data (paragraph.cpp: atom index)
  uint8_t rule = 0;        // caller's code telling why this break exists (dump)

  static Item box(double w, int units = 1, uint32_t ref = 0) {
    Item i;
    i.kind = ItemKind::Box;
    i.width = w;
    i.units = units;
    i.ref = ref;
    return i;
  }
  static Item glue(double w, double stretch, double shrink, StretchClass sc = StretchClass::Word,
                   ShrinkClass kc = ShrinkClass::Word) {
    Item i;
    i.kind = ItemKind::Glue;
    i.width = w;
    i.stretch = stretch;
    i.shrink = shrink;
    i.stretch_class = sc;
    i.shrink_class = kc;
    return i;
  }
  static Item pen(double p, double w = 0, bool emergency = false, uint8_t rule = 0) {
    Item i;
    i.kind = ItemKind::Penalty;
    i.penalty = p;
    i.width = w;
    i.emergency = emergency;
    i.rule = rule;
    return i;
  }
};

struct BreakParams {
  double measure = 0;        // line width in pt (every line; indents are boxes)
  int min_last_line = 2;     // paragraph.min-last-line: units on the last line
  double line_penalty = 10;  // TeX \linepenalty
  // Badness weight per class: cheap punctuation shrink, costly Han stretch
  // (push in before push out, CJK-RULES §2).
  std::array<double, kShrinkClasses> shrink_weight{1, 1, 1, 1, 2, 2};
  std::array<double, kStretchClasses> stretch_weight{1, 1, 8};
  size_t first_fit_threshold = 20000;  // more items than this: first-fit
  bool justify = true;                 // false: ragged lines (left/center/right)
};

enum class BreakRule : uint8_t {
  Optimal,    // chosen by total demerits
  FirstFit,   // chosen greedily (pathological paragraph)
  Forced,     // a forced penalty (hard line break)
  Emergency,  // an emergency break inside unbreakable material (warned)
  Overfull,   // nothing fits: the line is wider than the measure (warned)
  End,        // end of paragraph
};
const char* to_string(BreakRule r);

// One line: items [begin, end) are set on it; `brk` is the penalty item that
// ended it (items.size() for the paragraph end).
struct LineSpan {
  size_t begin = 0;
  size_t end = 0;
  size_t brk = 0;
  BreakRule rule = BreakRule::Optimal;
};

// Breaks `items` into lines. Optimal fit (minimum total demerits) unless the
// list is longer than params.first_fit_threshold. Cost linear in the length:
// active breakpoints die as soon as their line is overfull.
std::vector<LineSpan> break_lines(std::span<const Item> items, const BreakParams& params);
// The greedy breaker alone (exposed for tests and the fallback).
std::vector<LineSpan> break_lines_first_fit(std::span<const Item> items, const BreakParams& params);

// How a line was adjusted.
struct LineFit {
  double natural = 0;  // width before adjustment (pt)
  double width = 0;    // final width
  double ratio = 0;    // TeX-style: (target - natural) / total stretch or shrink; >1 = overflow
  std::array<double, kStretchClasses> stretch_ratio{};  // 0..1 per class
  std::array<double, kShrinkClasses> shrink_ratio{};    // 0..1 per class
  double overflow = 0;        // stretch beyond every class's capacity (pt)
  bool han_overflow = false;  // overflow had to go into Han gaps (a warning)
  bool underfull = false;     // the line could not reach the target
  bool overfull = false;      // the line is wider than the target
};

// Natural width of the items of a line (with the break penalty's width).
double natural_width(std::span<const Item> items, const LineSpan& line);

// Sets the line to `target` (justified) or at natural width when `justify`
// is false or the line is a last/forced line (shrinking still applies when it
// is too wide). Writes each item's final width into `widths` (indexed like
// items[line.begin .. line.end)).
LineFit fit_line(std::span<const Item> items, const LineSpan& line, double target, bool justify,
                 std::vector<double>& widths);
// The same into `widths` of exactly the line's item count (a penalty's is 0).
LineFit fit_line(std::span<const Item> items, const LineSpan& line, double target, bool justify,
                 std::span<double> widths);

}  // namespace moyin::typeset
