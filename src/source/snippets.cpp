// MkDocs snippets, expanded line by line with the origin of every line kept.
#include "source/snippets.h"

#include <optional>
#include <set>
#include <system_error>

#include "base/file.h"
#include "source/hygiene.h"

namespace moyin::source {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxDepth = 16;         // nested snippets
constexpr size_t kMaxBytes = 32u << 20;  // the expanded body: a file included twice at every level
constexpr std::string_view kBlanks = " \t";

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(kBlanks);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kBlanks) - b + 1);
}

// `-8<-` with one or more dashes on each side, at `from`; the index after it.
std::optional<size_t> scissors(std::string_view line, size_t from) {
  size_t i = from;
  while (i < line.size() && line[i] == '-') ++i;
  if (i == from || line.substr(i, 2) != "8<") return std::nullopt;
  const size_t tail = i += 2;
  while (i < line.size() && line[i] == '-') ++i;
  if (i == tail) return std::nullopt;
  return i;
}

enum class Kind { Text, Single, BlockEdge, Escaped };

struct Line {
  Kind kind = Kind::Text;
  std::string_view indent;  // what precedes the notation
  std::string_view name;    // Single: the quoted file
};

Line classify(std::string_view text) {
  Line l;
  const size_t lead = std::min(text.find_first_not_of(kBlanks), text.size());
  l.indent = text.substr(0, lead);
  const std::string_view rest = text.substr(lead);
  size_t semis = 0;
  while (semis < rest.size() && rest[semis] == ';') ++semis;
  const std::optional<size_t> after = scissors(rest, semis);
  if (!after) return l;
  if (semis > 0) {
    l.kind = Kind::Escaped;
    return l;
  }
  const std::string_view tail = trim(rest.substr(*after));
  if (tail.empty()) {
    l.kind = Kind::BlockEdge;
  } else if (tail.size() >= 2 && (tail[0] == '"' || tail[0] == '\'') && tail.back() == tail[0]) {
    l.kind = Kind::Single;
    l.name = tail.substr(1, tail.size() - 2);
  }
  return l;
}

// `--8<-- [start:name]` / `[end:name]` anywhere on a line (in a comment of
// the snippet's own language): `which` is "start" or "end".
bool section_marker(std::string_view line, std::string_view which, std::string_view name) {
  for (size_t at = line.find("8<"); at != std::string_view::npos; at = line.find("8<", at + 2)) {
    const size_t open = line.find('[', at);
    if (open == std::string_view::npos) return false;
    const std::string_view head = trim(line.substr(at + 2, open - at - 2));
    if (head.find_first_not_of('-') != std::string_view::npos) continue;
    const std::string_view body = line.substr(open + 1);
    if (!body.starts_with(which) || body.substr(which.size(), 1) != ":") continue;
    const std::string_view rest = body.substr(which.size() + 1);
    const size_t close = rest.find(']');
    if (close != std::string_view::npos && (name.empty() || rest.substr(0, close) == name))
      return true;
  }
  return false;
}

