#include "typeset/blocks.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "base/utf8.h"
#include "font/font.h"
#include "typeset/notes.h"
#include "typeset/svg_figure.h"

namespace moyin::typeset {

namespace {

using style::Role;

constexpr double kHuge = 1e6;  // a measure nothing fills

const layout::Color kRuleGray{0.55, 0.55, 0.55};

struct Frame {
  double left = 0;  // from the type area's left edge
  double measure = 0;
  Role role = Role::Body;   // role of paragraphs in this container
  std::vector<Band> bands;  // quote rules around this container
  int list_depth = 0;
  bool in_list = false;
  bool tight = false;  // inside a tight list item: no paragraph spacing
};

struct Ctx {
  const doc::Document* doc;
  const style::Sheet& sheet;
  const LineSetter& setter;
  doc::Diagnostics& diags;
  image::Catalog& images;
  VListBuilder vb;
  std::vector<HeadingInfo> headings;
  double pending_space = 0;  // space after the last block, collapsed with the next space before
  int next_band = 1;
  int untitled_chapters = 0;  // anchors named for chapters without a level-1 heading
  size_t chapter = 0;         // index of `doc` among the chapters
  std::vector<layout::StructElement> structure;  // the tagged PDF's elements
  int parent = -1;                               // the element new elements belong to
  doc::Position block_pos;                       // the block being laid out (StructElement::pos)
  bool predicting = false;  // predict_requests: no image is read, no request holding one is made
};

// A new structure element under the current parent.
int element(Ctx& c, std::string type, std::string alt = {}) {
  c.structure.push_back(layout::StructElement{
      std::move(type), c.parent, std::move(alt), {}, static_cast<int>(c.chapter), c.block_pos});
  return static_cast<int>(c.structure.size()) - 1;
}

// Makes `e` the parent of the elements made in this scope.
struct Within {
  Within(Ctx& c, int e) : c_(c), saved_(c.parent) { c.parent = e; }
  ~Within() { c_.parent = saved_; }
  Within(const Within&) = delete;
  Within& operator=(const Within&) = delete;
  Ctx& c_;
  int saved_;
};

// Brackets `items` as content of element `e`.
void tag_items(std::vector<layout::Item>& items, int e) {
  if (items.empty()) return;
  items.insert(items.begin(), layout::Tag{e, false});
  items.push_back(layout::Tag{e, true});
}

// Makes the inline elements of a paragraph's set lines (links, inline
// formulas and images, SetRequest::inline_tags) elements of Book::structure
// inside `owner`, nested as their markers are: a link over several lines is
// one element. Their markers then index Book::structure.
void adopt_inline(Ctx& c, std::vector<SetLine>& lines, int owner) {
  std::map<int, int> links;  // link of the paragraph -> its element
  for (SetLine& l : lines) {
    std::vector<int> made(l.elements.size(), -1);
    std::vector<int> open;  // elements whose begin marker was met on this line
    for (layout::Item& it : l.items) {
      auto* t = std::get_if<layout::Tag>(&it);
      if (!t) continue;
      const int k = t->element;
      t->element = -1;  // a marker no element claims is ignored
      if (owner < 0 || k < 0 || static_cast<size_t>(k) >= made.size()) continue;
      if (t->end) {
        if (!open.empty()) open.pop_back();
        t->element = made[static_cast<size_t>(k)];
        continue;
      }
      const InlineElement& ie = l.elements[static_cast<size_t>(k)];
      int& e = made[static_cast<size_t>(k)];
      if (auto found = links.find(ie.link); ie.link >= 0 && found != links.end()) e = found->second;
      if (e < 0) {
        Within in(c, open.empty() ? owner : open.back());
        e = element(c, ie.type, ie.alt);
        c.structure[static_cast<size_t>(e)].in_line = true;
        if (ie.link >= 0) links.emplace(ie.link, e);
      }
      open.push_back(e);
      t->element = e;
    }
    l.elements.clear();
  }
}

// Tags every box added to the vertical list since `start` as content of `e`.
void tag_from(Ctx& c, size_t start, int e) {
  auto& items = c.vb.items();
  for (size_t k = start; k < items.size(); ++k)
    if (auto* b = std::get_if<VBox>(&items[k])) tag_items(b->items, e);
}

double em(const Ctx& c, Role r) { return c.sheet.role(r).size; }

// Starts a block: a break point, then the larger of the previous block's
// space after and this block's space before.
void begin_block(Ctx& c, double space_before, int cost = 0) {
  c.vb.add_break(cost);
  c.vb.add_glue(c.vb.empty() ? 0 : std::max(c.pending_space, space_before));
  c.pending_space = 0;
}

void end_block(Ctx& c, double space_after) {
  c.pending_space = std::max(c.pending_space, space_after);
}

std::vector<VBox> boxes_of(std::vector<SetLine> lines, const style::RoleStyle& rs, double x,
                           const Frame& f) {
  std::vector<VBox> out;
  out.reserve(lines.size());
  for (SetLine& l : lines) {
    out.push_back(line_box(std::move(l), rs, x));
    for (const Band& b : f.bands) out.back().bands.push_back(b);
  }
  return out;
}

VBox empty_box(const style::RoleStyle& rs, const Frame& f) {
  SetLine none;
  std::vector<SetLine> one;
  one.push_back(std::move(none));
  return std::move(boxes_of(std::move(one), rs, f.left, f)[0]);
}

// `owner`: the element the paragraph's text belongs to, made before (its
// links and inline formulas become its children); -1 = none.
std::vector<VBox> set_paragraph(Ctx& c, const Frame& f, const std::vector<doc::Inline>& inlines,
                                Role role, double first_indent, style::Align align, bool bold,
                                int owner = -1) {
  const style::RoleStyle& rs = c.sheet.role(role);
  SetRequest req;
  req.inlines = &inlines;
  req.role = role;
  // A quote's margin is applied once by the quote container, not per paragraph.
  double margin = role == Role::Quote ? 0 : rs.margin_left;
  req.measure = std::max(1.0, f.measure - margin);
  req.first_indent = first_indent;
  req.align = align;
  req.bold = bold;
  req.path = c.doc->path;
  req.inline_tags = owner >= 0;
  auto lines = c.setter(req);
  adopt_inline(c, lines, owner);
  if (lines.empty()) lines.emplace_back();
  return boxes_of(std::move(lines), rs, f.left + margin, f);
}

void layout_block(Ctx& c, const Frame& f, const doc::Block& b);

void layout_children(Ctx& c, const Frame& f, const std::vector<doc::Block>& blocks) {
  for (const doc::Block& b : blocks) layout_block(c, f, b);
}

void paragraph(Ctx& c, const Frame& f, const std::vector<doc::Inline>& inlines,
               bool continues = false) {
  const style::RoleStyle& rs = c.sheet.role(f.role);
  begin_block(c, f.tight ? 0 : rs.space_before);
  // The rest of a sentence after a display formula is not a new paragraph: no indent.
  double indent = f.in_list || continues ? 0 : rs.indent;
  const int e = element(c, f.role == Role::Caption ? "Caption" : "P");
  auto boxes = set_paragraph(c, f, inlines, f.role, indent, rs.align, rs.bold, e);
  const size_t start = c.vb.items().size();
  c.vb.add_lines(std::move(boxes), c.sheet.paragraph.orphans, c.sheet.paragraph.widows);
  tag_from(c, start, e);
  end_block(c, f.tight ? 0 : rs.space_after);
}

// A display formula: centred on its own line (the setter draws it as one
// unbreakable object), its number "(3)" at the right margin, an anchor for
// \eqref links. A formula MathJax refused prints as its TeX in code style.
void display_math(Ctx& c, const Frame& f, const doc::Block& b) {
  const style::RoleStyle& rs = c.sheet.role(f.role);
  begin_block(c, std::max(rs.space_before, 0.5 * rs.size));
  std::vector<doc::Inline> inl(1);
  inl[0].kind = doc::InlineKind::Math;
  inl[0].display = true;
  inl[0].text = b.text;
  inl[0].pos = b.pos;
  double number_w = 0;
  std::vector<SetLine> number;
  if (!b.equation.empty()) {
    number = set_text(c.setter, "(" + b.equation + ")", f.role, kHuge);
    if (!number.empty()) number_w = number.front().width + rs.size;
  }
  SetRequest req;
  req.inlines = &inl;
  req.role = f.role;
  req.measure =
      std::max(1.0, f.measure - 2 * number_w);  // centred in the measure, clear of the number
  req.align = style::Align::Center;
  req.path = c.doc->path;
  auto lines = c.setter(req);
  if (lines.empty()) lines.emplace_back();
  if (!number.empty()) {
    SetLine& last = lines.back();  // the number sits on the formula's last line, as in TeX
    // Lines are shifted right by number_w below: this puts the number's end at the right margin.
    const double x = f.measure - number.front().width - number_w;
    for (layout::Item& it : number.front().items) {
      translate(it, x, 0);
      last.items.push_back(std::move(it));
    }
    last.ascent = std::max(last.ascent, number.front().ascent);
    last.descent = std::max(last.descent, number.front().descent);
  }
  auto boxes = boxes_of(std::move(lines), rs, f.left + number_w, f);
  if (!b.id.empty())
    boxes.front().items.push_back(layout::Anchor{b.id, layout::Point{0, -boxes.front().baseline}});
  const int formula = element(c, "Formula", b.text);
  for (VBox& box : boxes) tag_items(box.items, formula);
  c.vb.begin_keep_together();
  for (VBox& box : boxes) {
    c.vb.add_break(kForbid);
    c.vb.add_box(std::move(box));
  }
  c.vb.end_keep_together();
  end_block(c, std::max(rs.space_after, 0.5 * rs.size));
}

void heading(Ctx& c, const Frame& f, const doc::Block& b) {
  Role role = style::heading_role(b.level);
  const style::RoleStyle& rs = c.sheet.role(role);
  bool new_page =
      rs.page_break_before || (c.sheet.chapter.new_page && b.level == c.sheet.chapter.level);
  bool open_right = c.sheet.chapter.open_right && new_page && b.level == c.sheet.chapter.level;
  c.vb.add_break(new_page ? kForce : 0, open_right);
  begin_block(c, rs.space_before, new_page ? kForce : 0);
  style::Align align = rs.align == style::Align::Justify ? style::Align::Left : rs.align;
  std::vector<doc::Inline> shown;  // the number ("第一章 ") in front of the title
  if (!b.number_text.empty()) {
    doc::Inline number;
    number.pos = b.pos;
    number.text = doc::number_prefix(b.number_text);
    shown.push_back(std::move(number));
  }
  shown.insert(shown.end(), b.inlines.begin(), b.inlines.end());
  const int h = element(c, "H" + std::to_string(std::clamp(b.level, 1, 6)));
  auto boxes = set_paragraph(c, f, shown, role, 0, align, rs.bold, h);
  std::string title = doc::heading_title(b);
  VBox& first = boxes.front();
  if (!b.id.empty()) first.items.push_back(layout::Anchor{b.id, layout::Point{0, -first.baseline}});
  first.marks.push_back(Mark{b.level, title});
  c.headings.push_back(HeadingInfo{b.level, b.id, title});
  for (VBox& box : boxes) tag_items(box.items, h);
  c.vb.begin_keep_together();
  for (VBox& box : boxes) {
    c.vb.add_break(kForbid);
    c.vb.add_box(std::move(box));
  }
  c.vb.end_keep_together();
  c.vb.keep_next(2);  // never the last thing on a page: kept with the next two lines
  end_block(c, rs.space_after);
}

// Splits one unwrapped code line at character (cluster) boundaries so that
// every piece fits `width` with room for the continuation mark.
std::vector<SetLine> wrap_code(SetLine line, double width) {
  std::vector<SetLine> out;
  if (line.width <= width + 1e-6) {
    out.push_back(std::move(line));
    return out;
  }
  // Cut positions: x where each piece starts.
  struct G {
    size_t run, glyph;
    double x, adv;
    bool cluster_start;
  };
  std::vector<G> gs;
  std::vector<const layout::GlyphRun*> runs;
  for (const auto& it : line.items) {
    if (auto* r = std::get_if<layout::GlyphRun>(&it)) {
      double x = r->origin.x;
      for (size_t k = 0; k < r->glyphs.size(); ++k) {
        bool start = k == 0 || r->glyphs[k].cluster != r->glyphs[k - 1].cluster;
        gs.push_back(G{runs.size(), k, x, r->glyphs[k].advance, start});
        x += r->glyphs[k].advance;
      }
      runs.push_back(r);
    }
  }
  std::stable_sort(gs.begin(), gs.end(), [](const G& a, const G& b) { return a.x < b.x; });
  std::vector<size_t> cuts{0};  // indexes into gs where a piece starts
  double piece_x = gs.empty() ? 0 : gs[0].x;
  for (size_t k = 0; k < gs.size(); ++k) {
    if (k > cuts.back() && gs[k].cluster_start && gs[k].x + gs[k].adv - piece_x > width) {
      cuts.push_back(k);
      piece_x = gs[k].x;
    }
  }
  for (size_t p = 0; p < cuts.size(); ++p) {
    size_t from = cuts[p], to = p + 1 < cuts.size() ? cuts[p + 1] : gs.size();
    SetLine piece;
    piece.ascent = line.ascent;
    piece.descent = line.descent;
    double x0 = gs[from].x;
    double x1 = x0;
    // Rebuild runs from the glyphs of this piece, run by run, in order.
    for (size_t ri = 0; ri < runs.size(); ++ri) {
      const layout::GlyphRun& r = *runs[ri];
      size_t first = SIZE_MAX, last = 0;
      for (size_t k = from; k < to; ++k) {
        if (gs[k].run != ri) continue;
        first = std::min(first, gs[k].glyph);
        last = std::max(last, gs[k].glyph);
      }
      if (first == SIZE_MAX) continue;
      layout::GlyphRun nr = r;
      nr.glyphs.assign(r.glyphs.begin() + static_cast<long>(first),
                       r.glyphs.begin() + static_cast<long>(last) + 1);
      uint32_t c0 = nr.glyphs.front().cluster;
      uint32_t c1 = last + 1 < r.glyphs.size() ? r.glyphs[last + 1].cluster
                                               : static_cast<uint32_t>(r.text.size());
      if (c1 < c0) c1 = static_cast<uint32_t>(r.text.size());
      nr.text = r.text.substr(std::min<size_t>(c0, r.text.size()), c1 - c0);
      for (auto& g : nr.glyphs) g.cluster -= c0;
      double ox = r.origin.x;
      for (size_t k = 0; k < first; ++k) ox += r.glyphs[k].advance;
      nr.origin.x = ox - x0;
      double adv = 0;
      for (const auto& g : nr.glyphs) adv += g.advance;
      x1 = std::max(x1, ox + adv);
      piece.items.push_back(std::move(nr));
    }
    piece.width = x1 - x0;
    out.push_back(std::move(piece));
  }
  return out;
}

// A hooked arrow (↩) drawn with rules at the end of a wrapped code line.
void continuation_mark(VBox& box, double right, double size) {
  double w = 0.6 * size, h = 0.45 * size;
  double x1 = right, x0 = right - w;
  double ytop = -0.7 * size, ybot = ytop + h;
  layout::Color c = kRuleGray;
  box.items.push_back(layout::Rule{{x1, ytop}, {x1, ybot}, 0.6, c});
  box.items.push_back(layout::Rule{{x1, ybot}, {x0, ybot}, 0.6, c});
  box.items.push_back(layout::Rule{{x0, ybot}, {x0 + 0.2 * size, ybot - 0.15 * size}, 0.6, c});
  box.items.push_back(layout::Rule{{x0, ybot}, {x0 + 0.2 * size, ybot + 0.15 * size}, 0.6, c});
}

// One source line of a code block, tabs expanded, with the highlighting
// classes of its byte ranges (offsets into `text`).
struct CodeLine {
  std::string text;
  std::vector<doc::CodeSpan> spans;
};

// Appends `piece` with tabs expanded to 4-column stops; `col` counts columns.
void append_expanded(std::string_view piece, size_t& col, std::string& out) {
  size_t i = 0;
  while (i < piece.size()) {
    unsigned char ch = static_cast<unsigned char>(piece[i]);
    if (ch == '\t') {
      size_t n = 4 - col % 4;
      out.append(n, ' ');
      col += n;
      ++i;
      continue;
    }
    if (ch == '\r') {
      ++i;
      continue;
    }
    size_t start = i;
    base::next_code_point(piece, i);
    out.append(piece.substr(start, i - start));
    ++col;
  }
}

// Splits a code block into lines, carrying its highlighting spans (which
// never cross a newline) over to the tab-expanded text.
std::vector<CodeLine> code_lines(const doc::Block& b) {
  std::vector<CodeLine> out;
  std::string_view text = b.text;
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  size_t next = 0;
  size_t pos = 0;
  while (true) {
    size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    CodeLine line;
    size_t col = 0, at = pos;
    while (next < b.spans.size() && b.spans[next].begin < end) {
      const doc::CodeSpan& sp = b.spans[next++];
      if (sp.begin < at || sp.end > end) continue;  // malformed: stays plain
      append_expanded(text.substr(at, sp.begin - at), col, line.text);
      const auto from = static_cast<uint32_t>(line.text.size());
      append_expanded(text.substr(sp.begin, sp.end - sp.begin), col, line.text);
      line.spans.push_back(doc::CodeSpan{from, static_cast<uint32_t>(line.text.size()), sp.cls});
      at = sp.end;
    }
    append_expanded(text.substr(at, end - at), col, line.text);
    out.push_back(std::move(line));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

// The inlines and colours that set one highlighted code line: one Text
// inline per piece, inside Strong/Emphasis where the palette says bold or
// italic (the code font's bold/italic face, or synthetic), one colour range
// per token.
void code_request(const CodeLine& line, const doc::Block& b, const style::CodeStyle& palette,
                  std::vector<doc::Inline>& inlines, SetRequest& req) {
  auto piece = [&](uint32_t from, uint32_t to, doc::TokenClass cls) {
    if (from >= to) return;
    doc::Inline text;
    text.kind = doc::InlineKind::Text;
    text.text = line.text.substr(from, to - from);
    text.pos = b.pos;
    const style::TokenStyle& ts = palette.token(cls);
    if (ts.italic) {
      doc::Inline em;
      em.kind = doc::InlineKind::Emphasis;
      em.children.push_back(std::move(text));
      text = std::move(em);
    }
    if (ts.bold) {
      doc::Inline strong;
      strong.kind = doc::InlineKind::Strong;
      strong.children.push_back(std::move(text));
      text = std::move(strong);
    }
    inlines.push_back(std::move(text));
    if (cls != doc::TokenClass::Text)
      req.colors.push_back(TextColor{from, to, to_layout(ts.color)});
  };
  uint32_t at = 0;
  for (const doc::CodeSpan& sp : line.spans) {
    piece(at, sp.begin, doc::TokenClass::Text);
    piece(sp.begin, sp.end, sp.cls);
    at = sp.end;
  }
  piece(at, static_cast<uint32_t>(line.text.size()), doc::TokenClass::Text);
  req.text_color = to_layout(palette.token(doc::TokenClass::Text).color);
}

std::string decimal(size_t n) { return std::to_string(n); }

// Sets a string in the code role, one line, in `color`.
SetLine set_code_string(Ctx& c, const std::string& s, layout::Color color) {
  std::vector<doc::Inline> inl(1);
  inl[0].kind = doc::InlineKind::Text;
  inl[0].text = s;
  SetRequest req;
  req.inlines = &inl;
  req.role = Role::Code;
  req.measure = kHuge;
  req.align = style::Align::Left;
  req.nowrap = true;
  req.path = c.doc->path;
  req.text_color = color;
  std::vector<SetLine> set = s.empty() ? std::vector<SetLine>{} : c.setter(req);
  if (set.empty()) set.emplace_back();
  return std::move(set.front());
}

void shift_items(SetLine& line, double dx) {
  for (auto& it : line.items) translate(it, dx, 0);
}

// The fence's title="…" as a small bar above the block, kept with its first lines.
void code_title(Ctx& c, const doc::Block& b, const Frame& f, double left, double measure,
                double pad) {
  const style::RoleStyle& rs = c.sheet.role(Role::Code);
  const style::CodeStyle& palette = c.sheet.code;
  SetLine title =
      set_code_string(c, b.title, to_layout(palette.token(doc::TokenClass::Text).color));
  auto pieces = wrap_code(std::move(title), std::max(2 * rs.size, measure - 2 * pad));
  bool first = true;
  for (SetLine& l : pieces) {
    std::vector<SetLine> one;
    one.push_back(std::move(l));
    VBox box = std::move(boxes_of(std::move(one), rs, left + pad, f)[0]);
    const double extra = first ? pad / 2 : 0;  // a little air above the first line
    box.height += extra;
    box.baseline += extra;
    box.items.insert(box.items.begin(),
                     layout::Rect{layout::Box{left, -box.baseline, measure, box.height},
                                  to_layout(palette.title_background)});
    if (!first) c.vb.add_break(kForbid);
    c.vb.add_box(std::move(box));
    first = false;
  }
  c.vb.keep_next(2);
}

void code_block(Ctx& c, const Frame& f, const doc::Block& b) {
  const style::RoleStyle& rs = c.sheet.role(Role::Code);
  const style::CodeStyle& palette = c.sheet.code;
  double size = rs.size;
  double pad = 0.5 * size;
  double left = f.left + rs.margin_left;
  double measure = std::max(4 * size, f.measure - rs.margin_left);
  double mark_w = 1.0 * size;
  Band shade{c.next_band++, Band::Kind::Shade, left, measure, to_layout(palette.background), pad};
  Frame inner = f;
  inner.bands.push_back(shade);

  const std::vector<CodeLine> lines = code_lines(b);
  // The line-number gutter: as wide as the largest number plus one em.
  const layout::Color number_color = to_layout(palette.line_number);
  double gutter = 0;
  if (palette.line_numbers)
    gutter = set_code_string(c, decimal(lines.size()), number_color).width + size;
  double text_w = std::max(2 * size, measure - 2 * pad - mark_w - gutter);

  std::vector<VBox> boxes;
  for (size_t n = 0; n < lines.size(); ++n) {
    const CodeLine& line = lines[n];
    std::vector<doc::Inline> inl;
    SetRequest req;
    code_request(line, b, palette, inl, req);
    req.inlines = &inl;
    req.role = Role::Code;
    req.measure = kHuge;
    req.align = style::Align::Left;
    req.bold = rs.bold;
    req.nowrap = true;
    req.path = c.doc->path;
    std::vector<SetLine> set = line.text.empty() ? std::vector<SetLine>{} : c.setter(req);
    if (set.empty()) set.emplace_back();
    for (SetLine& l : set) {
      auto pieces = wrap_code(std::move(l), text_w);
      for (size_t k = 0; k < pieces.size(); ++k) {
        SetLine& piece = pieces[k];
        if (gutter > 0) {
          shift_items(piece, gutter);
          if (k == 0) {
            SetLine number = set_code_string(c, decimal(n + 1), number_color);
            shift_items(number, gutter - 0.6 * size - number.width);
            for (auto& it : number.items) piece.items.push_back(std::move(it));
            piece.ascent = std::max(piece.ascent, number.ascent);
            piece.descent = std::max(piece.descent, number.descent);
          }
        }
        std::vector<SetLine> one;
        one.push_back(std::move(piece));
        VBox box = std::move(boxes_of(std::move(one), rs, left + pad, inner)[0]);
        if (k + 1 < pieces.size()) continuation_mark(box, left + measure - pad, size);
        boxes.push_back(std::move(box));
      }
    }
  }
  const int title = b.title.empty() ? -1 : element(c, "Caption");  // read before the code
  const int code = element(c, "Code");
  for (VBox& box : boxes) tag_items(box.items, code);
  if (!b.title.empty()) {
    begin_block(c, rs.space_before);
    const size_t start = c.vb.items().size();
    code_title(c, b, f, left, measure, pad);
    tag_from(c, start, title);
    c.vb.add_glue(pad);
  } else {
    begin_block(c, rs.space_before + pad);
  }
  c.vb.add_lines(std::move(boxes), c.sheet.paragraph.orphans, c.sheet.paragraph.widows);
  end_block(c, rs.space_after + pad);
}

void thematic_break(Ctx& c, const Frame& f) {
  const style::RoleStyle& rs = c.sheet.role(f.role);
  begin_block(c, rs.space_before);
  VBox box;
  box.height = rs.leading;
  box.baseline = rs.leading / 2;
  box.items.push_back(
      layout::Rule{{f.left + 0.3 * f.measure, 0}, {f.left + 0.7 * f.measure, 0}, 0.5, kRuleGray});
  box.bands = f.bands;
  c.vb.add_box(std::move(box));
  end_block(c, rs.space_after);
}

void add_items(VBox& box, std::vector<layout::Item> items, double dx, double dy) {
  for (auto& it : items) {
    translate(it, dx, dy);
    box.items.push_back(std::move(it));
  }
}

// How far a nested container may indent: deep nesting stops indenting once
// the measure would drop below 40% of the text width (or 8 em), so text
// never leaves the type area.
double nest(const Ctx& c, const Frame& f, double indent) {
  double min_measure = std::max(8 * c.sheet.role(Role::Body).size, 0.4 * c.sheet.text_width());
  return f.measure - indent >= min_measure ? indent : 0;
}

// Finds the first box added at or after `index` of the vertical list.
VBox* first_box_from(Ctx& c, size_t index) {
  auto& items = c.vb.items();
  for (size_t k = index; k < items.size(); ++k)
    if (auto* b = std::get_if<VBox>(&items[k])) return b;
  return nullptr;
}

void checkbox(VBox& box, double right, double size, bool checked) {
  double s = 0.7 * size;
  double x1 = right, x0 = right - s, y1 = 0.05 * size, y0 = y1 - s;
  layout::Color k{0, 0, 0};
  box.items.push_back(layout::Rule{{x0, y0}, {x1, y0}, 0.6, k});
  box.items.push_back(layout::Rule{{x1, y0}, {x1, y1}, 0.6, k});
  box.items.push_back(layout::Rule{{x1, y1}, {x0, y1}, 0.6, k});
  box.items.push_back(layout::Rule{{x0, y1}, {x0, y0}, 0.6, k});
  if (checked) {
    box.items.push_back(
        layout::Rule{{x0 + 0.2 * s, y0 + 0.5 * s}, {x0 + 0.42 * s, y0 + 0.78 * s}, 1.0, k});
    box.items.push_back(
        layout::Rule{{x0 + 0.42 * s, y0 + 0.78 * s}, {x0 + 0.85 * s, y0 + 0.2 * s}, 1.0, k});
  }
}

// One list item or note: children indented by `indent`, the marker hanging
// in front of the first line, right-aligned `gap` before the text.
// `note`: a footnote (a Note holding its label and paragraphs), else a list
// item (an LI holding Lbl and LBody).
void hanging_item(Ctx& c, const Frame& f, const std::vector<doc::Block>& children, double indent,
                  const std::string& marker, doc::TaskState task, Frame inner,
                  const std::string& anchor, bool note = false) {
  // Made in reading order (the PDF lists siblings in the order they are made).
  const int container = element(c, note ? "Note" : "LI");
  int label = -1, body = container;
  {
    Within in(c, container);
    label = element(c, "Lbl");
    if (!note) body = element(c, "LBody");
  }
  Within in(c, body);
  const style::RoleStyle& rs = c.sheet.role(f.role);
  double size = rs.size;
  double gap = 0.5 * size;
  indent = nest(c, f, indent);
  inner.left = f.left + indent;
  inner.measure = std::max(2 * size, f.measure - indent);
  size_t start = c.vb.items().size();
  if (children.empty()) {
    begin_block(c, 0);
    c.vb.add_box(empty_box(rs, inner));
    tag_from(c, c.vb.items().size() - 1, element(c, "P"));
  } else {
    layout_children(c, inner, children);
  }
  VBox* first = first_box_from(c, start);
  if (!first) return;
  double right = inner.left - gap;
  VBox mark;
  if (task != doc::TaskState::None) {
    checkbox(mark, right, size, task == doc::TaskState::Checked);
    c.structure[label].actual = task == doc::TaskState::Checked ? "[x]" : "[ ]";
  } else if (!marker.empty()) {
    auto lines = set_text(c.setter, marker, f.role, kHuge, style::Align::Left);
    if (!lines.empty()) add_items(mark, std::move(lines[0].items), right - lines[0].width, 0);
  }
  tag_items(mark.items, label);
  for (auto& it : mark.items) first->items.push_back(std::move(it));
  if (!anchor.empty())
    first->items.push_back(layout::Anchor{anchor, layout::Point{0, -first->baseline}});
}

void list(Ctx& c, const Frame& f, const doc::Block& b) {
  const style::RoleStyle& rs = c.sheet.role(f.role);
  double size = rs.size;
  double indent = 2 * size;
  if (b.ordered) {
    int last = b.start + static_cast<int>(b.children.size()) - 1;
    auto widest = set_text(c.setter, std::to_string(std::max(last, b.start)) + ".", f.role, kHuge);
    if (!widest.empty()) indent = std::max(indent, widest[0].width + 0.5 * size);
  }
  begin_block(c, f.in_list ? 0 : rs.space_before);
  Within in(c, element(c, "L"));
  static const char* const kBullets[] = {"\u2022", "\u25E6", "\u25AA"};
  int n = b.start;
  for (const doc::Block& item : b.children) {
    Frame inner = f;
    inner.in_list = true;
    inner.tight = b.tight;
    inner.list_depth = f.list_depth + 1;
    std::string marker = b.ordered ? std::to_string(n) + "." : kBullets[f.list_depth % 3];
    if (!b.tight) c.pending_space = std::max(c.pending_space, rs.space_after);
    hanging_item(c, f, item.children, indent, marker, item.task, inner, "");
    ++n;
  }
  end_block(c, f.in_list ? 0 : rs.space_after);
}

void quote(Ctx& c, const Frame& f, const doc::Block& b) {
  const style::RoleStyle& rs = c.sheet.role(Role::Quote);
  double size = rs.size;
  begin_block(c, rs.space_before);
  Frame inner = f;
  inner.role = Role::Quote;
  inner.tight = false;
  inner.in_list = false;
  double indent = nest(c, f, rs.margin_left > 0.8 * size ? rs.margin_left : 1.5 * size);
  inner.bands.push_back(
      Band{c.next_band++, Band::Kind::Rule, f.left + 0.4 * size, 1.2, kRuleGray, 0.2 * size});
  inner.left = f.left + indent;
  inner.measure = std::max(2 * size, f.measure - indent);
  Within in(c, element(c, "BlockQuote"));
  layout_children(c, inner, b.children);
  end_block(c, rs.space_after);
}

// "#rrggbb" of a colour, for a Color inline around a callout title.
std::string css_hex(const style::Color& c) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "#";
  for (double v : {c.r, c.g, c.b}) {
    const int n = std::clamp(static_cast<int>(std::lround(v * 255)), 0, 255);
    out += kDigits[n >> 4];
    out += kDigits[n & 15];
  }
  return out;
}

// A callout: a bar in its family's colour down the left (and a tint of it
// behind, callout.tint), the title bold in that colour, then the content.
// Bands are per page fragment, so a long callout breaks across pages with
// its frame on each. A content tab prints as its label over a grey bar.
void callout(Ctx& c, const Frame& f, const doc::Block& b) {
  const style::RoleStyle& rs = c.sheet.role(f.role);
  const double size = rs.size;
  const bool tab = b.info == "tab";
  const std::string_view family = doc::callout_family(b.info);
  const style::Color ink = tab ? style::Color{0.45, 0.45, 0.45} : c.sheet.callout.color(family);
  const double bar = tab ? 1.2 : 2.5;
  const double pad = 0.75 * size;
  begin_block(c, std::max(rs.space_before, 0.6 * size));
  Frame inner = f;
  inner.tight = false;
  inner.in_list = true;  // no first-line indent inside the box
  if (!tab && c.sheet.callout.tint)
    inner.bands.push_back(Band{c.next_band++, Band::Kind::Shade, f.left, f.measure,
                               to_layout(c.sheet.callout.tint_color(family)), 0.4 * size});
  inner.bands.push_back(
      Band{c.next_band++, Band::Kind::Rule, f.left + bar / 2, bar, to_layout(ink), 0.4 * size});
  inner.left = f.left + bar + pad;
  inner.measure = std::max(2 * size, f.measure - bar - 2 * pad);
  const std::string title = doc::callout_title(b, c.doc->meta.lang);
  if (!title.empty()) {
    std::vector<doc::Inline> inl(1);
    inl[0].kind = doc::InlineKind::Color;
    inl[0].text = css_hex(ink);
    inl[0].pos = b.pos;
    inl[0].children.resize(1);
    inl[0].children[0].text = title;
    inl[0].children[0].pos = b.pos;
    const int e = element(c, "P");
    auto boxes = set_paragraph(c, inner, inl, f.role, 0, style::Align::Left, true, e);
    const size_t start = c.vb.items().size();
    c.vb.add_lines(std::move(boxes), c.sheet.paragraph.orphans, c.sheet.paragraph.widows);
    tag_from(c, start, e);
    c.vb.keep_next(2);  // never a title alone at a page bottom
  }
  layout_children(c, inner, b.children);
  if (b.children.empty() && title.empty()) c.vb.add_box(empty_box(rs, inner));
  end_block(c, std::max(rs.space_after, 0.6 * size));
}

// ---- Tables (CSS automatic table layout, issue 15).

// Column widths of CSS automatic table layout: every column gets its
// min-content width (its widest unbreakable piece) and what is left of the
// measure is shared in proportion to how much wider each would like to be
// (up to its max-content width). Widths include the cell padding.
// A column whose widest line is within an equal share of the measure keeps
// it (a narrow header such as 上下文 never wraps beside a wide prose column).
std::vector<double> auto_widths(std::span<const double> min, std::span<const double> max,
                                double measure) {
  const size_t n = min.size();
  double smin = 0, smax = 0;
  for (size_t k = 0; k < n; ++k) smin += min[k], smax += max[k];
  if (smax <= measure) return {max.begin(), max.end()};
  std::vector<double> w(min.begin(), min.end());
  if (smin >= measure) return w;
  std::vector<bool> fixed(n, false);
  double room = measure, lo = 0, hi = 0;  // what the other columns share
  for (size_t k = 0; k < n; ++k) {
    fixed[k] = max[k] <= measure / static_cast<double>(n);
    if (fixed[k]) room -= w[k] = max[k];
    else lo += min[k], hi += max[k];
  }
  if (room < lo) {  // the narrow columns at full width leave too little: plain CSS sharing
    std::fill(fixed.begin(), fixed.end(), false);
    w.assign(min.begin(), min.end());
    room = measure, lo = smin, hi = smax;
  }
  const double share = hi - lo > 0 ? (room - lo) / (hi - lo) : 0;
  for (size_t k = 0; k < n; ++k)
    if (!fixed[k]) w[k] = min[k] + (max[k] - min[k]) * share;
  return w;
}

// The setter's request for one cell.
SetRequest cell_request(const Ctx& c, const doc::Block& b, size_t row, size_t col, double measure,
                        double size) {
  SetRequest req;
  req.inlines = &b.rows[row].cells[col].inlines;
  req.role = Role::Table;
  req.measure = measure;
  doc::Align a = col < b.aligns.size() ? b.aligns[col] : doc::Align::None;
  req.align = a == doc::Align::Center  ? style::Align::Center
              : a == doc::Align::Right ? style::Align::Right
                                       : style::Align::Left;
  req.bold = b.rows[row].header;
  req.size = size;
  req.path = c.doc->path;
  return req;
}

// One table (or one group of a table's columns) at `scale` of the table
// type size: header rows repeated on every page the table continues on,
// body rows one box per line so that a row taller than a page splits between
// its lines (only there: those breaks cost kForbid), a closing rule at the
// bottom of every page the table breaks on.
void table_part(Ctx& c, const Frame& f, const doc::Block& b, std::span<const size_t> columns,
                std::span<const double> widths, double scale) {
  const style::RoleStyle& rs = c.sheet.role(Role::Table);
  const double size = rs.size * scale;
  const double padx = 0.4 * size, pady = 0.25 * size;
  double table_w = 0;
  for (double w : widths) table_w += w;
  const VBox one = empty_box(rs, f);  // metrics of one line at the table size
  const double lead = one.height * scale, base = one.baseline * scale;
  const layout::Color black{0, 0, 0};
  auto rule = [&](double y, double width) {
    return layout::Rule{{f.left, y}, {f.left + table_w, y}, width, black};
  };
  begin_block(c, rs.space_before);
  Within in_table(c, element(c, "Table"));
  bool prev_header = false, first_box = true, warned_tall_header = false;
  // The header rows stacked into one box (with their rules), repeated by the
  // page builder at the top of every page the table continues on.
  VBox head;
  std::shared_ptr<const VBox> repeat;
  for (size_t ri = 0; ri < b.rows.size(); ++ri) {
    const doc::TableRow& row = b.rows[ri];
    const bool last_row = ri + 1 == b.rows.size();
    // The row and its cells in the tagged PDF; a cell's lines in every slice are its content.
    const int tr = element(c, "TR");
    std::vector<int> cell_tags(columns.size(), -1);
    for (size_t k = 0; k < columns.size(); ++k) {
      if (columns[k] >= row.cells.size()) continue;
      Within in_row(c, tr);
      cell_tags[k] = element(c, row.header ? "TH" : "TD");
    }
    std::vector<std::vector<SetLine>> cells(columns.size());
    size_t nlines = 1;
    std::vector<double> xs(columns.size());
    double x = 0;
    for (size_t k = 0; k < columns.size(); ++k) {
      xs[k] = x;
      x += widths[k];
      if (columns[k] >= row.cells.size()) continue;
      SetRequest req = cell_request(c, b, ri, columns[k], std::max(1.0, widths[k] - 2 * padx),
                                    scale < 1 ? size : 0);
      req.inline_tags = true;
      cells[k] = c.setter(req);
      adopt_inline(c, cells[k], cell_tags[k]);
      nlines = std::max(nlines, cells[k].size());
    }
    // Header rows: one box, repeated; but a header taller than half the
    // type area is set as body rows are (it could not be repeated, and a
    // whole page could not hold it).
    const bool header = row.header && head.height + static_cast<double>(nlines) * lead + 2 * pady <=
                                          c.sheet.text_height() / 2;
    if (row.header && !header && !warned_tall_header) {
      c.diags.warn(c.doc->path, b.pos,
                   "table header row taller than half the page: set as a body row, not repeated "
                   "on the pages the table continues on");
      warned_tall_header = true;
    }
    // Header rows: one box. Body rows: one box per line (slice).
    const size_t slices = header ? 1 : nlines;
    for (size_t si = 0; si < slices; ++si) {
      const size_t from = header ? 0 : si, to = header ? nlines : si + 1;
      VBox box;
      const double top_pad = si == 0 ? pady : 0, bottom_pad = si + 1 == slices ? pady : 0;
      box.height = static_cast<double>(to - from) * lead + top_pad + bottom_pad;
      box.baseline = top_pad + base;
      box.bands = f.bands;
      for (size_t k = 0; k < columns.size(); ++k) {
        if (cell_tags[k] < 0) continue;
        box.items.push_back(layout::Tag{cell_tags[k], false});
        for (size_t li = from; li < to && li < cells[k].size(); ++li)
          add_items(box, std::move(cells[k][li].items), f.left + xs[k] + padx,
                    static_cast<double>(li - from) * lead);
        box.items.push_back(layout::Tag{cell_tags[k], true});
      }
      const double top = -box.baseline, bottom = box.height - box.baseline;
      if (first_box) box.items.push_back(rule(top, 0.8));
      if (si + 1 == slices && (header || last_row))
        box.items.push_back(rule(bottom, header ? 0.5 : 0.8));
      else if (!header) box.close.push_back(rule(bottom, 0.8));  // drawn if the page ends here
      first_box = false;
      if (header) {
        if (head.items.empty() && head.height == 0) {
          head.baseline = box.baseline;
          head.bands = box.bands;
        }
        for (const layout::Item& it : box.items) {
          head.items.push_back(it);
          translate(head.items.back(), 0, head.height + box.baseline - head.baseline);
        }
        head.height += box.height;
      } else if (head.height > 0) {
        if (!repeat) repeat = std::make_shared<const VBox>(head);
        box.repeat = repeat;
      }
      // Never a break right after a header row; inside a row only when the
      // row cannot go whole on a page.
      if (si > 0) c.vb.add_break(kForbid);
      else if (ri > 0) c.vb.add_break(prev_header ? kForbid : 0);
      c.vb.add_box(std::move(box));
    }
    prev_header = header;
  }
  end_block(c, rs.space_after);
}

// An item of a table set on a sideways page, moved into a box of height
// `across` whose items are turned about (0, across): drawn items keep their
// unturned coordinates, undrawn ones (link areas, anchors) are given where
// they land once turned.
void turn_into_box(layout::Item& it, double across) {
  if (auto* a = std::get_if<layout::Anchor>(&it)) {
    a->at = {a->at.y, across - a->at.x};
  } else if (auto* l = std::get_if<layout::LinkArea>(&it)) {
    const layout::Box b = l->box;
    l->box = {b.y, across - b.x - b.width, b.height, b.width};
  } else {
    translate(it, 0, across);
  }
}

// The last resort before column groups: the table set on pages of its own,
// turned a quarter turn (landscape, its top toward the page's left edge), when
// its columns fit the type area's height at `table.shrink` and it sits in no
// container. Returns false when it does not fit that way either.
bool turned_table(Ctx& c, const Frame& f, const doc::Block& b, std::span<const double> minw,
                  std::span<const double> maxw, double pad, double min_scale) {
  if (f.left != 0 || !f.bands.empty() || f.in_list) return false;
  const TypeArea area = type_area(c.sheet.page, true);
  const double across = area.height, down = area.width;
  double smin = 0;
  for (double w : minw) smin += w + pad;
  const double scale = smin <= across ? 1.0 : std::max(min_scale, across / smin);
  if (smin * scale > across + 1e-6) return false;
  std::vector<double> lo, hi;
  std::vector<size_t> columns;
  for (size_t k = 0; k < minw.size(); ++k) {
    lo.push_back((minw[k] + pad) * scale);
    hi.push_back(std::max(lo.back(), (maxw[k] + pad) * scale));
    columns.push_back(k);
  }
  Frame sideways = f;
  sideways.measure = across;
  VListBuilder outer = std::move(c.vb);
  c.vb = VListBuilder{};
  const double pending = c.pending_space;
  c.pending_space = 0;
  table_part(c, sideways, b, columns, auto_widths(lo, hi, across), scale);
  std::vector<VItem> list = c.vb.take();
  c.vb = std::move(outer);
  c.pending_space = pending;
  style::PageStyle page;  // the type area turned, without margins
  page.width = across;
  page.height = down;
  page.top = page.bottom = page.inner = page.outer = 0;
  PageBuild turned = build_pages(std::move(list), page, true);
  c.diags.warn(c.doc->path, b.pos,
               "table of " + std::to_string(minw.size()) +
                   " columns does not fit the page width even at " +
                   std::to_string(static_cast<int>(std::lround(min_scale * 100))) +
                   "% type (table.shrink): set turned (landscape) on " +
                   std::to_string(turned.pages.size()) + " page(s) of its own");
  c.vb.add_break(kForce);
  for (layout::Page& p : turned.pages) {
    VBox box;
    box.height = across;
    box.items.push_back(layout::Turn{{0, across}, false});
    for (layout::Item& it : p.items) {
      turn_into_box(it, across);
      box.items.push_back(std::move(it));
    }
    box.items.push_back(layout::Turn{{}, true});
    c.vb.add_box(std::move(box));
    c.vb.add_break(kForce);
  }
  return true;
}

// A table: automatic column widths; when even the columns' minimum widths do
// not fit, smaller type down to `table.shrink`; below that, the table turned
// on landscape pages of its own (turned_table); when even that is too narrow,
// the columns are split into groups set one after another (the first column
// repeated when it is narrow), each within the measure. Nothing is ever drawn over a
// neighbouring cell: a column wider than the measure gets the measure, and
// its content breaks at emergency points (warned by the line breaker).
// A table's caption with its number ("表 2-1 结果"), in the caption style,
// above the table (kept with its first row) or below it as
// numbering.table-caption says; it carries the table's anchor.
void table_caption(Ctx& c, const Frame& f, const doc::Block& b, bool above) {
  const std::string text = doc::numbered(b.number_text, b.title);
  if (text.empty()) return;
  const style::RoleStyle& cap = c.sheet.role(Role::Caption);
  Frame g = f;
  g.role = Role::Caption;
  std::vector<doc::Inline> inl(1);
  inl[0].text = text;
  inl[0].pos = b.pos;
  auto boxes = set_paragraph(c, g, inl, Role::Caption, 0, cap.align, cap.bold);
  if (boxes.empty()) return;
  if (!b.id.empty())
    boxes.front().items.push_back(
        layout::Anchor{b.id, layout::Point{0, -boxes.front().baseline}});  // [](#tbl:x)
  if (above) begin_block(c, c.sheet.role(Role::Table).space_before);
  else {
    c.vb.keep_next(1);
    c.vb.add_glue(cap.space_before);
  }
  const size_t start = c.vb.items().size();
  c.vb.add_lines(std::move(boxes), c.sheet.paragraph.orphans, c.sheet.paragraph.widows);
  tag_from(c, start, element(c, "Caption"));
  if (above) {
    c.vb.keep_next(2);  // never alone at a page foot: with the table's first rows
    c.pending_space = cap.space_before;
  } else {
    end_block(c, std::max(cap.space_after, c.sheet.role(Role::Table).space_after));
  }
}

void table(Ctx& c, const Frame& f, const doc::Block& b) {
  const style::RoleStyle& rs = c.sheet.role(Role::Table);
  size_t cols = 0;
  for (const auto& r : b.rows) cols = std::max(cols, r.cells.size());
  if (cols == 0) return;
  const bool caption_above = c.sheet.numbering.table_caption_above;
  if (caption_above) table_caption(c, f, b, true);
  const double size = rs.size, pad = 0.8 * size;
  std::vector<double> maxw(cols, size), minw(cols, size);  // content widths at the table size
  for (size_t ri = 0; ri < b.rows.size(); ++ri)
    for (size_t k = 0; k < b.rows[ri].cells.size(); ++k) {
      SetRequest req = cell_request(c, b, ri, k, kHuge, 0);
      for (const SetLine& l : c.setter(req)) maxw[k] = std::max(maxw[k], l.width);
      req.min_content = true;
      for (const SetLine& l : c.setter(req)) minw[k] = std::max(minw[k], l.width);
    }
  for (size_t k = 0; k < cols; ++k) minw[k] = std::min(minw[k], maxw[k]);
  double smin = 0;
  for (double w : minw) smin += w + pad;
  // Type and padding scale together, so the widths do too.
  const double min_scale = std::min(1.0, c.sheet.table.shrink);
  const double scale = smin <= f.measure ? 1.0 : std::max(min_scale, f.measure / smin);
  auto scaled_widths = [&](std::span<const size_t> group) {
    std::vector<double> lo, hi;
    for (size_t k : group) {
      lo.push_back(std::min(f.measure, (minw[k] + pad) * scale));
      hi.push_back(std::max(lo.back(), (maxw[k] + pad) * scale));
    }
    return auto_widths(lo, hi, f.measure);
  };
  std::vector<std::vector<size_t>> groups(1);
  double used = 0;
  const bool repeat_first = (minw[0] + pad) * scale <= f.measure / 4;
  for (size_t k = 0; k < cols; ++k) {
    const double w = std::min(f.measure, (minw[k] + pad) * scale);
    if (!groups.back().empty() && used + w > f.measure + 1e-6) {
      groups.emplace_back();
      used = 0;
      if (repeat_first && k > 0) {
        groups.back().push_back(0);
        used = (minw[0] + pad) * scale;
      }
    }
    groups.back().push_back(k);
    used += w;
  }
  if (groups.size() > 1 && turned_table(c, f, b, minw, maxw, pad, min_scale)) return;
  if (groups.size() > 1) {
    std::string parts;
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const auto& g = groups[gi];
      const size_t first =
          gi > 0 && repeat_first && g.size() > 1 ? g[1] : g[0];  // not the repeated column
      parts += (gi ? ", " : "") + std::to_string(first + 1) + "–" + std::to_string(g.back() + 1);
    }
    c.diags.warn(c.doc->path, b.pos,
                 "table of " + std::to_string(cols) +
                     " columns does not fit the page width even at " +
                     std::to_string(static_cast<int>(std::lround(min_scale * 100))) +
                     "% type (table.shrink): set as " + std::to_string(groups.size()) +
                     " tables of columns " + parts);
  }
  for (const auto& g : groups) table_part(c, f, b, g, scaled_widths(g), scale);
  if (!caption_above) table_caption(c, f, b, false);
}

std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    if (html.substr(i, 4) == "<!--") {
      size_t e = html.find("-->", i + 4);
      if (e == std::string_view::npos) break;
      i = e + 2;
      continue;
    }
    // <script> and <style> hold code, never text to print.
    for (std::string_view element : {"script", "style"}) {
      if (html[i] == '<' && i + 1 + element.size() <= html.size() &&
          base::ascii_iequals(html.substr(i + 1, element.size()), element)) {
        const size_t close = base::ascii_ifind(html, "</" + std::string(element), i);
        i = close == std::string_view::npos ? html.size() : html.find('>', close);
        if (i == std::string_view::npos) i = html.size();
        break;
      }
    }
    if (i >= html.size()) break;
    char ch = html[i];
    if (ch == '<') in_tag = true;
    else if (ch == '>') in_tag = false;
    else if (!in_tag) out += ch == '\n' ? ' ' : ch;
  }
  size_t a = out.find_first_not_of(' '), e = out.find_last_not_of(' ');
  return a == std::string::npos ? std::string() : out.substr(a, e - a + 1);
}

