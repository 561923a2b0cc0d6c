#include "source/hexo.h"

#include <filesystem>
#include <optional>
#include <set>
#include <vector>

namespace moyin::source {

namespace {

struct Tag {
  std::string name;
  std::vector<std::string> args;  // split on blanks; "quoted words" stay one
  size_t begin = 0, end = 0;      // byte range of `{% … %}` in its line
};

std::vector<std::string> split_args(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    std::string word;
    if (s[i] == '"' || s[i] == '\'') {
      const char q = s[i++];
      while (i < s.size() && s[i] != q) word += s[i++];
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != '\t') word += s[i++];
    }
    out.push_back(std::move(word));
  }
  return out;
}

// The first `{% … %}` in `line` at or after `from`, outside backtick code spans.
std::optional<Tag> next_tag(std::string_view line, size_t from) {
  for (size_t i = from; i + 1 < line.size(); ++i) {
    if (line[i] == '`') {  // skip a code span: the same run of backticks closes it
      size_t run = i;
      while (run < line.size() && line[run] == '`') ++run;
      const std::string_view ticks = line.substr(i, run - i);
      const size_t close = line.find(ticks, run);
      if (close == std::string_view::npos) return std::nullopt;
      i = close + ticks.size() - 1;
      continue;
    }
    if (line[i] != '{' || line[i + 1] != '%') continue;
    const size_t close = line.find("%}", i + 2);
    if (close == std::string_view::npos) return std::nullopt;
    std::vector<std::string> words = split_args(line.substr(i + 2, close - i - 2));
    if (words.empty()) continue;
    Tag t;
    t.name = words.front();
    t.args.assign(words.begin() + 1, words.end());
    t.begin = i;
    t.end = close + 2;
    return t;
  }
  return std::nullopt;
}

bool is_number(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string join(const std::vector<std::string>& words, size_t from, std::string_view sep = " ") {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) {
    if (i > from) out += sep;
    out += words[i];
  }
  return out;
}

// Markdown text with the characters that would end a link text or title escaped.
std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == '"' || c == '\\' || c == '*' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

// A link destination in angle brackets, so spaces in file names survive.
std::string destination(std::string_view url) {
  std::string out = "<";
  for (char c : url)
    out += (c == '<' || c == '>') ? std::string("%") + (c == '<' ? "3C" : "3E") : std::string(1, c);
  return out + ">";
}

std::string image(std::string_view url, const std::vector<std::string>& args, size_t rest) {
  // [width] [height] ["title text" ["alt text"]]
  while (rest < args.size() && is_number(args[rest])) ++rest;
  const std::string title = rest < args.size() ? args[rest] : std::string();
  const std::string alt = rest + 1 < args.size() ? args[rest + 1] : title;
  std::string out = "![" + escape(alt) + "](" + destination(url);
  if (!title.empty()) out += " \"" + escape(title) + "\"";
  return out + ")";
}

// The argument naming a file: Hexo lets class names come first.
size_t file_arg(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].find_first_of("./") != std::string::npos) return i;
  return 0;
}

struct Expander {
  std::string_view path;
  std::string asset_dir;  // "post/" for post.md
  doc::Diagnostics& diags;
  std::set<std::string> reported;

  void unknown(const Tag& t, int line) {
    if (!reported.insert(t.name).second) return;
    diags.warn(path, {line, static_cast<int>(t.begin) + 1},
               "Hexo tag `{% " + t.name + " %}` is not supported; printed as written");
  }

  // An inline tag's Markdown, or nothing to leave it as written.
  std::optional<std::string> inline_tag(const Tag& t) {
    if (t.name == "asset_img" || t.name == "img") {
      if (t.args.empty()) return std::nullopt;
      const size_t f = file_arg(t.args);
      const std::string url = (t.name == "asset_img" ? asset_dir : std::string()) + t.args[f];
      return image(url, t.args, f + 1);
    }
    if (t.name == "asset_path") {
      if (t.args.empty()) return std::nullopt;
      return asset_dir + t.args.front();
    }
    if (t.name == "asset_link") {
      if (t.args.empty()) return std::nullopt;
      const std::string text = t.args.size() > 1 ? join(t.args, 1) : t.args.front();
      return "[" + escape(text) + "](" + destination(asset_dir + t.args.front()) + ")";
    }
    if (t.name == "link") {  // {% link text url [external] [title] %}
      if (t.args.size() < 2) return std::nullopt;
      size_t url = 1;
      while (url < t.args.size() && t.args[url].find("://") == std::string::npos) ++url;
      if (url == t.args.size()) url = 1;
      std::string text;
      for (size_t i = 0; i < url; ++i) text += (i ? " " : "") + t.args[i];
      return "[" + escape(text) + "](" + destination(t.args[url]) + ")";
    }
    return std::nullopt;
  }

  std::string inline_tags(std::string_view line, int lineno) {
    std::string out;
    size_t at = 0;
    while (std::optional<Tag> t = next_tag(line, at)) {
      out.append(line.substr(at, t->begin - at));
      if (std::optional<std::string> md = inline_tag(*t)) {
        out += *md;
      } else {
        unknown(*t, lineno);
        out.append(line.substr(t->begin, t->end - t->begin));
      }
      at = t->end;
    }
    out.append(line.substr(at));
    return out;
  }
};

