#include "source/math_scan.h"

#include <algorithm>
#include <array>

#include "base/utf8.h"

namespace moyin::source {

namespace {

// Placeholders come from a supplementary private-use plane the body does not use.
constexpr char32_t kPlanes[] = {0xF0000, 0x100000};
constexpr size_t kMaxSpans = 0xFFFD;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The bytes scan_inline looks at: backquote, ], backslash and $.
constexpr std::array<bool, 256> kInlineStarts = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'`', ']', '\\', '$'}) t[c] = true;
  return t;
}();

// Offsets of line starts, and whether each line is blank.
struct Lines {
  std::string_view s;
  size_t end_of_line(size_t i) const {
    size_t e = s.find('\n', i);
    return e == std::string_view::npos ? s.size() : e;
  }
  bool blank(size_t start) const {
    for (size_t i = start; i < s.size() && s[i] != '\n'; ++i)
      if (!is_blank(s[i])) return false;
    return true;
  }
};

// Columns of leading indentation (tabs to multiples of 4).
int indent_of(std::string_view s, size_t start, size_t* first = nullptr) {
  int col = 0;
  size_t i = start;
  for (; i < s.size() && is_blank(s[i]); ++i) col = s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
  if (first) *first = i;
  return col;
}

// A fence opener or closer: ``` or ~~~ (at least 3) after optional blanks and `>` markers.
bool fence_at(std::string_view s, size_t start, char& ch, size_t& len, std::string_view* info) {
  size_t i = start;
  while (i < s.size() && (is_blank(s[i]) || s[i] == '>')) ++i;
  if (i >= s.size() || (s[i] != '`' && s[i] != '~')) return false;
  size_t j = i;
  while (j < s.size() && s[j] == s[i]) ++j;
  if (j - i < 3) return false;
  ch = s[i];
  len = j - i;
  if (info) {
    size_t e = s.find('\n', j);
    *info = s.substr(j, (e == std::string_view::npos ? s.size() : e) - j);
  }
  return true;
}

bool is_list_marker_line(std::string_view s, size_t start) {
  size_t i = start;
  while (i < s.size() && (is_blank(s[i]) || s[i] == '>')) ++i;
  if (i >= s.size()) return false;
  if ((s[i] == '-' || s[i] == '*' || s[i] == '+') && i + 1 < s.size() && is_blank(s[i + 1]))
    return true;
  size_t j = i;
  while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
  return j > i && j - i <= 9 && j + 1 < s.size() && (s[j] == '.' || s[j] == ')') &&
         is_blank(s[j + 1]);
}

size_t backslashes_before(std::string_view s, size_t i) {
  size_t n = 0;
  while (n < i && s[i - 1 - n] == '\\') ++n;
  return n;
}

// True when the line after the newline at `nl` is blank (or the text ends).
bool next_line_blank(std::string_view s, size_t nl) {
  size_t k = nl + 1;
  while (k < s.size() && is_blank(s[k])) ++k;
  return k >= s.size() || s[k] == '\n';
}

// True when a newline in s[from, to) starts a blank line: inline material ends there.
bool crosses_blank_line(std::string_view s, size_t from, size_t to) {
  for (size_t nl = s.find('\n', from); nl != std::string_view::npos && nl < to;
       nl = s.find('\n', nl + 1))
    if (next_line_blank(s, nl)) return true;
  return false;
}

struct Scanner {
  std::string_view s;
  std::vector<MathSpan> spans;
  std::vector<std::pair<size_t, size_t>> ranges;  // byte ranges of the spans

  void add(size_t begin, size_t end, MathSpan span) {
    span.source = std::string(s.substr(begin, end - begin));
    if (span.tex.find('\n') != std::string::npos) strip_container_prefixes(begin, span.tex);
    spans.push_back(std::move(span));
    ranges.emplace_back(begin, end);
  }

  // A formula over several lines inside a block quote: its later lines
  // start with the quote's `>` markers, which are not TeX.
  void strip_container_prefixes(size_t begin, std::string& tex) const {
    const size_t line_start = begin == 0 ? 0
                                         : (s.rfind('\n', begin - 1) == std::string_view::npos
                                                ? 0
                                                : s.rfind('\n', begin - 1) + 1);
    const int quotes =
        static_cast<int>(std::count(s.begin() + static_cast<std::ptrdiff_t>(line_start),
                                    s.begin() + static_cast<std::ptrdiff_t>(begin), '>'));
    if (quotes == 0) return;
    std::string out;
    size_t i = 0;
    bool line_head = false;
    while (i < tex.size()) {
      if (line_head) {
        int left = quotes;
        size_t k = i;
        while (k < tex.size() && left > 0 && (is_blank(tex[k]) || tex[k] == '>')) {
          if (tex[k] == '>') --left;
          ++k;
        }
        if (left == 0 && k < tex.size() && tex[k] == ' ') ++k;
        i = left == 0 ? k : i;
        line_head = false;
        continue;
      }
      out += tex[i];
      line_head = tex[i] == '\n';
      ++i;
    }
    tex = std::move(out);
  }

