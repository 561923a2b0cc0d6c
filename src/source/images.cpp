#include "source/images.h"

#include <algorithm>
#include <string>

#include "source/html_tag.h"

namespace moyin::source {
namespace {

// A size from an HTML attribute or a `style` width/height ("60%", "300").
std::string style_size(const Tag& t, std::string_view prop) {
  return style_property(attr(t, "style"), prop);
}

doc::Inline image_of(const Tag& t, doc::Position pos) {
  doc::Inline img;
  img.kind = doc::InlineKind::Image;
  img.pos = pos;
  img.url = attr(t, "src");
  img.title = attr(t, "title");
  img.id = attr(t, "id");
  img.width = attr(t, "width");
  if (img.width.empty()) img.width = style_size(t, "width");
  img.height = attr(t, "height");
  if (img.height.empty()) img.height = style_size(t, "height");
  std::string alt = attr(t, "alt");
  if (!alt.empty()) {
    doc::Inline text;
    text.kind = doc::InlineKind::Text;
    text.pos = pos;
    text.text = alt;
    img.children.push_back(std::move(text));
  }
  return img;
}

// Where byte `at` of a block's raw text is in the file.
doc::Position position_in(const doc::Block& raw, size_t at) {
  doc::Position p = raw.pos;
  size_t line_start = 0;
  for (size_t i = 0; i < at && i < raw.text.size(); ++i)
    if (raw.text[i] == '\n') {
      ++p.line;
      line_start = i + 1;
    }
  if (p.line != raw.pos.line) p.column = 1;
  p.column += static_cast<int>(at - line_start);
  return p;
}

// Pandoc's attribute list: `{width=60% height=5cm #id .class}`.
struct Attributes {
  size_t length = 0;  // bytes taken, 0 when `s` does not start with a well-formed list
  std::string width, height, id;
  std::vector<std::string> classes;
};

Attributes parse_attributes(std::string_view s) {
  Attributes out;
  if (!s.starts_with("{")) return {};
  size_t close = s.find('}');
  if (close == std::string_view::npos) return {};
  std::string_view body = s.substr(1, close - 1);
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && space(body[i])) ++i;
    if (i >= body.size()) break;
    size_t start = i;
    while (i < body.size() && !space(body[i]) && body[i] != '=') ++i;
    std::string_view key = body.substr(start, i - start);
    if (i < body.size() && body[i] == '=') {
      ++i;
      std::string value;
      if (i < body.size() && body[i] == '"') {
        size_t q = body.find('"', i + 1);
        if (q == std::string_view::npos) return {};
        value = std::string(body.substr(i + 1, q - i - 1));
        i = q + 1;
      } else {
        size_t vs = i;
        while (i < body.size() && !space(body[i])) ++i;
        value = std::string(body.substr(vs, i - vs));
      }
      if (key == "width") out.width = value;
      else if (key == "height") out.height = value;
    } else if (key.empty() || (key[0] != '#' && key[0] != '.')) {
      return {};  // not an attribute list: leave the text alone
    } else if (key[0] == '#') {
      out.id = std::string(key.substr(1));
    } else {
      out.classes.emplace_back(key.substr(1));
    }
  }
  out.length = close + 1;
  return out;
}

// The attribute list at the start of inlines[i + 1] taken off when `take`
// says so (the list as read); true when it was.
template <typename Take>
bool take_attributes(std::vector<doc::Inline>& inlines, size_t i, Take take) {
  if (i + 1 >= inlines.size() || inlines[i + 1].kind != doc::InlineKind::Text) return false;
  doc::Inline& next = inlines[i + 1];
  const Attributes a = parse_attributes(next.text);
  if (a.length == 0 || !take(a)) return false;
  next.text.erase(0, a.length);
  if (next.text.empty()) inlines.erase(inlines.begin() + static_cast<std::ptrdiff_t>(i + 1));
  return true;
}

