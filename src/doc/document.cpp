#include "doc/document.h"

#include <iterator>

#include "base/chars.h"
#include "base/utf8.h"

namespace moyin::doc {

MetaValue::MetaValue() = default;
MetaValue::MetaValue(const MetaValue&) = default;
MetaValue::MetaValue(MetaValue&&) noexcept = default;
MetaValue& MetaValue::operator=(const MetaValue&) = default;
MetaValue& MetaValue::operator=(MetaValue&&) noexcept = default;
MetaValue::~MetaValue() = default;

std::string_view token_class_name(TokenClass c) {
  static constexpr std::string_view names[kTokenClassCount] = {
      "text",    "keyword",      "type",     "string",   "number",
      "comment", "preprocessor", "function", "variable", "constant",
      "tag",     "attribute",    "inserted", "deleted",  "meta"};
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
      case InlineKind::LineBreak: out += ' '; break;
      case InlineKind::FootnoteRef:
      case InlineKind::RawHtml: break;
      default: append_plain(in.children, out);
    }
  }
}

std::string plain_text(const std::vector<Inline>& inlines) {
  std::string out;
  append_plain(inlines, out);
  return out;
}

std::string number_prefix(std::string_view number) {
  std::string out(number);
  if (number.empty()) return out;
  // "一、" and "（一）" end in a fullwidth mark and run on; "第一章", "1.2", "1." take a space.
  const char32_t last = base::decode_before(number, number.size()).cp;
  if (!base::is_cjk_punct(last) || base::is_shared_punct(last)) out += ' ';
  return out;
}

std::string numbered(std::string_view number, std::string_view text) {
  if (text.empty()) return std::string(number);
  return number_prefix(number) += text;
}

std::string heading_title(const Block& heading) {
  return numbered(heading.number_text, plain_text(heading.inlines));
}

bool has_title_heading(const Document& d) {
  for (const Block& b : d.blocks)
    if (b.kind == BlockKind::Heading && b.level == 1) return true;
  return false;
}

std::string untitled_chapter_name(const Document& d) {
  if (!d.meta.title.empty()) return d.meta.title;
  std::string_view name = d.path;
  if (const size_t slash = name.find_last_of('/'); slash != std::string_view::npos)
    name.remove_prefix(slash + 1);
  if (const size_t dot = name.find_last_of('.'); dot != std::string_view::npos && dot > 0)
    name = name.substr(0, dot);
  return std::string(name);
}

std::string_view callout_family(std::string_view kind) {
  struct Alias {
    std::string_view kind, family;
  };
  // GitHub's five alerts, VitePress's info/danger/details, MkDocs's types.
  static constexpr Alias kAliases[] = {{"note", "note"},       {"info", "note"},
                                       {"abstract", "note"},   {"summary", "note"},
                                       {"tldr", "note"},       {"details", "note"},
                                       {"example", "note"},    {"quote", "note"},
                                       {"cite", "note"},       {"todo", "note"},
                                       {"tab", "note"},        {"tip", "tip"},
                                       {"hint", "tip"},        {"success", "tip"},
                                       {"check", "tip"},       {"done", "tip"},
                                       {"question", "tip"},    {"help", "tip"},
                                       {"faq", "tip"},         {"important", "important"},
                                       {"warning", "warning"}, {"attention", "warning"},
                                       {"caution", "caution"}, {"danger", "caution"},
                                       {"error", "caution"},   {"failure", "caution"},
                                       {"fail", "caution"},    {"missing", "caution"},
                                       {"bug", "caution"}};
  for (const Alias& a : kAliases)
    if (a.kind == kind) return a.family;
  return "note";
}

std::string callout_title(const Block& callout, std::string_view lang) {
  if (!callout.title.empty() || callout.untitled) return callout.title;
  struct Title {
    std::string_view kind, zh, en;
  };
  static constexpr Title kTitles[] = {
      {"note", "注意", "Note"},           {"tip", "提示", "Tip"},
      {"important", "重要", "Important"}, {"warning", "警告", "Warning"},
      {"caution", "小心", "Caution"},     {"info", "信息", "Info"},
      {"danger", "危险", "Danger"},       {"details", "详情", "Details"},
      {"abstract", "摘要", "Abstract"},   {"summary", "摘要", "Summary"},
      {"tldr", "摘要", "TL;DR"},          {"example", "示例", "Example"},
      {"quote", "引用", "Quote"},         {"cite", "引用", "Cite"},
      {"todo", "待办", "Todo"},           {"hint", "提示", "Hint"},
      {"success", "成功", "Success"},     {"check", "成功", "Check"},
      {"done", "完成", "Done"},           {"question", "问题", "Question"},
      {"help", "帮助", "Help"},           {"faq", "常见问题", "FAQ"},
      {"attention", "注意", "Attention"}, {"error", "错误", "Error"},
      {"failure", "失败", "Failure"},     {"fail", "失败", "Fail"},
      {"missing", "缺失", "Missing"},     {"bug", "缺陷", "Bug"}};
  const bool chinese = lang.starts_with("zh");
  for (const Title& t : kTitles)
    if (t.kind == callout.info) return std::string(chinese ? t.zh : t.en);
  // An unknown kind (`::: foo`) titles itself, capitalised.
  std::string own = callout.info;
  if (!own.empty() && own[0] >= 'a' && own[0] <= 'z')
    own[0] = static_cast<char>(own[0] - 'a' + 'A');
  return own;
}

}  // namespace moyin::doc
