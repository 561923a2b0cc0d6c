#include "highlight/highlight.h"

#include <srchilite/formatter.h>
#include <srchilite/formattermanager.h>
#include <srchilite/formatterparams.h>
#include <srchilite/highlightbuilderexception.h>
#include <srchilite/ioexception.h>
#include <srchilite/langdefmanager.h>
#include <srchilite/langmap.h>
#include <srchilite/parserexception.h>
#include <srchilite/regexrulefactory.h>
#include <srchilite/settings.h>
#include <srchilite/sourcehighlighter.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include "base/utf8.h"

namespace moyin::highlight {

namespace fs = std::filesystem;
using doc::TokenClass;

namespace {

// Longer blocks and lines print plain: Source-highlight's regular
// expressions backtrack, and a hostile megabyte line must not stall a build.
constexpr size_t kMaxBlockBytes = 1 << 20;
constexpr size_t kMaxLineBytes = 8192;

// Fence names -> definition files. Names not listed fall back to
// Source-highlight's own lang.map. Moyin's styles/highlight/ supplies the
// files Source-highlight lacks (yaml, typescript, dockerfile) and better
// javascript, css and diff definitions (docs/code.md), found first.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"bash", "sh.lang"},
    {"c", "c.lang"},
    {"c++", "cpp.lang"},
    {"cc", "cpp.lang"},
    {"console", "sh.lang"},
    {"containerfile", "dockerfile.lang"},
    {"cpp", "cpp.lang"},
    {"cs", "csharp.lang"},
    {"csharp", "csharp.lang"},
    {"css", "css.lang"},
    {"less", "css.lang"},
    {"scss", "css.lang"},
    {"cxx", "cpp.lang"},
    {"diff", "diff.lang"},
    {"docker", "dockerfile.lang"},
    {"dockerfile", "dockerfile.lang"},
    {"go", "go.lang"},
    {"golang", "go.lang"},
    {"h", "c.lang"},
    {"hpp", "cpp.lang"},
    {"htm", "html.lang"},
    {"html", "html.lang"},
    {"java", "java.lang"},
    {"javascript", "javascript.lang"},
    {"js", "javascript.lang"},
    {"json", "json.lang"},
    {"jsonc", "json.lang"},
    {"jsx", "javascript.lang"},
    {"mjs", "javascript.lang"},
    {"mysql", "sql.lang"},
    {"patch", "diff.lang"},
    {"postgresql", "sql.lang"},
    {"psql", "sql.lang"},
    {"py", "python.lang"},
    {"py3", "python.lang"},
    {"python", "python.lang"},
    {"python3", "python.lang"},
    {"rs", "rust.lang"},
    {"rust", "rust.lang"},
    {"sh", "sh.lang"},
    {"shell", "sh.lang"},
    {"sql", "sql.lang"},
    {"sqlite", "sql.lang"},
    {"svg", "xml.lang"},
    {"ts", "typescript.lang"},
    {"tsx", "typescript.lang"},
    {"typescript", "typescript.lang"},
    {"udiff", "diff.lang"},
    {"xhtml", "xml.lang"},
    {"xml", "xml.lang"},
    {"yaml", "yaml.lang"},
    {"yml", "yaml.lang"},
    {"zsh", "zsh.lang"},
};

// Source-highlight element names -> Moyin's token classes (elements not
// listed, such as symbol, cbracket and normal, print as text).
constexpr std::pair<std::string_view, TokenClass> kElements[] = {
    {"keyword", TokenClass::Keyword},
    {"type", TokenClass::Type},
    {"usertype", TokenClass::Type},
    {"classname", TokenClass::Type},
    {"string", TokenClass::String},
    {"regexp", TokenClass::String},
    {"specialchar", TokenClass::String},
    {"valquote", TokenClass::String},
    {"url", TokenClass::String},
    {"comment", TokenClass::Comment},
    {"todo", TokenClass::Comment},
    {"number", TokenClass::Number},
    {"preproc", TokenClass::Preprocessor},
    {"function", TokenClass::Function},
    {"predef_func", TokenClass::Function},
    {"variable", TokenClass::Variable},
    {"predef_var", TokenClass::Variable},
    {"label", TokenClass::Constant},
    {"atom", TokenClass::Constant},
    {"value", TokenClass::Constant},
    {"selector", TokenClass::Tag},
    {"property", TokenClass::Attribute},
    {"key", TokenClass::Attribute},
    {"keyquote", TokenClass::Attribute},
    {"oldfile", TokenClass::Deleted},
    {"newfile", TokenClass::Inserted},
    {"difflines", TokenClass::Meta},
    {"meta", TokenClass::Meta},
    // Names Moyin's own definitions use.
    {"constant", TokenClass::Constant},
    {"tag", TokenClass::Tag},
    {"attribute", TokenClass::Attribute},
};

// Markup definitions call tag names `keyword` and attribute names `type`.
TokenClass class_for(std::string_view element, bool markup) {
  if (markup && element == "keyword") return TokenClass::Tag;
  if (markup && element == "type") return TokenClass::Attribute;
  for (const auto& [name, cls] : kElements)
    if (name == element) return cls;
  return TokenClass::Text;
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p, ec);
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// Collects the pieces Source-highlight formats, in order, as spans of one line.
struct LineSink {
  std::vector<doc::CodeSpan> spans;
  uint32_t line_start = 0;  // byte offset of the current line in the block
  uint32_t column = 0;      // bytes of the current line seen so far

