// The XML side of an SVG file: a bounded pre-scan (size, element count,
// nesting — rapidxml recurses once per level), the parse (no DTD, no entity
// but XML's own), the intrinsic size from the root element, the id map for
// <use>, and the features the vector drawing leaves to the raster fallback.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "base/utf8.h"
#include "image/image.h"
#include "svg/internal.h"

namespace moyin::svg {

namespace detail {

std::string_view name(const Node* n) { return {n->local_name(), n->local_name_size()}; }

std::string_view attribute(const Node* n, std::string_view local_name) {
  for (auto* a = n->first_attribute(); a; a = a->next_attribute())
    if (std::string_view(a->local_name(), a->local_name_size()) == local_name)
      return {a->value(), a->value_size()};
  return {};
}

std::pair<int, int> Document::where(const char* p) const {
  if (!p || p < text || p > text + size) return {0, 0};
  int line = 1, col = 1;
  for (const char* q = text; q < p; ++q) {
    if (*q == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(*q) & 0xC0) != 0x80) {
      ++col;  // count characters, not UTF-8 continuation bytes
    }
  }
  return {line, col};
}

void Document::unsupported(std::string feature, const char* at) {
  for (const Unsupported& u : out->unsupported)
    if (u.feature == feature) return;
  auto [line, col] = where(at);
  out->unsupported.push_back({std::move(feature), line, col});
}

}  // namespace detail

namespace {

using detail::Node;

constexpr std::string_view kSvgNs = "http://www.w3.org/2000/svg";

struct Scan {
  int elements = 0;
  int depth = 0;
  size_t deepest_at = 0;  // offset of the start tag that went deepest
};

// Counts start tags and their nesting without a parser, skipping comments,
// CDATA, declarations and quoted attribute values.
Scan scan(std::string_view s) {
  Scan r;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '<') continue;
    auto skip_to = [&](std::string_view end) {
      size_t k = s.find(end, i);
      i = k == std::string_view::npos ? s.size() : k + end.size() - 1;
    };
    std::string_view rest = s.substr(i);
    if (rest.starts_with("<!--")) {
      skip_to("-->");
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      skip_to("]]>");
      continue;
    }
    if (rest.starts_with("<?")) {
      skip_to("?>");
      continue;
    }
    if (rest.starts_with("<!")) {
      skip_to(">");
      continue;
    }
    if (rest.starts_with("</")) {
      depth = std::max(0, depth - 1);
      skip_to(">");
      continue;
    }
    size_t j = i + 1;
    char quote = 0;
    for (; j < s.size(); ++j) {
      char ch = s[j];
      if (quote) {
        if (ch == quote) quote = 0;
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (ch == '>') {
        break;
      }
    }
    ++r.elements;
    if (j < s.size() && s[j - 1] != '/' && ++depth > r.depth) {
      r.depth = depth;
      r.deepest_at = i;
    }
    i = j;
  }
  return r;
}

// The size the figure has on its own: the image catalog's rule (one place).
void intrinsic_size(const Node* root, Drawing& d) {
  std::tie(d.width, d.height) =
      image::svg_intrinsic_size(detail::attribute(root, "width"), detail::attribute(root, "height"),
                                detail::attribute(root, "viewBox"));
}

bool has_url(std::string_view v) { return v.find("url(") != std::string_view::npos; }

// The element a url(#id) in `v` points to, or null.
const Node* url_target(const detail::Document& doc, std::string_view v) {
  size_t at = v.find("url(");
  if (at == std::string_view::npos) return nullptr;
  v.remove_prefix(at + 4);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\'' || v.front() == '"'))
    v.remove_prefix(1);
  if (v.empty() || v.front() != '#') return nullptr;
  v.remove_prefix(1);
  size_t end = v.find_first_of(")'\" ");
  auto it = doc.ids.find(v.substr(0, end));
  return it == doc.ids.end() ? nullptr : it->second;
}

std::string paint_server(const Node* target) {
  if (!target) return "paint server (url)";
  std::string_view n = detail::name(target);
  if (n == "linearGradient") return "linear gradient";
  if (n == "radialGradient") return "radial gradient";
  if (n == "pattern") return "pattern";
  return "paint server <" + std::string(n) + ">";
}

