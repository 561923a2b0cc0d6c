#include "source/inline_html.h"

#include "source/markdown.h"

#include <optional>
#include <string>

#include "base/chars.h"
#include "base/utf8.h"
#include "source/html_tag.h"
#include "source/markdown.h"

namespace moyin::source {

namespace {

using doc::Inline;
using doc::InlineKind;

// The element an open tag starts, when it is one of those made structure.
std::optional<InlineKind> element_kind(const Tag& t) {
  const std::string& n = t.name;
  if (n == "sup") return InlineKind::Superscript;
  if (n == "sub") return InlineKind::Subscript;
  if (n == "b" || n == "strong") return InlineKind::Strong;
  if (n == "i" || n == "em") return InlineKind::Emphasis;
  if (n == "u" || n == "ins") return InlineKind::Underline;
  if (n == "s" || n == "del" || n == "strike") return InlineKind::Strike;
  if (n == "mark") return InlineKind::Mark;
  if (n == "kbd") return InlineKind::Kbd;
  if (n == "ruby") return InlineKind::Ruby;
  if (n == "span" && !style_property(attr(t, "style"), "color").empty()) return InlineKind::Color;
  return std::nullopt;
}

struct Frame {
  std::string tag;  // the element's name ("" for the sequence itself)
  Inline node;      // kind, pos, text (Color: the colour); children collect
  // Ruby: the base collected since the last annotation, and the annotation
  // being read (<rt>) or skipped (<rp>).
  std::vector<Inline> base;
  enum class Part { Base, Annotation, Paren } part = Part::Base;
};

class Builder {
 public:
  Builder() { frames_.emplace_back(); }

  void add(Inline in) {
    if (script_) {
      script_->text += in.kind == InlineKind::RawHtml || in.kind == InlineKind::Text ||
                               in.kind == InlineKind::Code
                           ? in.text
                           : doc::plain_text({in});
      if (in.kind == InlineKind::RawHtml && in.text.starts_with("</" + script_tag_))
        finish_script();
      return;
    }
    if (in.kind != InlineKind::RawHtml) return emit(std::move(in));
    if (in.text.starts_with("<!--")) return;  // a comment is never printed
    std::optional<Tag> tag = parse_tag(in.text, 0);
    if (!tag) return emit(std::move(in));
    const std::string& name = tag->name;
    if (name == "br") {
      Inline br;
      br.kind = InlineKind::LineBreak;
      br.pos = in.pos;
      return emit(std::move(br));
    }
    if (name == "script" || name == "style") {
      script_tag_ = name;
      script_ = std::move(in);
      if (script_->text.find("/>") + 2 == script_->text.size()) finish_script();
      return;
    }
    if (name == "rt" || name == "rp") {
      if (Frame* ruby = innermost("ruby")) {
        close_down_to(ruby);
        start_annotation(*ruby, name == "rt" ? Frame::Part::Annotation : Frame::Part::Paren);
        return;
      }
    }
    if (name == "/rt" || name == "/rp") {
      if (Frame* ruby = innermost("ruby")) {
        close_down_to(ruby);
        if (ruby->part == Frame::Part::Annotation) flush_ruby(*ruby);
        ruby->part = Frame::Part::Base;
        return;
      }
    }
    if (!name.empty() && name[0] == '/') {
      if (Frame* open = innermost(name.substr(1))) {
        close_down_to(open);
        close_top();
        return;
      }
      return emit(std::move(in));  // an end tag without its start: stays raw
    }
    // Elements nest at most as deep as Markdown's own inlines (markdown.h):
    // deeper start tags stay raw HTML, so no later walk recurses without bound.
    if (std::optional<InlineKind> kind = element_kind(*tag);
        kind && !in.text.ends_with("/>") &&
        frames_.size() <= static_cast<size_t>(kMaxInlineDepth)) {
      Frame f;
      f.tag = name;
      f.node.kind = *kind;
      f.node.pos = in.pos;
      if (*kind == InlineKind::Color) f.node.text = style_property(attr(*tag, "style"), "color");
      frames_.push_back(std::move(f));
      return;
    }
    emit(std::move(in));
  }

  std::vector<Inline> finish() {
    if (script_) finish_script();
    while (frames_.size() > 1)
      close_top();  // unclosed elements end with the sequence, as browsers do
    return std::move(frames_.front().node.children);
  }

 private:
  std::vector<Frame> frames_;
  std::optional<Inline> script_;  // a <script>/<style> element being collected
  std::string script_tag_;

  void finish_script() {
    emit(std::move(*script_));
    script_.reset();
  }

  Frame* innermost(std::string_view tag) {
    for (size_t i = frames_.size(); i-- > 1;)
      if (frames_[i].tag == tag) return &frames_[i];
    return nullptr;
  }

  void close_down_to(const Frame* f) {
    while (&frames_.back() != f) close_top();
  }

