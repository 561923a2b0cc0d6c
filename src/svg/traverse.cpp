// The SVG++ traversal: one context type for every element (styles are
// inherited by copying the parent's context), shapes converted to paths by
// SVG++ with arcs and quadratic curves as cubics, transforms multiplied into
// one matrix and applied when an element ends (attributes arrive in any
// order), <use> drawn by loading the referenced element under the <use>'s
// context, text collected as items.
// SVG++ takes its policies as named template parameters; ours are more
// than Boost.Parameter's default limit of 8 (SVG++ adds one itself).
#define BOOST_PARAMETER_MAX_ARITY 12
#include "svg/internal.h"  // rapidxml_ns first: SVG++'s policy needs it

#include <boost/array.hpp>
#include <svgpp/policy/xml/rapidxml_ns.hpp>
#include <svgpp/svgpp.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moyin::svg::detail {

namespace {

namespace tag = svgpp::tag;

using Matrix = layout::Transform;

struct Paint {
  enum class Kind : uint8_t { None, Color, Current };
  Kind kind = Kind::None;
  layout::Color color;
};

// Inherited properties (SVG 1.1 §6.14): copied from parent to child.
struct Style {
  Paint fill{Paint::Kind::Color, {}};
  Paint stroke;
  layout::Color color;  // the `color` property, for currentColor
  double fill_opacity = 1;
  double stroke_opacity = 1;
  bool even_odd = false;
  double stroke_width = 1;
  layout::LineCap cap = layout::LineCap::Butt;
  layout::LineJoin join = layout::LineJoin::Miter;
  double miter_limit = 4;
  std::vector<double> dash;
  double dash_offset = 0;
  double font_size = 16;
  bool bold = false;
  bool italic = false;
  std::string family;
  Anchor anchor = Anchor::Start;
  bool visible = true;
};

enum class Kind : uint8_t { Container, Shape, Use, Text, Image, Other };

Kind kind_of(std::string_view n) {
  if (n == "path" || n == "rect" || n == "circle" || n == "ellipse" || n == "line" ||
      n == "polyline" || n == "polygon")
    return Kind::Shape;
  if (n == "use") return Kind::Use;
  if (n == "image") return Kind::Image;
  if (n == "text" || n == "tspan") return Kind::Text;
  if (n == "svg" || n == "g" || n == "symbol" || n == "a") return Kind::Container;
  return Kind::Other;
}

// Text state shared by a <text> element and its <tspan>s.
struct TextRun {
  double y = 0;          // current baseline in user units of the <text>
  bool at_start = true;  // nothing written yet: leading white space dropped
  bool ends_space = false;
};

class Ctx;
void load_use(Ctx& use, const Node* target);

class Ctx {
 public:
  using length_factory_type = svgpp::factory::length::unitless<>;

  // The outermost <svg>.
  explicit Ctx(Document& doc) : doc_(&doc), node_(doc.root) {
    lengths_.set_viewport_size(doc.out->width, doc.out->height);
  }

  // A child element (or the element a <use> refers to, under the <use>).
  Ctx(Ctx& parent, const Node* node)
      : doc_(parent.doc_),
        node_(node),
        style_(parent.style_),
        ctm_(parent.ctm_),
        group_opacity_(parent.group_opacity_),
        hidden_(parent.hidden_),
        lengths_(parent.lengths_),
        text_(parent.text_) {
    kind_ = kind_of(name(node));
    // The first child of a group with `opacity` opens its transparency group.
    if (parent.group_ && !parent.group_open_ && !parent.hidden_) {
      doc_->out->items.emplace_back(layout::Group{*parent.group_, false});
      parent.group_open_ = true;
    }
    if (parent.kind_ == Kind::Use) {
      ref_width_ = parent.use_width_;
      ref_height_ = parent.use_height_;
    }
    if (++doc_->drawn > doc_->limits.max_drawn_elements)
      throw Failure("more than " + std::to_string(doc_->limits.max_drawn_elements) +
                        " elements drawn (counting <use> copies)",
                    node->name());
    if (kind_ == Kind::Text && name(node) == "text") {
      own_text_ = TextRun{};
      text_ = &*own_text_;
    } else if (kind_ == Kind::Text && parent.kind_ == Kind::Text) {
      // A position not used yet (<text x y><tspan>…) belongs to the first
      // character, wherever it is; the <tspan>'s own attributes override it.
      text_x_ = std::exchange(parent.text_x_, std::nullopt);
      text_y_ = std::exchange(parent.text_y_, std::nullopt);
      text_dx_ = std::exchange(parent.text_dx_, std::nullopt);
      text_dy_ = std::exchange(parent.text_dy_, std::nullopt);
    }
    lengths_.set_em_coefficient(style_.font_size);
  }