// One property of an element, from its attribute or from its style="".
std::string_view property(const Node* n, std::string_view prop, std::string& scratch) {
  std::string_view style = detail::attribute(n, "style");
  for (size_t at = style.find(prop); at != std::string_view::npos; at = style.find(prop, at + 1)) {
    bool starts = at == 0 || style[at - 1] == ';' || style[at - 1] == ' ' || style[at - 1] == '\t';
    size_t colon = style.find_first_not_of(" \t", at + prop.size());
    if (!starts || colon == std::string_view::npos || style[colon] != ':') continue;
    size_t end = style.find(';', colon);
    scratch.assign(style.substr(colon + 1, end == std::string_view::npos ? end : end - colon - 1));
    return scratch;
  }
  return detail::attribute(n, prop);
}

bool used(std::string_view v) {
  size_t a = v.find_first_not_of(" \t\n");
  return a != std::string_view::npos && v.substr(a, 4) != "none";
}

// The ids of the document, and what of it the vector drawing cannot do.
void survey(detail::Document& doc) {
  std::vector<const Node*> stack{doc.root};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    // last_node() is undefined on a node without children.
    for (auto* c = n->first_node() ? n->last_node() : nullptr; c; c = c->previous_sibling())
      if (c->type() == rapidxml_ns::node_element) stack.push_back(c);
    if (auto id = detail::attribute(n, "id"); !id.empty()) doc.ids.emplace(std::string(id), n);
  }
  stack.push_back(doc.root);
  std::string scratch;
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    // last_node() is undefined on a node without children.
    for (auto* c = n->first_node() ? n->last_node() : nullptr; c; c = c->previous_sibling())
      if (c->type() == rapidxml_ns::node_element) stack.push_back(c);
    std::string_view ns(n->namespace_uri(), n->namespace_uri_size());
    if (ns != kSvgNs) continue;  // metadata of editors (Inkscape, sodipodi, …)
    const char* at = n->name();
    std::string_view el = detail::name(n);
    // An embedded picture (a data: URI) is drawn as an image of the drawing;
    // a file is not read (librsvg's raster leaves it out too).
    if (el == "image" && !detail::attribute(n, "href").starts_with("data:"))
      doc.unsupported("<image> inside SVG", at);
    else if (el == "image" &&
             (detail::attribute(n, "width").empty() || detail::attribute(n, "height").empty()))
      doc.unsupported("<image> without width and height", at);  // SVG 2's auto size
    else if (el == "foreignObject") doc.unsupported("<foreignObject>", at);
    else if (el == "textPath") doc.unsupported("<textPath>", at);
    else if (el == "switch") doc.unsupported("<switch>", at);
    else if (el == "style" && n->value_size() + (n->first_node() ? 1 : 0) > 0)
      doc.unsupported("CSS style sheet (<style>)", at);
    else if (el == "animate" || el == "animateTransform" || el == "animateMotion" || el == "set")
      doc.unsupported("animation", at);
    if (used(property(n, "filter", scratch))) doc.unsupported("filter", at);
    if (used(property(n, "mask", scratch))) doc.unsupported("mask", at);
    if (used(property(n, "clip-path", scratch))) doc.unsupported("clip-path", at);
    for (std::string_view m : {"marker-start", "marker-mid", "marker-end", "marker"})
      if (used(property(n, m, scratch))) doc.unsupported("marker", at);
    for (std::string_view p : {"fill", "stroke"}) {
      std::string_view v = property(n, p, scratch);
      if (has_url(v)) doc.unsupported(paint_server(url_target(doc, v)), at);
    }
  }
}