  // A code span starting with the backtick run at i: the index after it, or
  // after the run alone when it has no closer.
  size_t skip_code_span(size_t i) const {
    size_t j = i;
    while (j < s.size() && s[j] == '`') ++j;
    const size_t n = j - i;
    for (size_t k = j; k < s.size();) {
      if (s[k] != '`') {
        if (s[k] == '\n' && crosses_blank_line(s, k, k + 1)) break;
        ++k;
        continue;
      }
      size_t e = k;
      while (e < s.size() && s[e] == '`') ++e;
      if (e - k == n) return e;
      k = e;
    }
    return j;
  }

  // `(dest)` after `]` starting at s[i] == '(': the index after its `)`
  // (balanced, backslash escapes skipped), or after `(` when unclosed.
  size_t skip_destination(size_t i) const {
    int depth = 0;
    for (size_t k = i; k < s.size() && s[k] != '\n'; ++k) {
      if (s[k] == '\\') {
        ++k;
        continue;
      }
      if (s[k] == '(') ++depth;
      else if (s[k] == ')' && --depth == 0) return k + 1;
    }
    return i + 1;
  }

  // `$…$`: the closing `$` not after a blank, not before a digit, not escaped.
  bool inline_dollar(size_t i, size_t& end) {
    if (i + 1 >= s.size() || is_blank(s[i + 1]) || s[i + 1] == '\n') return false;
    for (size_t k = i + 1; k < s.size(); ++k) {
      if (s[k] == '\n' && crosses_blank_line(s, k, k + 1)) return false;
      if (s[k] == '`') return false;  // a code span starts first: "$5 and `$x$`" stays text
      if (s[k] != '$') continue;
      if (backslashes_before(s, k) % 2 == 1) continue;
      if (is_blank(s[k - 1]) || s[k - 1] == '\n') continue;
      if (k + 1 < s.size() && s[k + 1] >= '0' && s[k + 1] <= '9') continue;
      if (k == i + 1) return false;
      end = k + 1;
      add(i, end, {MathSpan::Kind::Math, std::string(s.substr(i + 1, k - i - 1)), false});
      return true;
    }
    return false;
  }

  // `$$…$$`, optionally followed by ` {#eq:id}`.
  bool display_dollar(size_t i, size_t& end) {
    for (size_t k = i + 2; k + 1 < s.size(); ++k) {
      if (s[k] == '\n' && crosses_blank_line(s, k, k + 1)) return false;
      if (s[k] != '$' || s[k + 1] != '$' || backslashes_before(s, k) % 2 == 1) continue;
      std::string tex(s.substr(i + 2, k - i - 2));
      if (tex.find_first_not_of(" \t\n") == std::string::npos) return false;
      end = k + 2;
      MathSpan span{MathSpan::Kind::Math, std::move(tex), true};
      take_attribute(end, span);
      add(i, end, std::move(span));
      return true;
    }
    return false;
  }

  // `{#eq:id}` after display math (blanks allowed before it).
  void take_attribute(size_t& end, MathSpan& span) const {
    size_t k = end;
    while (k < s.size() && is_blank(s[k])) ++k;
    if (s.substr(k, 2) != "{#") return;
    size_t close = s.find('}', k);
    size_t nl = s.find('\n', k);
    if (close == std::string_view::npos || (nl != std::string_view::npos && nl < close)) return;
    std::string_view id = s.substr(k + 2, close - k - 2);
    if (id.empty() || id.find_first_of(" \t\"'<>&") != std::string_view::npos) return;
    span.id = std::string(id);
    end = close + 1;
  }

  // $`…`$ (GitHub).
  bool dollar_backtick(size_t i, size_t& end) {
    size_t j = i + 1;
    while (j < s.size() && s[j] == '`') ++j;
    const std::string run(s.substr(i + 1, j - i - 1));
    const size_t close = s.find(run + "$", j);
    if (close == std::string_view::npos || close == j || crosses_blank_line(s, j, close))
      return false;
    if (close + run.size() < s.size() && s[close + run.size()] == '`') return false;
    end = close + run.size() + 1;
    add(i, end, {MathSpan::Kind::Math, std::string(s.substr(j, close - j)), false});
    return true;
  }

