// HTML5 text (our writer's output plus the author's raw HTML) -> safe,
// well-formed XHTML. gumbo parses exactly as a browser would (so broken or
// split raw HTML pairs up the same way); we then keep only elements and
// attributes XHTML allows and that cannot run code.
#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <memory>
#include <pugixml.hpp>
#include <string>

#include "epub/internal.h"

namespace moyin::epub::detail {
namespace {

struct OutputDeleter {
  void operator()(GumboOutput* o) const { gumbo_destroy_output(&kGumboDefaultOptions, o); }
};
using OutputPtr = std::unique_ptr<GumboOutput, OutputDeleter>;

bool in(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Elements removed together with everything inside them.
bool drop_with_content(std::string_view tag) {
  return in(tag, {"script", "style",     "iframe",  "object",   "embed",    "applet",
                  "frame",  "frameset",  "noembed", "noframes", "noscript", "template",
                  "title",  "textarea",  "select",  "option",   "optgroup", "datalist",
                  "button", "link",      "meta",    "base",     "head",     "param",
                  "source", "track",     "audio",   "video",    "canvas",   "map",
                  "area",   "plaintext", "xmp",     "dialog",   "portal",   "slot"});
}
bool dangerous(std::string_view tag) {
  return in(tag, {"script", "iframe", "object", "embed", "applet", "frame", "frameset"});
}

// Elements kept (with allowed attributes); any other element is unwrapped.
bool allowed_element(std::string_view tag) {
  return in(tag,
            {"a",          "abbr",   "address", "article", "aside", "b",     "bdi",      "bdo",
             "blockquote", "br",     "caption", "cite",    "code",  "col",   "colgroup", "data",
             "dd",         "del",    "details", "dfn",     "div",   "dl",    "dt",       "em",
             "figcaption", "figure", "footer",  "h1",      "h2",    "h3",    "h4",       "h5",
             "h6",         "header", "hgroup",  "hr",      "i",     "img",   "input",    "ins",
             "kbd",        "li",     "main",    "mark",    "nav",   "ol",    "p",        "pre",
             "q",          "rp",     "rt",      "ruby",    "s",     "samp",  "section",  "small",
             "span",       "strong", "sub",     "summary", "sup",   "table", "tbody",    "td",
             "tfoot",      "th",     "thead",   "time",    "tr",    "u",     "ul",       "var",
             "wbr"});
}

bool all_digits(std::string_view v, bool allow_sign) {
  if (!v.empty() && allow_sign && v.front() == '-') v.remove_prefix(1);
  return !v.empty() && v.size() < 10 &&
         std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string lower_trimmed_scheme(std::string_view url) {
  // Browsers ignore whitespace and controls inside a scheme ("java\tscript:").
  std::string s;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20) continue;
    if (c == ':') {
      s.push_back(':');
      return s;
    }
    if (c == '/' || c == '?' || c == '#') return "";
    s.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  }
  return "";
}

bool allowed_epub_type(std::string_view v) {
  return in(v, {"noteref",   "footnote", "footnotes",  "endnote",     "endnotes",   "rearnote",
                "rearnotes", "note",     "titlepage",  "toc",         "landmarks",  "cover",
                "chapter",   "part",     "bodymatter", "frontmatter", "backmatter", "pagebreak",
                "glossary",  "tip",      "notice"});
}

// The ARIA roles the writer gives (callouts, notes, links back): kept on
// aside and a, where they are valid.
bool allowed_role(std::string_view v) {
  return in(v, {"note", "doc-tip", "doc-footnote", "doc-noteref", "doc-backlink"});
}

// Elements whose content must be phrasing (inline) content.
bool phrasing_only(std::string_view tag) {
  return in(tag, {"p",      "h1",   "h2",   "h3",  "h4",   "h5",   "h6",    "pre",    "span",
                  "strong", "em",   "b",    "i",   "u",    "s",    "small", "sub",    "sup",
                  "code",   "kbd",  "samp", "var", "mark", "abbr", "cite",  "dfn",    "q",
                  "time",   "data", "bdi",  "bdo", "rt",   "rp",   "ruby",  "summary"});
}
// Elements that are not phrasing content (may not appear inside the above).
bool flow_only(std::string_view tag) {
  return in(tag, {"address", "article",  "aside",  "blockquote", "details", "div",     "dl",
                  "dd",      "dt",       "figure", "figcaption", "footer",  "header",  "hgroup",
                  "h1",      "h2",       "h3",     "h4",         "h5",      "h6",      "hr",
                  "main",    "nav",      "ol",     "p",          "pre",     "section", "table",
                  "tbody",   "thead",    "tfoot",  "tr",         "td",      "th",      "caption",
                  "col",     "colgroup", "ul",     "li",         "summary"});
}

struct Walker {
  SanitizeContext& ctx;
  doc::Position pos;
  int phrasing = 0;  // > 0 inside an element that allows only phrasing content

