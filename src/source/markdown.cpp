#include "source/markdown.h"
#include "source/images.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <cmark-gfm/node.h>
#include <cmark-gfm/utf8.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/chars.h"
#include "base/utf8.h"
#include "source/container_scan.h"
#include "source/fence_info.h"
#include "source/inline_html.h"
#include "source/math_scan.h"
#include "source/slug.h"

namespace moyin::source {

namespace {

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterFree {
  void operator()(cmark_iter* it) const { cmark_iter_free(it); }
};
using ParserPtr = std::unique_ptr<cmark_parser, ParserFree>;
using NodePtr = std::unique_ptr<cmark_node, NodeFree>;
using IterPtr = std::unique_ptr<cmark_iter, IterFree>;

void ensure_extensions() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

// cmark-gfm 0.29 keeps the characters that start an extension's inline
// syntax (`w` and `:` for autolinks, `~` for strikethrough) in one table for
// the process: a parser sets them when it reads inlines (and a table row's
// cells, while it reads blocks) and clears them after, so two documents
// parsed at once cleared them under each other and lost autolinks and
// strikethrough now and then. Every parse holds this lock, feed to finish.
std::mutex& cmark_lock() {
  static std::mutex lock;
  return lock;
}

bool is_space(char32_t cp) {
  return cp == '\n' || cmark_utf8proc_is_space(static_cast<int32_t>(cp));
}
bool is_punct(char32_t cp) { return cmark_utf8proc_is_punctuation(static_cast<int32_t>(cp)); }

// ---------------------------------------------------------------------------
// The emphasis fix. CommonMark's flanking rules refuse `**真，**她` (closer after
// punctuation, before a letter) and `她**《书》**` (opener after a letter,
// before punctuation). Before parsing, a sentinel punctuation character is put
// on the letter side of such a delimiter run when CJK text is involved, which
// makes the run both left- and right-flanking, exactly what treating CJK
// punctuation like whitespace asks for. The sentinel (a code point absent from
// the input) is removed from every string afterwards and the columns it
// shifted are mapped back.

struct Prepared {
  std::string text;
  std::string sentinel;                   // empty: no fix applied
  std::vector<std::vector<int>> inserts;  // per body line (1-based): modified columns of sentinels
};

std::string pick_sentinel(std::string_view body) {
  static constexpr char32_t kCandidates[] = {0x2E2E, 0x2E18, 0x2E19, 0x2E1B, 0x2E1E,
                                             0x2E1F, 0x2E2A, 0x2E2B, 0x2E2C, 0x2E2D};
  for (char32_t cp : kCandidates) {
    if (!is_punct(cp)) continue;
    std::string s;
    base::append_utf8(s, cp);
    if (body.find(s) == std::string_view::npos) return s;
  }
  return {};
}

Prepared prepare(std::string_view body) {
  Prepared p;
  p.sentinel = pick_sentinel(body);
  if (p.sentinel.empty() || body.find_first_of("*_") == std::string_view::npos) {
    p.sentinel.clear();
    p.text = std::string(body);
    return p;
  }
  p.text.reserve(body.size() + body.size() / 64);
  int line = 1;
  size_t line_start_out = 0;
  auto record = [&] {
    if (p.inserts.size() <= static_cast<size_t>(line)) p.inserts.resize(line + 1);
    p.inserts[line].push_back(static_cast<int>(p.text.size() - line_start_out) + 1);
    p.text += p.sentinel;
  };
  size_t i = 0;
  while (i < body.size()) {
    // The bytes up to the next delimiter run are copied as one run.
    size_t stop = i;
    while (stop < body.size() && body[stop] != '*' && body[stop] != '_') {
      if (body[stop] == '\n') {
        ++line;
        line_start_out = p.text.size() + (stop + 1 - i);
      }
      ++stop;
    }
    p.text.append(body.substr(i, stop - i));
    i = stop;
    if (i == body.size()) break;
    const char c = body[i];
    size_t j = i;
    while (j < body.size() && body[j] == c) ++j;
    size_t backslashes = 0;
    while (backslashes < i && body[i - 1 - backslashes] == '\\') ++backslashes;
    const std::string_view run = body.substr(i, j - i);
    if (backslashes % 2 == 1) {
      p.text += run;
      i = j;
      continue;
    }
    const char32_t prev = (i == 0 || body[i - 1] == '\n') ? U'\n' : base::decode_before(body, i).cp;
    const char32_t next =
        (j == body.size() || body[j] == '\n') ? U'\n' : base::decode_at(body, j).cp;
    const bool cjk = base::is_cjk_text(prev) || base::is_cjk_text(next);
    const bool before = cjk && !is_space(prev) && !is_punct(prev) && is_punct(next);
    const bool after = cjk && is_punct(prev) && !is_space(next) && !is_punct(next);
    if (before) record();
    p.text += run;
    if (after) record();
    i = j;
  }
  return p;
}

void strip_into(std::string& out, const char* s, const std::string& sentinel) {
  if (s == nullptr) return;
  std::string_view v(s);
  if (sentinel.empty()) {
    out.append(v);
    return;
  }
  size_t pos = 0;
  while (true) {
    const size_t hit = v.find(sentinel, pos);
    if (hit == std::string_view::npos) break;
    out.append(v.substr(pos, hit - pos));
    pos = hit + sentinel.size();
  }
  out.append(v.substr(pos));
}

// ---------------------------------------------------------------------------
// Inline post-processing, shared by every inline sequence.

std::optional<char32_t> first_cp(const doc::Inline& in) {
  switch (in.kind) {
    case doc::InlineKind::Text:
    case doc::InlineKind::Code:
      if (in.text.empty()) return std::nullopt;
      return base::decode_at(in.text, 0).cp;
    case doc::InlineKind::Emphasis:
    case doc::InlineKind::Strong:
    case doc::InlineKind::Strike:
    case doc::InlineKind::Link:
      if (in.children.empty()) return std::nullopt;
      return first_cp(in.children.front());
    default: return std::nullopt;
  }
}

std::optional<char32_t> last_cp(const doc::Inline& in) {
  switch (in.kind) {
    case doc::InlineKind::Text:
    case doc::InlineKind::Code:
      if (in.text.empty()) return std::nullopt;
      return base::decode_before(in.text, in.text.size()).cp;
    case doc::InlineKind::Emphasis:
    case doc::InlineKind::Strong:
    case doc::InlineKind::Strike:
    case doc::InlineKind::Link:
      if (in.children.empty()) return std::nullopt;
      return last_cp(in.children.back());
    default: return std::nullopt;
  }
}

// A line break between two CJK characters (at least one of them
// unambiguously CJK) is not a space in Chinese.
bool joins_without_space(const doc::Inline& before, const doc::Inline& after) {
  const auto a = last_cp(before);
  const auto b = first_cp(after);
  if (!a || !b) return false;
  if (!base::is_cjk_text(*a) || !base::is_cjk_text(*b)) return false;
  return !base::is_shared_punct(*a) || !base::is_shared_punct(*b);
}

// Bare URLs end before the first fullwidth/CJK punctuation mark. Returns the
// cut-off tail (empty when nothing was cut).
std::string trim_autolink(doc::Inline& link) {
  size_t cut = std::string::npos;
  for (size_t i = 0; i < link.url.size();) {
    const base::Decoded d = base::decode_at(link.url, i);
    if (base::is_cjk_punct(d.cp) && !base::is_shared_punct(d.cp)) {
      cut = i;
      break;
    }
    if (d.cp == 0x201C || d.cp == 0x201D || d.cp == 0x2018 || d.cp == 0x2019 || d.cp == 0x2026 ||
        d.cp == 0x2014) {
      cut = i;
      break;
    }
    i += d.len;
  }
  if (cut == std::string::npos || cut == 0) return {};
  std::string tail = link.url.substr(cut);
  link.url.resize(cut);
  if (link.children.size() == 1 && link.children[0].kind == doc::InlineKind::Text &&
      link.children[0].text.ends_with(tail)) {
    link.children[0].text.resize(link.children[0].text.size() - tail.size());
  }
  return tail;
}

// Where a bare URL in `s` starting at `from` ends: at whitespace, `<`, or
// fullwidth punctuation, minus trailing ASCII punctuation (as GFM trims).
size_t bare_url_end(std::string_view s, size_t from) {
  size_t i = from;
  while (i < s.size()) {
    const base::Decoded d = base::decode_at(s, i);
    if (d.cp <= ' ' || d.cp == '<' || base::is_cjk_punct(d.cp)) break;
    i += d.len;
  }
  while (i > from && std::string_view(".,:;!?'\"*_~").find(s[i - 1]) != std::string_view::npos) {
    --i;
  }
  return i;
}

// The text a bare URL swallowed past its end (`。参见https://b.com。`): plain
// text, except further http(s) URLs in it, which become links of their own.
void append_tail(std::string_view tail, doc::Position at, std::vector<doc::Inline>& out) {
  size_t cursor = 0;
  // Next occurrence of each scheme, searched again only once the cursor has
  // passed it: the searched ranges never overlap, so this stays linear.
  size_t next_https = tail.find("https://");
  size_t next_http = tail.find("http://");
  while (cursor < tail.size()) {
    if (next_https != std::string_view::npos && next_https < cursor) {
      next_https = tail.find("https://", cursor);
    }
    if (next_http != std::string_view::npos && next_http < cursor) {
      next_http = tail.find("http://", cursor);
    }
    const size_t hit = std::min(next_https, next_http);
    size_t end = hit;
    if (hit != std::string_view::npos) {
      // A host must follow the scheme; checked before scanning, so rejected
      // candidates cost nothing.
      const size_t host = tail.find("://", hit) + 3;
      if (host < tail.size() && base::is_ascii_alnum(static_cast<unsigned char>(tail[host]))) {
        end = bare_url_end(tail, hit);
        if (end <= host) end = hit;
      }
    }
    doc::Inline text;
    text.kind = doc::InlineKind::Text;
    if (at.line > 0) text.pos = {at.line, at.column + static_cast<int>(cursor)};
    if (hit == std::string_view::npos || end == hit) {
      // No (valid) URL: plain text up to here, keep scanning after it.
      const size_t stop = hit == std::string_view::npos ? tail.size() : hit + 1;
      text.text = std::string(tail.substr(cursor, stop - cursor));
      if (!out.empty() && out.back().kind == doc::InlineKind::Text) {
        out.back().text += text.text;
      } else {
        out.push_back(std::move(text));
      }
      cursor = stop;
      continue;
    }
    text.text = std::string(tail.substr(cursor, hit - cursor));
    if (!text.text.empty()) out.push_back(std::move(text));
    doc::Inline link;
    link.kind = doc::InlineKind::Link;
    link.autolink = true;
    link.url = std::string(tail.substr(hit, end - hit));
    if (at.line > 0) link.pos = {at.line, at.column + static_cast<int>(hit)};
    doc::Inline label;
    label.kind = doc::InlineKind::Text;
    label.text = link.url;
    label.pos = link.pos;
    link.children.push_back(std::move(label));
    out.push_back(std::move(link));
    cursor = end;
  }
}

// True when finish_sequence would change `seq`: a soft break to drop, an
// empty text, two texts in a row, a bare URL's link.
bool sequence_needs_finishing(const std::vector<doc::Inline>& seq) {
  for (size_t i = 0; i < seq.size(); ++i) {
    const doc::Inline& in = seq[i];
    if (in.kind == doc::InlineKind::SoftBreak && i > 0 && i + 1 < seq.size() &&
        joins_without_space(seq[i - 1], seq[i + 1]))
      return true;
    if (in.kind == doc::InlineKind::Text &&
        (in.text.empty() || (i > 0 && seq[i - 1].kind == doc::InlineKind::Text)))
      return true;
    if (in.kind == doc::InlineKind::Link && in.label == "bare") return true;
  }
  return false;
}

void finish_sequence(std::vector<doc::Inline>& seq) {
  if (!sequence_needs_finishing(seq)) return;  // most sequences: no copy of each inline
  std::vector<doc::Inline> out;
  out.reserve(seq.size());
  for (size_t i = 0; i < seq.size(); ++i) {
    doc::Inline& in = seq[i];
    if (in.kind == doc::InlineKind::SoftBreak && !out.empty() && i + 1 < seq.size() &&
        joins_without_space(out.back(), seq[i + 1])) {
      continue;
    }
    if (in.kind == doc::InlineKind::Text) {
      if (in.text.empty()) continue;
      if (!out.empty() && out.back().kind == doc::InlineKind::Text) {
        out.back().text += in.text;
        continue;
      }
    }
    out.push_back(std::move(in));
    if (out.back().kind == doc::InlineKind::Link && out.back().autolink &&
        out.back().label == "bare") {
      out.back().label.clear();
      std::string tail = trim_autolink(out.back());
      if (!tail.empty()) {
        const doc::Inline& link = out.back();
        doc::Position at;
        if (link.pos.line > 0 && !link.children.empty()) {
          at = {link.pos.line, link.pos.column + static_cast<int>(link.children[0].text.size())};
        }
        append_tail(tail, at, out);
      }
    } else if (out.back().kind == doc::InlineKind::Link && out.back().label == "bare") {
      out.back().label.clear();
    }
  }
  // The autolink tail may now sit next to a text node.
  std::vector<doc::Inline> merged;
  merged.reserve(out.size());
  for (doc::Inline& in : out) {
    if (in.kind == doc::InlineKind::Text && !merged.empty() &&
        merged.back().kind == doc::InlineKind::Text) {
      merged.back().text += in.text;
    } else {
      merged.push_back(std::move(in));
    }
  }
  seq = std::move(merged);
}

// ---------------------------------------------------------------------------
// Equation labels.

// "eq:mass" or "mass" -> "eq-mass": the anchor both outputs use.
std::string equation_anchor(std::string_view label) {
  if (label.substr(0, 3) == "eq:") label.remove_prefix(3);
  std::string s(label);
  for (char& c : s)
    if (c == ':' || c == '.' || c == ' ') c = '-';
  return "eq-" + slugify(s);
}

// Removes `name{…}` (balanced braces) from `tex`; returns what was in the braces.
std::string take_command(std::string& tex, std::string_view name) {
  for (size_t at = tex.find(name); at != std::string::npos; at = tex.find(name, at + 1)) {
    size_t k = at + name.size();
    if (k < tex.size() && ((tex[k] >= 'a' && tex[k] <= 'z') || (tex[k] >= 'A' && tex[k] <= 'Z')))
      continue;
    if (k < tex.size() && tex[k] == '*') ++k;  // \tag*{…}
    while (k < tex.size() && tex[k] == ' ') ++k;
    if (k >= tex.size() || tex[k] != '{') continue;
    int depth = 0;
    size_t e = k;
    for (; e < tex.size(); ++e) {
      if (tex[e] == '\\') {
        ++e;
        continue;
      }
      if (tex[e] == '{') ++depth;
      else if (tex[e] == '}' && --depth == 0) break;
    }
    if (e >= tex.size()) return {};
    std::string inside = tex.substr(k + 1, e - k - 1);
    tex.erase(at, e + 1 - at);
    return inside;
  }
  return {};
}

// Takes Pandoc's attribute list `{#id .class -}` off the end of `text`
// (and the spaces before it): `#id` goes to `id`, `-`, `.unnumbered` or
// `.unlisted` set `unnumbered`. False, text unchanged, when it ends otherwise.
bool trailing_attributes(std::string& text, std::string& id, bool& unnumbered) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == ' ') --end;
  const size_t open = text.rfind('{', end);
  if (end == 0 || text[end - 1] != '}' || open == std::string::npos) return false;
  const std::string_view body = std::string_view(text).substr(open + 1, end - open - 2);
  std::string found;
  bool skip = false;
  for (size_t i = 0; i < body.size();) {
    const size_t stop = std::min(body.find(' ', i), body.size());
    const std::string_view word = body.substr(i, stop - i);
    i = stop + 1;
    if (word.empty()) continue;
    if (word[0] == '#' && word.size() > 1) found = std::string(word.substr(1));
    else if (word == "-" || word == ".unnumbered" || word == ".unlisted") skip = true;
    else if (word[0] != '.' && word.find('=') == std::string_view::npos) return false;
  }
  text.erase(open);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  id = std::move(found);
  unnumbered = unnumbered || skip;
  return true;
}

