#include "typeset/linebreak.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace moyin::typeset {

const char* to_string(BreakRule r) {
  switch (r) {
    case BreakRule::Optimal: return "optimal";
    case BreakRule::FirstFit: return "first-fit";
    case BreakRule::Forced: return "forced";
    case BreakRule::Emergency: return "emergency";
    case BreakRule::Overfull: return "overfull";
    case BreakRule::End: return "end";
  }
  return "?";
}

namespace {

constexpr double kEps = 1e-9;

bool is_forced(const Item& it) {
  return it.kind == ItemKind::Penalty && it.penalty <= -kInfPenalty;
}
bool is_break(const Item& it, bool emergency_ok) {
  return it.kind == ItemKind::Penalty && it.penalty < kInfPenalty &&
         (emergency_ok || !it.emergency);
}

// Running totals of items[0, i), one record per i: a line's sums are the
// difference of two records, read from one place in memory.
struct Total {
  double width = 0;
  std::array<double, kStretchClasses> stretch{};
  std::array<double, kShrinkClasses> shrink{};
  int units = 0;
};

std::vector<Total> prefix_totals(std::span<const Item> items) {
  std::vector<Total> px;
  px.reserve(items.size() + 1);
  px.emplace_back();
  for (const Item& it : items) {
    Total& t = px.emplace_back(px.back());
    if (it.kind == ItemKind::Penalty) continue;
    t.width += it.width;
    if (it.kind == ItemKind::Box) t.units += it.units;
    if (it.kind == ItemKind::Glue) {
      t.stretch[static_cast<int>(it.stretch_class)] += it.stretch;
      t.shrink[static_cast<int>(it.shrink_class)] += it.shrink;
    }
  }
  return px;
}

// First item set on the line that follows a break at `b`.
size_t after_break(std::span<const Item> items, size_t b) {
  size_t k = b + 1;
  while (k < items.size() && items[k].kind != ItemKind::Box && !is_forced(items[k])) ++k;
  return k;
}

struct Eval {
  bool feasible = true;  // false: the line is overfull even fully shrunk
  double badness = 0;
};

// What a line holds: natural width and stretch/shrink per class.
struct Sums {
  double width = 0;
  std::array<double, kStretchClasses> stretch{};
  std::array<double, kShrinkClasses> shrink{};
  void add(const Item& it) {
    if (it.kind == ItemKind::Penalty) return;
    width += it.width;
    if (it.kind == ItemKind::Glue) {
      stretch[static_cast<int>(it.stretch_class)] += it.stretch;
      shrink[static_cast<int>(it.shrink_class)] += it.shrink;
    }
  }
};

// Badness of a line of natural width `nat` set to the measure; `stretch(c)`
// and `shrink(c)` give its capacity in class c (asked only for the classes the
// adjustment reaches, so a line read from prefix totals costs only those).
template <class Stretch, class Shrink>
Eval evaluate_line(double nat, Stretch stretch, Shrink shrink, const BreakParams& p, bool last) {
  double d = p.measure - nat;
  Eval e;
  if (d >= 0) {
    if (last) return e;
    double rem = d;
    for (int c = 0; c < kStretchClasses && rem > kEps; ++c) {
      double cap = stretch(c);
      if (cap <= kEps) continue;
      double take = std::min(rem, cap);
      double r = take / cap;
      e.badness += 100 * p.stretch_weight[c] * r * r * r;
      rem -= take;
    }
    if (rem > 1e-6) {
      // Beyond all capacity: word spaces and Han–Latin glue can take it (a
      // loose line); otherwise Han gaps would open wider than 0.1 em — worse.
      double soft = stretch(0) + stretch(1);
      e.badness += 10000 * ((soft > kEps ? 1 : 3) + rem / std::max(p.measure, 1.0));
    }
    return e;
  }
  double rem = -d;
  for (int c = 0; c < kShrinkClasses && rem > kEps; ++c) {
    double cap = shrink(c);
    if (cap <= kEps) continue;
    double take = std::min(rem, cap);
    double r = take / cap;
    e.badness += 100 * p.shrink_weight[c] * r * r * r;
    rem -= take;
  }
  if (rem > 1e-6) e.feasible = false;
  return e;
}

Eval evaluate_sums(const Sums& line, double break_width, const BreakParams& p, bool last) {
  return evaluate_line(
      line.width + break_width, [&](int c) { return line.stretch[c]; },
      [&](int c) { return line.shrink[c]; }, p, last);
}

// The line from a break whose next line starts at `from` to the break at
// `to` (with its width `break_width`), read from the prefix totals.
Eval evaluate_between(const Total& from, const Total& to, double break_width, const BreakParams& p,
                      bool last) {
  return evaluate_line((to.width - from.width) + break_width,
                       [&](int c) { return to.stretch[c] - from.stretch[c]; },
                       [&](int c) { return to.shrink[c] - from.shrink[c]; }, p, last);
}

struct Node {
  size_t pos = 0;    // break item index (npos for the paragraph start)
  size_t begin = 0;  // first item of the line after this break
  double demerits = 0;
  int prev = -1;
  BreakRule rule = BreakRule::Optimal;
};

constexpr size_t kNoPos = static_cast<size_t>(-1);
constexpr size_t kMaxActive = 512;

std::optional<std::vector<LineSpan>> optimal(std::span<const Item> items, std::span<const Total> px,
                                             const BreakParams& p, bool final_pass) {
  const size_t n = items.size();
  std::vector<Node> nodes;
  nodes.push_back({kNoPos, 0, 0, -1, BreakRule::Optimal});
  std::vector<int> active{0};
  int last_killed = -1;
  const bool bound_ok = p.line_penalty >= 0;

  for (size_t b = 0; b <= n; ++b) {
    const bool end = b == n;
    if (!end && !is_break(items[b], final_pass)) continue;
    const bool forced = end || is_forced(items[b]);
    const double pen = end ? 0 : items[b].penalty;
    const double break_width = end ? 0 : items[b].width;
    const Total& to = px[b];
    // The demerits of a perfect line ending here, before its start's own.
    double perfect = p.line_penalty * p.line_penalty;
    if (!forced) perfect += pen >= 0 ? pen * pen : -pen * pen;
    int best = -1;
    double best_d = std::numeric_limits<double>::infinity();
    // The active list is compacted in place, in its order (ties go to the
    // earliest node, as they always have).
    size_t kept = 0;
    for (size_t i = 0; i < active.size(); ++i) {
      const int a = active[i];
      const Node& na = nodes[a];
      if (na.begin > b || (na.begin == b && !forced) ||
          (na.begin == b && end && b > 0 && na.pos != kNoPos)) {
        active[kept++] = a;  // the line would be empty: not a candidate here
        continue;
      }
      const Total& from = px[na.begin];
      // A line that fits unshrunk is feasible, and its demerits are at least
      // those of a perfect line (badness 0: every step below only grows with
      // the badness, line_penalty >= 0): when even those cannot beat the best
      // so far, its badness is not worth computing.
      if (bound_ok && p.measure - ((to.width - from.width) + break_width) >= 0 &&
          !(perfect + na.demerits < best_d)) {
        active[kept++] = a;
        continue;
      }
      Eval e = evaluate_between(from, to, break_width, p, forced);
      if (!e.feasible) {
        last_killed = a;  // overfull now, and only wider later
        continue;
      }
      active[kept++] = a;
      double d = (p.line_penalty + e.badness) * (p.line_penalty + e.badness);
      if (!forced) d += pen >= 0 ? pen * pen : -pen * pen;
      if (end && na.pos != kNoPos && px[n].units - px[na.begin].units < p.min_last_line) d += 1e12;
      d += na.demerits;
      if (d < best_d) {
        best_d = d;
        best = a;
      }
    }
    active.resize(kept);
    if (forced) active.clear();  // no line crosses a forced break
    if (best >= 0) {
      BreakRule rule = end                  ? BreakRule::End
                       : forced             ? BreakRule::Forced
                       : items[b].emergency ? BreakRule::Emergency
                                            : BreakRule::Optimal;
      nodes.push_back({end ? n : b, end ? n : after_break(items, b), best_d, best, rule});
      active.push_back(static_cast<int>(nodes.size() - 1));
      // Keep the work linear even when a line could hold thousands of
      // breakpoints (a huge measure): forget the oldest candidates.
      // The cheapest node stays (a paragraph set on one very wide line).
      if (active.size() > kMaxActive) {
        size_t keep = 0;
        for (size_t k = 1; k < active.size(); ++k)
          if (nodes[active[k]].demerits < nodes[active[keep]].demerits) keep = k;
        active.erase(active.begin() + (keep == 0 ? 1 : 0));
      }
    } else if (active.empty()) {
      if (!final_pass || last_killed < 0) return std::nullopt;
      // Nothing fits: set the least bad overfull line and go on (warned by the caller).
      nodes.push_back({end ? n : b, end ? n : after_break(items, b),
                       nodes[last_killed].demerits + 1e15, last_killed,
                       end ? BreakRule::End : BreakRule::Overfull});
      if (end) nodes.back().rule = BreakRule::Overfull;
      active.push_back(static_cast<int>(nodes.size() - 1));
    }
    if (end) break;
  }
  // The last node created is the paragraph end.
  int k = static_cast<int>(nodes.size() - 1);
  if (nodes[k].pos != n) return std::nullopt;
  std::vector<LineSpan> lines;
  while (k > 0) {
    const Node& nk = nodes[k];
    const Node& np = nodes[nk.prev];
    lines.push_back({np.begin, nk.pos, nk.pos, nk.rule});
    k = nk.prev;
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

}  // namespace

std::vector<LineSpan> break_lines_first_fit(std::span<const Item> items, const BreakParams& p) {
  // Running sums of the current line instead of prefix arrays: the memory
  // stays that of the items, whatever the paragraph's length.
  const size_t n = items.size();
  std::vector<LineSpan> lines;
  size_t begin = 0;
  size_t last_ok = kNoPos, last_em = kNoPos;
  size_t b = 0;
  Sums line;
  size_t summed = 0;  // line holds items[begin, summed)
  while (b <= n) {
    const bool end = b == n;
    if (!end && !is_break(items[b], true)) {
      ++b;
      continue;
    }
    const bool forced = end || is_forced(items[b]);
    if (begin > b || (begin == b && !forced)) {
      ++b;
      continue;
    }
    if (summed < begin) summed = begin;
    for (; summed < b; ++summed) line.add(items[summed]);
    Eval e = evaluate_sums(line, end ? 0 : items[b].width, p, forced);
    if (e.feasible) {
      if (forced) {
        lines.push_back({begin, b, b, end ? BreakRule::End : BreakRule::Forced});
        if (end) break;
        begin = after_break(items, b);
        line = {};
        summed = begin;
        last_ok = last_em = kNoPos;
      } else if (items[b].emergency) {
        last_em = b;
      } else {
        last_ok = b;
      }
      ++b;
      continue;
    }
    size_t c = last_ok != kNoPos ? last_ok : last_em;
    BreakRule rule = last_ok != kNoPos ? BreakRule::FirstFit : BreakRule::Emergency;
    if (c == kNoPos) {  // nothing fits: overfull line ending here
      c = b;
      rule = BreakRule::Overfull;
    }
    if (c == n) {
      lines.push_back({begin, n, n, BreakRule::Overfull});
      break;
    }
    lines.push_back({begin, c, c, rule});
    begin = after_break(items, c);
    line = {};
    summed = begin;
    last_ok = last_em = kNoPos;
    b = c + 1;
  }
  return lines;
}

std::vector<LineSpan> break_lines(std::span<const Item> items, const BreakParams& p) {
  if (items.size() > p.first_fit_threshold) return break_lines_first_fit(items, p);
  const std::vector<Total> px = prefix_totals(items);
  if (auto lines = optimal(items, px, p, false)) return *lines;
  if (auto lines = optimal(items, px, p, true)) return *lines;
  return break_lines_first_fit(items, p);
}

double natural_width(std::span<const Item> items, const LineSpan& line) {
  double w = 0;
  for (size_t i = line.begin; i < line.end && i < items.size(); ++i)
    if (items[i].kind != ItemKind::Penalty) w += items[i].width;
  if (line.brk < items.size()) w += items[line.brk].width;
  return w;
}

LineFit fit_line(std::span<const Item> items, const LineSpan& line, double target, bool justify,
                 std::vector<double>& widths) {
  widths.resize(line.end > line.begin ? line.end - line.begin : 0);
  return fit_line(items, line, target, justify, std::span<double>(widths));
}

LineFit fit_line(std::span<const Item> items, const LineSpan& line, double target, bool justify,
                 std::span<double> widths) {
  LineFit f;
  const size_t count = line.end > line.begin ? line.end - line.begin : 0;
  std::array<double, kStretchClasses> st{};
  std::array<double, kShrinkClasses> sh{};
  for (size_t i = 0; i < count; ++i) {
    const Item& it = items[line.begin + i];
    if (it.kind == ItemKind::Penalty) {
      widths[i] = 0;
      continue;
    }
    widths[i] = it.width;
    if (it.kind == ItemKind::Glue) {
      st[static_cast<int>(it.stretch_class)] += it.stretch;
      sh[static_cast<int>(it.shrink_class)] += it.shrink;
    }
  }
  f.natural = natural_width(items, line);
  const double d = target - f.natural;
  const bool last = line.rule == BreakRule::End || line.rule == BreakRule::Forced;
  double total_st = 0, total_sh = 0;
  for (double v : st) total_st += v;
  for (double v : sh) total_sh += v;
  if (d > kEps && justify && !last) {
    double rem = d;
    for (int c = 0; c < kStretchClasses; ++c) {
      if (st[c] <= kEps || rem <= kEps) continue;
      double take = std::min(rem, st[c]);
      f.stretch_ratio[c] = take / st[c];
      rem -= take;
    }
    for (size_t i = 0; i < count; ++i) {
      const Item& it = items[line.begin + i];
      if (it.kind == ItemKind::Glue)
        widths[i] += it.stretch * f.stretch_ratio[static_cast<int>(it.stretch_class)];
    }
    if (rem > 1e-9) {
      // Beyond every capacity: word spaces and Han–Latin glue first, Han gaps
      // only when there is nothing else (a line of unbreakable material).
      f.overflow = rem;
      auto spread = [&](auto pred) {
        size_t k = 0;
        for (size_t i = 0; i < count; ++i)
          if (items[line.begin + i].kind == ItemKind::Glue && pred(items[line.begin + i])) ++k;
        if (k == 0) return false;
        for (size_t i = 0; i < count; ++i)
          if (items[line.begin + i].kind == ItemKind::Glue && pred(items[line.begin + i]))
            widths[i] += rem / static_cast<double>(k);
        return true;
      };
      bool done = spread(
          [](const Item& g) { return g.stretch > 0 && g.stretch_class != StretchClass::Han; });
      if (!done) {
        done = spread([](const Item&) { return true; });
        f.han_overflow = done;
      }
      if (!done) f.underfull = true;
    }
    f.ratio = total_st > kEps ? d / total_st : (f.underfull ? 0 : 1e9);
  } else if (d < -kEps) {
    double rem = -d;
    for (int c = 0; c < kShrinkClasses; ++c) {
      if (sh[c] <= kEps || rem <= kEps) continue;
      double take = std::min(rem, sh[c]);
      f.shrink_ratio[c] = take / sh[c];
      rem -= take;
    }
    for (size_t i = 0; i < count; ++i) {
      const Item& it = items[line.begin + i];
      if (it.kind == ItemKind::Glue)
        widths[i] -= it.shrink * f.shrink_ratio[static_cast<int>(it.shrink_class)];
    }
    if (rem > 1e-6) f.overfull = true;
    f.ratio = total_sh > kEps ? d / total_sh : -1e9;
  }
  f.width = 0;
  for (size_t i = 0; i < count; ++i) f.width += widths[i];
  if (line.brk < items.size()) f.width += items[line.brk].width;
  if (f.ratio > 1e8) f.ratio = 0;
  if (f.ratio < -1e8) f.ratio = -1;
  return f;
}

}  // namespace moyin::typeset