  void warn(std::string msg) {
    if (ctx.diags) ctx.diags->warn(ctx.path, pos, std::move(msg));
  }

  void text(pugi::xml_node parent, std::string_view s) {
    std::string clean = valid_utf8_xml(s);
    if (clean.empty()) return;
    // Merge with a preceding text node: keeps the tree tidy.
    pugi::xml_node last = parent.last_child();
    if (last && last.type() == pugi::node_pcdata) {
      std::string merged = last.value();
      merged += clean;
      last.set_value(merged.c_str());
      return;
    }
    parent.append_child(pugi::node_pcdata).set_value(clean.c_str());
  }

  void comment(std::string_view c, pugi::xml_node parent) {
    if (ctx.keep_page_marks && c.starts_with("page@")) {  // for insert_pagebreaks
      parent.append_child(pugi::node_comment).set_value(std::string(c).c_str());
      return;
    }
    // "@L:C" markers from the writer carry source positions.
    if (c.size() < 4 || c[0] != '@') return;
    size_t colon = c.find(':');
    if (colon == std::string_view::npos) return;
    int line = 0, col = 0;
    for (size_t i = 1; i < colon; ++i) {
      if (c[i] < '0' || c[i] > '9') return;
      line = line * 10 + (c[i] - '0');
      if (line > 100000000) return;
    }
    for (size_t i = colon + 1; i < c.size(); ++i) {
      if (c[i] < '0' || c[i] > '9') return;
      col = col * 10 + (c[i] - '0');
      if (col > 100000000) return;
    }
    pos = {line, col};
  }

  static std::string tag_name(const GumboElement& el) {
    if (el.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(el.tag);
    GumboStringPiece piece = el.original_tag;
    gumbo_tag_from_original_text(&piece);
    std::string name(piece.data ? piece.data : "", piece.length);
    for (char& ch : name)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    return name;
  }

  void children(const GumboVector& kids, pugi::xml_node parent) {
    for (unsigned i = 0; i < kids.length; ++i)
      node(static_cast<const GumboNode*>(kids.data[i]), parent);
  }

  void node(const GumboNode* n, pugi::xml_node parent) {
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA: text(parent, n->v.text.text); return;
      case GUMBO_NODE_COMMENT: comment(n->v.text.text, parent); return;
      case GUMBO_NODE_DOCUMENT: children(n->v.document.children, parent); return;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: element(n->v.element, parent); return;
    }
  }

  void element(const GumboElement& el, pugi::xml_node parent) {
    std::string tag = tag_name(el);
    if (el.tag_namespace == GUMBO_NAMESPACE_SVG) {
      warn("raw HTML: inline <svg> is not kept (use an image file)");
      return;
    }
    if (el.tag_namespace == GUMBO_NAMESPACE_MATHML) {  // keep the text only
      children(el.children, parent);
      return;
    }
    if (drop_with_content(tag)) {
      if (dangerous(tag)) warn("raw HTML: <" + tag + "> removed");
      return;
    }
    if (!allowed_element(tag)) {  // html, body, font, center, unknown: keep the content
      children(el.children, parent);
      return;
    }
    if (phrasing > 0 && flow_only(tag)) {
      // A block inside inline content (e.g. an unclosed <strong> before a
      // raw <table>): keep the text, drop the block structure.
      if (tag != "hr" && tag != "col" && tag != "colgroup") {
        if (parent.last_child() && (tag == "p" || tag == "div" || tag == "tr" || tag == "li"))
          text(parent, " ");
        children(el.children, parent);
      }
      return;
    }
    if (tag == "input") {
      input(el, parent);
      return;
    }
    if (tag == "img") {
      image(el, parent);
      return;
    }
    pugi::xml_node out = parent.append_child(tag.c_str());
    attributes(el, tag, out);
    if (tag == "a" && out.attribute("href")) ctx.link_positions[out.internal_object()] = pos;
    bool inline_only = phrasing_only(tag);
    phrasing += inline_only;
    children(el.children, out);
    phrasing -= inline_only;
  }

  const GumboAttribute* find(const GumboElement& el, const char* name) {
    return gumbo_get_attribute(&el.attributes, name);
  }