// Figures and tables without `{#id}` get one from their caption, as
// headings do from their title: "fig-" / "tbl-" + the slug, unique in the
// document (docs/numbering.md). Written ids are taken first, so an automatic
// id never takes one a later block names.
void caption_ids(std::vector<doc::Block>& blocks, SlugRegistry& ids) {
  const auto caption = [](const doc::Block& b) -> std::string {
    if (b.kind == doc::BlockKind::Table) return b.title;
    if (b.kind != doc::BlockKind::Image || b.inlines.empty()) return {};
    const doc::Inline& image = b.inlines[0];
    if (!image.caption.empty()) return image.caption;
    const std::string alt = doc::plain_text(image.children);
    return alt.empty() ? image.title : alt;
  };
  const auto walk = [&](auto& self, std::vector<doc::Block>& list, bool assign) -> void {
    for (doc::Block& b : list) {
      const bool named = b.kind == doc::BlockKind::Image || b.kind == doc::BlockKind::Table;
      if (named && !assign && !b.id.empty()) ids.taken.insert(b.id);
      if (named && assign && b.id.empty())
        if (const std::string text = caption(b); !text.empty()) {
          b.id = ids.unique((b.kind == doc::BlockKind::Table ? "tbl-" : "fig-") + text);
          b.auto_id = true;
        }
      self(self, b.children, assign);
    }
  };
  walk(walk, blocks, false);
  walk(walk, blocks, true);
}

