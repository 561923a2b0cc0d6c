#include "source/container_scan.h"

#include <algorithm>
#include <cstdlib>

#include "base/utf8.h"

namespace moyin::source {

namespace {

bool blank_char(char c) { return c == ' ' || c == '\t'; }

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (blank_char(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (blank_char(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Columns of leading blanks (tabs to multiples of 4); `first` = the first other byte.
int indent_columns(std::string_view line, size_t& first) {
  int col = 0;
  first = 0;
  for (; first < line.size() && blank_char(line[first]); ++first)
    col = line[first] == '\t' ? (col / 4 + 1) * 4 : col + 1;
  return col;
}

// `"title"` or `'title'` → title; anything else as written.
std::string unquote(std::string_view s, bool& untitled) {
  s = trim(s);
  untitled = false;
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
    untitled = s.empty();
  }
  return std::string(s);
}

struct Open {
  enum class Kind { Colons, Indented } kind = Kind::Colons;
  int index = 0;   // into containers
  int need = 0;    // Indented: columns of indentation its content has, at least
  int colons = 0;  // Colons: length of the opening run
};

class Scanner {
 public:
  explicit Scanner(std::string_view body) : body_(body) {}

  ScannedContainers run() {
    out_.shift.assign(2, 0);
    int ln = 0;
    for (size_t start = 0; start <= body_.size();) {
      size_t end = body_.find('\n', start);
      const bool last = end == std::string_view::npos;
      if (last) end = body_.size();
      ++ln;
      line(body_.substr(start, end - start), ln);
      if (last) break;
      out_.text += '\n';
      start = end + 1;
    }
    close_to(0, ln, true);
    return std::move(out_);
  }

 private:
  std::string_view body_;
  ScannedContainers out_;
  std::vector<Open> stack_;
  bool in_fence_ = false;
  char fence_char_ = 0;
  size_t fence_len_ = 0;
  size_t fence_depth_ = 0;  // stack size when the fence opened

  void close_to(size_t depth, int ln, bool at_end) {
    while (stack_.size() > depth) {
      Container& c = out_.containers[static_cast<size_t>(stack_.back().index)];
      if (stack_.back().kind == Open::Kind::Colons) {
        c.end_line = ln;
        c.unclosed = at_end;
      }
      stack_.pop_back();
    }
    if (in_fence_ && fence_depth_ > stack_.size()) in_fence_ = false;
  }

  int indented_depth() const {
    return static_cast<int>(std::count_if(stack_.begin(), stack_.end(), [](const Open& o) {
      return o.kind == Open::Kind::Indented;
    }));
  }

  // Removes `cols` columns of leading blanks; returns the bytes removed
  // (minus the spaces a split tab leaves).
  static int strip(std::string& s, int cols) {
    int col = 0;
    size_t i = 0;
    while (i < s.size() && col < cols && blank_char(s[i])) {
      const int next = s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
      if (next > cols) {  // a tab reaching past the cut: the rest of it as spaces
        s.replace(0, i + 1, std::string(static_cast<size_t>(next - cols), ' '));
        return static_cast<int>(i + 1) - (next - cols);
      }
      col = next;
      ++i;
    }
    s.erase(0, i);
    return static_cast<int>(i);
  }

  bool fence_line(std::string_view p, bool closing) const {
    size_t i = 0;
    while (i < p.size() && (blank_char(p[i]) || p[i] == '>')) ++i;
    if (i >= p.size() || (p[i] != '`' && p[i] != '~')) return false;
    size_t j = i;
    while (j < p.size() && p[j] == p[i]) ++j;
    if (j - i < 3) return false;
    if (!closing) return true;
    return p[i] == fence_char_ && j - i >= fence_len_ && trim(p.substr(j)).empty();
  }

  void emit_marker(std::string_view p, size_t first, std::string_view marker) {
    out_.text.append(p.substr(0, first));
    out_.text.append(marker);
  }

  void open(Container c, Open o, std::string_view p, size_t first) {
    o.index = static_cast<int>(out_.containers.size());
    emit_marker(p, first, "<!--moyin:" + std::to_string(o.index) + "-->");
    out_.containers.push_back(std::move(c));
    stack_.push_back(o);
  }

  void line(std::string_view raw, int ln) {
    if (out_.shift.size() <= static_cast<size_t>(ln))
      out_.shift.resize(static_cast<size_t>(ln) + 1, 0);
    size_t raw_first = 0;
    const int raw_indent = indent_columns(raw, raw_first);
    const bool blank = trim(raw).empty();
    if (!blank) {
      // A line indented less than an admonition's body ends it (and what is inside it).
      for (size_t d = 0; d < stack_.size(); ++d)
        if (stack_[d].kind == Open::Kind::Indented && raw_indent < stack_[d].need) {
          close_to(d, ln, false);
          break;
        }
    }
    std::string p(raw);
    const int removed = strip(p, 4 * indented_depth());
    out_.shift[static_cast<size_t>(ln)] = removed;
    if (in_fence_) {
      if (fence_line(p, true)) in_fence_ = false;
      return content(p, ln, blank);
    }
    if (fence_line(p, false)) {
      size_t i = 0;
      while (i < p.size() && (blank_char(p[i]) || p[i] == '>')) ++i;
      fence_char_ = p[i];
      fence_len_ = 0;
      while (i + fence_len_ < p.size() && p[i + fence_len_] == fence_char_) ++fence_len_;
      in_fence_ = true;
      fence_depth_ = stack_.size();
      return content(p, ln, blank);
    }
    size_t first = 0;
    const int indent = indent_columns(p, first);
    const std::string_view rest = std::string_view(p).substr(first);
    Container c;
    c.line = ln;
    c.column = static_cast<int>(first) + removed + 1;
    if (admonition(rest, c) || tab(rest, c)) {
      return open(std::move(c), Open{Open::Kind::Indented, 0, raw_indent + 4, 0}, p, first);
    }
    if (indent <= 3) {
      int colons = 0;
      while (static_cast<size_t>(colons) < rest.size() && rest[static_cast<size_t>(colons)] == ':')
        ++colons;
      if (colons >= 3) {
        const std::string_view after = trim(rest.substr(static_cast<size_t>(colons)));
        if (after.empty()) {
          if (closes_colons(ln)) return emit_marker(p, first, "<!--moyin:end-->");
        } else if (colon_opener(after, c)) {
          return open(std::move(c), Open{Open::Kind::Colons, 0, 0, colons}, p, first);
        }
      }
    }
    content(p, ln, blank);
  }

  void content(const std::string& p, int ln, bool blank) {
    out_.text += p;
    if (blank) return;
    for (const Open& o : stack_) out_.containers[static_cast<size_t>(o.index)].end_line = ln;
  }

  // A closing ::: ends the innermost ::: container (and anything opened inside it).
  bool closes_colons(int ln) {
    for (size_t d = stack_.size(); d-- > 0;)
      if (stack_[d].kind == Open::Kind::Colons) {
        close_to(d + 1, ln, false);
        out_.containers[static_cast<size_t>(stack_.back().index)].end_line = ln;
        stack_.pop_back();
        return true;
      }
    return false;
  }

  // `tip 标题`, `warning`, `{.note}` (Pandoc's fenced div).
  static bool colon_opener(std::string_view after, Container& c) {
    if (after.front() == '{') {
      const size_t dot = after.find('.');
      const size_t close = after.find('}');
      if (dot == std::string_view::npos || close == std::string_view::npos || dot > close)
        return false;
      size_t e = dot + 1;
      while (e < close && word_char(after[e])) ++e;
      if (e == dot + 1) return false;
      c.kind = base::ascii_lower(after.substr(dot + 1, e - dot - 1));
      c.title = std::string(trim(after.substr(close + 1)));
      return true;
    }
    size_t e = 0;
    while (e < after.size() && word_char(after[e])) ++e;
    if (e == 0 || (e < after.size() && !blank_char(after[e]))) return false;
    c.kind = base::ascii_lower(after.substr(0, e));
    c.title = unquote(after.substr(e), c.untitled);
    return true;
  }

  // `!!! note "标题"`, `??? tip`, `???+ warning "…"` (collapsible ones print open).
  static bool admonition(std::string_view rest, Container& c) {
    if (!rest.starts_with("!!!") && !rest.starts_with("???")) return false;
    size_t i = 3;
    c.folds = rest.starts_with("???");
    if (i < rest.size() && rest[i] == '+') ++i;
    c.open = c.folds && i == 4;
    if (i >= rest.size() || !blank_char(rest[i])) return false;
    while (i < rest.size() && blank_char(rest[i])) ++i;
    const size_t k = i;
    while (i < rest.size() && word_char(rest[i])) ++i;
    if (i == k) return false;
    c.kind = base::ascii_lower(rest.substr(k, i - k));
    // Further classes ("note inline end") only place the box on the web.
    while (i < rest.size() && rest[i] != '"' && rest[i] != '\'') ++i;
    c.title = unquote(rest.substr(i), c.untitled);
    return true;
  }

  // `=== "Python"` (`===!` / `===+` start a new tab group or select a tab on the web).
  static bool tab(std::string_view rest, Container& c) {
    if (!rest.starts_with("===")) return false;
    size_t i = 3;
    if (i < rest.size() && (rest[i] == '!' || rest[i] == '+')) ++i;
    if (i >= rest.size() || !blank_char(rest[i])) return false;
    const std::string_view label = trim(rest.substr(i));
    if (label.size() < 2 || (label.front() != '"' && label.front() != '\'') ||
        label.back() != label.front())
      return false;
    c.kind = "tab";
    c.title = unquote(label, c.untitled);
    return true;
  }
};

}  // namespace

int ScannedContainers::marker(std::string_view html, int line) const {
  html = trim(html);
  while (!html.empty() && html.back() == '\n') html.remove_suffix(1);
  if (!html.starts_with("<!--moyin:") || !html.ends_with("-->")) return -1;
  const std::string_view num = html.substr(10, html.size() - 13);
  if (num.empty() || num.size() > 9 ||
      num.find_first_not_of("0123456789") != std::string_view::npos)
    return -1;
  const int k = std::atoi(std::string(num).c_str());
  if (static_cast<size_t>(k) >= containers.size() ||
      containers[static_cast<size_t>(k)].line != line)
    return -1;
  return k;
}

bool ScannedContainers::is_end_marker(std::string_view html) {
  html = trim(html);
  while (!html.empty() && html.back() == '\n') html.remove_suffix(1);
  return html == "<!--moyin:end-->";
}

ScannedContainers scan_containers(std::string_view body) {
  if (body.find("!!!") == std::string_view::npos && body.find("???") == std::string_view::npos &&
      body.find(":::") == std::string_view::npos && body.find("===") == std::string_view::npos) {
    ScannedContainers none;
    none.text = std::string(body);
    return none;
  }
  return Scanner(body).run();
}

}  // namespace moyin::source