  // A piece of the line; blanks at its edges are left uncoloured (JSON's
  // `(\s*")` and the like would otherwise colour the space before a value).
  void add(TokenClass cls, std::string_view piece) {
    uint32_t b = line_start + column;
    column += static_cast<uint32_t>(piece.size());
    if (cls == TokenClass::Text) return;
    while (!piece.empty() && (piece.front() == ' ' || piece.front() == '\t')) {
      piece.remove_prefix(1);
      ++b;
    }
    while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\t')) piece.remove_suffix(1);
    if (piece.empty()) return;
    const auto e = b + static_cast<uint32_t>(piece.size());
    if (!spans.empty() && spans.back().cls == cls && spans.back().end == b) spans.back().end = e;
    else spans.push_back(doc::CodeSpan{b, e, cls});
  }
};

class SpanFormatter : public srchilite::Formatter {
 public:
  SpanFormatter(LineSink& sink, TokenClass cls) : sink_(sink), cls_(cls) {}
  void format(const std::string& s, const srchilite::FormatterParams*) override {
    sink_.add(cls_, s);
  }

 private:
  LineSink& sink_;
  TokenClass cls_;
};

std::string describe(const srchilite::ParserException& e) {
  std::string out = e.message;
  if (!e.additional.empty()) out += " (" + e.additional + ")";
  if (!e.filename.empty()) out += " in " + e.filename + ":" + std::to_string(e.line);
  return out;
}

}  // namespace

struct Highlighter::Impl {
  DataDirs dirs;
  std::string problem;
  mutable std::mutex mutex;  // guards everything below and Source-highlight itself
  mutable srchilite::RegexRuleFactory rules;
  mutable srchilite::LangDefManager defs{&rules};
  mutable std::unique_ptr<srchilite::LangMap> lang_map;  // the library's lang.map, opened once
  mutable bool lang_map_tried = false;
  struct Loaded {
    srchilite::HighlightStatePtr state;
    std::string error;
  };
  mutable std::map<std::string, Loaded> loaded;  // definition file -> state or why not

  // The library's mapping for names Moyin does not list (under the mutex).
  std::string library_mapping(const std::string& name) const {
    if (!lang_map_tried) {
      lang_map_tried = true;
      if (is_file(dirs.library / "lang.map")) {
        try {
          auto m = std::make_unique<srchilite::LangMap>(dirs.library.string(), "lang.map");
          m->open();
          lang_map = std::move(m);
        } catch (...) {
          lang_map.reset();
        }
      }
    }
    if (!lang_map) return {};
    try {
      return lang_map->getMappedFileName(name);
    } catch (...) {
      return {};
    }
  }

  std::optional<std::string> definition_for(std::string_view language) const {
    const std::string name = base::ascii_lower(language);
    if (name.empty()) return std::nullopt;
    for (const auto& [alias, file] : kAliases)
      if (alias == name) return std::string(file);
    std::string file = library_mapping(name);
    // nohilite.lang is Source-highlight's "plain text": nothing to colour.
    if (file.empty() || file == "nohilite.lang") return std::nullopt;
    return file;
  }