// Pandoc's table caption: a paragraph `Table: …` or `: …` right after a
// table (or right before it) becomes the table's caption (Block::title,
// plain text), with `{#tbl:id}` at its end naming the table.
void table_captions(std::vector<doc::Block>& blocks) {
  auto caption_of = [](const doc::Block& p) -> std::optional<std::string> {
    if (p.kind != doc::BlockKind::Paragraph || p.inlines.empty() ||
        p.inlines.front().kind != doc::InlineKind::Text)
      return std::nullopt;
    std::string text = doc::plain_text(p.inlines);
    for (std::string_view prefix : {"Table:", "table:", ":"}) {
      if (!text.starts_with(prefix) || text.size() <= prefix.size() || text[prefix.size()] != ' ')
        continue;
      text.erase(0, prefix.size() + 1);
      return text;
    }
    return std::nullopt;
  };
  for (size_t i = 0; i < blocks.size(); ++i) {
    doc::Block& t = blocks[i];
    if (t.kind != doc::BlockKind::Table) {
      table_captions(t.children);
      continue;
    }
    std::optional<std::string> caption;
    size_t from = i + 1;
    if (from < blocks.size()) caption = caption_of(blocks[from]);
    if (!caption && i > 0 && blocks[i - 1].kind != doc::BlockKind::Table) {
      from = i - 1;
      caption = caption_of(blocks[from]);
    }
    if (!caption) continue;
    bool unnumbered = false;
    trailing_attributes(*caption, t.id, unnumbered);
    t.title = std::move(*caption);
    blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(from));
    if (from < i) --i;
  }
}