  // \(…\) and \[…\]: the backslash at i is unescaped.
  bool backslash_delimited(size_t i, size_t& end) {
    const bool display = s[i + 1] == '[';
    const std::string_view closer = display ? "\\]" : "\\)";
    for (size_t k = s.find(closer, i + 2); k != std::string_view::npos; k = s.find(closer, k + 1)) {
      if (crosses_blank_line(s, i, k)) return false;
      if (backslashes_before(s, k) % 2 == 1) continue;
      end = k + 2;
      MathSpan span{MathSpan::Kind::Math, std::string(s.substr(i + 2, k - i - 2)), display};
      // A formula names something: `\[\\\]` (escaped punctuation, GFM example 308) is not one.
      if (std::none_of(span.tex.begin(), span.tex.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
          }))
        return false;
      if (display) take_attribute(end, span);
      add(i, end, std::move(span));
      return true;
    }
    return false;
  }

  // \eqref{label} and \ref{label} in running text.
  bool reference(size_t i, size_t& end) {
    for (std::string_view name : {std::string_view("\\eqref{"), std::string_view("\\ref{")}) {
      if (s.substr(i, name.size()) != name) continue;
      size_t close = s.find('}', i + name.size());
      size_t nl = s.find('\n', i);
      if (close == std::string_view::npos || (nl != std::string_view::npos && nl < close))
        return false;
      std::string label(s.substr(i + name.size(), close - i - name.size()));
      if (label.empty()) return false;
      end = close + 1;
      add(i, end, {MathSpan::Kind::Ref, std::move(label), name == "\\eqref{"});
      return true;
    }
    return false;
  }

  // Scans the inline content of s[i, line_end), possibly continuing past it
  // (a formula or code span over several lines); returns where scanning stopped.
  size_t scan_inline(size_t i, size_t line_end) {
    while (i < line_end) {
      if (!kInlineStarts[static_cast<unsigned char>(s[i])]) {  // most bytes start nothing
        ++i;
        continue;
      }
      const char c = s[i];
      size_t end = 0;
      if (c == '`') {
        i = skip_code_span(i);
        continue;
      }
      if (c == ']' && i + 1 < s.size() && s[i + 1] == '(') {  // a link destination is never math
        i = skip_destination(i + 1);
        continue;
      }
      if (c == '\\') {
        size_t j = i;
        while (j < s.size() && s[j] == '\\') ++j;
        // An odd run ends in an unescaped backslash that applies to s[j].
        const size_t last = j - 1;
        if ((j - i) % 2 == 1 && j < s.size()) {
          if ((s[j] == '(' || s[j] == '[') && backslash_delimited(last, end)) return end;
          if (s[j] == 'e' || s[j] == 'r') {
            if (reference(last, end)) return end;
          }
          if (s[j] == '$') {  // \$ is a dollar sign: cmark unescapes it
            i = j + 1;
            continue;
          }
        }
        i = j;
        continue;
      }
      if (c == '$') {
        if (i + 1 < s.size() && s[i + 1] == '`' && dollar_backtick(i, end)) return end;
        if (i + 1 < s.size() && s[i + 1] == '$') {
          if (display_dollar(i, end)) return end;
          i += 2;
          continue;
        }
        if (inline_dollar(i, end)) return end;
      }
      ++i;
    }
    return i;
  }

  void scan() {
    const Lines lines{s};
    bool in_fence = false, in_indented = false, prev_blank = true, in_list = false;
    char fence_ch = 0;
    size_t fence_len = 0;
    size_t i = 0;
    while (i < s.size()) {
      const size_t line_end = lines.end_of_line(i);
      const size_t next = line_end < s.size() ? line_end + 1 : s.size();
      char ch = 0;
      size_t len = 0;
      if (in_fence) {
        if (fence_at(s, i, ch, len, nullptr) && ch == fence_ch && len >= fence_len &&
            s.substr(i, line_end - i).find_first_not_of(std::string(" \t>") + ch) ==
                std::string_view::npos)
          in_fence = false;
        i = next;
        continue;
      }
      if (lines.blank(i)) {
        prev_blank = true;
        in_indented = false;
        i = next;
        continue;
      }
      const int indent = indent_of(s, i);
      if (indent >= 4 && (in_indented || (prev_blank && !in_list))) {
        in_indented = true;  // an indented code block
        prev_blank = false;
        i = next;
        continue;
      }
      in_indented = false;
      if (is_list_marker_line(s, i)) in_list = true;
      else if (prev_blank && indent == 0) in_list = false;
      prev_blank = false;
      if (indent < 4 || in_list) {
        if (fence_at(s, i, ch, len, nullptr)) {
          in_fence = true;
          fence_ch = ch;
          fence_len = len;
          i = next;
          continue;
        }
      }
      // Inline content; a formula or code span over several lines moves
      // the scan to the line where it ended.
      size_t k = i, le = line_end;
      while (k < le) {
        k = scan_inline(k, le);
        if (k > le) le = lines.end_of_line(k);
      }
      i = le < s.size() ? le + 1 : s.size();
    }
  }
};

}  // namespace

