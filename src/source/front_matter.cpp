#include "source/front_matter.h"

#include <toml++/toml.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include <string>

#include "base/date.h"
#include "base/yaml_text.h"

namespace moyin::source {

namespace {

// The line [pos, end-of-line) without its '\n'; `next` is the start of the next line.
std::string_view line_at(std::string_view text, size_t pos, size_t& next) {
  const size_t nl = text.find('\n', pos);
  if (nl == std::string_view::npos) {
    next = text.size();
    return text.substr(pos);
  }
  next = nl + 1;
  return text.substr(pos, nl - pos);
}

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Nesting that would make yaml-cpp recurse deeply is refused before parsing:
// flow brackets deeper than the cap, or block indentation past 4 columns per level.
bool nesting_too_deep(std::string_view yaml, doc::Position& where) {
  int depth = 0;
  int line = 2;
  int col = 0;
  bool at_line_start = true;
  int indent = 0;
  for (char c : yaml) {
    ++col;
    if (c == '\n') {
      ++line;
      col = 0;
      at_line_start = true;
      indent = 0;
      continue;
    }
    if (at_line_start) {
      if (c == ' ' || c == '-') {
        ++indent;
        if (indent > kMaxYamlDepth * 4) {
          where = {line, col};
          return true;
        }
        continue;
      }
      at_line_start = false;
    }
    if (c == '[' || c == '{') {
      if (++depth > kMaxYamlDepth) {
        where = {line, col};
        return true;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Counts nodes as a reader would see them with aliases expanded; stops at the cap.
bool within_limits(const YAML::Node& node, int depth, int& count) {
  if (++count > kMaxYamlNodes || depth > kMaxYamlDepth) return false;
  if (node.IsSequence()) {
    for (const YAML::Node& child : node) {
      if (!within_limits(child, depth + 1, count)) return false;
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!within_limits(kv.first, depth + 1, count)) return false;
      if (!within_limits(kv.second, depth + 1, count)) return false;
    }
  }
  return true;
}

doc::MetaValue to_meta_value(const YAML::Node& node) {
  doc::MetaValue v;
  if (node.IsScalar()) {
    v.kind = doc::MetaValue::Kind::Scalar;
    v.scalar = node.Scalar();
  } else if (node.IsSequence()) {
    v.kind = doc::MetaValue::Kind::List;
    for (const YAML::Node& child : node) v.items.push_back(to_meta_value(child));
  } else if (node.IsMap()) {
    v.kind = doc::MetaValue::Kind::Map;
    for (const auto& kv : node) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
      v.entries.emplace_back(std::move(key), to_meta_value(kv.second));
    }
  }
  return v;
}

doc::Position file_pos(const YAML::Mark& mark) {
  if (mark.is_null()) return {2, 1};
  return {mark.line + 2, mark.column + 1};
}

bool all_scalars(const YAML::Node& seq) {
  for (const YAML::Node& n : seq)
    if (!n.IsScalar()) return false;
  return true;
}

struct Reader {
  std::string_view path;
  doc::Diagnostics& diags;

  bool scalar(const YAML::Node& node, std::string_view key, std::string& out) {
    if (node.IsNull()) return true;
    if (!node.IsScalar()) {
      diags.warn(path, file_pos(node.Mark()),
                 "front matter `" + std::string(key) + "` should be a single value; ignored");
      return false;
    }
    out = node.Scalar();
    return true;
  }

  void list(const YAML::Node& node, std::string_view key, std::vector<std::string>& out) {
    if (node.IsNull()) return;
    if (node.IsScalar()) {
      if (!node.Scalar().empty()) out.push_back(node.Scalar());
      return;
    }
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) {
        if (item.IsScalar()) {
          out.push_back(item.Scalar());
        } else if (key == "categories" && item.IsSequence() && all_scalars(item)) {
          // Hexo: `- [生活, 日记]` is one category path, 日记 under 生活.
          std::string path;
          for (const YAML::Node& part : item) path += (path.empty() ? "" : " / ") + part.Scalar();
          if (!path.empty()) out.push_back(path);
        } else if (!item.IsNull()) {
          diags.warn(path, file_pos(item.Mark()),
                     "front matter `" + std::string(key) + "` entries should be plain values");
        }
      }
      return;
    }
    diags.warn(path, file_pos(node.Mark()),
               "front matter `" + std::string(key) + "` should be a list or one value; ignored");
  }
};

// The publication data keys (title page, PDF Info, EPUB OPF).
std::string* publication_field(doc::Metadata& m, const std::string& key) {
  if (key == "subtitle") return &m.subtitle;
  if (key == "publisher") return &m.publisher;
  if (key == "rights" || key == "copyright") return &m.rights;
  if (key == "isbn") return &m.isbn;
  if (key == "series") return &m.series;
  if (key == "edition") return &m.edition;
  if (key == "back-cover" || key == "back_cover") return &m.back_cover;
  return nullptr;
}

}  // namespace

FrontMatterSplit split_front_matter(std::string_view text, std::string_view path,
                                    doc::Diagnostics& diags) {
  FrontMatterSplit split;
  split.body = text;
  size_t next = 0;
  const std::string_view first = rtrim(line_at(text, 0, next));
  std::string_view fence = first;
  if (first == "+++") split.format = FrontMatterFormat::Toml;
  else if (first == "{") split.format = FrontMatterFormat::Json, fence = "}";
  else if (first != "---") return split;
  const size_t yaml_start = next;
  int line = 2;
  size_t pos = next;
  while (pos < text.size()) {
    size_t after = 0;
    const std::string_view l = rtrim(line_at(text, pos, after));
    if (l == fence || (split.format == FrontMatterFormat::Yaml && l == "...")) {
      split.present = true;
      split.yaml = text.substr(yaml_start, pos - yaml_start);
      split.body = text.substr(after);
      split.body_line = line + 1;
      return split;
    }
    pos = after;
    ++line;
  }
  if (split.format == FrontMatterFormat::Json) {  // a Markdown file may start with `{`
    split.format = FrontMatterFormat::Yaml;
    return split;
  }
  diags.warn(path, {1, 1},
             "front matter opened with `" + std::string(first) +
                 "` is never closed; reading the whole file as Markdown");
  return split;
}

void parse_front_matter(std::string_view yaml, std::string_view path, doc::Metadata& meta,
                        doc::Diagnostics& diags) {
  meta.has_front_matter = true;
  doc::Position deep;
  if (nesting_too_deep(yaml, deep)) {
    diags.warn(path, deep, "front matter nested too deeply; ignored");
    return;
  }
  YAML::Node root;
  try {
    root = YAML::Load(base::without_leading_comments(yaml));
  } catch (const YAML::Exception& e) {
    diags.warn(path, file_pos(e.mark), "front matter is not valid YAML (" + e.msg + "); ignored");
    return;
  }
  try {
    if (root.IsNull()) return;
    int count = 0;
    if (!within_limits(root, 0, count)) {
      diags.warn(path, {2, 1},
                 "front matter too large once aliases are expanded (over " +
                     std::to_string(kMaxYamlNodes) + " values); ignored");
      return;
    }
    if (!root.IsMap()) {
      diags.warn(path, file_pos(root.Mark()), "front matter should be a YAML mapping; ignored");
      return;
    }
    doc::Metadata m;
    m.has_front_matter = true;
    Reader r{path, diags};
    for (const auto& kv : root) {
      if (!kv.first.IsScalar()) {
        diags.warn(path, file_pos(kv.first.Mark()),
                   "front matter key is not a plain value; ignored");
        continue;
      }
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "title") {
        r.scalar(v, key, m.title);
      } else if (key == "date") {
        if (r.scalar(v, key, m.date) && !m.date.empty() && !base::parse_iso_date(m.date)) {
          diags.warn(path, file_pos(v.Mark()),
                     "front matter `date` is not an ISO 8601 date: " + m.date);
        }
      } else if (key == "tags") {
        r.list(v, key, m.tags);
      } else if (key == "categories" || key == "category") {
        r.list(v, key, m.categories);
      } else if (key == "author" || key == "authors") {
        r.list(v, key, m.authors);
      } else if (key == "description") {
        r.scalar(v, key, m.description);
      } else if (key == "lang" || key == "language") {
        std::string lang;
        if (r.scalar(v, key, lang) && !lang.empty()) m.lang = lang;
      } else if (key == "id") {
        r.scalar(v, key, m.id);
      } else if (key == "style") {
        r.scalar(v, key, m.style);
      } else if (key == "cover") {
        r.scalar(v, key, m.cover);
      } else if (std::string* field = publication_field(m, key)) {
        r.scalar(v, key, *field);
      } else {
        m.extra.emplace_back(key, to_meta_value(v));
      }
    }
    meta = std::move(m);
  } catch (const YAML::Exception& e) {
    diags.warn(path, file_pos(e.mark), "front matter could not be read (" + e.msg + "); ignored");
  }
}

}  // namespace moyin::source

namespace moyin::source {

void parse_toml_front_matter(std::string_view toml, std::string_view path, doc::Metadata& meta,
                             doc::Diagnostics& diags) {
  meta.has_front_matter = true;
  toml::table table;
  try {
    table = toml::parse(toml, path);
  } catch (const toml::parse_error& e) {
    const toml::source_position at = e.source().begin;
    diags.warn(path, {static_cast<int>(at.line) + 1, static_cast<int>(at.column)},
               "front matter is not valid TOML (" + std::string(e.description()) + "); ignored");
    return;
  }
  std::ostringstream json;
  json << toml::json_formatter{table};
  parse_front_matter(json.str(), path, meta, diags);
}

}  // namespace moyin::source
