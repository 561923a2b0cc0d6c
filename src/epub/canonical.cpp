// canonical_html(): the normalisation used to compare our XHTML with the
// GFM spec's expected HTML (docs/epub.md, "GFM conformance").
#include <gumbo.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "epub/internal.h"

namespace moyin::epub {
namespace {

struct OutputDeleter {
  void operator()(GumboOutput* o) const { gumbo_destroy_output(&kGumboDefaultOptions, o); }
};

bool is_void(std::string_view t) {
  return t == "br" || t == "hr" || t == "img" || t == "input" || t == "wbr" || t == "col";
}

// URLs as cmark-gfm writes them: bytes outside its safe set percent-encoded
// (existing %XX kept), so "/föö" and "/f%C3%B6%C3%B6" compare equal.
std::string escape_url(std::string_view url) {
  static const std::string_view safe = "!#$%&'()*+,-./:;=?@_~";
  std::string out;
  for (char ch : url) {
    auto c = static_cast<unsigned char>(ch);
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c < 0x80 && safe.find(ch) != std::string_view::npos);
    if (ok) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[c >> 4]);
      out.push_back("0123456789ABCDEF"[c & 15]);
    }
  }
  return out;
}

std::string tag_of(const GumboElement& el) {
  if (el.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(el.tag);
  GumboStringPiece piece = el.original_tag;
  gumbo_tag_from_original_text(&piece);
  std::string s(piece.data ? piece.data : "", piece.length);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

void walk(const GumboNode* n, std::string& out, bool in_pre) {
  switch (n->type) {
    case GUMBO_NODE_DOCUMENT: {
      const GumboVector& kids = n->v.document.children;
      for (unsigned i = 0; i < kids.length; ++i)
        walk(static_cast<const GumboNode*>(kids.data[i]), out, in_pre);
      return;
    }
    case GUMBO_NODE_WHITESPACE:
      if (in_pre) out += detail::escape_html(n->v.text.text, false);
      return;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA: {
      std::string t = n->v.text.text;
      if (!in_pre) {  // collapse runs of whitespace; trim around tags
        std::string c;
        bool space = false;
        for (char ch : t) {
          if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            space = true;
          } else {
            if (space && !c.empty()) c += ' ';
            space = false;
            c += ch;
          }
        }
        if (space && !c.empty()) c += ' ';
        t = c;
      }
      out += detail::escape_html(t, false);
      return;
    }
    case GUMBO_NODE_COMMENT: return;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE: {
      const GumboElement& el = n->v.element;
      std::string tag = tag_of(el);
      bool wrapper = tag == "html" || tag == "body";
      std::vector<std::pair<std::string, std::string>> attrs;
      for (unsigned i = 0; i < el.attributes.length; ++i) {
        const auto* a = static_cast<const GumboAttribute*>(el.attributes.data[i]);
        std::string name = a->name, value = a->value;
        if ((tag == "th" || tag == "td") && name == "align") {
          name = "style";
          value = "text-align: " + value;
        }
        if (name == "disabled" || name == "checked" || name == "reversed" || name == "open")
          value = name;
        if (name == "href" || name == "src") value = escape_url(value);
        if (tag == "p" && name == "class" && value == "image") continue;
        if (tag == "p" && name == "id") continue;  // an image's automatic id (fig-…)
        if (name == "id" && tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6')
          continue;
        if (tag == "th" && name == "scope") continue;  // our header cells' scope (accessibility)
        attrs.emplace_back(name, value);
      }
      std::sort(attrs.begin(), attrs.end());
      if (!wrapper) {
        out += "<" + tag;
        for (auto& [k, v] : attrs) out += " " + k + "=\"" + detail::escape_html(v, true) + "\"";
        out += ">";
      }
      const GumboVector& kids = el.children;
      bool pre = in_pre || tag == "pre";
      for (unsigned i = 0; i < kids.length; ++i)
        walk(static_cast<const GumboNode*>(kids.data[i]), out, pre);
      if (!wrapper && !is_void(tag)) out += "</" + tag + ">";
      return;
    }
  }
}

}  // namespace

std::string canonical_html(std::string_view html) {
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_BODY;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  std::unique_ptr<GumboOutput, OutputDeleter> out(
      gumbo_parse_with_options(&options, html.data(), html.size()));
  std::string s;
  if (out) walk(out->root, s, false);
  // Spaces next to tags carry no meaning outside <pre> for this comparison.
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' && ((i + 1 < s.size() && s[i + 1] == '<') || (i > 0 && s[i - 1] == '>'))) {
      continue;
    }
    r += s[i];
  }
  return r;
}

}  // namespace moyin::epub
