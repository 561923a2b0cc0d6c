#include "doc/document.h"

namespace moyin::doc {

static void append_plain(const std::vector<Inline>& inlines, std::string& out) {
  for (const Inline& in : inlines) {
    switch (in.kind) {
      case InlineKind::Text:
      case InlineKind::Code:
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

}  // namespace moyin::doc