void text_paragraph(Ctx& c, const Frame& f, const std::string& text, doc::Position pos, Role role) {
  std::vector<doc::Inline> inl(1);
  inl[0].kind = doc::InlineKind::Text;
  inl[0].text = text;
  inl[0].pos = pos;
  Frame g = f;
  g.role = role;
  g.in_list = true;  // no first-line indent
  paragraph(c, g, inl);
}

// A size attribute in pt: CSS px for bare numbers, pt/mm/cm/in/em, and %
// of `whole` (the measure for widths, the type area height for heights).
std::optional<double> size_attribute(const Ctx& c, std::string_view v, double whole) {
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.empty()) return std::nullopt;
  double pt = 0;
  if (v.ends_with("%")) {
    if (!style::parse_length(v, 1, pt)) return std::nullopt;  // "60%" of 1 = 0.6
    pt *= whole;
  } else if (v.ends_with("px")) {
    if (!style::parse_length(v.substr(0, v.size() - 2), 1, pt)) return std::nullopt;
    pt *= 0.75;
  } else if (v.find_first_not_of("0123456789.") == std::string_view::npos) {
    if (!style::parse_length(v, 1, pt)) return std::nullopt;
    pt *= 0.75;  // HTML's width="300": CSS px
  } else if (!style::parse_length(v, c.sheet.role(Role::Body).size, pt)) {
    return std::nullopt;
  }
  if (!std::isfinite(pt) || pt <= 0) return std::nullopt;
  return pt;
}

