#include "typeset/pages.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>

namespace moyin::typeset {

layout::Color to_layout(const style::Color& c) { return layout::Color{c.r, c.g, c.b}; }

namespace {

int combine(int a, int b) {
  if (a <= kForce || b <= kForce) return kForce;
  return std::max(a, b);
}

// Cost of leaving `slack` of `height` empty at a page bottom: small next to
// any real penalty, but it makes the fullest of equally good breaks win.
double fill_badness(double slack, double height) {
  if (height <= 0) return 0;
  double r = std::max(0.0, slack) / height;
  return 100.0 * r * r;
}

}  // namespace

void VListBuilder::add_break(int cost, bool recto) {
  if (cost > kForce && (keep_ > 0 || together_ > 0)) cost = kForbid;
  if (items_.empty()) return;  // a break before anything means nothing
  if (auto* p = std::get_if<VPenalty>(&items_.back())) {
    p->cost = combine(p->cost, cost);
    p->recto = p->recto || recto;
    return;
  }
  items_.push_back(VPenalty{cost, recto});
}

void VListBuilder::add_glue(double size) {
  if (size == 0) return;
  items_.push_back(VGlue{size});
}

void VListBuilder::add_box(VBox box) {
  items_.push_back(std::move(box));
  if (keep_ > 0) --keep_;
}

void VListBuilder::add_lines(std::vector<VBox> lines, int orphans, int widows) {
  int n = static_cast<int>(lines.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0) add_break(i < orphans || n - i < widows ? kForbid : 0);
    add_box(std::move(lines[i]));
  }
}

void VListBuilder::keep_next(int boxes) { keep_ = std::max(keep_, boxes); }

// Crop marks sit outside the bleed: they start kCropGap beyond it and run
// kCropLength, so the sheet needs that much more paper on every side.
constexpr double kCropGap = 3, kCropLength = 18, kCropWidth = 0.25;

double trim_offset(const style::PageStyle& page) {
  return page.bleed + (page.crop_marks ? kCropGap + kCropLength + 3 : 0);
}

TypeArea type_area(const style::PageStyle& page, bool recto) {
  TypeArea a;
  bool inner_left = !page.mirrored || recto;
  const double off = trim_offset(page);
  a.left = off + (inner_left ? page.inner : page.outer);
  a.top = off + page.top;
  a.width = std::max(1.0, page.width - page.inner - page.outer);
  a.height = std::max(1.0, page.height - page.top - page.bottom);
  return a;
}

layout::Page blank_page(const style::PageStyle& page) {
  layout::Page p;
  const double off = trim_offset(page);
  p.width = page.width + 2 * off;
  p.height = page.height + 2 * off;
  p.trim = layout::Box{off, off, page.width, page.height};
  p.bleed = layout::Box{off - page.bleed, off - page.bleed, page.width + 2 * page.bleed,
                        page.height + 2 * page.bleed};
  if (page.crop_marks) {
    // Two short lines at each trim corner, in the direction of each trim edge.
    const double x0 = off, x1 = off + page.width, y0 = off, y1 = off + page.height;
    const double near = page.bleed + kCropGap, far = near + kCropLength;
    auto mark = [&](double ax, double ay, double bx, double by) {
      p.items.push_back(
          layout::Rule{layout::Point{ax, ay}, layout::Point{bx, by}, kCropWidth, layout::Color{}});
    };
    for (double y : {y0, y1}) {
      mark(x0 - far, y, x0 - near, y);
      mark(x1 + near, y, x1 + far, y);
    }
    for (double x : {x0, x1}) {
      mark(x, y0 - far, x, y0 - near);
      mark(x, y1 + near, x, y1 + far);
    }
  }
  return p;
}