bool ascii(std::string_view v) {
  return std::all_of(v.begin(), v.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

// Where a value may hold any text: names, ids, references, font families.
bool free_text(std::string_view name) {
  return name == "id" || name == "class" || name == "href" || name == "font-family" ||
         name == "font" || name == "lang";
}

// `style`'s declarations whose values are ASCII, or free text.
std::string ascii_declarations(std::string_view style) {
  std::string kept;
  for (size_t i = 0; i <= style.size();) {
    const size_t end = std::min(style.find(';', i), style.size());
    const std::string_view decl = style.substr(i, end - i);
    const std::string_view prop = base::trim_ascii_space(decl.substr(0, decl.find(':')));
    if (ascii(decl) || free_text(prop)) kept.append(decl).append(";");
    i = end + 1;
  }
  return kept;
}

// SVG's value grammars are ASCII, and SVG++'s (Boost.Spirit) fail an
// assertion, or hand std::tolower a negative char, on a byte above 0x7F in
// some (a colour keyword, read case-blind). A value holding one is invalid
// wherever a grammar reads it, so it goes as SVG says an invalid value does:
// ignored (the attribute, or its declaration in `style`). Found by fuzz_svg.
void drop_non_ascii_values(rapidxml_ns::xml_document<char>& xml,
                           rapidxml_ns::xml_node<char>* root) {
  std::vector<rapidxml_ns::xml_node<char>*> stack{root};
  while (!stack.empty()) {
    rapidxml_ns::xml_node<char>* n = stack.back();
    stack.pop_back();
    for (auto* c = n->first_node(); c; c = c->next_sibling())
      if (c->type() == rapidxml_ns::node_element) stack.push_back(c);
    for (auto* a = n->first_attribute(); a;) {
      auto* next = a->next_attribute();
      const std::string_view name(a->local_name(), a->local_name_size());
      const std::string_view value(a->value(), a->value_size());
      if (!ascii(value) && !free_text(name)) {
        if (name != "style") {
          n->remove_attribute(a);
        } else {
          const std::string kept = ascii_declarations(value);
          a->value(xml.allocate_string(kept.data(), kept.size()), kept.size());
        }
      }
      a = next;
    }
  }
}

// The buffer rapidxml parses: a copy, with the SVG namespace added to a
// root <svg> written without one (browsers need it in a file; people
// writing SVG by hand for a manuscript often leave it out).
std::string prepare(std::string_view bytes) {
  std::string text(bytes);
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  size_t root = 0;
  for (;;) {
    root = text.find('<', root);
    if (root == std::string::npos) return text;
    std::string_view r(text.data() + root, text.size() - root);
    if (r.starts_with("<?") || r.starts_with("<!")) {
      root = text.find('>', root);
      continue;
    }
    break;
  }
  if (text.compare(root, 4, "<svg") != 0) return text;
  size_t end = text.find('>', root);
  std::string_view tag(text.data() + root, (end == std::string::npos ? text.size() : end) - root);
  if (tag.find("xmlns=") == std::string_view::npos && tag.find("xmlns =") == std::string_view::npos)
    text.insert(root + 4, " xmlns=\"http://www.w3.org/2000/svg\"");
  return text;
}

Result failure(const detail::Document& doc, std::string message, const char* at,
               bool over_budget = false) {
  Result r;
  r.error = std::move(message);
  r.over_budget = over_budget;
  std::tie(r.line, r.column) = doc.where(at);
  return r;
}

}  // namespace

Limits limits_for(int64_t max_pixels) {
  Limits l;
  l.max_image_pixels = max_pixels;
  return l;
}

bool looks_like_svg(std::string_view bytes) {
  std::string_view head = bytes.substr(0, 4096);
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || head[first] != '<') return false;
  size_t svg = head.find("<svg");
  return svg != std::string_view::npos &&
         (svg + 4 >= head.size() ||
          std::string_view(" \t\r\n>/").find(head[svg + 4]) != std::string_view::npos);
}

Result parse(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_bytes)
    return {std::nullopt,
            "the file is larger than " + std::to_string(limits.max_bytes >> 20) + " MB"};
  std::string text = prepare(bytes);
  detail::Document doc;
  doc.text = text.data();
  doc.size = text.size();
  doc.limits = limits;
  Scan s = scan(text);
  if (s.elements > limits.max_elements)
    return {std::nullopt, "more than " + std::to_string(limits.max_elements) + " elements"};
  if (s.depth > limits.max_depth)
    return failure(doc,
                   "elements nested deeper than " + std::to_string(limits.max_depth) + " levels",
                   text.data() + s.deepest_at);
  text.push_back('\0');  // rapidxml reads up to a terminator
  doc.text = text.data();
  rapidxml_ns::xml_document<char> xml;
  try {
    xml.parse<rapidxml_ns::parse_no_string_terminators | rapidxml_ns::parse_validate_closing_tags>(
        text.data());
  } catch (const rapidxml_ns::parse_error& e) {
    return failure(doc, std::string("malformed XML: ") + e.what(), e.where<char>());
  }
  rapidxml_ns::xml_node<char>* root = xml.first_node();
  while (root && root->type() != rapidxml_ns::node_element) root = root->next_sibling();
  if (!root || detail::name(root) != "svg" ||
      std::string_view(root->namespace_uri(), root->namespace_uri_size()) != kSvgNs)
    return {std::nullopt, "the root element is not <svg>"};
  drop_non_ascii_values(xml, root);
  Drawing drawing;
  intrinsic_size(root, drawing);
  doc.root = root;
  doc.out = &drawing;
  survey(doc);
  try {
    detail::traverse(doc);
  } catch (const detail::Failure& f) {
    return failure(doc, f.what(), f.at, f.over_budget);
  }
  Result r;
  r.drawing = std::move(drawing);
  return r;
}

}  // namespace moyin::svg
