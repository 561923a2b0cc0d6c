#include "typeset/pages.h"

#include <algorithm>
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
  items_.emplace_back(std::in_place_type<VPenalty>, cost, recto);
}

void VListBuilder::add_glue(double size) {
  if (size == 0) return;
  items_.emplace_back(std::in_place_type<VGlue>, size);
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
      p.items.emplace_back(std::in_place_type<layout::Rule>, layout::Point{ax, ay},
                           layout::Point{bx, by}, kCropWidth, layout::Color{0, 0, 0});
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
        } else if constexpr (std::is_same_v<T, layout::Path>) {
          for (auto& seg : it.segments)
            for (auto& pt : seg.p) {
              pt.x += dx;
              pt.y += dy;
            }
        } else if constexpr (std::is_same_v<T, layout::ActualText>) {
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

void place(std::span<const VItem> list, size_t begin, size_t end, const TypeArea& area,
           const VBox* head, const std::map<size_t, double>& scales, bool continues, layout::Page& page,
           std::vector<Mark>& marks) {
  const VBox* last = nullptr;  // the last box placed, and its baseline
  double last_baseline = 0;
  double y = area.top;
  double glue = 0;
  bool any = false;
  std::vector<Fragment> fragments;  // in order of first appearance
  std::vector<layout::Item> content;
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
    VBox shrunk;
    if (auto s = scales.find(k); !is_head && s != scales.end()) {
      shrunk = scaled(*box, s->second);
      box = &shrunk;
    }
    if (any) y += glue;
    glue = 0;
    any = true;
    for (const layout::Item& it : box->items) {
      // A repeated header must not define its link targets a second time.
      if (is_head && std::holds_alternative<layout::Anchor>(it)) continue;
      content.push_back(it);
      translate(content.back(), area.left, y + box->baseline);
    }
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
    last = box == &shrunk ? nullptr : box;
    last_baseline = y + box->baseline;
    y += box->height;
  }
  if (continues && last)
    for (const layout::Item& it : last->close) {
      content.push_back(it);
      translate(content.back(), area.left, last_baseline);
    }
  double area_bottom = area.top + area.height;
  for (const Fragment& f : fragments) {
    double top = std::max(area.top, f.top - f.band.pad);
    double bottom = std::max(top, std::min(std::max(area_bottom, f.bottom), f.bottom + f.band.pad));
    if (f.band.kind == Band::Kind::Shade) {
      page.items.push_back(layout::Rect{
          layout::Box{area.left + f.band.x, top, f.band.width, bottom - top}, f.band.color});
    } else {
      double x = area.left + f.band.x;
      page.items.push_back(
          layout::Rule{layout::Point{x, top}, layout::Point{x, bottom}, f.band.width, f.band.color});
    }
  }
  for (auto& it : content) page.items.push_back(std::move(it));
}

}  // namespace

PageBuild build_pages(std::span<const VItem> list, const style::PageStyle& style, bool first_recto) {
  PageBuild out;
  const size_t n = list.size();
  size_t i = 0;
  bool recto = first_recto;
  constexpr double kEps = 1e-6;
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
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
        double nh = first ? head_h + b->height : h + glue + b->height;
        if (nh > H + kEps && !first && b->min_scale < 1) {
          // A figure may shrink into the rest of the page, keeping its caption.
          const double s = (H - h - glue - kept_after(list, j)) / b->height;
          if (s >= b->min_scale && s < 1) {
            scales[j] = s;
            nh = h + glue + s * b->height;
          }
        }
        if (nh > H + kEps && !first) break;
        h = nh;
        glue = 0;
        first = false;
        emergency = j + 1;
      } else if (auto* p = std::get_if<VPenalty>(&it)) {
        if (p->cost <= kForce) {
          best = j;
          best_cost = -std::numeric_limits<double>::infinity();
          break;
        }
        double total = p->cost + fill_badness(H - h, H);
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
    place(list, i, end, area, head, scales, end < n, page, marks);
    out.top_marks.push_back(std::get<VBox>(list[i]).marks.size());
    out.pages.push_back(std::move(page));
    out.marks.push_back(std::move(marks));
    i = next;
    recto = !recto;
    // A forced break that must continue on a recto: leave the verso blank.
    if (end < n && end == next - 1 && !recto && i < n) {
      if (auto* p = std::get_if<VPenalty>(&list[end]); p && p->recto && p->cost <= kForce) {
        out.pages.push_back(blank_page(style));
        out.marks.emplace_back();
        out.top_marks.push_back(0);
        recto = true;
      }
    }
  }
  return out;
}

VBox scaled(const VBox& box, double s) {
  double left = std::numeric_limits<double>::infinity(), right = -left;
  for (const layout::Item& it : box.items) {
    if (auto* im = std::get_if<layout::ImageBox>(&it)) {
      left = std::min(left, im->box.x);
      right = std::max(right, im->box.x + im->box.width);
    } else if (auto* r = std::get_if<layout::Rule>(&it)) {
      left = std::min({left, r->from.x, r->to.x});
      right = std::max({right, r->from.x, r->to.x});
    }
  }
  const double cx = left <= right ? (left + right) / 2 : 0;
  VBox out = box;
  out.height = box.height * s;
  out.baseline = box.baseline * s;
  for (layout::Item& it : out.items) {
    if (auto* im = std::get_if<layout::ImageBox>(&it)) {
      im->box = {cx + (im->box.x - cx) * s, im->box.y * s, im->box.width * s, im->box.height * s};
    } else if (auto* r = std::get_if<layout::Rule>(&it)) {
      r->from = {cx + (r->from.x - cx) * s, r->from.y * s};
      r->to = {cx + (r->to.x - cx) * s, r->to.y * s};
    }
  }
  return out;
}

}  // namespace moyin::typeset