  Ctx(const Ctx&) = delete;
  Ctx& operator=(const Ctx&) = delete;

  length_factory_type& length_factory() { return lengths_; }
  const Node* node() const { return node_; }
  Document& doc() { return *doc_; }
  const Matrix& ctm() const { return ctm_; }
  void translate(double x, double y) { ctm_ = ctm_ * Matrix{1, 0, 0, 1, x, y}; }

  void on_exit_element();

  // Transforms and viewports.
  void transform_matrix(const boost::array<double, 6>& m) {
    ctm_ = ctm_ * Matrix{m[0], m[1], m[2], m[3], m[4], m[5]};
  }
  void set_viewport(double, double, double w, double h) { lengths_.set_viewport_size(w, h); }
  void set_viewbox_size(double w, double h) { lengths_.set_viewport_size(w, h); }
  void get_reference_viewport_size(double& w, double& h) {
    if (ref_width_) w = *ref_width_;
    if (ref_height_) h = *ref_height_;
  }
  void disable_rendering() { hidden_ = true; }

  // Path events (absolute coordinates; arcs and quadratics arrive as cubics).
  void path_move_to(double x, double y, tag::coordinate::absolute) {
    add(layout::PathSegment::Op::Move, {{x, y}});
  }
  void path_line_to(double x, double y, tag::coordinate::absolute) {
    add(layout::PathSegment::Op::Line, {{x, y}});
  }
  void path_cubic_bezier_to(double x1, double y1, double x2, double y2, double x, double y,
                            tag::coordinate::absolute) {
    add(layout::PathSegment::Op::Cubic, {{x1, y1}, {x2, y2}, {x, y}});
  }
  void path_close_subpath() { add(layout::PathSegment::Op::Close, {}); }
  void path_exit() {}

  // Text.
  template <class Range>
  void set_text(const Range& r) {
    std::string s(boost::begin(r), boost::end(r));
    add_text(s);
  }

  // <use>.
  template <class IRI>
  void set(tag::attribute::xlink::href, tag::iri_fragment, const IRI& fragment) {
    href_.assign(boost::begin(fragment), boost::end(fragment));
  }
  template <class IRI>
  void set(tag::attribute::xlink::href, const IRI&) {}  // another file: not followed
  void set(tag::attribute::x, double v) { x_ = v; }
  void set(tag::attribute::y, double v) { y_ = v; }
  void set(tag::attribute::width, double v) { use_width_ = v; }
  void set(tag::attribute::height, double v) { use_height_ = v; }

  // <text>/<tspan> positions: the first value of each list.
  template <class Range>
  void set(tag::attribute::x, const Range& r) {
    first(r, text_x_);
  }
  template <class Range>
  void set(tag::attribute::y, const Range& r) {
    first(r, text_y_);
  }
  template <class Range>
  void set(tag::attribute::dx, const Range& r) {
    first(r, text_dx_);
  }
  template <class Range>
  void set(tag::attribute::dy, const Range& r) {
    first(r, text_dy_);
  }