struct Converter {
  std::string_view src;  // the text cmark parsed (with sentinels)
  int line_offset = 0;   // file line = cmark line + line_offset
  const Prepared& prep;
  const ProtectedMath& math;
  const ScannedContainers& boxes;
  std::string_view path;
  doc::Diagnostics& diags;
  std::vector<size_t> line_starts;  // offsets in src where each cmark line begins
  SlugRegistry heading_ids;
  SlugRegistry footnote_ids;
  bool warned_depth = false;

  // Pandoc's `{#id .unnumbered -}` at the end of a heading: taken out of its
  // text; `#id` names it (a repeat warns and gets a slug instead), `.unnumbered`
  // or `-` keeps it out of the numbering.
  void heading_attributes(doc::Block& b) {
    if (b.inlines.empty() || b.inlines.back().kind != doc::InlineKind::Text) return;
    std::string id;
    if (!trailing_attributes(b.inlines.back().text, id, b.unnumbered)) return;
    if (b.inlines.back().text.empty() && b.inlines.size() > 1) b.inlines.pop_back();
    if (id.empty()) return;
    if (!heading_ids.taken.insert(id).second) {
      diags.warn(path, b.pos, "the id `" + id + "` is used twice; this heading gets another");
      return;
    }
    b.id = std::move(id);
  }

  doc::Position map(int line, int col) const {
    if (line <= 0) return {};
    int shift = 0;
    if (static_cast<size_t>(line) < prep.inserts.size()) {
      const std::vector<int>& at = prep.inserts[line];  // ascending
      const auto before = std::lower_bound(at.begin(), at.end(), col) - at.begin();
      shift = static_cast<int>(before) * static_cast<int>(prep.sentinel.size());
    }
    return {line + line_offset,
            std::max(1, boxes.original_column(line, math.original_column(line, col - shift)))};
  }

  doc::Position pos(cmark_node* n) const {
    return map(cmark_node_get_start_line(n), cmark_node_get_start_column(n));
  }

  // The source byte at a cmark position, or 0 when unknown.
  char source_char(int line, int col) const {
    if (line <= 0 || col <= 0 || static_cast<size_t>(line) > line_starts.size()) return 0;
    const size_t at = line_starts[line - 1] + static_cast<size_t>(col - 1);
    return at < src.size() ? src[at] : 0;
  }

  // A cmark string without sentinels, formulas as written.
  std::string str(const char* s) const { return math.restore(raw_str(s)); }
  // The same with formula placeholders kept (text nodes: split_math turns them into nodes).
  std::string raw_str(const char* s) const {
    std::string out;
    strip_into(out, s, prep.sentinel);
    // cmark-gfm 0.29 cuts the text of an unmatched footnote reference whose
    // label spans a line (`[^x\n<b>粗体</b>]`) inside a character; the
    // source it was given is valid UTF-8 (hygiene.cpp), so is what it gives.
    base::repair_utf8(out);
    return out;
  }

  doc::Position span_pos(const MathSpan& span) const {
    return {span.line + line_offset, boxes.original_column(span.line, span.column)};
  }

  // Text with placeholders -> Text, Math and equation-reference Link inlines.
  // A formula over n lines left n placeholders (one per line); the repeats
  // are dropped here and in join_math_lines.
  void split_math(std::string text, doc::Position at, std::vector<doc::Inline>& out) const {
    size_t from = 0;
    auto flush = [&](size_t to) {
      if (to <= from) return;
      doc::Inline t;
      t.kind = doc::InlineKind::Text;
      t.pos = at;
      t.text = text.substr(from, to - from);
      out.push_back(std::move(t));
    };
    for (size_t i = 0; i < text.size();) {
      const base::Decoded d = base::decode_at(text, i);
      const MathSpan* span = math.span_of(d.cp);
      if (!span) {
        i += d.len;
        continue;
      }
      flush(i);
      const bool repeat =
          !out.empty() && out.back().number == static_cast<int>(d.cp - math.base) + 1 &&
          (out.back().kind == doc::InlineKind::Math || out.back().kind == doc::InlineKind::Link);
      if (!repeat) out.push_back(math_inline(*span, static_cast<int>(d.cp - math.base)));
      i += d.len;
      from = i;
      at = span_pos(*span);
      at.column += static_cast<int>(span->source.size());  // approximate after a multi-line span
    }
    flush(text.size());
  }

  doc::Inline math_inline(const MathSpan& span, int index) const {
    doc::Inline in;
    in.pos = span_pos(span);
    in.number = index + 1;  // cleared by join_math_lines
    if (span.kind == MathSpan::Kind::Ref) {
      in.kind = doc::InlineKind::Link;
      in.label = span.tex;
      in.url = "#" + equation_anchor(span.tex);
      doc::Inline t;
      t.kind = doc::InlineKind::Text;
      t.pos = in.pos;
      t.text = span.display ? "(" + span.tex + ")"
                            : span.tex;  // numbered later (math::number_equations)
      in.children.push_back(std::move(t));
      in.title.clear();
      in.autolink = span.display;  // \eqref: parentheses around the number
      return in;
    }
    in.kind = doc::InlineKind::Math;
    in.text = span.tex;
    in.display = span.display;
    in.label = span.id;
    return in;
  }

  // Math(k) SoftBreak Math(k) … (one formula over several lines) -> Math(k).
  static void join_math_lines(std::vector<doc::Inline>& seq) {
    std::vector<doc::Inline> out;
    out.reserve(seq.size());
    for (size_t i = 0; i < seq.size(); ++i) {
      if (seq[i].kind == doc::InlineKind::SoftBreak && !out.empty() && out.back().number > 0 &&
          i + 1 < seq.size() && seq[i + 1].number == out.back().number &&
          (seq[i + 1].kind == doc::InlineKind::Math || seq[i + 1].kind == doc::InlineKind::Link)) {
        ++i;  // the repeat placeholder of the next line
        continue;
      }
      out.push_back(std::move(seq[i]));
    }
    for (doc::Inline& in : out)
      if (in.kind == doc::InlineKind::Math ||
          (in.kind == doc::InlineKind::Link && !in.label.empty()))
        in.number = 0;
    seq = std::move(out);
  }