void translate(layout::Item& item, double dx, double dy) {
  std::visit(
      [&](auto& it) {
        using T = std::decay_t<decltype(it)>;
        if constexpr (std::is_same_v<T, layout::GlyphRun>) {
          it.origin.x += dx;
          it.origin.y += dy;
        } else if constexpr (std::is_same_v<T, layout::Rule>) {
          it.from.x += dx;
          it.from.y += dy;
          it.to.x += dx;
          it.to.y += dy;
        } else if constexpr (std::is_same_v<T, layout::Anchor>) {
          it.at.x += dx;
          it.at.y += dy;
        } else if constexpr (std::is_same_v<T, layout::Turn>) {
          it.pivot.x += dx;  // turning about the moved pivot commutes with the move
          it.pivot.y += dy;
        } else if constexpr (std::is_same_v<T, layout::Path>) {
          if (!it.transform.identity()) {
            it.transform.e += dx;
            it.transform.f += dy;
          } else {
            layout::map_points(it, [&](layout::Point p) {
              return layout::Point{p.x + dx, p.y + dy};
            });
          }
        } else if constexpr (std::is_same_v<T, layout::ActualText> ||
                             std::is_same_v<T, layout::Tag> || std::is_same_v<T, layout::Group>) {
          // a marker: nothing to move
        } else {
          it.box.x += dx;
          it.box.y += dy;
        }
      },
      item);
}

namespace {

struct Fragment {
  Band band;
  double top = 0;
  double bottom = 0;
};

// Consecutive lines of one element on a page become one piece of marked
// content: an end marker directly followed by a begin marker of the same
// element is dropped with it. (A structure element's kids are one array; a
// paragraph of 40,000 lines made one kid per line, over libharu's 32,767.)
// In place: a copy of every page's items was as much fresh memory again
// (page faults), and it dropped the room `place` left for the running heads.
void join_tags(std::vector<layout::Item>& items) {
  size_t kept = 0;
  for (size_t k = 0; k < items.size(); ++k) {
    const auto* begin = std::get_if<layout::Tag>(&items[k]);
    const auto* end = kept == 0 ? nullptr : std::get_if<layout::Tag>(&items[kept - 1]);
    if (begin && !begin->end && end && end->end && end->element == begin->element) {
      --kept;
      continue;
    }
    if (kept != k) items[kept] = std::move(items[k]);
    ++kept;
  }
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(kept), items.end());
}

// Places list[begin, end) on one page.
// `head`, when set, is placed first (a repeated table header).
// The height of what must stay on the page with box `j`: the boxes and glue
// after it up to the next allowed break (a figure's caption).
double kept_after(std::span<const VItem> list, size_t j) {
  double h = 0, glue = 0;
  for (size_t k = j + 1; k < list.size(); ++k) {
    if (auto* g = std::get_if<VGlue>(&list[k])) {
      glue += g->size;
    } else if (auto* b = std::get_if<VBox>(&list[k])) {
      h += glue + b->height;
      glue = 0;
    } else if (auto* p = std::get_if<VPenalty>(&list[k]); p && p->cost < kForbid) {
      break;
    }
  }
  return h;
}