  // Paint.
  void set(tag::attribute::fill, tag::value::none) { style_.fill.kind = Paint::Kind::None; }
  void set(tag::attribute::fill, tag::value::currentColor) {
    style_.fill.kind = Paint::Kind::Current;
  }
  void set(tag::attribute::fill, layout::Color c, tag::skip_icc_color = {}) {
    style_.fill = {Paint::Kind::Color, c};
  }
  void set(tag::attribute::stroke, tag::value::none) { style_.stroke.kind = Paint::Kind::None; }
  void set(tag::attribute::stroke, tag::value::currentColor) {
    style_.stroke.kind = Paint::Kind::Current;
  }
  void set(tag::attribute::stroke, layout::Color c, tag::skip_icc_color = {}) {
    style_.stroke = {Paint::Kind::Color, c};
  }
  // url(#…) paints were listed as unsupported by the survey: the raster draws them.
  template <class... A>
  void set(tag::attribute::fill, tag::iri_fragment, const A&...) {
    style_.fill.kind = Paint::Kind::None;
  }
  template <class... A>
  void set(tag::attribute::stroke, tag::iri_fragment, const A&...) {
    style_.stroke.kind = Paint::Kind::None;
  }
  void set(tag::attribute::color, layout::Color c, tag::skip_icc_color = {}) { style_.color = c; }
  void set(tag::attribute::fill_opacity, double v) { style_.fill_opacity = clamp01(v); }
  void set(tag::attribute::stroke_opacity, double v) { style_.stroke_opacity = clamp01(v); }
  // `opacity` on an element with children (<g>, <svg>, <a>, <use>) makes its
  // drawing one transparency group (children composited together, then
  // faded); on a shape it fades the shape's fill and stroke.
  void set(tag::attribute::opacity, double v) {
    if ((kind_ == Kind::Container || kind_ == Kind::Use) && clamp01(v) < 1) group_ = clamp01(v);
    else group_opacity_ *= clamp01(v);
  }
  void set(tag::attribute::fill_rule, tag::value::nonzero) { style_.even_odd = false; }
  void set(tag::attribute::fill_rule, tag::value::evenodd) { style_.even_odd = true; }

  // Stroke.
  void set(tag::attribute::stroke_width, double v) { style_.stroke_width = std::max(0.0, v); }
  void set(tag::attribute::stroke_linecap, tag::value::butt) { style_.cap = layout::LineCap::Butt; }
  void set(tag::attribute::stroke_linecap, tag::value::round) {
    style_.cap = layout::LineCap::Round;
  }
  void set(tag::attribute::stroke_linecap, tag::value::square) {
    style_.cap = layout::LineCap::Square;
  }
  void set(tag::attribute::stroke_linejoin, tag::value::miter) {
    style_.join = layout::LineJoin::Miter;
  }
  void set(tag::attribute::stroke_linejoin, tag::value::round) {
    style_.join = layout::LineJoin::Round;
  }
  void set(tag::attribute::stroke_linejoin, tag::value::bevel) {
    style_.join = layout::LineJoin::Bevel;
  }
  void set(tag::attribute::stroke_miterlimit, double v) {
    if (v >= 1) style_.miter_limit = v;
  }
  void set(tag::attribute::stroke_dasharray, tag::value::none) { style_.dash.clear(); }
  template <class Range>
  void set(tag::attribute::stroke_dasharray, const Range& r) {
    std::vector<double> dash;
    for (auto it = boost::begin(r); it != boost::end(r); ++it) {
      double v = *it;
      if (!(v >= 0) || !std::isfinite(v)) return;  // invalid: ignored, as SVG says
      dash.push_back(v);
    }
    if (dash.size() % 2) dash.insert(dash.end(), dash.begin(), dash.end());  // odd: repeated
    if (std::all_of(dash.begin(), dash.end(), [](double v) { return v == 0; })) dash.clear();
    style_.dash = std::move(dash);
  }
  void set(tag::attribute::stroke_dashoffset, double v) {
    if (std::isfinite(v)) style_.dash_offset = v;
  }