// A framed empty box where an image too large to decode would be.
VBox placeholder_box(double x, double w, double h) {
  VBox box;
  box.height = h;
  box.baseline = h;
  const double t = -h;
  const layout::Point tl{x, t}, tr{x + w, t}, bl{x, 0}, br{x + w, 0};
  for (auto [from, to] : {std::pair{tl, tr}, {tr, br}, {br, bl}, {bl, tl}, {tl, br}, {tr, bl}})
    box.items.push_back(layout::Rule{from, to, 0.5, kRuleGray});
  return box;
}

// An image's size in pt: what its width/height attributes ask for (one of
// them keeps the aspect ratio), else its pixels (SVG: CSS px) at 96 dpi.
struct PlacedSize {
  double w = 0, h = 0;
  bool asked = false;  // a width or height attribute gave it
};
PlacedSize asked_size(const Ctx& c, const doc::Inline& img, double px_w, double px_h,
                      double measure, double area_h) {
  PlacedSize s{px_w * 0.75, px_h * 0.75, false};
  const auto want_w = size_attribute(c, img.width, measure);
  const auto want_h = size_attribute(c, img.height, area_h);
  s.asked = want_w || want_h;
  if (want_w && want_h) {
    s.w = *want_w;
    s.h = *want_h;
  } else if (want_w) {
    s.h *= *want_w / s.w;
    s.w = *want_w;
  } else if (want_h) {
    s.w *= *want_h / s.h;
    s.h = *want_h;
  }
  return s;
}