int ProtectedMath::original_column(int line, int col) const {
  if (line <= 0 || static_cast<size_t>(line) >= edits.size()) return col;
  int shift = 0;
  for (const LineEdit& e : edits[static_cast<size_t>(line)]) {
    if (col < e.column) break;
    if (col < e.column + e.replaced) return e.column + shift;
    shift += e.original - e.replaced;
  }
  return col + shift;
}

const MathSpan* ProtectedMath::span_of(char32_t cp) const {
  if (base == 0 || cp < base || cp - base >= spans.size()) return nullptr;
  return &spans[cp - base];
}

std::string ProtectedMath::restore(std::string_view s) const {
  if (base == 0) return std::string(s);
  std::string out;
  out.reserve(s.size());
  char32_t last = 0;
  for (size_t i = 0; i < s.size();) {
    const base::Decoded d = base::decode_at(s, i);
    if (const MathSpan* span = span_of(d.cp)) {
      if (d.cp != last) out += span->source;  // a span over n lines left n placeholders
      last = d.cp;
    } else {
      if (d.cp != '\n' && d.cp != ' ') last = 0;
      out.append(s.substr(i, d.len));
    }
    i += d.len;
  }
  return out;
}

ProtectedMath protect_math(std::string_view body) {
  ProtectedMath p;
  // Two memchr scans: find_first_of would search its set once per byte.
  if (body.find('$') == std::string_view::npos && body.find('\\') == std::string_view::npos) {
    p.text = std::string(body);
    return p;
  }
  for (char32_t plane : kPlanes) {
    std::string lead;
    base::append_utf8(lead, plane);
    // Every code point of the plane shares the first two bytes of its first one.
    if (body.find(lead.substr(0, 2)) == std::string_view::npos) {
      p.base = plane;
      break;
    }
  }
  Scanner sc{body};
  if (p.base != 0) sc.scan();
  if (sc.spans.empty() || sc.spans.size() > kMaxSpans) {
    p.base = 0;
    p.text = std::string(body);
    return p;
  }
  p.text.reserve(body.size());
  int line = 1;
  size_t line_start_in = 0, line_start_out = 0;
  auto edit = [&](size_t from_in, size_t to_in, size_t from_out) {
    if (p.edits.size() <= static_cast<size_t>(line)) p.edits.resize(static_cast<size_t>(line) + 1);
    p.edits[static_cast<size_t>(line)].push_back({static_cast<int>(from_out - line_start_out) + 1,
                                                  static_cast<int>(p.text.size() - from_out),
                                                  static_cast<int>(to_in - from_in)});
  };
  size_t at = 0;
  for (size_t k = 0; k < sc.spans.size(); ++k) {
    auto [begin, end] = sc.ranges[k];
    while (at < begin) {  // the text before the span, a line at a time
      const size_t nl = body.find('\n', at);
      if (nl == std::string_view::npos || nl >= begin) {
        p.text.append(body.substr(at, begin - at));
        at = begin;
        break;
      }
      p.text.append(body.substr(at, nl + 1 - at));
      ++line;
      line_start_in = nl + 1;
      line_start_out = p.text.size();
      at = nl + 1;
    }
    sc.spans[k].line = line;
    sc.spans[k].column = static_cast<int>(begin - line_start_in) + 1;
    std::string ph;
    base::append_utf8(ph, p.base + static_cast<char32_t>(k));
    // One placeholder per source line of the span keeps the line numbers.
    size_t from = begin;
    while (true) {
      const size_t nl = body.find('\n', from);
      const size_t stop = nl == std::string_view::npos || nl >= end ? end : nl;
      const size_t out_from = p.text.size();
      p.text += ph;
      edit(from, stop, out_from);
      if (stop == end) break;
      p.text += '\n';
      ++line;
      line_start_in = nl + 1;
      line_start_out = p.text.size();
      from = nl + 1;
    }
    at = end;
  }
  p.text.append(body.substr(at));
  p.spans = std::move(sc.spans);
  return p;
}

}  // namespace moyin::source