  // Visibility.
  void set(tag::attribute::display, tag::value::none) { hidden_ = true; }
  void set(tag::attribute::visibility, tag::value::visible) { style_.visible = true; }
  void set(tag::attribute::visibility, tag::value::hidden) { style_.visible = false; }
  void set(tag::attribute::visibility, tag::value::collapse) { style_.visible = false; }

  // Text style.
  void set(tag::attribute::font_size, double v) {
    if (v > 0 && std::isfinite(v)) font_size(v);
  }
  void set(tag::attribute::font_size, tag::value::xx_small) { font_size(9); }
  void set(tag::attribute::font_size, tag::value::x_small) { font_size(10); }
  void set(tag::attribute::font_size, tag::value::small) { font_size(13); }
  void set(tag::attribute::font_size, tag::value::medium) { font_size(16); }
  void set(tag::attribute::font_size, tag::value::large) { font_size(18); }
  void set(tag::attribute::font_size, tag::value::x_large) { font_size(24); }
  void set(tag::attribute::font_size, tag::value::xx_large) { font_size(32); }
  void set(tag::attribute::font_size, tag::value::larger) { font_size(style_.font_size * 1.2); }
  void set(tag::attribute::font_size, tag::value::smaller) { font_size(style_.font_size / 1.2); }
  template <class Range>
  void set(tag::attribute::font_family, const Range& r) {
    style_.family.assign(boost::begin(r), boost::end(r));
  }
  void set(tag::attribute::font_weight, tag::value::normal) { style_.bold = false; }
  void set(tag::attribute::font_weight, tag::value::bold) { style_.bold = true; }
  void set(tag::attribute::font_weight, tag::value::bolder) { style_.bold = true; }
  void set(tag::attribute::font_weight, tag::value::lighter) { style_.bold = false; }
  void set(tag::attribute::font_weight, tag::value::value_100) { style_.bold = false; }
  void set(tag::attribute::font_weight, tag::value::value_200) { style_.bold = false; }
  void set(tag::attribute::font_weight, tag::value::value_300) { style_.bold = false; }
  void set(tag::attribute::font_weight, tag::value::value_400) { style_.bold = false; }
  void set(tag::attribute::font_weight, tag::value::value_500) { style_.bold = false; }
  void set(tag::attribute::font_weight, tag::value::value_600) { style_.bold = true; }
  void set(tag::attribute::font_weight, tag::value::value_700) { style_.bold = true; }
  void set(tag::attribute::font_weight, tag::value::value_800) { style_.bold = true; }
  void set(tag::attribute::font_weight, tag::value::value_900) { style_.bold = true; }
  void set(tag::attribute::font_style, tag::value::normal) { style_.italic = false; }
  void set(tag::attribute::font_style, tag::value::italic) { style_.italic = true; }
  void set(tag::attribute::font_style, tag::value::oblique) { style_.italic = true; }
  void set(tag::attribute::text_anchor, tag::value::start) { style_.anchor = Anchor::Start; }
  void set(tag::attribute::text_anchor, tag::value::middle) { style_.anchor = Anchor::Middle; }
  void set(tag::attribute::text_anchor, tag::value::end) { style_.anchor = Anchor::End; }

  // Everything else (inherit, units this drawing has no use for): ignored.
  template <class Tag, class... A>
  void set(Tag, const A&...) {}

 private:
  static double clamp01(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 1.0; }
  void font_size(double v) {
    style_.font_size = v;
    lengths_.set_em_coefficient(v);
  }
  template <class Range>
  static void first(const Range& r, std::optional<double>& out) {
    auto it = boost::begin(r);
    if (it != boost::end(r)) out = static_cast<double>(*it);
  }