  void emit(Inline in) {
    Frame& top = frames_.back();
    if (top.node.kind != InlineKind::Ruby || top.tag != "ruby")
      return top.node.children.push_back(std::move(in));
    switch (top.part) {
      case Frame::Part::Base: top.base.push_back(std::move(in)); break;
      case Frame::Part::Annotation: top.node.text += doc::plain_text({in}); break;
      case Frame::Part::Paren: break;  // <rp> is for readers without ruby support
    }
  }

  // <rt> or <rp> after a base (an <rt> left open ends here).
  static void start_annotation(Frame& ruby, Frame::Part part) {
    if (ruby.part == Frame::Part::Annotation) flush_ruby(ruby);
    ruby.part = part;
  }

  // The pending base and annotation become one Ruby node among the frame's children.
  static void flush_ruby(Frame& ruby) {
    if (ruby.base.empty() && ruby.node.text.empty()) return;
    Inline pair;
    pair.kind = InlineKind::Ruby;
    pair.pos = ruby.base.empty() ? ruby.node.pos : ruby.base.front().pos;
    pair.children = std::move(ruby.base);
    pair.text = std::move(ruby.node.text);
    ruby.base.clear();
    ruby.node.text.clear();
    ruby.node.children.push_back(std::move(pair));
  }

  void close_top() {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    if (f.node.kind == InlineKind::Ruby) {
      // Pairs read so far, then any base left without an annotation as plain text.
      if (f.part == Frame::Part::Annotation) flush_ruby(f);
      if (!f.base.empty()) {
        Inline rest;
        rest.children = std::move(f.base);
        f.node.children.push_back(std::move(rest));  // text stays empty: emitted plain below
      }
      for (Inline& pair : f.node.children) {
        if (pair.text.empty()) {
          for (Inline& c : pair.children) emit(std::move(c));
        } else {
          emit(std::move(pair));
        }
      }
      return;
    }
    emit(std::move(f.node));
  }
};

bool has_cjk(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const char32_t c = base::next_code_point(s, i);
    if (base::is_cjk_letter(c)) return true;
  }
  return false;
}

// Splits one text node at its `{base|annotation}` groups.
void split_ruby(Inline& text, std::vector<Inline>& out) {
  const std::string& s = text.text;
  size_t from = 0;
  size_t at = s.find('{');
  while (at != std::string::npos) {
    const size_t bar = s.find('|', at + 1);
    const size_t close = s.find('}', at + 1);
    const size_t open = s.find('{', at + 1);
    // Not template syntax: `{{ 名字|upper }}` (Jinja, Liquid) keeps its braces.
    const bool templated =
        (at > 0 && s[at - 1] == '{') ||
        (close != std::string::npos && close + 1 < s.size() && s[close + 1] == '}') ||
        (at + 1 < s.size() && (s[at + 1] == ' ' || s[at + 1] == '%'));
    const bool shape = bar != std::string::npos && close != std::string::npos && bar < close &&
                       (open == std::string::npos || open > close) && bar > at + 1 &&
                       close > bar + 1 && s.find('\n', at) > close && !templated;
    if (!shape || !has_cjk(std::string_view(s).substr(at + 1, bar - at - 1))) {
      at = open;
      continue;
    }
    if (at > from) {
      Inline t = text;
      t.text = s.substr(from, at - from);
      t.pos.column = text.pos.column > 0 ? text.pos.column + static_cast<int>(from) : 0;
      out.push_back(std::move(t));
    }
    Inline ruby;
    ruby.kind = InlineKind::Ruby;
    ruby.pos = text.pos;
    if (ruby.pos.column > 0) ruby.pos.column += static_cast<int>(at);
    ruby.text = s.substr(bar + 1, close - bar - 1);
    Inline base_text;
    base_text.kind = InlineKind::Text;
    base_text.pos = ruby.pos;
    if (base_text.pos.column > 0) base_text.pos.column += 1;
    base_text.text = s.substr(at + 1, bar - at - 1);
    ruby.children.push_back(std::move(base_text));
    out.push_back(std::move(ruby));
    from = close + 1;
    at = s.find('{', from);
  }
  if (from == 0) {
    out.push_back(std::move(text));
  } else if (from < s.size()) {
    Inline t = text;
    t.text = s.substr(from);
    if (t.pos.column > 0) t.pos.column += static_cast<int>(from);
    out.push_back(std::move(t));
  }
}

}  // namespace

void structure_inline_html(std::vector<doc::Inline>& seq) {
  bool any = false;
  for (const Inline& in : seq) any = any || in.kind == InlineKind::RawHtml;
  if (!any) return;
  Builder b;
  for (Inline& in : seq) b.add(std::move(in));
  seq = b.finish();
}

void ruby_shorthand(std::vector<doc::Inline>& seq) {
  bool any = false;
  for (const Inline& in : seq)
    any = any || (in.kind == InlineKind::Text && in.text.find('|') != std::string::npos);
  if (!any) return;
  std::vector<Inline> out;
  out.reserve(seq.size());
  for (Inline& in : seq) {
    if (in.kind == InlineKind::Text && in.text.find('|') != std::string::npos) split_ruby(in, out);
    else out.push_back(std::move(in));
  }
  seq = std::move(out);
}

}  // namespace moyin::source