// Replaces the images in `inlines` by what the setter draws: each one the
// catalog can show becomes an InlineImage of `req` (at its asked or natural
// size, within the line and figure.max-height); any other is replaced by its
// alt text, after the catalog has said why. Returns whether there was any.
bool resolve_inline_images(Ctx& c, std::vector<doc::Inline>& inlines, SetRequest& req) {
  bool any = false;
  for (doc::Inline& in : inlines) {
    if (in.kind != doc::InlineKind::Image) {
      any = resolve_inline_images(c, in.children, req) || any;
      continue;
    }
    any = true;
    const std::string path = c.doc ? c.doc->path : "";
    const image::Entry e = c.images.use(in.url, path, in.pos, c.diags);
    std::optional<SvgFigure> drawing;
    if (e.ok() && e.format == image::Format::Svg)
      drawing = load_svg_figure(e.bytes, in.url, path, in.pos, c.diags, nullptr,
                                svg::limits_for(c.images.limits().max_pixels));
    const bool placeholder = e.problem == image::Problem::TooManyPixels;
    if (!(e.ok() && (e.format != image::Format::Svg || drawing)) && !placeholder) {
      in.kind = doc::InlineKind::Text;
      in.text = doc::plain_text(in.children);
      in.children.clear();
      continue;
    }
    const double area_h = c.sheet.text_height();
    const double max_w = std::max(1.0, req.measure - std::max(0.0, req.first_indent));
    PlacedSize s = asked_size(c, in, drawing ? drawing->drawing.width : e.width,
                              drawing ? drawing->drawing.height : e.height, req.measure, area_h);
    const double max_h = s.asked ? area_h : c.sheet.figure.max_height * area_h;
    const double scale = std::min({1.0, max_w / s.w, max_h / s.h});
    InlineImage image{s.w * scale, s.h * scale, {}};
    if (placeholder) image.items = placeholder_box(0, image.width, image.height).items;
    else if (drawing)
      image.items = svg_figure_items(*drawing, {0, -image.height}, image.width, c.setter, path,
                                     in.pos, c.diags);
    else
      image.items.push_back(
          layout::ImageBox{layout::Box{0, -image.height, image.width, image.height}, e.key});
    req.images.push_back(std::move(image));
  }
  return any;
}