void inline_images(std::vector<doc::Inline>& inlines) {
  for (size_t i = 0; i < inlines.size(); ++i) {
    doc::Inline& in = inlines[i];
    if (in.kind == doc::InlineKind::RawHtml) {
      std::optional<Tag> t = parse_tag(in.text, 0);
      if (t && t->name == "img" && t->end == in.text.size()) in = image_of(*t, in.pos);
    }
    if (in.kind == doc::InlineKind::Image) {
      take_attributes(inlines, i, [&in](const Attributes& a) {
        in.width = a.width;
        in.height = a.height;
        in.id = a.id;
        return true;
      });
    }
    // A link's list is taken when it says `.nopage` (no page reference in
    // print, docs/numbering.md); any other stays text, as it always was.
    if (in.kind == doc::InlineKind::Link) {
      take_attributes(inlines, i, [&in](const Attributes& a) {
        if (std::find(a.classes.begin(), a.classes.end(), "nopage") == a.classes.end())
          return false;
        in.no_page = true;
        return true;
      });
    }
    if (!inlines[i].children.empty() && inlines[i].kind != doc::InlineKind::Image)
      inline_images(inlines[i].children);
  }
}

void walk(std::vector<doc::Block>& blocks) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    doc::Block& b = blocks[i];
    if (b.kind == doc::BlockKind::RawHtml) {
      if (auto images = html_image_blocks(b)) {
        blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(i));
        blocks.insert(blocks.begin() + static_cast<std::ptrdiff_t>(i), images->begin(),
                      images->end());
        i += images->size();
        --i;
      }
      continue;
    }
    inline_images(b.inlines);
    if (b.kind == doc::BlockKind::Paragraph && b.inlines.size() == 1 &&
        b.inlines[0].kind == doc::InlineKind::Image)
      b.kind = doc::BlockKind::Image;
    if (b.kind == doc::BlockKind::Image && b.id.empty()) b.id = b.inlines[0].id;  // a figure's id
    for (doc::TableRow& row : b.rows)
      for (doc::TableCell& cell : row.cells) inline_images(cell.inlines);
    walk(b.children);
  }
}

}  // namespace

std::optional<std::vector<doc::Block>> html_image_blocks(const doc::Block& raw) {
  static constexpr std::string_view kWrappers[] = {"p",      "div",     "center", "a",
                                                   "figure", "picture", "br"};
  const std::string& s = raw.text;
  std::vector<doc::Block> out;
  bool in_caption = false;
  std::string caption;
  size_t figure_first = 0;  // the first image block of the open <figure>
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '<') {
      if (in_caption) caption += s[i];
      else if (!space(s[i])) return std::nullopt;  // text outside a caption
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      size_t end = s.find("-->", i);
      if (end == std::string::npos) return std::nullopt;
      i = end + 3;
      continue;
    }
    std::optional<Tag> t = parse_tag(s, i);
    if (!t) return std::nullopt;
    std::string_view name = t->name;
    const bool closing = name.starts_with("/");
    if (closing) name.remove_prefix(1);
    if (name == "img" && !closing && !in_caption) {
      doc::Block b;
      b.kind = doc::BlockKind::Image;
      b.pos = position_in(raw, t->begin);
      b.inlines.push_back(image_of(*t, b.pos));
      b.id = b.inlines[0].id;
      out.push_back(std::move(b));
    } else if (name == "figcaption") {
      in_caption = !closing;
      if (closing) {
        std::string text;
        for (char c : caption) {
          if (space(c)) {
            if (!text.empty() && text.back() != ' ') text += ' ';
          } else {
            text += c;
          }
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        // The caption belongs to the figure's images (the last one shows it).
        if (out.size() > figure_first && !text.empty())
          out.back().inlines[0].caption = unescape(text);
        caption.clear();
      }
    } else if (in_caption && (name == "em" || name == "strong" || name == "b" || name == "i" ||
                              name == "code" || name == "span" || name == "br")) {
      // inline markup inside a caption: its text is kept, plain
    } else if (std::find(std::begin(kWrappers), std::end(kWrappers), name) == std::end(kWrappers)) {
      return std::nullopt;
    }
    if (name == "figure" && !closing) figure_first = out.size();
    i = t->end;
  }
  if (out.empty() || in_caption) return std::nullopt;
  return out;
}

void find_images(doc::Document& doc) {
  walk(doc.blocks);
  walk(doc.footnotes);
}

}  // namespace moyin::source