  void add(layout::PathSegment::Op op, std::initializer_list<layout::Point> pts) {
    if (++doc_->segments > doc_->limits.max_segments)
      throw Failure("more than " + std::to_string(doc_->limits.max_segments) + " path segments",
                    node_->name());
    layout::PathSegment s;
    s.op = op;
    int i = 0;
    for (const layout::Point& p : pts) s.p[i++] = p;
    segments_.push_back(s);
  }

  std::optional<layout::Color> resolve(const Paint& p) const {
    if (p.kind == Paint::Kind::None) return std::nullopt;
    return p.kind == Paint::Kind::Current ? style_.color : p.color;
  }

  void emit_shape();
  void emit_image();
  std::optional<layout::PathStroke> stroke(double k) const;
  void add_text(std::string s);

  Document* doc_;
  const Node* node_;
  Kind kind_ = Kind::Container;
  Style style_;
  Matrix ctm_;
  double group_opacity_ = 1;     // `opacity` of the shape or text and its text ancestors
  std::optional<double> group_;  // `opacity` of a group element (below 1)
  bool group_open_ = false;      // its layout::Group begin marker is out
  bool hidden_ = false;          // display: none
  length_factory_type lengths_;
  std::vector<layout::PathSegment> segments_;
  // <use>
  std::string href_;
  double x_ = 0, y_ = 0;
  std::optional<double> use_width_, use_height_;
  std::optional<double> ref_width_, ref_height_;
  // <text>/<tspan>
  std::optional<TextRun> own_text_;
  TextRun* text_ = nullptr;
  std::optional<double> text_x_, text_y_, text_dx_, text_dy_;
};

// The element's stroke, its widths scaled by `k` (the transform's scale).
std::optional<layout::PathStroke> Ctx::stroke(double k) const {
  auto c = resolve(style_.stroke);
  if (!c || !(style_.stroke_width > 0)) return std::nullopt;
  layout::PathStroke st;
  st.color = *c;
  st.width = style_.stroke_width * k;
  st.cap = style_.cap;
  st.join = style_.join;
  st.miter_limit = style_.miter_limit;
  for (double d : style_.dash) st.dash.push_back(d * k);
  st.dash_phase = style_.dash_offset * k;
  st.opacity = style_.stroke_opacity * group_opacity_;
  return st;
}

void Ctx::emit_shape() {
  if (hidden_ || !style_.visible || segments_.empty()) return;
  layout::Path path;
  layout::Outline segments = segments_;
  for (layout::PathSegment& s : segments)
    for (layout::Point& p : s.p) p = ctm_.apply(p.x, p.y);
  path.outline = layout::make_outline(std::move(segments));
  if (auto c = resolve(style_.fill))
    path.fill = layout::PathFill{*c, style_.even_odd, style_.fill_opacity * group_opacity_};
  path.stroke = stroke(ctm_.scale());
  if (!path.fill && !path.stroke) return;
  doc_->out->items.emplace_back(std::move(path));
}

// Where a picture of `pw` × `ph` pixels lands in the box (x, y, w, h) by
// preserveAspectRatio: fitted whole and aligned (meet, the default), or
// stretched (none). Nothing for slice (it would need clipping).
std::optional<layout::Box> fit_picture(std::string_view par, layout::Box box, double pw,
                                       double ph) {
  std::string_view align = par.substr(0, par.find(' '));
  if (align == "defer") {
    par.remove_prefix(std::min(par.size(), par.find(' ') + 1));
    align = par.substr(0, par.find(' '));
  }
  if (par.find("slice") != std::string_view::npos) return std::nullopt;
  if (align == "none") return box;
  const double k = std::min(box.width / pw, box.height / ph);
  const double w = pw * k, h = ph * k;
  auto at = [&](std::string_view axis, double room) {  // "Min", "Mid" or "Max" of the axis
    const size_t i = align.find(axis);
    if (i == std::string_view::npos || align.size() < i + 4) return room / 2;
    std::string_view where = align.substr(i + 1, 3);
    return where == "Min" ? 0.0 : where == "Max" ? room : room / 2;
  };
  return layout::Box{box.x + at("x", box.width - w), box.y + at("Y", box.height - h), w, h};
}

// An <image> with an embedded picture, as an ImageBox (faded by its
// `opacity` as a group); one that refers to a file was named to the
// fallback by the survey. Axis-aligned transforms only.
void Ctx::emit_image() {
  if (hidden_ || !style_.visible) return;
  const std::string_view href = attribute(node_, "href");
  if (!href.starts_with("data:")) return;  // a file: the raster fallback (survey)
  const double w = use_width_.value_or(0), h = use_height_.value_or(0);
  if (!(w > 0 && h > 0)) return;  // not drawn, as SVG says
  const bool axis_aligned =
      std::abs(ctm_.b) < 1e-9 && std::abs(ctm_.c) < 1e-9 && ctm_.a > 0 && ctm_.d > 0;
  if (!axis_aligned) {
    doc_->unsupported("rotated or skewed <image>", node_->name());
    return;
  }
  std::string problem;
  std::shared_ptr<const layout::Pixels> px = embedded_picture(*doc_, href, node_->name(), problem);
  if (!px) {
    doc_->unsupported("<image> with " + problem, node_->name());
    return;
  }
  auto fitted =
      fit_picture(attribute(node_, "preserveAspectRatio"), {x_, y_, w, h}, px->width, px->height);
  if (!fitted) {
    doc_->unsupported("<image> with preserveAspectRatio slice", node_->name());
    return;
  }
  const layout::Point at = ctm_.apply(fitted->x, fitted->y);
  layout::ImageBox box{{at.x, at.y, fitted->width * ctm_.a, fitted->height * ctm_.d}, "", px};
  auto& items = doc_->out->items;
  const double opacity = group_opacity_;
  if (opacity < 1) items.emplace_back(layout::Group{opacity, false});
  items.emplace_back(std::move(box));
  if (opacity < 1) items.emplace_back(layout::Group{1, true});
}

// White space as SVG's default xml:space: newlines dropped, tabs as spaces,
// runs of spaces as one, none at the start of the <text>.
void Ctx::add_text(std::string s) {
  if (!text_) return;
  std::string t;
  for (char ch : s) {
    if (ch == '\n' || ch == '\r') continue;
    if (ch == '\t') ch = ' ';
    if (ch == ' ' &&
        ((t.empty() && (text_->at_start || text_->ends_space)) || (!t.empty() && t.back() == ' ')))
      continue;
    t.push_back(ch);
  }
  bool absolute = text_x_ || text_y_;
  if (t.empty() && !absolute) return;
  if (hidden_ || !style_.visible) return;
  if (!ctm_.upright()) {
    doc_->unsupported("rotated or skewed text", node_->name());
    return;
  }
  if (text_y_) text_->y = *text_y_;
  if (text_dy_) text_->y += *text_dy_;
  TextItem item;
  item.text = std::move(t);
  item.absolute = absolute;
  layout::Point at = ctm_.apply(text_x_.value_or(0), text_->y);
  item.x = at.x;
  item.y = at.y;
  const double k = ctm_.scale();
  item.dx = text_dx_.value_or(0) * k;
  item.dy = absolute ? 0 : text_dy_.value_or(0) * k;
  item.size = style_.font_size * k;
  item.anchor = style_.anchor;
  item.bold = style_.bold;
  item.italic = style_.italic;
  item.family = style_.family;
  auto fill = resolve(style_.fill);
  item.fill = fill.value_or(layout::Color{});
  item.opacity = fill ? style_.fill_opacity * group_opacity_ : 0;
  item.stroke = stroke(k);
  if (!fill && !item.stroke) return;
  text_x_.reset();
  text_y_.reset();
  text_dx_.reset();
  text_dy_.reset();
  text_->at_start = false;
  text_->ends_space = !item.text.empty() && item.text.back() == ' ';
  doc_->out->items.emplace_back(std::move(item));
}

void Ctx::on_exit_element() {
  if (kind_ == Kind::Shape) {
    emit_shape();
  } else if (kind_ == Kind::Image) {
    emit_image();
  } else if (kind_ == Kind::Use && !hidden_) {
    if (href_.empty()) {  // SVG 2's plain href (SVG++ knows xlink:href only)
      std::string_view h = attribute(node_, "href");
      if (h.starts_with("#")) href_ = h.substr(1);
    }
    auto it = doc_->ids.find(href_);
    if (it == doc_->ids.end()) return;  // nothing to draw, as SVG says
    translate(x_, y_);
    load_use(*this, it->second);
  } else if (kind_ == Kind::Text && own_text_) {
    // Trailing white space of the whole <text> is dropped.
    auto& items = doc_->out->items;
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      auto* t = std::get_if<TextItem>(&*it);
      if (!t) break;
      if (!t->text.empty() && t->text.back() == ' ') t->text.pop_back();
      break;
    }
  }
  if (group_open_) doc_->out->items.emplace_back(layout::Group{1, true});
}