bool has_image(const std::vector<doc::Inline>& inlines) {
  for (const doc::Inline& in : inlines)
    if (in.kind == doc::InlineKind::Image || has_image(in.children)) return true;
  return false;
}

// Every request of the block layout passes here: images inside text are
// resolved and drawn (see resolve_inline_images) before the setter sets it.
std::vector<SetLine> set_lines(Ctx& c, const LineSetter& setter, const SetRequest& req) {
  if (!req.inlines || !req.images.empty() || !has_image(*req.inlines)) return setter(req);
  if (c.predicting) return std::vector<SetLine>(1);
  std::vector<doc::Inline> inlines = *req.inlines;
  SetRequest with = req;
  with.inlines = &inlines;
  resolve_inline_images(c, inlines, with);
  return setter(with);
}

// An image paragraph: the picture from the run's image catalog, at the size
// asked for (or its pixels at 96 dpi) within the measure and the page, and a
// caption under it. An image that cannot be shown prints "[图] alt" instead
// (the catalog has said why, once, for every output); one over the pixel
// limit prints as a framed placeholder of its size.
void image(Ctx& c, const Frame& f, const doc::Block& b) {
  const doc::Inline* img = nullptr;
  for (const doc::Inline& in : b.inlines)
    if (in.kind == doc::InlineKind::Image && !img) img = &in;
  if (!img || c.predicting) return;
  const std::string path = c.doc ? c.doc->path : "";
  image::Entry e = c.images.use(img->url, path, img->pos.line ? img->pos : b.pos, c.diags);
  // An SVG is drawn as vectors (typeset/svg_figure.h) when it can be.
  const std::string_view doc_path = path;
  std::optional<SvgFigure> drawing;
  if (e.ok() && e.format == image::Format::Svg)
    drawing = load_svg_figure(e.bytes, img->url, doc_path, b.pos, c.diags, nullptr,
                              svg::limits_for(c.images.limits().max_pixels));
  const bool drawable = e.ok() && (e.format != image::Format::Svg || drawing);
  const bool placeholder = e.problem == image::Problem::TooManyPixels;
  std::string caption = doc::numbered(b.number_text, style::figure_caption(c.sheet.figure, *img));
  if (!drawable && !placeholder) {
    const bool chinese = c.doc && c.doc->meta.lang.starts_with("zh");
    std::string alt = doc::plain_text(img->children);
    const size_t start = c.vb.items().size();
    text_paragraph(c, f,
                   (chinese ? "[图] " : "[Figure] ") +
                       doc::numbered(b.number_text, alt.empty() ? img->url : alt),
                   b.pos, Role::Caption);
    for (size_t i = start; i < c.vb.items().size() && !b.id.empty(); ++i)
      if (auto* line = std::get_if<VBox>(&c.vb.items()[i])) {  // [](#fig:x) still lands here
        line->items.push_back(layout::Anchor{b.id, layout::Point{0, -line->baseline}});
        break;
      }
    return;
  }
  const style::RoleStyle& cap = c.sheet.role(Role::Caption);
  const double area_h = c.sheet.text_height();
  // Room for the caption's first line below the picture.
  const double room_h =
      std::max(1.0, area_h - (caption.empty() ? 0 : cap.space_before + cap.leading));
  const PlacedSize asked =
      asked_size(c, *img, drawing ? drawing->drawing.width : e.width,
                 drawing ? drawing->drawing.height : e.height, f.measure, area_h);
  double w = asked.w, h = asked.h;
  // Never wider than the measure nor taller than the page; without a size
  // asked for, no taller than figure.max-height of the type area.
  const double max_h = asked.asked ? room_h : std::min(room_h, c.sheet.figure.max_height * area_h);
  const double scale = std::min({1.0, f.measure / w, max_h / h});
  w *= scale;
  h *= scale;
  begin_block(c, std::max(cap.space_before, 6.0));
  const double x = f.left + (f.measure - w) / 2;
  VBox box;
  if (placeholder) {
    box = placeholder_box(x, w, h);
  } else {
    box.height = h;
    box.baseline = h;
    if (drawing)
      box.items = svg_figure_items(*drawing, {x, -h}, w, c.setter, doc_path, b.pos, c.diags);
    else box.items.push_back(layout::ImageBox{layout::Box{x, -h, w, h}, e.key});
  }
  box.bands = f.bands;
  if (!b.id.empty()) box.items.push_back(layout::Anchor{b.id, layout::Point{0, -h}});  // [](#fig:x)
  std::string alt = doc::plain_text(img->children);
  if (alt.empty()) alt = img->title;
  tag_items(box.items, element(c, "Figure", alt));
  box.min_scale =
      c.sheet.figure.min_scale;  // shrinks into the rest of a page, vectors too (pages.h: scaled)
  c.vb.add_box(std::move(box));
  if (placeholder && caption.empty()) caption = img->url;
  if (!caption.empty()) {
    Frame g = f;
    g.role = Role::Caption;
    std::vector<doc::Inline> inl(1);
    inl[0].text = caption;
    inl[0].pos = b.pos;
    c.vb.keep_next(1);
    auto boxes = set_paragraph(c, g, inl, Role::Caption, 0, cap.align, cap.bold);
    c.vb.add_glue(cap.space_before);
    const size_t start = c.vb.items().size();
    c.vb.add_lines(std::move(boxes), c.sheet.paragraph.orphans, c.sheet.paragraph.widows);
    tag_from(c, start, element(c, "Caption"));
  }
  end_block(c, cap.space_after);
}

