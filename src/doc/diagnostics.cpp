#include "doc/diagnostics.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

namespace moyin::doc {

void Diagnostics::warn(std::string_view path, Position pos, std::string message) {
  items.push_back({Severity::Warning, std::string(path), pos, std::move(message)});
}

void Diagnostics::error(std::string_view path, Position pos, std::string message) {
  items.push_back({Severity::Error, std::string(path), pos, std::move(message)});
}

bool Diagnostics::has_errors() const { return count(Severity::Error) > 0; }

size_t Diagnostics::count(Severity s) const {
  return static_cast<size_t>(std::count_if(items.begin(), items.end(),
                                           [s](const Diagnostic& d) { return d.severity == s; }));
}

std::string format(const Diagnostic& d) {
  std::string out = d.path;
  if (d.pos.line > 0) {
    out += ':' + std::to_string(d.pos.line);
    out += ':' + std::to_string(d.pos.column > 0 ? d.pos.column : 1);
  }
  out += d.severity == Severity::Error ? ": error: " : ": warning: ";
  out += d.message;
  return out;
}

std::string kind_of(const Diagnostic& d) {
  if (!d.kind.empty()) return d.kind;
  std::string out;
  const std::string& m = d.message;
  for (size_t i = 0; i < m.size(); ++i) {
    char c = m[i];
    if (c == '"' || c == '`' || c == '\'') {  // quoted text: skip to the closing mark
      size_t end = m.find(c, i + 1);
      if (end != std::string::npos) {
        out += c;
        out += "…";
        out += c;
        i = end;
        continue;
      }
    }
    if (c >= '0' && c <= '9') {
      while (i + 1 < m.size() && ((m[i + 1] >= '0' && m[i + 1] <= '9') || m[i + 1] == '.')) ++i;
      out += '#';
      continue;
    }
    if (c == 'U' && i + 1 < m.size() && m[i + 1] == '+') {  // "U+2705 ✅": one code point
      i += 2;
      while (i < m.size() && std::isxdigit(static_cast<unsigned char>(m[i]))) ++i;
      if (i + 1 < m.size() && m[i] == ' ' && static_cast<unsigned char>(m[i + 1]) >= 0x80)
        for (++i; i < m.size() && m[i] != ' ';) ++i;  // the character itself
      out += "U+#";
      --i;
      continue;
    }
    out += c;
  }
  return out;
}

std::vector<Diagnostic> presentable(const std::vector<Diagnostic>& items, size_t per_kind) {
  std::map<std::string, size_t> file_rank;
  for (const Diagnostic& d : items) file_rank.emplace(d.path, file_rank.size());
  std::vector<const Diagnostic*> order;
  order.reserve(items.size());
  for (const Diagnostic& d : items) order.push_back(&d);
  auto key = [&](const Diagnostic* d) {
    size_t line = d->pos.line > 0 ? static_cast<size_t>(d->pos.line) : SIZE_MAX;
    return std::make_tuple(file_rank[d->path], line, d->pos.column);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const Diagnostic* a, const Diagnostic* b) { return key(a) < key(b); });

  std::map<std::string, size_t> seen;  // warnings of each kind so far
  std::map<std::string, size_t> dropped;
  std::vector<Diagnostic> out;
  std::map<std::string, const Diagnostic*> last_shown;
  // The same paragraph set again by a later layout (page references) says
  // the same thing at the same place: once is enough.
  std::set<std::tuple<Severity, std::string_view, int, int, std::string_view>> said;
  for (const Diagnostic* d : order) {
    if (!said.emplace(d->severity, d->path, d->pos.line, d->pos.column, d->message).second)
      continue;
    if (d->severity == Severity::Warning && per_kind > 0) {
      std::string kind = kind_of(*d);
      if (++seen[kind] > per_kind) {
        ++dropped[kind];
        continue;
      }
      last_shown[kind] = d;
    }
    out.push_back(*d);
  }
  // The note follows the last shown warning of its kind.
  for (const auto& [kind, n] : dropped) {
    const Diagnostic* last = last_shown[kind];
    auto at = std::find_if(out.begin(), out.end(), [&](const Diagnostic& d) {
      return d.path == last->path && d.pos.line == last->pos.line &&
             d.pos.column == last->pos.column && d.message == last->message;
    });
    Diagnostic note{
        Severity::Warning, last->path, {}, "… and " + std::to_string(n) + " more like this"};
    note.kind = "more-like-this";
    out.insert(at == out.end() ? out.end() : at + 1, std::move(note));
  }
  return out;
}

}  // namespace moyin::doc