  void input(const GumboElement& el, pugi::xml_node parent) {
    const GumboAttribute* type = find(el, "type");
    std::string t = type ? type->value : "";
    std::transform(t.begin(), t.end(), t.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
    if (t != "checkbox") return;  // only the read-only task-list checkbox
    pugi::xml_node out = parent.append_child("input");
    out.append_attribute("type") = "checkbox";
    out.append_attribute("disabled") = "disabled";
    if (find(el, "checked")) out.append_attribute("checked") = "checked";
  }

  void image(const GumboElement& el, pugi::xml_node parent) {
    const GumboAttribute* src = find(el, "src");
    const GumboAttribute* alt = find(el, "alt");
    std::string alt_text = alt ? valid_utf8_xml(alt->value) : "";
    std::optional<std::string> href;
    if (src && ctx.resolve_image) href = ctx.resolve_image(src->value, pos);
    else if (src) href = std::string(src->value);
    if (!href) {
      text(parent, alt_text);
      return;
    }
    pugi::xml_node out = parent.append_child("img");
    out.append_attribute("src") = href->c_str();
    out.append_attribute("alt") = alt_text.c_str();
    attributes(el, "img", out);
  }

  bool allowed_attribute(std::string_view tag, std::string_view name) {
    if (in(name, {"class", "title", "lang", "dir", "style"})) return true;
    if (name == "role") return tag == "aside" || tag == "a";  // DPUB-ARIA roles (allowed_role)
    if (tag == "a") return in(name, {"href", "hreflang"});
    if (tag == "img") return in(name, {"width", "height"});
    if (tag == "td" || tag == "th") return in(name, {"colspan", "rowspan", "scope"});
    if (tag == "ol") return in(name, {"start", "reversed", "type"});
    if (tag == "li") return name == "value";
    if (tag == "col" || tag == "colgroup") return name == "span";
    if (tag == "time" || tag == "del" || tag == "ins") return name == "datetime";
    if (tag == "data") return name == "value";
    if (tag == "details") return name == "open";
    if (tag == "bdo") return name == "dir";
    return false;
  }

  void attributes(const GumboElement& el, std::string_view tag, pugi::xml_node out) {
    bool warned_event = false;
    for (unsigned i = 0; i < el.attributes.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(el.attributes.data[i]);
      if (a->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE) continue;
      std::string name = a->name;
      std::string value = valid_utf8_xml(a->value);
      if (name.size() > 2 && name[0] == 'o' && name[1] == 'n') {
        if (!warned_event) warn("raw HTML: event handler attribute " + name + " removed");
        warned_event = true;
        continue;
      }
      if (tag == "img" && (name == "src" || name == "alt")) continue;  // done by image()
      if (name == "id") {
        if (value.empty() || value.find_first_of(" \t\n\r\f") != std::string::npos) continue;
        if (!ctx.ids.insert(value).second) {
          warn("raw HTML: duplicate id \"" + value + "\" removed");
          continue;
        }
        out.append_attribute("id") = value.c_str();
        continue;
      }
      if (name == "epub:type") {
        if (allowed_epub_type(value)) out.append_attribute("epub:type") = value.c_str();
        continue;
      }
      if (!allowed_attribute(tag, name)) continue;
      if (name == "href") {
        std::string scheme = lower_trimmed_scheme(value);
        if (scheme == "javascript:" || scheme == "vbscript:" || scheme == "data:") {
          warn("raw HTML: " + scheme + " link removed");
          continue;
        }
        if (scheme == "file:") {
          warn("link to a file: URL removed");
          continue;
        }
        value = uri_escape(value);
      }
      if (name == "role" && !allowed_role(value)) continue;
      if (name == "scope" && !in(value, {"col", "row", "colgroup", "rowgroup"})) continue;
      if ((name == "colspan" || name == "rowspan" || name == "span" || name == "width" ||
           name == "height" || (name == "value" && tag == "li")) &&
          !all_digits(value, false))
        continue;
      if (name == "start" && !all_digits(value, true)) continue;
      if (name == "type" && !in(value, {"1", "a", "A", "i", "I"})) continue;
      if (name == "dir" && !in(value, {"ltr", "rtl", "auto"})) continue;
      if (name == "lang" && !value.empty() && !valid_language_tag(value)) continue;
      if (in(name, {"reversed", "open"})) value = name;
      out.append_attribute(name.c_str()) = value.c_str();
    }
  }
};

bool void_element(std::string_view tag) {
  return in(tag, {"br", "hr", "img", "input", "wbr", "col", "meta", "link", "area", "base"});
}

void fill_empty(pugi::xml_node n) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (!c.first_child()) {
      if (!void_element(c.name())) c.append_child(pugi::node_pcdata);
    } else {
      fill_empty(c);
    }
  }
}

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

// An unclosed raw-text element (<title>, <style>, <script>, …) would swallow
// the rest of the file as its text, and we drop those elements with their
// content. Like cmark-gfm's tagfilter, write such an opening tag as text
// when no matching end tag follows.
std::string neutralize_unclosed_rawtext(std::string_view html) {
  static const char* kRaw[] = {"title",   "textarea", "style",  "xmp",       "iframe",
                               "noembed", "noframes", "script", "plaintext", "noscript"};
  std::string lower(html);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  std::string out;
  out.reserve(html.size());
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      bool neutral = false;
      for (const char* tag : kRaw) {
        size_t n = std::strlen(tag);
        if (lower.compare(i + 1, n, tag) != 0) continue;
        char after = i + 1 + n < lower.size() ? lower[i + 1 + n] : '>';
        if (!(after == '>' || after == '/' || after == ' ' || after == '\t' || after == '\n' ||
              after == '\r' || after == '\f'))
          continue;
        std::string end = std::string("</") + tag;
        if (std::string_view(tag) == "plaintext" || lower.find(end, i + 1 + n) == std::string::npos)
          neutral = true;
      }
      if (neutral) {
        out += "&lt;";
        continue;
      }
    }
    out.push_back(html[i]);
  }
  return out;
}