  const Loaded& load(const std::string& file) const {
    auto it = loaded.find(file);
    if (it != loaded.end()) return it->second;
    Loaded l;
    const fs::path dir = is_file(dirs.moyin / file) ? dirs.moyin : dirs.library;
    if (!is_file(dir / file)) {
      l.error = "language definition " + file + " not found in " + dirs.moyin.string() + " or " +
                dirs.library.string();
    } else {
      try {
        l.state = defs.getHighlightState(dir.string(), file);
      } catch (const srchilite::ParserException& e) {
        l.error = describe(e);
      } catch (const std::exception& e) {
        l.error = std::string("cannot load ") + (dir / file).string() + ": " + e.what();
      }
    }
    return loaded.emplace(file, std::move(l)).first->second;
  }
};

fs::path library_data_dir() { return srchilite::Settings::getDefaultDataDir(); }

Highlighter::Highlighter(DataDirs dirs) : impl_(std::make_unique<Impl>()) {
  impl_->dirs = std::move(dirs);
  if (!is_dir(impl_->dirs.library))
    impl_->problem = "Source-highlight's language definitions are not installed (no folder " +
                     impl_->dirs.library.string() + "); code prints without colours";
  else if (!is_dir(impl_->dirs.moyin))
    impl_->problem = "Moyin's language definitions are missing (no folder " +
                     impl_->dirs.moyin.string() +
                     "); YAML, TypeScript and Dockerfile code prints without colours";
}

Highlighter::~Highlighter() = default;

const std::string& Highlighter::setup_problem() const { return impl_->problem; }

std::optional<std::string> Highlighter::definition_for(std::string_view language) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->definition_for(language);
}

Result Highlighter::highlight(std::string_view language, std::string_view text) const {
  Result r;
  std::lock_guard lock(impl_->mutex);
  const std::optional<std::string> file = impl_->definition_for(language);
  if (!file) return r;
  r.known = true;
  const Impl::Loaded& def = impl_->load(*file);
  if (!def.state) {
    r.error = def.error;
    return r;
  }
  if (text.size() > kMaxBlockBytes) return r;
  const bool markup = *file == "xml.lang" || *file == "html.lang";
  LineSink sink;
  srchilite::FormatterManager formatters(
      srchilite::FormatterPtr(new SpanFormatter(sink, TokenClass::Text)));
  for (const auto& [element, cls] : kElements)
    formatters.addFormatter(std::string(element), srchilite::FormatterPtr(new SpanFormatter(
                                                      sink, class_for(element, markup))));
  srchilite::SourceHighlighter hl(def.state);
  hl.setFormatterManager(&formatters);
  hl.setOptimize(true);
  srchilite::FormatterParams params;
  hl.setFormatterParams(&params);
  try {
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string line(text.substr(pos, nl - pos));
      if (!line.empty() && line.back() == '\r') line.pop_back();
      sink.line_start = static_cast<uint32_t>(pos);
      sink.column = 0;
      if (!line.empty() && line.size() <= kMaxLineBytes) {
        const size_t before = sink.spans.size();
        params.start = 0;
        hl.highlightParagraph(line);
        // The pieces must tile the line; if they do not, this line stays plain.
        if (sink.column != line.size()) sink.spans.resize(before);
      }
      if (nl == text.size()) break;
      pos = nl + 1;
    }
  } catch (const std::exception& e) {
    r.error = std::string("highlighting stopped: ") + e.what();
    return r;
  }
  r.spans = std::move(sink.spans);
  return r;
}

namespace {

void annotate_blocks(const Highlighter& h, std::vector<doc::Block>& blocks, const std::string& path,
                     doc::Diagnostics& diags, bool& warned_setup) {
  for (doc::Block& b : blocks) {
    annotate_blocks(h, b.children, path, diags, warned_setup);
    if (b.kind != doc::BlockKind::Code || b.info.empty()) continue;
    Result r = h.highlight(b.info, b.text);
    if (!r.known) continue;
    if (!r.error.empty()) {
      if (!h.setup_problem().empty()) {
        if (!warned_setup) diags.warn(path, b.pos, h.setup_problem());
        warned_setup = true;
      } else {
        diags.warn(path, b.pos, "code in `" + b.info + "` printed without colours: " + r.error);
      }
      continue;
    }
    b.spans = std::move(r.spans);
  }
}

}  // namespace

void Highlighter::annotate(doc::Document& doc, doc::Diagnostics& diags) const {
  bool warned_setup = false;
  annotate_blocks(*this, doc.blocks, doc.path, diags, warned_setup);
  annotate_blocks(*this, doc.footnotes, doc.path, diags, warned_setup);
}

std::vector<std::string> covered_languages() {
  std::vector<std::string> out;
  for (const auto& [alias, file] : kAliases) out.emplace_back(alias);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace moyin::highlight