bool digits(std::string_view s) {
  return s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool section_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

// `file`, `file:4:6`, `file:4`, `file::3`, `file:section`.
struct Spec {
  std::string file;
  int from = 0, to = 0;  // 1-based, 0 = open
  std::string section;
};

int number(std::string_view s) {
  int n = 0;
  for (char c : s) n = std::min(n * 10 + (c - '0'), 1'000'000'000 / 10);
  return n;
}

Spec parse_spec(std::string_view name) {
  Spec s{std::string(name)};
  const size_t c1 = name.rfind(':');
  if (c1 == std::string_view::npos || c1 == 0) return s;
  const std::string_view tail = name.substr(c1 + 1);
  if (digits(tail)) {
    const size_t c2 = name.rfind(':', c1 - 1);
    if (c2 != std::string_view::npos && c2 > 0 && digits(name.substr(c2 + 1, c1 - c2 - 1))) {
      s.file = name.substr(0, c2);
      s.from = number(name.substr(c2 + 1, c1 - c2 - 1));
      s.to = number(tail);
    } else if (!tail.empty()) {
      s.file = name.substr(0, c1);
      s.from = number(tail);
    }
  } else if (section_name(tail)) {
    s.file = name.substr(0, c1);
    s.section = tail;
  }
  return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return lines;
}

struct Expander {
  fs::path root;
  std::string_view doc_path;
  doc::Diagnostics& diags;
  std::vector<std::string> out;
  std::vector<doc::Position> origin;
  std::set<std::string> files;
  std::vector<fs::path> stack;  // the files being included, outermost first
  size_t bytes = 0;
  bool included = false;  // anything at all
  bool over_budget = false;

  void emit(std::string line, doc::Position pos) {
    bytes += line.size() + 1;
    out.push_back(std::move(line));
    origin.push_back(pos);
  }

  void warn(doc::Position at, const std::string& message) { diags.warn(doc_path, at, message); }

  // The lines of `text` (from the manuscript when `at` is empty, each its own
  // position; else all at the include position `at`), snippets expanded.
  void run(std::string_view text, int first_line, const fs::path& dir,
           std::optional<doc::Position> at, const std::string& indent) {
    const std::vector<std::string_view> lines = split_lines(text);
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string_view line = lines[i];
      const int lineno = first_line + static_cast<int>(i);
      const Line l = classify(line);
      auto here = [&](std::string_view ind) {
        return at.value_or(doc::Position{lineno, static_cast<int>(ind.size()) + 1});
      };
      const doc::Position own = at.value_or(doc::Position{lineno, 0});
      switch (l.kind) {
        case Kind::Text:
          if (at && (section_marker(line, "start", "") || section_marker(line, "end", ""))) break;
          emit(indent + std::string(line), own);
          break;
        case Kind::Escaped: {  // one `;` less, printed as written
          std::string literal(line);
          literal.erase(l.indent.size(), 1);
          emit(indent + literal, own);
          break;
        }
        case Kind::Single:
          include(l.name, dir, here(l.indent), indent + std::string(l.indent));
          break;
        case Kind::BlockEdge: {
          size_t end = i + 1;
          while (end < lines.size() && classify(lines[end]).kind != Kind::BlockEdge) ++end;
          if (end == lines.size()) {
            warn(here(l.indent), "a snippet block (--8<--) is never closed; printed as written");
            emit(indent + std::string(line), own);
            break;
          }
          for (size_t k = i + 1; k < end; ++k) {
            const std::string_view name = trim(lines[k]);
            const doc::Position pos =
                at.value_or(doc::Position{first_line + static_cast<int>(k), 1});
            if (name.empty()) emit(indent, at.value_or(doc::Position{pos.line, 0}));
            else if (name[0] != ';') include(name, dir, pos, indent + std::string(l.indent));
          }
          i = end;
          break;
        }
      }
    }
  }

  // The file a snippet names: under the root, then beside the including
  // file. `missing` is the first place inside the root it was looked for.
  std::optional<fs::path> find(const std::string& file, const fs::path& dir, fs::path& missing) {
    for (const fs::path& base : {root, dir}) {
      std::error_code ec;
      const fs::path p = fs::weakly_canonical(base / file, ec);
      if (ec || !base::is_within(root, p)) continue;
      if (fs::is_regular_file(p, ec)) return p;
      if (missing.empty()) missing = p;
    }
    return std::nullopt;
  }

  void include(std::string_view name, const fs::path& dir, doc::Position at,
               const std::string& indent) {
    const std::string shown(name);
    if (over_budget) return;
    if (name.find("://") != std::string_view::npos) {
      warn(at, "remote snippet " + shown + " is not downloaded; left out");
      return;
    }
    if (stack.size() >= kMaxDepth) {
      warn(at, "snippet " + shown + " is nested more than " + std::to_string(kMaxDepth) +
                   " deep; left out");
      return;
    }
    const Spec spec = parse_spec(name);
    fs::path missing;
    const std::optional<fs::path> file = find(spec.file, dir, missing);
    if (!file) {
      // Where it would be: a file appearing there later changes the document.
      if (!missing.empty()) files.insert(missing.string());
      warn(at,
           missing.empty()
               ? "snippet " + shown + " is outside the project root " + root.string() + "; left out"
               : "snippet " + shown + " not found (under " + root.string() + "); left out");
      return;
    }
    for (const fs::path& open : stack)
      if (open == *file) {
        warn(at, "snippet " + shown + " includes itself; left out");
        return;
      }
    std::string error;
    const std::optional<std::string> raw = base::read_bounded(*file, error);
    if (!raw || looks_binary(*raw)) {
      warn(at, "snippet " + shown + (raw ? " is not a text file" : ": " + error) + "; left out");
      return;
    }
    const std::optional<std::string> text = clean_input(*raw, file->string(), diags);
    if (!text) return;
    included = true;
    files.insert(file->string());
    std::string part = select(*text, spec, shown, at);
    if (bytes + part.size() > kMaxBytes) {
      over_budget = true;
      warn(at, "snippets make the document larger than " + std::to_string(kMaxBytes >> 20) +
                   " MB; the rest are left out");
      return;
    }
    stack.push_back(*file);
    run(part, 1, file->parent_path(), at, indent);
    stack.pop_back();
  }

  // The lines a spec asks for (a range, a section, or the whole file).
  std::string select(const std::string& text, const Spec& spec, const std::string& shown,
                     doc::Position at) {
    if (spec.from == 0 && spec.to == 0 && spec.section.empty()) return text;
    const std::vector<std::string_view> lines = split_lines(text);
    size_t first = 0, last = lines.size();  // [first, last)
    if (!spec.section.empty()) {
      size_t start = lines.size();
      for (size_t i = 0; i < lines.size() && start == lines.size(); ++i)
        if (section_marker(lines[i], "start", spec.section)) start = i;
      if (start == lines.size()) {
        warn(at, "snippet " + shown + ": no section '" + spec.section + "'; left out");
        return {};
      }
      first = start + 1;
      last = first;
      while (last < lines.size() && !section_marker(lines[last], "end", spec.section)) ++last;
    } else {
      if (spec.from > 0) first = std::min(lines.size(), static_cast<size_t>(spec.from) - 1);
      if (spec.to > 0) last = std::min(lines.size(), static_cast<size_t>(spec.to));
    }
    std::string part;
    for (size_t i = first; i < last; ++i) {
      part += lines[i];
      part += '\n';
    }
    return part;
  }
};

void map(doc::Position& p, const std::vector<doc::Position>& origin, int first_line) {
  const int i = p.line - first_line;
  if (p.line <= 0 || i < 0 || static_cast<size_t>(i) >= origin.size()) return;
  const doc::Position& o = origin[static_cast<size_t>(i)];
  p = {o.line, o.column ? o.column : p.column};
}

void map(std::vector<doc::Inline>& list, const std::vector<doc::Position>& origin, int first_line) {
  for (doc::Inline& in : list) {
    map(in.pos, origin, first_line);
    map(in.children, origin, first_line);
  }
}

void map(std::vector<doc::Block>& list, const std::vector<doc::Position>& origin, int first_line) {
  for (doc::Block& b : list) {
    map(b.pos, origin, first_line);
    map(b.inlines, origin, first_line);
    for (doc::TableRow& row : b.rows)
      for (doc::TableCell& cell : row.cells) {
        map(cell.pos, origin, first_line);
        map(cell.inlines, origin, first_line);
      }
    map(b.children, origin, first_line);
  }
}

}  // namespace