// Bounds element nesting before parsing: HTML5 tree construction is
// quadratic in the depth of open elements, and the tree is walked
// recursively. Start tags nested deeper than kMaxDepth (and their end tags)
// are dropped; the text inside stays. Our count of open elements is an
// over-estimate (end tags close only names we saw open), so the parser's
// depth stays bounded too, apart from the few elements it adds itself.
constexpr size_t kMaxDepth = 200;

bool void_tag(std::string_view t) {
  return in(t, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame"});
}

std::string limit_nesting(std::string_view html) {
  std::vector<std::string> open;
  size_t dropped = 0;
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    bool end = c == '<' && i + 1 < html.size() && html[i + 1] == '/';
    size_t name_at = i + (end ? 2 : 1);
    if (c != '<' || name_at >= html.size() ||
        !std::isalpha(static_cast<unsigned char>(html[name_at]))) {
      out.push_back(c);
      ++i;
      continue;
    }
    // Find the tag's end, skipping quoted attribute values.
    size_t j = name_at;
    char quote = 0;
    while (j < html.size() && (quote || html[j] != '>')) {
      if (quote && html[j] == quote) quote = 0;
      else if (!quote && (html[j] == '"' || html[j] == '\'')) quote = html[j];
      ++j;
    }
    if (j >= html.size()) {  // no '>': not a tag, copy the rest
      out.append(html.substr(i));
      break;
    }
    size_t k = name_at;
    while (k < j && (std::isalnum(static_cast<unsigned char>(html[k])) || html[k] == '-')) ++k;
    std::string name(html.substr(name_at, k - name_at));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool keep = true;
    if (end) {
      auto it = std::find(open.rbegin(), open.rend(), name);
      if (it != open.rend()) {
        open.erase(std::prev(it.base()), open.end());
      } else if (dropped > 0) {
        --dropped;
        keep = false;
      }
    } else if (!void_tag(name) && html[j - 1] != '/') {
      if (open.size() >= kMaxDepth) {
        ++dropped;
        keep = false;
      } else {
        open.push_back(name);
      }
    }
    if (keep) out.append(html.substr(i, j + 1 - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

void html_to_xhtml(std::string_view raw_html, pugi::xml_node parent, SanitizeContext& ctx) {
  std::string html = limit_nesting(neutralize_unclosed_rawtext(raw_html));
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_BODY;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  options.max_errors = 0;
  OutputPtr output(gumbo_parse_with_options(&options, html.data(), html.size()));
  if (!output) return;
  Walker w{ctx, {}};
  w.node(output->root, parent);
}

std::string serialize_xhtml(const pugi::xml_node& doc_node) {
  fill_empty(doc_node);
  StringWriter w;
  w.out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n";
  doc_node.print(w, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  w.out += "\n";
  return w.out;
}

std::string serialize_children(const pugi::xml_node& node) {
  fill_empty(node);
  StringWriter w;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    c.print(w, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  return w.out;
}

}  // namespace moyin::epub::detail