struct Factories {
  template <class ParentContext, class ElementTag>
  struct apply {
    using type = svgpp::factory::context::on_stack_with_xml_element<Ctx>;
  };
};

// Errors in attribute values are ignored (the attribute counts as not
// given, as SVG's error handling says); unknown elements and attributes too.
struct Lenient : svgpp::policy::error::raise_exception<Ctx> {
  using context_type = Ctx;
  template <class XMLElement, class Name>
  static bool unknown_element(const Ctx&, const XMLElement&, const Name&) {
    return true;
  }
  template <class XMLAttribute, class Name, class... A>
  static bool unknown_attribute(const Ctx&, const XMLAttribute&, const Name&, const A&...) {
    return true;
  }
  static bool unexpected_attribute(const Ctx&, svgpp::detail::attribute_id,
                                   tag::source::attribute) {
    return true;
  }
  template <class AttributeTag>
  static bool required_attribute_not_found(const Ctx&, AttributeTag) {
    return false;
  }
  template <class AttributeTag, class Value>
  static bool parse_failed(Ctx& ctx, AttributeTag, const Value& value) {
    std::string v(boost::begin(value), boost::end(value));
    if (v.find("rgba(") != std::string::npos || v.find("hsl") != std::string::npos)
      ctx.doc().unsupported("rgba()/hsl() colour", ctx.node()->name());
    return true;
  }
  template <class XMLElement>
  static bool unexpected_element(const Ctx&, const XMLElement&) {
    return true;
  }
  template <class AttributeTag>
  static bool negative_value(const Ctx&, AttributeTag) {
    return false;
  }
};