fs::path snippet_root(std::string_view path) {
  std::error_code ec;
  fs::path dir =
      fs::weakly_canonical(fs::absolute(fs::path(std::string(path)), ec), ec).parent_path();
  for (fs::path d = dir;; d = d.parent_path()) {
    if (fs::exists(d / "mkdocs.yml", ec) || fs::exists(d / "mkdocs.yaml", ec)) return d;
    if (d == d.parent_path()) break;
  }
  return dir;
}

ExpandedSnippets expand_snippets(std::string_view body, int first_line, std::string_view path,
                                 const fs::path& project_root, doc::Diagnostics& diags) {
  ExpandedSnippets r;
  if (body.find("8<") == std::string_view::npos) {
    r.body = std::string(body);
    return r;
  }
  std::error_code ec;
  const fs::path doc_dir =
      fs::weakly_canonical(fs::absolute(fs::path(std::string(path)), ec), ec).parent_path();
  fs::path root = project_root.empty() ? snippet_root(path) : project_root;
  root = fs::weakly_canonical(fs::absolute(root, ec), ec);
  Expander x{root, path, diags, {}, {}, {}, {}, 0, false, false};
  x.run(body, first_line, doc_dir, std::nullopt, "");
  r.files.assign(x.files.begin(), x.files.end());
  const bool trailing_newline = !body.empty() && body.back() == '\n';
  for (size_t i = 0; i < x.out.size(); ++i) {
    r.body += x.out[i];
    if (i + 1 < x.out.size() || trailing_newline) r.body += '\n';
  }
  if (x.included) r.origin = std::move(x.origin);
  return r;
}

void map_positions(doc::Document& d, const std::vector<doc::Position>& origin, int first_line,
                   doc::Diagnostics& diags, size_t first_diag) {
  if (origin.empty()) return;
  map(d.blocks, origin, first_line);
  map(d.footnotes, origin, first_line);
  for (size_t i = first_diag; i < diags.items.size(); ++i)
    if (diags.items[i].path == d.path) map(diags.items[i].pos, origin, first_line);
}

}  // namespace moyin::source
