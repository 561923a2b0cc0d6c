#include "doc/document.h"

#include <iterator>

namespace moyin::doc {

MetaValue::MetaValue() = default;
MetaValue::MetaValue(const MetaValue&) = default;
MetaValue::MetaValue(MetaValue&&) noexcept = default;
MetaValue& MetaValue::operator=(const MetaValue&) = default;
MetaValue& MetaValue::operator=(MetaValue&&) noexcept = default;
MetaValue::~MetaValue() = default;

std::string_view token_class_name(TokenClass c) {
  static constexpr std::string_view names[kTokenClassCount] = {
      "text",     "keyword",   "type",     "string",   "number",  "comment", "preprocessor", "function",
      "variable", "constant",  "tag",      "attribute", "inserted", "deleted", "meta"};
  const auto i = static_cast<size_t>(c);
  return i < std::size(names) ? names[i] : "text";
}

static void append_plain(const std::vector<Inline>& inlines, std::string& out) {
  for (const Inline& in : inlines) {
    switch (in.kind) {
      case InlineKind::Text:
      case InlineKind::Code:
      case InlineKind::Math:  // a title or alt text keeps the formula's TeX
        out += in.text;
        break;
      case InlineKind::SoftBreak:
      case InlineKind::LineBreak:
        out += ' ';
        break;
      case InlineKind::FootnoteRef:
      case InlineKind::RawHtml:
        break;
      default:
        append_plain(in.children, out);
    }
  }
}

std::string plain_text(const std::vector<Inline>& inlines) {
  std::string out;
  append_plain(inlines, out);
  return out;
}

bool has_title_heading(const Document& d) {
  for (const Block& b : d.blocks)
    if (b.kind == BlockKind::Heading && b.level == 1) return true;
  return false;
}

std::string untitled_chapter_name(const Document& d) {
  if (!d.meta.title.empty()) return d.meta.title;
  std::string_view name = d.path;
  if (const size_t slash = name.find_last_of('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (const size_t dot = name.find_last_of('.'); dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  return std::string(name);
}

}  // namespace moyin::doc
