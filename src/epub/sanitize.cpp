// HTML5 text (our writer's output plus the author's raw HTML) -> safe,
// well-formed XHTML. gumbo parses exactly as a browser would (so broken or
// split raw HTML pairs up the same way); we then keep only elements and
// attributes XHTML allows and that cannot run code.
#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <iterator>
#include <memory>
#include <pugixml.hpp>
#include <string>

#include "base/utf8.h"
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

// What the sanitizer does with each element it knows, by name (one lookup
// per element instead of a scan of each list).
enum TagFlag : uint8_t {
  kDropWithContent = 1,      // removed together with everything inside it
  kDangerous = 2,            // and its removal is reported
  kAllowed = 4,              // kept (with allowed attributes); any other element is unwrapped
  kPhrasingOnlyContent = 8,  // its content must be phrasing (inline) content
  kFlow = 16,                // not phrasing content (may not appear inside the above)
  kVoidXhtml = 32,           // written empty (<br/>); other empty elements get an empty text
};
struct TagEntry {
  std::string_view name;
  uint8_t flags;
};
constexpr TagEntry kTags[] = {
    {"a", kAllowed},
    {"abbr", kAllowed | kPhrasingOnlyContent},
    {"address", kAllowed | kFlow},
    {"applet", kDropWithContent | kDangerous},
    {"area", kDropWithContent | kVoidXhtml},
    {"article", kAllowed | kFlow},
    {"aside", kAllowed | kFlow},
    {"audio", kDropWithContent},
    {"b", kAllowed | kPhrasingOnlyContent},
    {"base", kDropWithContent | kVoidXhtml},
    {"bdi", kAllowed | kPhrasingOnlyContent},
    {"bdo", kAllowed | kPhrasingOnlyContent},
    {"blockquote", kAllowed | kFlow},
    {"br", kAllowed | kVoidXhtml},
    {"button", kDropWithContent},
    {"canvas", kDropWithContent},
    {"caption", kAllowed | kFlow},
    {"cite", kAllowed | kPhrasingOnlyContent},
    {"code", kAllowed | kPhrasingOnlyContent},
    {"col", kAllowed | kFlow | kVoidXhtml},
    {"colgroup", kAllowed | kFlow},
    {"data", kAllowed | kPhrasingOnlyContent},
    {"datalist", kDropWithContent},
    {"dd", kAllowed | kFlow},
    {"del", kAllowed},
    {"details", kAllowed | kFlow},
    {"dfn", kAllowed | kPhrasingOnlyContent},
    {"dialog", kDropWithContent},
    {"div", kAllowed | kFlow},
    {"dl", kAllowed | kFlow},
    {"dt", kAllowed | kFlow},
    {"em", kAllowed | kPhrasingOnlyContent},
    {"embed", kDropWithContent | kDangerous},
    {"figcaption", kAllowed | kFlow},
    {"figure", kAllowed | kFlow},
    {"footer", kAllowed | kFlow},
    {"frame", kDropWithContent | kDangerous},
    {"frameset", kDropWithContent | kDangerous},
    {"h1", kAllowed | kPhrasingOnlyContent | kFlow},
    {"h2", kAllowed | kPhrasingOnlyContent | kFlow},
    {"h3", kAllowed | kPhrasingOnlyContent | kFlow},
    {"h4", kAllowed | kPhrasingOnlyContent | kFlow},
    {"h5", kAllowed | kPhrasingOnlyContent | kFlow},
    {"h6", kAllowed | kPhrasingOnlyContent | kFlow},
    {"head", kDropWithContent},
    {"header", kAllowed | kFlow},
    {"hgroup", kAllowed | kFlow},
    {"hr", kAllowed | kFlow | kVoidXhtml},
    {"i", kAllowed | kPhrasingOnlyContent},
    {"iframe", kDropWithContent | kDangerous},
    {"img", kAllowed | kVoidXhtml},
    {"input", kAllowed | kVoidXhtml},
    {"ins", kAllowed},
    {"kbd", kAllowed | kPhrasingOnlyContent},
    {"li", kAllowed | kFlow},
    {"link", kDropWithContent | kVoidXhtml},
    {"main", kAllowed | kFlow},
    {"map", kDropWithContent},
    {"mark", kAllowed | kPhrasingOnlyContent},
    {"meta", kDropWithContent | kVoidXhtml},
    {"nav", kAllowed | kFlow},
    {"noembed", kDropWithContent},
    {"noframes", kDropWithContent},
    {"noscript", kDropWithContent},
    {"object", kDropWithContent | kDangerous},
    {"ol", kAllowed | kFlow},
    {"optgroup", kDropWithContent},
    {"option", kDropWithContent},
    {"p", kAllowed | kPhrasingOnlyContent | kFlow},
    {"param", kDropWithContent},
    {"plaintext", kDropWithContent},
    {"portal", kDropWithContent},
    {"pre", kAllowed | kPhrasingOnlyContent | kFlow},
    {"q", kAllowed | kPhrasingOnlyContent},
    {"rp", kAllowed | kPhrasingOnlyContent},
    {"rt", kAllowed | kPhrasingOnlyContent},
    {"ruby", kAllowed | kPhrasingOnlyContent},
    {"s", kAllowed | kPhrasingOnlyContent},
    {"samp", kAllowed | kPhrasingOnlyContent},
    {"script", kDropWithContent | kDangerous},
    {"section", kAllowed | kFlow},
    {"select", kDropWithContent},
    {"slot", kDropWithContent},
    {"small", kAllowed | kPhrasingOnlyContent},
    {"source", kDropWithContent},
    {"span", kAllowed | kPhrasingOnlyContent},
    {"strong", kAllowed | kPhrasingOnlyContent},
    {"style", kDropWithContent},
    {"sub", kAllowed | kPhrasingOnlyContent},
    {"summary", kAllowed | kPhrasingOnlyContent | kFlow},
    {"sup", kAllowed | kPhrasingOnlyContent},
    {"table", kAllowed | kFlow},
    {"tbody", kAllowed | kFlow},
    {"td", kAllowed | kFlow},
    {"template", kDropWithContent},
    {"textarea", kDropWithContent},
    {"tfoot", kAllowed | kFlow},
    {"th", kAllowed | kFlow},
    {"thead", kAllowed | kFlow},
    {"time", kAllowed | kPhrasingOnlyContent},
    {"title", kDropWithContent},
    {"tr", kAllowed | kFlow},
    {"track", kDropWithContent},
    {"u", kAllowed | kPhrasingOnlyContent},
    {"ul", kAllowed | kFlow},
    {"var", kAllowed | kPhrasingOnlyContent},
    {"video", kDropWithContent},
    {"wbr", kAllowed | kVoidXhtml},
    {"xmp", kDropWithContent},
};