void layout_block(Ctx& c, const Frame& f, const doc::Block& b) {
  // Elements made for this block (and not for a nested one) carry its position.
  const doc::Position outer = std::exchange(c.block_pos, b.pos);
  struct Restore {
    Ctx& c;
    doc::Position pos;
    ~Restore() { c.block_pos = pos; }
  } restore{c, outer};
  switch (b.kind) {
    case doc::BlockKind::Paragraph: paragraph(c, f, b.inlines, b.continues); break;
    case doc::BlockKind::Heading: heading(c, f, b); break;
    case doc::BlockKind::List: list(c, f, b); break;
    case doc::BlockKind::Item:
      hanging_item(c, f, b.children, 2 * em(c, f.role), "\u2022", b.task, f, "");
      break;
    case doc::BlockKind::Quote: quote(c, f, b); break;
    case doc::BlockKind::Code: code_block(c, f, b); break;
    case doc::BlockKind::Table: table(c, f, b); break;
    case doc::BlockKind::Rule: thematic_break(c, f); break;
    case doc::BlockKind::Image: image(c, f, b); break;
    case doc::BlockKind::Callout: callout(c, f, b); break;
    case doc::BlockKind::RawHtml: {
      std::string t = strip_tags(b.text);
      if (!t.empty()) text_paragraph(c, f, t, b.pos, f.role);
      break;
    }
    case doc::BlockKind::Math: display_math(c, f, b); break;
    case doc::BlockKind::FootnoteDef:  // a note among the blocks: where it stands
      if (c.doc->footnotes.empty()) {
        Frame g = f;
        g.role = Role::Footnote;
        begin_block(c, c.sheet.role(Role::Footnote).space_before);
        hanging_item(c, f, b.children, 2 * em(c, Role::Footnote),
                     style::note_marker(b.number, c.sheet.notes.marks), doc::TaskState::None, g,
                     b.id, true);
      }
      break;
  }
}