// Returns the height the body takes from the top of the type area.
// The boxes list[begin, end) set on `page` from the type area's top. With
// `owned` (the list itself, the caller's to consume) each box's items are
// moved onto the page, not copied: a box is placed once.
double place(std::span<const VItem> list, std::vector<VItem>* owned, size_t begin, size_t end,
             const TypeArea& area, const VBox* head, const std::map<size_t, double>& scales,
             bool continues, layout::Page& page, std::vector<Mark>& marks) {
  const VBox* last = nullptr;  // the last box placed, and its baseline
  double last_baseline = 0;
  double y = area.top;
  double glue = 0;
  bool any = false;
  std::vector<Fragment> fragments;  // in order of first appearance
  // Where each box goes: the bands behind the text are known only once
  // every box is placed, and they come first in the page's items.
  struct Placed {
    const VBox* box;
    VBox* movable;  // the same box when its items may be moved, else null
    double baseline;
    bool is_head;
  };
  std::vector<Placed> placed;
  std::deque<VBox> shrunk;  // figures scaled to fit (stable addresses)
  size_t count = 0;
  // Index `begin - 1` stands for the header (if any), placed before list[begin].
  for (size_t step = head ? 0 : 1; step <= end - begin; ++step) {
    const bool is_head = step == 0;
    const size_t k = begin + step - 1;
    if (!is_head) {
      if (auto* g = std::get_if<VGlue>(&list[k])) {
        glue += g->size;
        continue;
      }
    }
    const auto* box = is_head ? head : std::get_if<VBox>(&list[k]);
    if (!box) continue;
    VBox* movable = owned && !is_head ? std::get_if<VBox>(&(*owned)[k]) : nullptr;
    bool was_shrunk = false;
    if (auto s = scales.find(k); !is_head && s != scales.end()) {
      box = &shrunk.emplace_back(scaled(*box, s->second));
      movable = nullptr;
      was_shrunk = true;
    }
    if (any) y += glue;
    glue = 0;
    any = true;
    placed.push_back({box, movable, y + box->baseline, is_head});
    count += box->items.size();
    for (const Band& b : box->bands) {
      auto f = std::find_if(fragments.begin(), fragments.end(),
                            [&](const Fragment& fr) { return fr.band.id == b.id; });
      if (f == fragments.end()) {
        fragments.push_back(Fragment{b, y, y + box->height});
      } else {
        f->bottom = y + box->height;
      }
    }
    for (const Mark& m : box->marks) marks.push_back(m);
    last = was_shrunk ? nullptr : box;
    last_baseline = y + box->baseline;
    y += box->height;
  }
  // Room for what is added later too (running heads, a few note lines), so
  // that the page's items are not moved again for them.
  page.items.reserve(page.items.size() + fragments.size() + count +
                     (continues && last ? last->close.size() : 0) + 16);
  double area_bottom = area.top + area.height;
  for (const Fragment& f : fragments) {
    double top = std::max(area.top, f.top - f.band.pad);
    double bottom = std::max(top, std::min(std::max(area_bottom, f.bottom), f.bottom + f.band.pad));
    if (f.band.kind == Band::Kind::Shade) {
      page.items.push_back(layout::Rect{
          layout::Box{area.left + f.band.x, top, f.band.width, bottom - top}, f.band.color});
    } else {
      double x = area.left + f.band.x;
      page.items.push_back(layout::Rule{layout::Point{x, top}, layout::Point{x, bottom},
                                        f.band.width, f.band.color});
    }
  }
  for (const Placed& p : placed) {
    if (p.movable) {
      for (layout::Item& it : p.movable->items) {
        page.items.push_back(std::move(it));
        translate(page.items.back(), area.left, p.baseline);
      }
      continue;
    }
    for (const layout::Item& it : p.box->items) {
      // A repeated header must not define its link targets a second time.
      // Nor is it content a second time: untagged, it is an artifact, and its
      // links are not links again (an annotation belongs to tagged content).
      if (p.is_head &&
          (std::holds_alternative<layout::Anchor>(it) || std::holds_alternative<layout::Tag>(it) ||
           std::holds_alternative<layout::LinkArea>(it)))
        continue;
      page.items.push_back(it);
      translate(page.items.back(), area.left, p.baseline);
    }
  }
  if (continues && last)
    for (const layout::Item& it : last->close) {
      page.items.push_back(it);
      translate(page.items.back(), area.left, last_baseline);
    }
  return y - area.top;
}

// A note, or what is left of one, waiting for a page foot.
struct Pending {
  std::shared_ptr<const FootNote> note;
  size_t from = 0;  // its first line not placed yet
};

double lines_height(const FootNote& n, size_t from) {
  double h = 0;
  for (size_t k = from; k < n.lines.size(); ++k) h += n.lines[k].height;
  return h;
}

// What the foot of a page needs while its body is being filled: `full`
// with every note on it complete, `min` with the notes carried over from the
// page before cut to their claim (carried_need) and the last note cited cut
// after its first line. Notes cited on the page keep their order: every
// earlier one must be complete before the next may start (`settled`).
struct FootNeed {
  double full = 0;
  double min = 0;
  double settled = 0;
  bool any = false;

  void add(const FootNote& n, const FootStyle& fs) {
    if (n.lines.empty()) return;
    const double gap = any ? fs.between : fs.skip;
    min = settled + gap + n.lines.front().height;
    settled += gap + lines_height(n, 0);
    full += gap + lines_height(n, 0);
    any = true;
  }
};