// A table of element names sorted by name, indexed by first letter: the
// entries of letter L are [index[L - 'a'], index[L - 'a' + 1]) (a handful,
// compared inline, without a call to memcmp).
template <class Entry, size_t N>
constexpr std::array<uint16_t, 27> by_first_letter(const Entry (&table)[N]) {
  std::array<uint16_t, 27> index{};
  size_t k = 0;
  for (size_t letter = 0; letter < 26; ++letter) {
    index[letter] = static_cast<uint16_t>(k);
    while (k < N && table[k].name[0] == static_cast<char>('a' + letter)) ++k;
  }
  if (k != N) throw "names must be sorted and start with a-z";  // a compile-time error
  index[26] = static_cast<uint16_t>(N);
  return index;
}

template <class Entry, size_t N>
const Entry* find_name(const Entry (&table)[N], const std::array<uint16_t, 27>& index,
                       std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return nullptr;
  const size_t letter = static_cast<size_t>(name[0] - 'a');
  for (size_t k = index[letter]; k < index[letter + 1]; ++k) {
    const std::string_view candidate = table[k].name;
    if (candidate.size() != name.size()) continue;
    size_t i = 1;
    while (i < name.size() && candidate[i] == name[i]) ++i;
    if (i == name.size()) return &table[k];
  }
  return nullptr;
}