struct ColorFactoryBase {
  using color_type = layout::Color;
  static color_type create(unsigned char r, unsigned char g, unsigned char b) {
    return {r / 255.0, g / 255.0, b / 255.0};
  }
};

using ProcessedElements =
    boost::mpl::set<tag::element::svg, tag::element::g, tag::element::a, tag::element::use_,
                    tag::element::path, tag::element::rect, tag::element::line,
                    tag::element::circle, tag::element::ellipse, tag::element::polyline,
                    tag::element::polygon, tag::element::text, tag::element::tspan,
                    tag::element::image>::type;

using StyleAttributes =
    boost::mpl::set<tag::attribute::transform, tag::attribute::display, tag::attribute::visibility,
                    tag::attribute::color, tag::attribute::fill, tag::attribute::fill_opacity,
                    tag::attribute::fill_rule, tag::attribute::stroke, tag::attribute::stroke_width,
                    tag::attribute::stroke_opacity, tag::attribute::stroke_linecap,
                    tag::attribute::stroke_linejoin, tag::attribute::stroke_miterlimit,
                    tag::attribute::stroke_dasharray, tag::attribute::stroke_dashoffset,
                    tag::attribute::opacity>::type;

using TextAttributes =
    boost::mpl::set<tag::attribute::font_size, tag::attribute::font_family,
                    tag::attribute::font_weight, tag::attribute::font_style,
                    tag::attribute::text_anchor,
                    boost::mpl::pair<tag::element::use_, tag::attribute::xlink::href>,
                    boost::mpl::pair<tag::element::text, tag::attribute::x>,
                    boost::mpl::pair<tag::element::text, tag::attribute::y>,
                    boost::mpl::pair<tag::element::text, tag::attribute::dx>,
                    boost::mpl::pair<tag::element::text, tag::attribute::dy>,
                    boost::mpl::pair<tag::element::tspan, tag::attribute::x>,
                    boost::mpl::pair<tag::element::tspan, tag::attribute::y>,
                    boost::mpl::pair<tag::element::tspan, tag::attribute::dx>,
                    boost::mpl::pair<tag::element::tspan, tag::attribute::dy>,
                    boost::mpl::pair<tag::element::image, tag::attribute::x>,
                    boost::mpl::pair<tag::element::image, tag::attribute::y>,
                    boost::mpl::pair<tag::element::image, tag::attribute::width>,
                    boost::mpl::pair<tag::element::image, tag::attribute::height>>::type;