  void warn_depth(cmark_node* n) {
    if (warned_depth) return;
    warned_depth = true;
    diags.warn(path, pos(n),
               "nesting deeper than " + std::to_string(kMaxBlockDepth) +
                   " levels; the inner levels are flattened");
  }

  static bool inside_link(cmark_node* n) {
    for (; n; n = cmark_node_parent(n))
      if (cmark_node_get_type(n) == CMARK_NODE_LINK) return true;
    return false;
  }

  static bool is_ext(cmark_node* n, const char* name) {
    return std::strcmp(cmark_node_get_type_string(n), name) == 0;
  }

  // --- inlines -------------------------------------------------------------

  // How many children a node has: each makes about one block or inline,
  // which are large to move when their vector grows; room is made first in
  // an empty vector (an exact reserve on a growing one would reallocate at
  // every call).
  static size_t child_count(cmark_node* parent) {
    size_t count = 0;
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) ++count;
    return count;
  }

  void inlines(cmark_node* parent, std::vector<doc::Inline>& out, int depth) {
    if (out.empty()) out.reserve(child_count(parent));
    cmark_node* prev = nullptr;
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
      const size_t first_new = out.size();
      inline_node(n, out, depth);
      // Nodes the autolink extension makes carry no position: place them
      // right after their predecessor.
      if (out.size() > first_new && out[first_new].pos.line == 0) {
        // (The autolink extension splits text nodes without updating their
        // end columns, so the converted predecessor is the better guide.)
        const doc::Inline* before = first_new > 0 ? &out[first_new - 1] : nullptr;
        if (before != nullptr && before->kind == doc::InlineKind::Text && before->pos.line > 0 &&
            before->text.find('\n') == std::string::npos) {
          out[first_new].pos = {before->pos.line,
                                before->pos.column + static_cast<int>(before->text.size())};
        } else if (prev != nullptr && cmark_node_get_end_line(prev) > 0) {
          out[first_new].pos =
              map(cmark_node_get_end_line(prev), cmark_node_get_end_column(prev) + 1);
        } else if (cmark_node_get_start_line(parent) > 0) {
          out[first_new].pos = pos(parent);
        }
        fill_missing(out[first_new].children, out[first_new].pos);
      }
      prev = n;
    }
    join_math_lines(out);
    structure_inline_html(out);
    finish_sequence(out);
    if (!inside_link(parent)) ruby_shorthand(out);
    finish_html_children(out);
    unlink_long_targets(out);
  }

  // A link whose target is longer than kMaxLinkTarget stays as its text. No
  // server takes such a request line, and every line of the link would carry
  // the whole target (a 170 KB URL over 2,000 lines took 700 MB).
  void unlink_long_targets(std::vector<doc::Inline>& seq) {
    const auto too_long = [](const doc::Inline& in) {
      return in.kind == doc::InlineKind::Link && in.url.size() > kMaxLinkTarget;
    };
    if (std::none_of(seq.begin(), seq.end(), too_long)) return;
    std::vector<doc::Inline> out;
    for (doc::Inline& in : seq) {
      if (!too_long(in)) {
        out.push_back(std::move(in));
        continue;
      }
      diags.warn(path, in.pos,
                 "link target is " + std::to_string(in.url.size()) + " bytes long (more than " +
                     std::to_string(kMaxLinkTarget) + "); it is set as plain text");
      for (doc::Inline& c : in.children) out.push_back(std::move(c));
    }
    seq = std::move(out);
  }

  // The children inline HTML gathered into new nodes get the same clean-up.
  static void finish_html_children(std::vector<doc::Inline>& seq) {
    for (doc::Inline& in : seq) {
      switch (in.kind) {
        case doc::InlineKind::Superscript:
        case doc::InlineKind::Subscript:
        case doc::InlineKind::Underline:
        case doc::InlineKind::Mark:
        case doc::InlineKind::Kbd:
        case doc::InlineKind::Color:
        case doc::InlineKind::Ruby:
        case doc::InlineKind::Strong:
        case doc::InlineKind::Emphasis:
        case doc::InlineKind::Strike:
          finish_sequence(in.children);
          finish_html_children(in.children);
          break;
        default: break;
      }
    }
  }

  // Children of position-less nodes start where their parent does.
  static void fill_missing(std::vector<doc::Inline>& children, doc::Position at) {
    for (doc::Inline& c : children) {
      if (c.pos.line != 0) continue;
      c.pos = at;
      fill_missing(c.children, at);
    }
  }

  // Beyond the depth cap: the text of a subtree, collected without recursion.
  void flat_text(cmark_node* root, std::vector<doc::Inline>& out) {
    IterPtr it(cmark_iter_new(root));
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
      if (ev != CMARK_EVENT_ENTER) continue;
      cmark_node* n = cmark_iter_get_node(it.get());
      const auto type = cmark_node_get_type(n);
      if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) {
        doc::Inline t;
        t.kind = doc::InlineKind::Text;
        t.pos = pos(n);
        t.text = str(cmark_node_get_literal(n));
        out.push_back(std::move(t));
      }
    }
  }

  void inline_node(cmark_node* n, std::vector<doc::Inline>& out, int depth) {
    const auto type = cmark_node_get_type(n);
    if (depth >= kMaxInlineDepth && cmark_node_first_child(n) != nullptr) {
      warn_depth(n);
      flat_text(n, out);
      return;
    }
    // Built in place, as block_node does; nothing else is added to `out` meanwhile.
    doc::Inline& in = out.emplace_back();
    in.pos = pos(n);
    switch (type) {
      case CMARK_NODE_TEXT:
        in.kind = doc::InlineKind::Text;
        in.text = raw_str(cmark_node_get_literal(n));
        if (math.base != 0 && in.text.size() >= 4) {
          std::string text = std::move(in.text);
          const doc::Position at = in.pos;
          out.pop_back();
          split_math(std::move(text), at, out);
          return;
        }
        break;
      case CMARK_NODE_SOFTBREAK: in.kind = doc::InlineKind::SoftBreak; break;
      case CMARK_NODE_LINEBREAK: in.kind = doc::InlineKind::LineBreak; break;
      case CMARK_NODE_CODE:
        in.kind = doc::InlineKind::Code;
        in.text = str(cmark_node_get_literal(n));
        break;
      case CMARK_NODE_HTML_INLINE:
        in.kind = doc::InlineKind::RawHtml;
        in.text = str(cmark_node_get_literal(n));
        break;
      case CMARK_NODE_EMPH:
        in.kind = doc::InlineKind::Emphasis;
        inlines(n, in.children, depth + 1);
        break;
      case CMARK_NODE_STRONG:
        in.kind = doc::InlineKind::Strong;
        inlines(n, in.children, depth + 1);
        break;
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE: {
        in.kind = type == CMARK_NODE_LINK ? doc::InlineKind::Link : doc::InlineKind::Image;
        in.url = str(cmark_node_get_url(n));
        in.title = str(cmark_node_get_title(n));
        inlines(n, in.children, depth + 1);
        if (type == CMARK_NODE_LINK && in.title.empty() && in.children.size() == 1 &&
            in.children[0].kind == doc::InlineKind::Text) {
          const std::string& t = in.children[0].text;
          const bool same = in.url == t || in.url == "http://" + t || in.url == "mailto:" + t;
          const char opener =
              source_char(cmark_node_get_start_line(n), cmark_node_get_start_column(n));
          if (same && opener != '[') {
            in.autolink = true;
            // Marks a bare URL (not `<url>`) for finish_sequence; cleared there.
            if (opener != '<') in.label = "bare";
          }
        }
        break;
      }
      case CMARK_NODE_FOOTNOTE_REFERENCE: {
        in.kind = doc::InlineKind::FootnoteRef;
        const char* lit = cmark_node_get_literal(n);
        in.number = lit ? std::atoi(lit) : 0;
        if (n->parent_footnote_def != nullptr) {
          const cmark_chunk& label = n->parent_footnote_def->as.literal;
          in.label = str(
              std::string(reinterpret_cast<const char*>(label.data), static_cast<size_t>(label.len))
                  .c_str());
        }
        break;
      }
      default:
        if (is_ext(n, "strikethrough")) {
          in.kind = doc::InlineKind::Strike;
          inlines(n, in.children, depth + 1);
          break;
        }
        // Unknown inline: keep what it contains.
        out.pop_back();
        inlines(n, out, depth + 1);
        return;
    }
  }

  // --- blocks --------------------------------------------------------------

  void blocks(cmark_node* parent, std::vector<doc::Block>& out, doc::Document& doc, int depth) {
    const size_t first = out.size();
    if (out.empty()) out.reserve(child_count(parent));
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
      block_node(n, out, doc, depth);
    }
    if (!boxes.containers.empty()) gather_containers(out, first);
  }

  // --- callouts and tabs ---------------------------------------------------

  // Marker blocks (container_scan.h) → Callout blocks holding the blocks up
  // to their container's last line; end markers vanish.
  void gather_containers(std::vector<doc::Block>& list, size_t first) {
    // Markers are raw HTML blocks: without one the list stays as it is (no moves).
    if (std::none_of(list.begin() + static_cast<std::ptrdiff_t>(first), list.end(),
                     [](const doc::Block& b) { return b.kind == doc::BlockKind::RawHtml; }))
      return;
    std::vector<doc::Block> rest(
        std::make_move_iterator(list.begin() + static_cast<std::ptrdiff_t>(first)),
        std::make_move_iterator(list.end()));
    list.resize(first);
    size_t i = 0;
    std::vector<doc::Block> gathered = take_until(rest, i, std::numeric_limits<int>::max());
    for (doc::Block& b : gathered) list.push_back(std::move(b));
  }

  std::vector<doc::Block> take_until(std::vector<doc::Block>& list, size_t& i, int end_line) {
    std::vector<doc::Block> out;
    while (i < list.size() && (list[i].pos.line == 0 || list[i].pos.line <= end_line)) {
      doc::Block& b = list[i++];
      if (b.kind == doc::BlockKind::RawHtml) {
        if (ScannedContainers::is_end_marker(b.text)) continue;
        if (const int k = boxes.marker(b.text, b.pos.line - line_offset); k >= 0) {
          const Container& c = boxes.containers[static_cast<size_t>(k)];
          doc::Block box;
          box.kind = doc::BlockKind::Callout;
          box.pos = {c.line + line_offset, c.column};
          box.info = c.kind;
          box.title = c.title;
          box.untitled = c.untitled;
          box.fold = !c.folds ? doc::Fold::None : c.open ? doc::Fold::Open : doc::Fold::Closed;
          box.children = take_until(list, i, c.end_line + line_offset);
          out.push_back(std::move(box));
          continue;
        }
      }
      out.push_back(std::move(b));
    }
    return out;
  }

  // GitHub's alerts: a quote whose first line is `[!NOTE]` (TIP, IMPORTANT,
  // WARNING, CAUTION; Obsidian's other kinds and a title after the marker too).
  void github_alert(doc::Block& quote) const {
    if (quote.children.empty() || quote.children[0].kind != doc::BlockKind::Paragraph) return;
    std::vector<doc::Inline>& first = quote.children[0].inlines;
    if (first.empty() || first[0].kind != doc::InlineKind::Text || !first[0].text.starts_with("[!"))
      return;
    const std::string& t = first[0].text;
    const size_t close = t.find(']');
    if (close == std::string::npos || close < 3) return;
    std::string kind = t.substr(2, close - 2);
    for (char& ch : kind) {
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-')) return;
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    // The title is the rest of the marker's source line (a soft break between
    // Han characters is gone by now, so the text may run on into the next line).
    std::string title = t.substr(close + 1);
    const int line = first[0].pos.line - line_offset;
    if (line > 0 && static_cast<size_t>(line) <= line_starts.size()) {
      const size_t from = line_starts[static_cast<size_t>(line) - 1];
      const size_t eol = src.find('\n', from);
      std::string source = raw_str(
          std::string(
              src.substr(from, eol == std::string_view::npos ? std::string_view::npos : eol - from))
              .c_str());
      const size_t mark = source.find(']');
      if (mark != std::string::npos) {
        std::string rest = source.substr(mark + 1);
        const size_t lead = rest.find_first_not_of(" \t");
        rest = lead == std::string::npos ? std::string() : rest.substr(lead);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
          rest.pop_back();
        const size_t in_text = title.find(rest);
        if (!rest.empty() && in_text != std::string::npos && title.size() > in_text + rest.size()) {
          first[0].text = title.substr(in_text + rest.size());  // the body's first words
          first.insert(first.begin() + 1, doc::Inline{});
          first[1].kind = doc::InlineKind::SoftBreak;
          title = rest;
        }
      }
    }
    const bool alone = first.size() == 1 || first[1].kind == doc::InlineKind::SoftBreak ||
                       first[1].kind == doc::InlineKind::LineBreak;
    if (!alone) return;
    const size_t lead = title.find_first_not_of(" \t");
    title = lead == std::string::npos ? std::string() : title.substr(lead);
    while (!title.empty() && (title.back() == ' ' || title.back() == '\t')) title.pop_back();
    if (first[0].text.starts_with("[!"))
      first.erase(first.begin(), first.begin() + (first.size() > 1 ? 2 : 1));
    else first.erase(first.begin() + 1);  // the body's first words stay
    if (first.empty()) quote.children.erase(quote.children.begin());
    quote.kind = doc::BlockKind::Callout;
    quote.info = std::move(kind);
    quote.title = std::move(title);
  }

  static bool is_container(cmark_node* n) {
    const auto type = cmark_node_get_type(n);
    return type == CMARK_NODE_BLOCK_QUOTE || type == CMARK_NODE_LIST || type == CMARK_NODE_ITEM ||
           type == CMARK_NODE_FOOTNOTE_DEFINITION;
  }

  // Beyond the depth cap: the leaf blocks of a subtree, side by side.
  void flat_blocks(cmark_node* root, std::vector<doc::Block>& out, doc::Document& doc) {
    warn_depth(root);
    IterPtr it(cmark_iter_new(root));
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
      if (ev != CMARK_EVENT_ENTER) continue;
      cmark_node* n = cmark_iter_get_node(it.get());
      if (cmark_node_get_type(n) == CMARK_NODE_DOCUMENT || is_container(n)) continue;
      if ((cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK) continue;
      cmark_node* parent = cmark_node_parent(n);
      // Only direct children of containers; tables etc. convert themselves.
      if (parent != root && !is_container(parent)) continue;
      block_node(n, out, doc, 0);
    }
  }

  void block_node(cmark_node* n, std::vector<doc::Block>& out, doc::Document& doc, int depth) {
    if (depth >= kMaxBlockDepth && is_container(n)) {
      flat_blocks(n, out, doc);
      return;
    }
    // Built in place at the end of `out` (a Block is large to move); the
    // cases that make something else take it back out. Nothing else is
    // added to `out` while `b` is being filled.
    doc::Block& b = out.emplace_back();
    b.pos = pos(n);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_PARAGRAPH:
        b.kind = doc::BlockKind::Paragraph;
        inlines(n, b.inlines, 0);
        if (b.inlines.size() == 1 && b.inlines[0].kind == doc::InlineKind::Image) {
          b.kind = doc::BlockKind::Image;
        }
        if (b.inlines.empty()) {  // e.g. only a stripped sentinel
          out.pop_back();
          return;
        }
        if (has_display_math(b.inlines)) {
          doc::Block para = std::move(b);
          out.pop_back();
          split_display(std::move(para), out);
          return;
        }
        break;
      case CMARK_NODE_HEADING:
        b.kind = doc::BlockKind::Heading;
        b.level = cmark_node_get_heading_level(n);
        inlines(n, b.inlines, 0);
        heading_attributes(b);
        if (b.id.empty()) b.id = heading_ids.unique(doc::plain_text(b.inlines));
        break;
      case CMARK_NODE_LIST:
        b.kind = doc::BlockKind::List;
        b.ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
        b.start = b.ordered ? cmark_node_get_list_start(n) : 1;
        b.tight = cmark_node_get_list_tight(n) != 0;
        blocks(n, b.children, doc, depth + 1);
        break;
      case CMARK_NODE_ITEM:
        b.kind = doc::BlockKind::Item;
        if (is_ext(n, "tasklist")) {
          b.task = cmark_gfm_extensions_get_tasklist_item_checked(n) ? doc::TaskState::Checked
                                                                     : doc::TaskState::Unchecked;
        }
        blocks(n, b.children, doc, depth + 1);
        break;
      case CMARK_NODE_BLOCK_QUOTE:
        b.kind = doc::BlockKind::Quote;
        blocks(n, b.children, doc, depth + 1);
        github_alert(b);
        break;
      case CMARK_NODE_CODE_BLOCK: {
        b.kind = doc::BlockKind::Code;
        b.text = str(cmark_node_get_literal(n));
        FenceInfo fence = parse_fence_info(str(cmark_node_get_fence_info(n)));
        b.info = std::move(fence.language);
        b.title = std::move(fence.title);
        b.attributes = std::move(fence.attributes);
        if (b.info == "math" && b.text.find_first_not_of(" \t\n") != std::string::npos) {
          // GitHub's ```math fence: a display formula ({#eq:id} in the info string labels it).
          std::string label;
          for (const auto& [key, value] : b.attributes)
            if (key.starts_with("#")) label = key.substr(1);
          const std::string raw = str(cmark_node_get_fence_info(n));
          if (const size_t attr = raw.find("{#"); label.empty() && attr != std::string::npos)
            label = raw.substr(attr + 2, raw.find('}', attr) - attr - 2);
          b = display_block(b.text, b.pos, label);
        }
        break;
      }
      case CMARK_NODE_HTML_BLOCK:
        b.kind = doc::BlockKind::RawHtml;
        b.text = str(cmark_node_get_literal(n));
        break;
      case CMARK_NODE_THEMATIC_BREAK: b.kind = doc::BlockKind::Rule; break;
      case CMARK_NODE_FOOTNOTE_DEFINITION: {
        b.kind = doc::BlockKind::FootnoteDef;
        b.pos = footnote_def_pos(n);
        b.label = str(std::string(reinterpret_cast<const char*>(n->as.literal.data),
                                  static_cast<size_t>(n->as.literal.len))
                          .c_str());
        b.number = static_cast<int>(doc.footnotes.size()) + 1;
        std::string slug = slugify(b.label);
        if (slug.empty()) slug = std::to_string(b.number);
        b.id = footnote_ids.unique("fn-" + slug);
        blocks(n, b.children, doc, depth + 1);
        doc.footnotes.push_back(std::move(b));
        out.pop_back();
        return;
      }
      default:
        if (is_ext(n, "table")) {
          table(n, b);
          break;
        }
        // Unknown block: keep its content.
        out.pop_back();
        blocks(n, out, doc, depth + 1);
        return;
    }
  }

  static bool has_display_math(const std::vector<doc::Inline>& seq) {
    return std::any_of(seq.begin(), seq.end(), [](const doc::Inline& in) {
      return in.kind == doc::InlineKind::Math && in.display;
    });
  }

  // A display formula as a block: \tag{…} and \label{…} taken out of the TeX
  // (Moyin numbers and links equations itself), `{#eq:id}` as its label.
  static doc::Block display_block(std::string tex, doc::Position at, std::string attribute) {
    doc::Block m;
    m.kind = doc::BlockKind::Math;
    m.pos = at;
    std::string label = take_command(tex, "\\label");
    m.label = take_command(tex, "\\tag");
    if (label.empty()) label = std::move(attribute);
    if (!label.empty()) m.id = equation_anchor(label);
    m.info = label;  // the key \eqref{…} names
    const size_t first = tex.find_first_not_of(" \t\n");
    const size_t last = tex.find_last_not_of(" \t\n");
    m.text = first == std::string::npos ? std::string() : tex.substr(first, last - first + 1);
    return m;
  }

  // Splits a paragraph at its display formulas: paragraph, Math block,
  // paragraph (marked as continuing the sentence), …
  static void split_display(doc::Block para, std::vector<doc::Block>& out) {
    doc::Block cur = para;
    cur.inlines.clear();
    bool after_math = false;
    auto flush = [&] {
      while (!cur.inlines.empty() && (cur.inlines.back().kind == doc::InlineKind::SoftBreak ||
                                      cur.inlines.back().kind == doc::InlineKind::LineBreak))
        cur.inlines.pop_back();
      while (!cur.inlines.empty() && (cur.inlines.front().kind == doc::InlineKind::SoftBreak ||
                                      cur.inlines.front().kind == doc::InlineKind::LineBreak))
        cur.inlines.erase(cur.inlines.begin());
      const bool blank =
          std::all_of(cur.inlines.begin(), cur.inlines.end(), [](const doc::Inline& in) {
            return in.kind == doc::InlineKind::Text &&
                   in.text.find_first_not_of(" \t") == std::string::npos;
          });
      if (!blank) {
        if (!cur.inlines.empty()) cur.pos = cur.inlines.front().pos;
        cur.continues = after_math;
        out.push_back(cur);
      }
      cur.inlines.clear();
    };
    for (doc::Inline& in : para.inlines) {
      if (in.kind == doc::InlineKind::Math && in.display) {
        flush();
        out.push_back(display_block(std::move(in.text), in.pos, std::move(in.label)));
        after_math = true;
        continue;
      }
      cur.inlines.push_back(std::move(in));
    }
    flush();
  }

  // cmark places a footnote definition at its text; point at its `[^` instead.
  doc::Position footnote_def_pos(cmark_node* n) const {
    const int line = cmark_node_get_start_line(n);
    const int col = cmark_node_get_start_column(n);
    if (line <= 0 || col <= 0 || static_cast<size_t>(line) > line_starts.size()) return pos(n);
    const size_t start = line_starts[line - 1];
    const std::string_view head = src.substr(start, static_cast<size_t>(col - 1));
    const size_t at = head.rfind("[^");
    if (at == std::string_view::npos) return pos(n);
    return map(line, static_cast<int>(at) + 1);
  }

  void table(cmark_node* n, doc::Block& b) {
    b.kind = doc::BlockKind::Table;
    const uint16_t columns = cmark_gfm_extensions_get_table_columns(n);
    const uint8_t* aligns = cmark_gfm_extensions_get_table_alignments(n);
    for (uint16_t c = 0; c < columns; ++c) {
      const uint8_t a = aligns ? aligns[c] : 0;
      b.aligns.push_back(a == 'l'   ? doc::Align::Left
                         : a == 'c' ? doc::Align::Center
                         : a == 'r' ? doc::Align::Right
                                    : doc::Align::None);
    }
    for (cmark_node* r = cmark_node_first_child(n); r; r = cmark_node_next(r)) {
      doc::TableRow row;
      row.header = cmark_gfm_extensions_get_table_row_is_header(r) != 0;
      for (cmark_node* c = cmark_node_first_child(r); c; c = cmark_node_next(c)) {
        doc::TableCell cell;
        cell.pos = pos(c);
        inlines(c, cell.inlines, 0);
        row.cells.push_back(std::move(cell));
      }
      b.rows.push_back(std::move(row));
    }
  }
};

}  // namespace