constexpr std::array<uint16_t, 27> kTagsByLetter = by_first_letter(kTags);

uint8_t tag_flags(std::string_view tag) {
  const TagEntry* e = find_name(kTags, kTagsByLetter, tag);
  return e ? e->flags : 0;
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

struct Walker {
  SanitizeContext& ctx;
  doc::Position pos;
  int phrasing = 0;        // > 0 inside an element that allows only phrasing content
  int in_placeholder = 0;  // > 0 inside a MathML placeholder (insert_mathml replaces it whole)
  // The input is known to be valid UTF-8 (the writer's HTML read as XML,
  // checked by text_reads_alike): its text is only checked, not decoded.
  bool valid_utf8 = false;

  bool xml_clean(std::string_view s) const { return valid_utf8 && xml_chars_only(s); }
  std::string xml_string(std::string_view s) const {
    return xml_clean(s) ? std::string(s) : valid_utf8_xml(s);
  }

  void warn(std::string msg) {
    if (ctx.diags) ctx.diags->warn(ctx.path, pos, std::move(msg));
  }

  void text(pugi::xml_node parent, std::string_view s) {
    std::string cleaned;
    if (!xml_clean(s)) {
      cleaned = valid_utf8_xml(s);
      s = cleaned;
    }
    const std::string_view clean = s;
    if (clean.empty()) return;
    // Merge with a preceding text node: keeps the tree tidy.
    pugi::xml_node last = parent.last_child();
    if (last && last.type() == pugi::node_pcdata) {
      std::string merged = last.value();
      merged += clean;
      last.set_value(merged.data(), merged.size());
      return;
    }
    parent.append_child(pugi::node_pcdata).set_value(clean.data(), clean.size());
  }

  void comment(std::string_view c, pugi::xml_node parent) {
    if (ctx.keep_page_marks && c.starts_with("page@")) {  // for insert_pagebreaks
      pugi::xml_node mark = parent.append_child(pugi::node_comment);
      mark.set_value(c.data(), c.size());
      ctx.page_marks.push_back(mark);
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

  // The element's lower-case name, NUL-terminated (gumbo's own table, or
  // `storage` for a name gumbo does not know).
  static std::string_view tag_name(const GumboElement& el, std::string& storage) {
    if (el.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(el.tag);
    GumboStringPiece piece = el.original_tag;
    gumbo_tag_from_original_text(&piece);
    storage.assign(piece.data ? piece.data : "", piece.length);
    for (char& ch : storage)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    return storage;
  }
  static std::string_view tag_name(pugi::xml_node el, std::string&) { return el.name(); }

  // What element() needs of an element of either tree.
  static bool in_svg(const GumboElement& el) { return el.tag_namespace == GUMBO_NAMESPACE_SVG; }
  static bool in_mathml(const GumboElement& el) {
    return el.tag_namespace == GUMBO_NAMESPACE_MATHML;
  }
  static bool in_svg(pugi::xml_node) { return false; }  // tree_reads_alike: HTML names only
  static bool in_mathml(pugi::xml_node) { return false; }
  static const char* find(const GumboElement& el, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&el.attributes, name);
    return a ? a->value : nullptr;
  }
  static const char* find(pugi::xml_node el, const char* name) {
    const pugi::xml_attribute a = el.attribute(name);
    return a ? a.value() : nullptr;
  }
  template <class F>
  static void each_attribute(const GumboElement& el, F&& f) {
    for (unsigned i = 0; i < el.attributes.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(el.attributes.data[i]);
      if (a->attr_namespace == GUMBO_ATTR_NAMESPACE_NONE) f(a->name, a->value);
    }
  }
  template <class F>
  static void each_attribute(pugi::xml_node el, F&& f) {
    for (pugi::xml_attribute a = el.first_attribute(); a; a = a.next_attribute())
      f(a.name(), a.value());
  }

  void children(const GumboVector& kids, pugi::xml_node parent) {
    for (unsigned i = 0; i < kids.length; ++i)
      node(static_cast<const GumboNode*>(kids.data[i]), parent);
  }
  void children(const GumboElement& el, pugi::xml_node parent) { children(el.children, parent); }
  void children(pugi::xml_node el, pugi::xml_node parent) {
    for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) node(c, parent);
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
  // A node of the writer's own HTML read as XML (writer_html_to_xhtml).
  void node(pugi::xml_node n, pugi::xml_node parent) {
    switch (n.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata: text(parent, n.value()); return;
      case pugi::node_comment: comment(n.value(), parent); return;
      case pugi::node_element: element(n, parent); return;
      case pugi::node_document: children(n, parent); return;
      default: return;
    }
  }

  template <class El>
  void element(const El& el, pugi::xml_node parent) {
    std::string storage;
    const std::string_view tag = tag_name(el, storage);
    if (in_svg(el)) {
      warn("raw HTML: inline <svg> is not kept (use an image file)");
      return;
    }
    if (in_mathml(el)) {  // keep the text only
      children(el, parent);
      return;
    }
    const uint8_t flags = tag_flags(tag);
    if (flags & kDropWithContent) {
      if (flags & kDangerous) warn("raw HTML: <" + std::string(tag) + "> removed");
      return;
    }
    if (!(flags & kAllowed)) {  // html, body, font, center, unknown: keep the content
      children(el, parent);
      return;
    }
    if (phrasing > 0 && (flags & kFlow)) {
      // A block inside inline content (e.g. an unclosed <strong> before a
      // raw <table>): keep the text, drop the block structure.
      if (tag != "hr" && tag != "col" && tag != "colgroup") {
        if (parent.last_child() && (tag == "p" || tag == "div" || tag == "tr" || tag == "li"))
          text(parent, " ");
        children(el, parent);
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
    pugi::xml_node out = parent.append_child(tag.data());  // NUL-terminated (tag_name)
    attributes(el, tag, out);
    if (tag == "a" && out.attribute("href")) ctx.links.emplace_back(out, pos);
    const bool placeholder =
        tag == "code" && std::strcmp(out.attribute("class").value(), "moyin-mathml") == 0;
    if (placeholder && in_placeholder == 0) ctx.mathml_placeholders.push_back(out);
    const bool inline_only = flags & kPhrasingOnlyContent;
    phrasing += inline_only;
    in_placeholder += placeholder;
    children(el, out);
    in_placeholder -= placeholder;
    phrasing -= inline_only;
  }

  template <class El>
  void input(const El& el, pugi::xml_node parent) {
    const char* type = find(el, "type");
    std::string t = type ? type : "";
    std::transform(t.begin(), t.end(), t.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
    if (t != "checkbox") return;  // only the read-only task-list checkbox
    pugi::xml_node out = parent.append_child("input");
    out.append_attribute("type") = "checkbox";
    out.append_attribute("disabled") = "disabled";
    if (find(el, "checked")) out.append_attribute("checked") = "checked";
  }

  template <class El>
  void image(const El& el, pugi::xml_node parent) {
    const char* src = find(el, "src");
    const char* alt = find(el, "alt");
    std::string alt_text = alt ? xml_string(alt) : "";
    std::optional<std::string> href;
    if (src && ctx.resolve_image) href = ctx.resolve_image(src, pos);
    else if (src) href = std::string(src);
    if (!href) {
      text(parent, alt_text);
      return;
    }
    pugi::xml_node out = parent.append_child("img");
    out.append_attribute("src") = href->c_str();
    out.append_attribute("alt") = alt_text.c_str();
    ++ctx.images;
    ctx.images_without_alt += alt_text.empty();
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

  template <class El>
  void attributes(const El& el, std::string_view tag, pugi::xml_node out) {
    bool warned_event = false;
    each_attribute(el, [&](const char* name_chars, const char* value_chars) {
      attribute(tag, name_chars, value_chars, out, warned_event);
    });
  }

  void attribute(std::string_view tag, const char* name_chars, const char* value_chars,
                 pugi::xml_node out, bool& warned_event) {
    const std::string_view name = name_chars;
    if (name.size() > 2 && name[0] == 'o' && name[1] == 'n') {
      if (!warned_event)
        warn("raw HTML: event handler attribute " + std::string(name) + " removed");
      warned_event = true;
      return;
    }
    if (tag == "img" && (name == "src" || name == "alt")) return;  // done by image()
    std::string value = xml_string(value_chars);
    if (name == "id") {
      if (value.empty() || value.find_first_of(" \t\n\r\f") != std::string::npos) return;
      if (!ctx.ids.insert(value).second) {
        warn("raw HTML: duplicate id \"" + value + "\" removed");
        return;
      }
      out.append_attribute("id") = value.c_str();
      return;
    }
    if (name == "epub:type") {
      if (allowed_epub_type(value)) out.append_attribute("epub:type") = value.c_str();
      return;
    }
    if (!allowed_attribute(tag, name)) return;
    if (name == "href") {
      std::string scheme = lower_trimmed_scheme(value);
      if (scheme == "javascript:" || scheme == "vbscript:" || scheme == "data:") {
        warn("raw HTML: " + scheme + " link removed");
        return;
      }
      if (scheme == "file:") {
        warn("link to a file: URL removed");
        return;
      }
      value = uri_escape(value);
    }
    if (name == "role" && !allowed_role(value)) return;
    if (name == "scope" && !in(value, {"col", "row", "colgroup", "rowgroup"})) return;
    if ((name == "colspan" || name == "rowspan" || name == "span" || name == "width" ||
         name == "height" || (name == "value" && tag == "li")) &&
        !all_digits(value, false))
      return;
    if (name == "start" && !all_digits(value, true)) return;
    if (name == "type" && !in(value, {"1", "a", "A", "i", "I"})) return;
    if (name == "dir" && !in(value, {"ltr", "rtl", "auto"})) return;
    if (name == "lang" && !value.empty() && !valid_language_tag(value)) return;
    if (in(name, {"reversed", "open"})) value = name;
    out.append_attribute(name_chars) = value.c_str();
  }
};

bool void_element(std::string_view tag) { return tag_flags(tag) & kVoidXhtml; }

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

// ---- The writer's own HTML read as XML (writer_html_to_xhtml).
//
// Our writer's HTML is well-formed XML apart from the manuscript's raw HTML.
// Where the HTML5 parser would build exactly the tree an XML parser builds
// (the checks below), pugixml reads it instead of gumbo (a tenth of the
// instructions) and the same Walker sanitizes it. Anything the checks do not
// prove equal (raw HTML, a link inside a link, a table part out of place, a
// newline right after <pre>, an entity other than the five XML ones,
// invalid UTF-8, deep nesting…) goes through gumbo as before.

enum ElementKind : uint8_t {
  kPhrasing = 1,      // may stand in phrasing content (none of these closes an open <p>)
  kPhrasingOnly = 2,  // its content must be phrasing (so no start tag in it closes it)
  kVoid = 4,          // no content, no end tag
  kTableText = 8,     // table, thead, tbody, tfoot, tr: only white space as text
};

// The elements the writer writes, sorted by name; any other name goes through gumbo.
struct KnownElement {
  std::string_view name;
  uint8_t kind;
  std::string_view parents;  // non-empty: the only parents allowed (space-separated)
};
constexpr KnownElement kWriterElements[] = {
    {"a", kPhrasing | kPhrasingOnly, ""},
    {"aside", 0, ""},
    {"blockquote", 0, ""},
    {"br", kPhrasing | kVoid, ""},
    {"caption", 0, "table"},
    {"code", kPhrasing | kPhrasingOnly, ""},
    {"del", kPhrasing | kPhrasingOnly, ""},
    {"details", 0, ""},
    {"div", 0, ""},
    {"em", kPhrasing | kPhrasingOnly, ""},
    {"figcaption", 0, "figure"},
    {"figure", 0, ""},
    {"h1", kPhrasingOnly, ""},
    {"h2", kPhrasingOnly, ""},
    {"h3", kPhrasingOnly, ""},
    {"h4", kPhrasingOnly, ""},
    {"h5", kPhrasingOnly, ""},
    {"h6", kPhrasingOnly, ""},
    {"hr", kVoid, ""},
    {"img", kPhrasing | kVoid, ""},
    {"input", kPhrasing | kVoid, ""},
    {"kbd", kPhrasing | kPhrasingOnly, ""},
    {"li", 0, "ul ol"},
    {"mark", kPhrasing | kPhrasingOnly, ""},
    {"ol", 0, ""},
    {"p", kPhrasingOnly, ""},
    {"pre", kPhrasingOnly, ""},
    {"rp", kPhrasing | kPhrasingOnly, "ruby"},
    {"rt", kPhrasing | kPhrasingOnly, "ruby"},
    {"ruby", kPhrasing | kPhrasingOnly, ""},
    {"section", 0, ""},
    {"span", kPhrasing | kPhrasingOnly, ""},
    {"strong", kPhrasing | kPhrasingOnly, ""},
    {"sub", kPhrasing | kPhrasingOnly, ""},
    {"summary", 0, "details"},
    {"sup", kPhrasing | kPhrasingOnly, ""},
    {"table", kTableText, ""},
    {"tbody", kTableText, "table"},
    {"td", 0, "tr"},
    {"th", 0, "tr"},
    {"thead", kTableText, "table"},
    {"tr", kTableText, "thead tbody"},
    {"u", kPhrasing | kPhrasingOnly, ""},
    {"ul", 0, ""},
};

constexpr std::array<uint16_t, 27> kWriterElementsByLetter = by_first_letter(kWriterElements);

const KnownElement* writer_element(std::string_view name) {
  return find_name(kWriterElements, kWriterElementsByLetter, name);
}

bool has_parent(std::string_view parents, std::string_view parent) {
  for (size_t at = 0; at < parents.size();) {
    size_t space = parents.find(' ', at);
    if (space == std::string_view::npos) space = parents.size();
    if (parents.substr(at, space - at) == parent) return true;
    at = space + 1;
  }
  return false;
}

bool html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f'; }

// One pass over the text: what an XML parser and the HTML5 tokenizer could
// read differently. NUL and CR (HTML rewrites them), entities other than the
// five XML ones (HTML knows 2,000 more; numeric ones differ for C1
// controls), end tags of void elements (</br> is a <br> in HTML), <! other
// than a comment and <? (bogus comments in HTML), invalid UTF-8 (U+FFFD in
// HTML), a byte-order mark.
bool text_reads_alike(std::string_view html) {
  if (html.starts_with("\xEF\xBB\xBF")) return false;
  for (size_t i = 0; i < html.size();) {
    const char c = html[i];
    const auto u = static_cast<unsigned char>(c);
    if (u > '<' && u < 0x80) {  // most of the text: nothing to look at
      ++i;
      continue;
    }
    if (u >= 0x80) {
      const size_t len = base::decode_at(html, i).len;
      if (len < 2) return false;  // an invalid byte (a valid sequence is 2 to 4 bytes)
      i += len;
      continue;
    }
    if (c == '\0' || c == '\r') return false;
    if (c == '&') {
      const std::string_view rest = html.substr(i + 1);
      if (!rest.starts_with("amp;") && !rest.starts_with("lt;") && !rest.starts_with("gt;") &&
          !rest.starts_with("quot;") && !rest.starts_with("apos;"))
        return false;
    } else if (c == '<' && i + 1 < html.size()) {
      const char next = html[i + 1];
      if (next == '?') return false;
      if (next == '!' && html.substr(i, 4) != "<!--") return false;
      if (next == '/') {
        size_t end = i + 2;
        while (end < html.size() && html[end] != '>' && !html_space(html[end])) ++end;
        const std::string_view name = html.substr(i + 2, end - i - 2);
        if (name.size() <= 5) {  // the void elements' names are short
          const KnownElement* e = writer_element(name);
          if (e && (e->kind & kVoid)) return false;
        }
      }
    }
    ++i;
  }
  return true;
}

// Element depth above which limit_nesting would drop start tags.
constexpr int kMaxPlainDepth = 150;

// True when the HTML5 parser (fragment in <body>) builds from the text of
// this tree the same tree: every element one the writer writes, table parts,
// list items and ruby text only where HTML puts them, no element that would
// close an open <p> or heading inside one, no link in a link, no newline
// right after <pre>, no attribute twice, no text but white space between
// table parts.
bool tree_reads_alike(pugi::xml_node n, const KnownElement* self, int depth, bool in_link) {
  if (depth > kMaxPlainDepth) return false;
  if (self && (self->kind & kVoid) && n.first_child()) return false;
  bool first = true;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling(), first = false) {
    switch (c.type()) {
      case pugi::node_comment: continue;
      case pugi::node_pcdata: {
        const std::string_view text = c.value();
        if (self && (self->kind & kTableText) && !std::all_of(text.begin(), text.end(), html_space))
          return false;
        if (first && self && self->name == "pre" && text.starts_with('\n')) return false;
        continue;
      }
      case pugi::node_element: break;
      default: return false;
    }
    const std::string_view name = c.name();
    const KnownElement* e = writer_element(name);
    if (!e) return false;
    if (self && (self->kind & kPhrasingOnly) && !(e->kind & kPhrasing)) return false;
    if (!e->parents.empty() && !(self && has_parent(e->parents, self->name))) return false;
    if (self && (self->kind & kTableText) && e->parents.empty()) return false;
    const bool link = name == "a";
    if (link && in_link) return false;
    for (pugi::xml_attribute a = c.first_attribute(); a; a = a.next_attribute())
      for (pugi::xml_attribute b = a.next_attribute(); b; b = b.next_attribute())
        if (std::strcmp(a.name(), b.name()) == 0) return false;
    if (!tree_reads_alike(c, e, depth + ((e->kind & kVoid) ? 0 : 1), in_link || link)) return false;
  }
  return true;
}

}  // namespace

bool read_writer_html(std::string_view html, pugi::xml_document& tree) {
  if (!text_reads_alike(html)) return false;
  constexpr unsigned kOptions =
      pugi::parse_fragment | pugi::parse_comments | pugi::parse_escapes | pugi::parse_ws_pcdata;
  if (!tree.load_buffer(html.data(), html.size(), kOptions, pugi::encoding_utf8)) return false;
  return tree_reads_alike(tree, nullptr, 1, false);
}

void writer_html_to_xhtml(std::string_view html, bool has_raw_html, pugi::xml_node parent,
                          SanitizeContext& ctx) {
  pugi::xml_document tree;
  if (has_raw_html || !read_writer_html(html, tree)) {
    html_to_xhtml(html, parent, ctx);
    return;
  }
  Walker w{ctx, {}};
  w.valid_utf8 = true;
  w.children(tree, parent);
}

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