template <class Base, class More>
using Union =
    typename boost::mpl::fold<More, Base, boost::mpl::insert<boost::mpl::_1, boost::mpl::_2>>::type;

using ProcessedAttributes =
    Union<Union<Union<Union<boost::mpl::set0<>, svgpp::traits::shapes_attributes_by_element>,
                      svgpp::traits::viewport_attributes>,
                StyleAttributes>,
          TextAttributes>;

using Traversal = svgpp::document_traversal<
    svgpp::processed_elements<ProcessedElements>, svgpp::processed_attributes<ProcessedAttributes>,
    svgpp::context_factories<Factories>,
    svgpp::viewport_policy<svgpp::policy::viewport::as_transform>,
    svgpp::length_policy<svgpp::policy::length::forward_to_method<Ctx, Ctx::length_factory_type>>,
    svgpp::color_factory<svgpp::factory::color::percentage_adapter<ColorFactoryBase>>,
    svgpp::path_policy<svgpp::policy::path::minimal>, svgpp::error_policy<Lenient>>;

void load_use(Ctx& use, const Node* target) {
  Document& doc = use.doc();
  std::vector<const Node*>& active = doc.active_uses;
  if (std::find(active.begin(), active.end(), target) != active.end())
    throw Failure("<use> refers to an element that contains it (a reference cycle)",
                  use.node()->name());
  if (static_cast<int>(active.size()) >= doc.limits.max_use_depth)
    throw Failure(
        "<use> nested deeper than " + std::to_string(doc.limits.max_use_depth) + " levels",
        use.node()->name());
  active.push_back(target);
  struct Pop {
    std::vector<const Node*>& v;
    ~Pop() { v.pop_back(); }
  } pop{active};
  Traversal::load_referenced_element<
      svgpp::referencing_element<tag::element::use_>,
      svgpp::expected_elements<svgpp::traits::reusable_elements>,
      svgpp::processed_elements<
          boost::mpl::insert<ProcessedElements, tag::element::symbol>::type>>::load(target, use);
}

}  // namespace

void traverse(Document& doc) {
  Ctx root(doc);
  try {
    Traversal::load_document(doc.root, root);
    // SVG++ ends the contexts it makes, not the one it is given: the
    // outermost <svg>'s group (its `opacity`) is closed here.
    root.on_exit_element();
  } catch (const Failure&) {
    throw;
  } catch (const std::exception& e) {
    throw Failure(std::string("SVG++: ") + e.what(), nullptr);
  }
}

}  // namespace moyin::svg::detail