// Notes held over from the previous page claim their full height up to half
// the type area before the body takes the rest (so a long note does not
// trickle over many pages a line at a time); notes cited on the page start
// after that claim.
FootNeed carried_need(const std::vector<Pending>& carry, const FootStyle& fs, double area_h) {
  FootNeed need;
  for (const Pending& p : carry) {
    const double h = lines_height(*p.note, p.from);
    if (h <= 0) continue;
    need.full = (need.any ? need.full + fs.between : fs.skip) + h;
    need.any = true;
  }
  if (need.any) {
    const double first = carry.front().note->lines[carry.front().from].height;
    need.min = std::min(need.full, std::max(fs.skip + first, 0.5 * area_h));
    need.settled = need.min;
  }
  return need;
}

// The room the notes cited on a page (pending[fresh, end)) need at least
// after the notes carried over: each complete but the last, which needs its
// first line (FootNeed::add), each after a gap between notes.
double fresh_reserve(const std::vector<Pending>& pending, size_t fresh, const FootStyle& fs) {
  double reserve = 0;
  size_t last = pending.size();
  for (size_t k = fresh; k < pending.size(); ++k)
    if (!pending[k].note->lines.empty()) last = k;
  for (size_t k = fresh; k < pending.size(); ++k) {
    const FootNote& n = *pending[k].note;
    if (n.lines.empty()) continue;
    reserve += fs.between + (k == last ? n.lines.front().height : lines_height(n, 0));
  }
  return reserve;
}

// The first lines of pending[from, end) after their gaps: the least room
// those notes need to start.
double first_lines(const std::vector<Pending>& pending, size_t from, const FootStyle& fs) {
  double h = 0;
  for (size_t k = from; k < pending.size(); ++k)
    if (!pending[k].note->lines.empty()) h += fs.between + pending[k].note->lines.front().height;
  return h;
}

// Sets the notes of `pending` at the foot of `page`, as many lines as fit in
// `room` (at least one when `force`); returns what is left, in order.
// pending[0, fresh) continue from earlier pages; they give way to the notes
// cited on this page (pending[fresh, end)), so every note starts on the page
// of its reference, and what they leave continues overleaf. A cited note
// leaves room for the first lines of the ones cited after it (when a page's
// first line cites more notes than its foot can hold, each starts there and
// the earlier ones continue overleaf).
std::vector<Pending> place_foot(std::vector<Pending> pending, size_t fresh, double room, bool force,
                                const TypeArea& area, const FootStyle& fs, layout::Page& page,
                                std::vector<std::string>& started) {
  struct Placed {
    const VBox* line;
    double gap;
    bool continued;
  };
  std::vector<Placed> placed;
  std::vector<Pending> rest;
  double used = 0;
  bool full = false;
  const double carried_room = room - fresh_reserve(pending, fresh, fs);
  for (size_t index = 0; index < pending.size(); ++index) {
    const Pending& p = pending[index];
    const double limit = index < fresh ? carried_room : room - first_lines(pending, index + 1, fs);
    if (index >= fresh) full = false;  // each cited note tries to start
    size_t k = p.from;
    for (; !full && k < p.note->lines.size(); ++k) {
      const double gap = placed.empty() ? fs.skip : k == p.from ? fs.between : 0;
      const VBox& line = p.note->lines[k];
      if (used + gap + line.height > limit + 1e-6 && !(force && placed.empty())) {
        full = true;
        break;
      }
      used += gap + line.height;
      placed.push_back(Placed{&line, gap, k == p.from && k > 0});
      if (k == 0) started.push_back(p.note->key);
    }
    if (k < p.note->lines.size()) rest.push_back(Pending{p.note, k});
  }
  if (placed.empty()) return rest;
  double y = area.top + area.height - used;
  if (fs.rule_length > 0) {
    const double ry = y + fs.skip / 2;
    page.items.push_back(layout::Rule{
        {area.left, ry}, {area.left + fs.rule_length, ry}, 0.5, layout::Color{0.55, 0.55, 0.55}});
  }
  for (const Placed& pl : placed) {
    y += pl.gap;
    const double base = y + pl.line->baseline;
    for (const layout::Item& it : pl.line->items) {
      page.items.push_back(it);
      translate(page.items.back(), area.left, base);
    }
    if (pl.continued) {
      for (const layout::Item& it : fs.continued) {
        page.items.push_back(it);
        translate(page.items.back(), area.left, base);
      }
    }
    y += pl.line->height;
  }
  return rest;
}

}  // namespace