// Numbered notes after the text, under a short rule.
void notes(Ctx& c, const Frame& f) {
  if (c.doc->footnotes.empty()) return;
  const style::RoleStyle& rs = c.sheet.role(Role::Footnote);
  begin_block(c, std::max(rs.space_before, rs.leading));
  VBox rule;
  rule.height = rs.leading;
  rule.baseline = rs.leading / 2;
  rule.items.push_back(layout::Rule{{f.left, 0}, {f.left + 0.25 * f.measure, 0}, 0.5, kRuleGray});
  c.vb.add_box(std::move(rule));
  c.vb.keep_next(1);
  Frame g = f;
  g.role = Role::Footnote;
  g.in_list = true;
  double indent = 2 * rs.size;
  for (const doc::Block& fn : c.doc->footnotes) {
    begin_block(c, rs.space_before);
    Frame inner = g;
    hanging_item(c, g, fn.children, indent, style::note_marker(fn.number, c.sheet.notes.marks),
                 doc::TaskState::None, inner, fn.id, true);
    end_block(c, rs.space_after);
  }
}

// The document's notes set for the foot of the page, each as its own list of
// lines (the number hanging in front, the anchor on its first line).
std::map<std::string, std::shared_ptr<const FootNote>> set_foot_notes(Ctx& c, const Frame& f) {
  std::map<std::string, std::shared_ptr<const FootNote>> out;
  const style::RoleStyle& rs = c.sheet.role(Role::Footnote);
  Frame g = f;
  g.role = Role::Footnote;
  g.in_list = true;
  g.bands.clear();
  VListBuilder body = std::move(c.vb);
  const double pending = c.pending_space;
  for (const doc::Block& fn : c.doc->footnotes) {
    c.vb = VListBuilder{};
    c.pending_space = 0;
    hanging_item(c, g, fn.children, 2 * rs.size, style::note_marker(fn.number, c.sheet.notes.marks),
                 doc::TaskState::None, g, fn.id, true);
    auto note = std::make_shared<FootNote>();
    note->key = note_key(c.chapter, fn.id);
    for (VItem& it : c.vb.items())
      if (auto* b = std::get_if<VBox>(&it)) note->lines.push_back(std::move(*b));
    if (!note->lines.empty() && !fn.id.empty()) out.emplace(fn.id, std::move(note));
  }
  c.vb = std::move(body);
  c.pending_space = pending;
  return out;
}