// A tag alone on its line (blank around it), or nothing.
std::optional<Tag> whole_line_tag(std::string_view line) {
  std::optional<Tag> t = next_tag(line, 0);
  if (!t) return std::nullopt;
  auto blank = [](std::string_view s) {
    return s.find_first_not_of(" \t\r") == std::string_view::npos;
  };
  if (!blank(line.substr(0, t->begin)) || !blank(line.substr(t->end))) return std::nullopt;
  return t;
}

// A fence line opening or closing code: its character and length (0: not one).
std::pair<char, size_t> fence(std::string_view line) {
  size_t i = 0;
  while (i < 3 && i < line.size() && line[i] == ' ') ++i;
  if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return {0, 0};
  size_t n = i;
  while (n < line.size() && line[n] == line[i]) ++n;
  return n - i >= 3 ? std::pair{line[i], n - i} : std::pair<char, size_t>{0, 0};
}

// "— author, source" for a blockquote's first arguments (before any URL).
std::string attribution(const std::vector<std::string>& args) {
  std::vector<std::string> words;
  for (const std::string& a : args) {
    if (a.find("://") != std::string::npos) break;
    words.push_back(a);
  }
  return words.empty() ? std::string() : "— " + join(words, 0);
}

// The callout kind of `{% note [class…] %}`: the first class that names one
// (NexT's success, info, warning, danger; default and primary are notes;
// modifiers such as no-icon or flat only style the web page).
std::string note_kind(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    for (const char* kind :
         {"note", "info", "tip", "success", "important", "warning", "caution", "danger"})
      if (a == kind) return a;
  return "note";
}

}  // namespace

std::string expand_hexo_tags(std::string_view body, int first_line, std::string_view path,
                             doc::Diagnostics& diags) {
  if (body.find("{%") == std::string_view::npos && body.find("<!--") == std::string_view::npos)
    return std::string(body);
  Expander x{path, std::filesystem::path(std::string(path)).stem().string() + "/", diags, {}};
  std::vector<std::string> lines;
  for (size_t at = 0; at <= body.size();) {
    size_t nl = body.find('\n', at);
    if (nl == std::string_view::npos) nl = body.size();
    lines.emplace_back(body.substr(at, nl - at));
    at = nl + 1;
  }
  const bool trailing_newline = !body.empty() && body.back() == '\n';
  if (trailing_newline) lines.pop_back();

  std::pair<char, size_t> code_fence{0, 0};  // inside Markdown fenced code
  enum class Block { None, Code, Quote, Note, Raw } block = Block::None;
  std::string quote_by;  // the open blockquote's attribution
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string& line = lines[i];
    const int lineno = first_line + static_cast<int>(i);
    const std::optional<Tag> t = code_fence.first ? std::nullopt : whole_line_tag(line);
    if (block == Block::Code || block == Block::Raw) {
      const bool ends = t && t->name == (block == Block::Code ? "endcodeblock" : "endraw");
      if (ends) {
        line = block == Block::Code ? "~~~~~~~~~~" : "";
        block = Block::None;
      }
      continue;
    }
    if (code_fence.first) {
      auto [c, n] = fence(line);
      if (c == code_fence.first && n >= code_fence.second) code_fence = {0, 0};
      if (block == Block::Quote) line = "> " + line;
      continue;
    }
    if (auto f = fence(line); f.first) {
      code_fence = f;
      if (block == Block::Quote) line = "> " + line;
      continue;
    }
    if (t && block == Block::None && t->name == "codeblock") {
      std::string lang;
      for (const std::string& a : t->args)
        if (a.starts_with("lang:")) lang = a.substr(5);
      if (lang.empty() && t->args.size() == 1 &&
          t->args[0].find_first_of("/:") == std::string::npos)
        lang = t->args[0];
      line = "~~~~~~~~~~" + lang;
      block = Block::Code;
      continue;
    }
    if (t && block == Block::None && t->name == "raw") {
      line.clear();
      block = Block::Raw;
      continue;
    }
    if (t && block == Block::None && t->name == "blockquote") {
      quote_by = attribution(t->args);
      line = ">";
      block = Block::Quote;
      continue;
    }
    if (t && block == Block::Quote && t->name == "endblockquote") {
      // The attribution on its own line: a hard break (two spaces) ends the line above.
      if (!quote_by.empty() && i > 0 && lines[i - 1].size() > 2) lines[i - 1] += "  ";
      line = quote_by.empty() ? "" : "> " + quote_by;
      block = Block::None;
      continue;
    }
    // A note is a callout: a VitePress container the container scan gathers.
    if (t && block == Block::None && t->name == "note") {
      line = "::: " + note_kind(t->args);
      block = Block::Note;
      continue;
    }
    if (t && block == Block::Note && t->name == "endnote") {
      line = ":::";
      block = Block::None;
      continue;
    }
    if (line.find("<!--") != std::string::npos) {
      const std::string_view trimmed = std::string_view(line).substr(line.find_first_not_of(" \t"));
      if (trimmed.starts_with("<!-- more -->") || trimmed.starts_with("<!--more-->")) {
        line.clear();
        continue;
      }
    }
    line = x.inline_tags(line, lineno);
    if (block == Block::Quote) line = "> " + line;
  }
  if (block == Block::Code || block == Block::Raw || block == Block::Quote || block == Block::Note)
    diags.warn(path, {first_line + static_cast<int>(lines.size()) - 1, 1},
               "a Hexo block tag is never closed (`{% end… %}`); it runs to the end of the file");
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    if (i + 1 < lines.size() || trailing_newline) out += '\n';
  }
  return out;
}

}  // namespace moyin::source