namespace {

// `owned`, when set, is `list` itself: each box's items are released once
// they are placed on a page.
PageBuild build(std::span<const VItem> list, std::vector<VItem>* owned,
                const style::PageStyle& style, bool first_recto, const FootStyle& foot) {
  PageBuild out;
  const size_t n = list.size();
  size_t i = 0;
  bool recto = first_recto;
  constexpr double kEps = 1e-6;
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  std::vector<Pending> carry;        // notes continued from the previous page
  std::vector<std::string> started;  // notes started on the page being made
  auto new_page = [&](layout::Page page, std::vector<Mark> marks, size_t top_marks) {
    join_tags(page.items);
    out.notes.push_back(std::move(started));
    started.clear();
    out.pages.push_back(std::move(page));
    out.marks.push_back(std::move(marks));
    out.top_marks.push_back(top_marks);
    recto = !recto;
  };
  while (true) {
    while (i < n && !std::holds_alternative<VBox>(list[i])) ++i;
    if (i >= n) break;
    TypeArea area = type_area(style, recto);
    const double H = area.height;

    // A page that starts inside a table (not at its first row) opens with
    // the table's header again.
    const VBox* head = std::get<VBox>(list[i]).repeat.get();
    const double head_h = head ? head->height : 0;
    double h = 0, glue = 0;
    bool first = true;
    FootNeed need = carried_need(carry, foot, H);
    std::map<size_t, double> scales;  // figures shrunk on this page
    size_t best = kNone, forced_best = kNone, emergency = kNone;
    double best_cost = std::numeric_limits<double>::infinity();
    double forbid_cost = std::numeric_limits<double>::infinity();
    size_t end = kNone, next = kNone;
    size_t j = i;
    for (; j < n; ++j) {
      const VItem& it = list[j];
      if (auto* g = std::get_if<VGlue>(&it)) {
        glue += g->size;
      } else if (auto* b = std::get_if<VBox>(&it)) {
        FootNeed with = need;
        for (const auto& note : b->notes) with.add(*note, foot);
        double nh = first ? head_h + b->height : h + glue + b->height;
        if (nh + with.min > H + kEps && !first && b->min_scale < 1) {
          // A figure may shrink into the rest of the page, keeping its caption.
          const double s = (H - h - glue - kept_after(list, j) - with.min) / b->height;
          if (s >= b->min_scale && s < 1) {
            scales[j] = s;
            nh = h + glue + s * b->height;
          }
        }
        // A box whose notes cannot start on this page goes to the next one.
        if (nh + with.min > H + kEps && !first) break;
        h = nh;
        glue = 0;
        first = false;
        need = with;
        emergency = j + 1;
      } else if (auto* p = std::get_if<VPenalty>(&it)) {
        if (p->cost <= kForce) {
          best = j;
          best_cost = -std::numeric_limits<double>::infinity();
          break;
        }
        // A break that leaves part of a note for the next page costs a little.
        const bool splits = h + need.full > H + kEps;
        double total = p->cost + (splits ? foot.split_cost : fill_badness(H - h - need.full, H));
        if (p->cost < kForbid) {
          if (total <= best_cost) best_cost = total, best = j;
        } else if (total <= forbid_cost) {
          forbid_cost = total, forced_best = j;
        }
      }
    }
    if (j >= n) {
      end = n;  // the rest fits
      next = n;
    } else if (best != kNone) {
      end = best;
      next = best + 1;
    } else if (forced_best != kNone) {
      end = forced_best;
      next = forced_best + 1;
    } else {
      end = emergency;  // no break point fits: cut between boxes
      next = emergency;
    }
    layout::Page page = blank_page(style);
    std::vector<Mark> marks;
    for (auto it = scales.begin(); it != scales.end();)  // only those placed here
      it = it->first < end ? std::next(it) : scales.erase(it);
    const double body_h = place(list, owned, i, end, area, head, scales, end < n, page, marks);
    const size_t fresh = carry.size();
    for (size_t k = i; k < end; ++k)
      if (auto* b = std::get_if<VBox>(&list[k]))
        for (const auto& note : b->notes) carry.push_back(Pending{note, 0});
    carry = place_foot(std::move(carry), fresh, H - body_h, false, area, foot, page, started);
    const size_t top_marks = std::get<VBox>(list[i]).marks.size();
    new_page(std::move(page), std::move(marks), top_marks);
    if (owned)
      for (size_t k = i; k < end; ++k)
        if (auto* b = std::get_if<VBox>(&(*owned)[k])) std::vector<layout::Item>().swap(b->items);
    i = next;
    // A forced break that must continue on a recto: leave the verso blank.
    if (end < n && end == next - 1 && !recto && i < n) {
      if (auto* p = std::get_if<VPenalty>(&list[end]); p && p->recto && p->cost <= kForce) {
        new_page(blank_page(style), {}, 0);
      }
    }
  }
  // Notes still held over after the last box: pages of notes.
  while (!carry.empty()) {
    layout::Page page = blank_page(style);
    const TypeArea area = type_area(style, recto);
    const size_t carried = carry.size();  // all of them: no note is cited here
    carry = place_foot(std::move(carry), carried, area.height, true, area, foot, page, started);
    new_page(std::move(page), {}, 0);
  }
  return out;
}

}  // namespace