void parse_markdown(std::string_view body, int first_line, std::string_view path,
                    doc::Document& doc, doc::Diagnostics& diags) {
  ensure_extensions();
  const ScannedContainers boxes = scan_containers(body);
  for (const Container& c : boxes.containers)
    if (c.unclosed)
      diags.warn(
          path, {c.line + first_line - 1, c.column},
          "`::: " + c.kind + "` is not closed by a `:::` line; it runs to the end of the document");
  const ProtectedMath math = protect_math(boxes.text);
  const Prepared prep = prepare(math.text);

  ParserPtr parser(cmark_parser_new(CMARK_OPT_FOOTNOTES));
  for (const char* name : {"table", "strikethrough", "autolink", "tasklist"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
  }
  NodePtr root;
  {
    std::lock_guard lock(cmark_lock());
    cmark_parser_feed(parser.get(), prep.text.data(), prep.text.size());
    root.reset(cmark_parser_finish(parser.get()));
  }
  if (!root) return;

  Converter conv{.src = prep.text,
                 .line_offset = first_line - 1,
                 .prep = prep,
                 .math = math,
                 .boxes = boxes,
                 .path = path,
                 .diags = diags};
  conv.line_starts.push_back(0);
  for (size_t nl = prep.text.find('\n'); nl != std::string::npos; nl = prep.text.find('\n', nl + 1))
    conv.line_starts.push_back(nl + 1);
  conv.blocks(root.get(), doc.blocks, doc, 0);
  find_images(doc);
  table_captions(doc.blocks);
  caption_ids(doc.blocks, conv.heading_ids);
  std::stable_sort(doc.footnotes.begin(), doc.footnotes.end(),
                   [](const doc::Block& a, const doc::Block& b) { return a.number < b.number; });
}

}  // namespace moyin::source