// Internal link targets in a box (a line cites a note by linking to it).
std::vector<std::string> link_targets(const VBox& box) {
  std::vector<std::string> out;
  for (const layout::Item& it : box.items)
    if (auto* l = std::get_if<layout::LinkArea>(&it); l && !l->dest.empty()) out.push_back(l->dest);
  return out;
}

// Gives each note to the first box of the list from `start` on that cites
// it; a note cited only by another note goes with that one, a note cited
// nowhere with the last box.
void attach_foot_notes(Ctx& c, const Frame& f, size_t start) {
  auto notes = set_foot_notes(c, f);
  if (notes.empty()) return;
  VBox* last = nullptr;
  auto give = [&](VBox& box, const std::string& id, auto& self) -> void {
    auto it = notes.find(id);
    if (it == notes.end()) return;
    std::shared_ptr<const FootNote> note = std::move(it->second);
    notes.erase(it);
    box.notes.push_back(note);
    for (const VBox& line : note->lines)
      for (const std::string& d : link_targets(line)) self(box, d, self);
  };
  auto& items = c.vb.items();
  for (size_t k = start; k < items.size(); ++k) {
    auto* b = std::get_if<VBox>(&items[k]);
    if (!b) continue;
    last = b;
    for (const std::string& d : link_targets(*b)) give(*b, d, give);
  }
  if (!last) return;
  for (const doc::Block& fn : c.doc->footnotes) give(*last, fn.id, give);
}

}  // namespace

std::vector<SetLine> set_text(const LineSetter& setter, const std::string& text, style::Role role,
                              double measure, style::Align align, bool bold) {
  std::vector<doc::Inline> inl(1);
  inl[0].kind = doc::InlineKind::Text;
  inl[0].text = text;
  SetRequest req;
  req.inlines = &inl;
  req.role = role;
  req.measure = measure;
  req.align = align;
  req.bold = bold;
  return setter(req);
}

VBox line_box(SetLine line, const style::RoleStyle& rs, double x) {
  VBox box;
  double lead = std::max(rs.leading, rs.size);
  double base = (lead - rs.size) / 2 + 0.88 * rs.size;  // centre the em box in the leading
  double below = lead - base;
  box.baseline = std::max(base, line.ascent);
  box.height = box.baseline + std::max(below, line.descent);
  for (auto& it : line.items) translate(it, x, 0);
  box.items = std::move(line.items);
  return box;
}

BlockLayout layout_blocks(const doc::Document& doc, const style::Sheet& sheet,
                          const LineSetter& setter, doc::Diagnostics& diags,
                          image::Catalog* images) {
  return layout_chapters(std::span<const doc::Document>(&doc, 1), sheet, setter, diags, images,
                         false);
}

namespace {

// A chapter with no level-1 heading still gets its TOC entry, bookmark and
// running head: an anchor where it starts, named after its title or file.
void name_untitled_chapter(Ctx& c, const doc::Document& d) {
  const std::string id = "chapter-" + std::to_string(++c.untitled_chapters);
  const std::string title = doc::untitled_chapter_name(d);
  VBox box;
  box.items.push_back(layout::Anchor{id, layout::Point{0, 0}});
  box.marks.push_back(Mark{1, title});
  c.headings.push_back(HeadingInfo{1, id, title});
  c.vb.add_box(std::move(box));
}

BlockLayout lay_out(std::span<const doc::Document> chapters, const style::Sheet& sheet,
                    const LineSetter& setter, doc::Diagnostics& diags, image::Catalog* images,
                    bool name_untitled, bool predicting) {
  image::Catalog own(image::CatalogOptions{
      .limits = {.max_pixels = int64_t{sheet.image.max_megapixels} * 1'000'000}});
  Ctx* ctx = nullptr;
  const LineSetter with_images = [&ctx, &setter](const SetRequest& req) {
    return set_lines(*ctx, setter, req);
  };
  Ctx c{nullptr, sheet, with_images, diags, images ? *images : own, {}, {}, 0, 1, 0, 0, {}, -1};
  c.predicting = predicting;
  ctx = &c;
  Frame f;
  f.left = 0;
  f.measure = std::max(1.0, sheet.text_width());
  for (const doc::Document& d : chapters) {
    c.chapter = static_cast<size_t>(&d - chapters.data());
    c.doc = &d;
    if (!c.vb.empty()) {
      c.vb.add_break(kForce, sheet.chapter.open_right);
      c.pending_space = 0;
    }
    if (name_untitled && !doc::has_title_heading(d)) name_untitled_chapter(c, d);
    const size_t start = c.vb.items().size();
    layout_children(c, f, d.blocks);
    if (sheet.notes.placement == style::NotePlacement::Page) attach_foot_notes(c, f, start);
    else notes(c, f);
  }
  BlockLayout out;
  out.list = c.vb.take();
  out.headings = std::move(c.headings);
  out.structure = std::move(c.structure);
  return out;
}

}  // namespace

BlockLayout layout_chapters(std::span<const doc::Document> chapters, const style::Sheet& sheet,
                            const LineSetter& setter, doc::Diagnostics& diags,
                            image::Catalog* images, bool name_untitled) {
  return lay_out(chapters, sheet, setter, diags, images, name_untitled, false);
}

void predict_requests(std::span<const doc::Document> chapters, const style::Sheet& sheet,
                      bool name_untitled, const std::function<void(const SetRequest&)>& seen) {
  const LineSetter answer = [&seen](const SetRequest& req) {
    seen(req);
    return std::vector<SetLine>(1);
  };
  doc::Diagnostics unsaid;  // the real layout says it
  lay_out(chapters, sheet, answer, unsaid, nullptr, name_untitled, true);
}

}  // namespace moyin::typeset