PageBuild build_pages(std::span<const VItem> list, const style::PageStyle& style, bool first_recto,
                      const FootStyle& foot) {
  return build(list, nullptr, style, first_recto, foot);
}

PageBuild build_pages(std::vector<VItem>&& list, const style::PageStyle& style, bool first_recto,
                      const FootStyle& foot) {
  return build(list, &list, style, first_recto, foot);
}

VBox scaled(const VBox& box, double s) {
  double left = std::numeric_limits<double>::infinity(), right = -left;
  auto extend = [&](double x) {
    left = std::min(left, x);
    right = std::max(right, x);
  };
  for (const layout::Item& it : box.items) {
    if (auto* im = std::get_if<layout::ImageBox>(&it)) {
      extend(im->box.x);
      extend(im->box.x + im->box.width);
    } else if (auto* r = std::get_if<layout::Rule>(&it)) {
      extend(r->from.x);
      extend(r->to.x);
    } else if (auto* p = std::get_if<layout::Path>(&it)) {  // an SVG figure's outlines
      for (const layout::PathSegment& seg : p->segments()) {
        using Op = layout::PathSegment::Op;
        const int used = seg.op == Op::Cubic   ? 3
                         : seg.op == Op::Close ? 0
                                               : 1;  // the rest is unset
        for (int k = 0; k < used; ++k) extend(p->transform.apply(seg.p[k]).x);
      }
    }
  }
  const double cx = left <= right ? (left + right) / 2 : 0;
  auto at = [&](layout::Point p) { return layout::Point{cx + (p.x - cx) * s, p.y * s}; };
  VBox out = box;
  out.height = box.height * s;
  out.baseline = box.baseline * s;
  for (layout::Item& it : out.items) {
    if (auto* im = std::get_if<layout::ImageBox>(&it)) {
      im->box = {cx + (im->box.x - cx) * s, im->box.y * s, im->box.width * s, im->box.height * s};
    } else if (auto* r = std::get_if<layout::Rule>(&it)) {
      r->from = at(r->from);
      r->to = at(r->to);
    } else if (auto* p = std::get_if<layout::Path>(&it)) {
      if (!p->transform.identity()) {  // its own units: the stroke scales with the transform
        p->transform = layout::Transform{s, 0, 0, s, cx - cx * s, 0} * p->transform;
        continue;
      }
      layout::map_points(*p, at);
      if (p->stroke) {
        p->stroke->width *= s;
        for (double& d : p->stroke->dash) d *= s;
        p->stroke->dash_phase *= s;
      }
    } else if (auto* g = std::get_if<layout::GlyphRun>(&it)) {  // an SVG figure's labels
      g->origin = at(g->origin);
      g->size *= s;
      for (layout::Glyph& gl : g->glyphs) {
        gl.advance *= s;
        gl.x_offset *= s;
        gl.y_offset *= s;
      }
    }
  }
  return out;
}

}  // namespace moyin::typeset
