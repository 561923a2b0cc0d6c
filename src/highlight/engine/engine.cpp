// The highlighting engine module (moyin-highlight.so): the only code that
// uses GNU Source-highlight, behind the table of highlight/engine.h. Moyin
// loads it with the first code block that names a language.
#include <srchilite/formatter.h>
#include <srchilite/formattermanager.h>
#include <srchilite/formatterparams.h>
#include <srchilite/highlightbuilderexception.h>
#include <srchilite/ioexception.h>
#include <srchilite/langdefmanager.h>
#include <srchilite/langmap.h>
#include <srchilite/parserexception.h>
#include <srchilite/regexrulefactory.h>
#include <srchilite/sourcehighlighter.h>

#include <filesystem>
#include <map>
#include <memory>
#include <utility>

#include "highlight/engine.h"

namespace moyin::highlight::engine {
namespace {

namespace fs = std::filesystem;
using doc::TokenClass;

// Longer blocks and lines print plain: Source-highlight's regular
// expressions backtrack, and a hostile megabyte line must not stall a build.
constexpr size_t kMaxBlockBytes = 1 << 20;
constexpr size_t kMaxLineBytes = 8192;

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

// One engine: the definitions loaded so far. Not thread-safe; the
// Highlighter serialises every call (Source-highlight's definition parser
// keeps global state).
struct Engine {
  fs::path moyin, library;
  srchilite::RegexRuleFactory rules;
  srchilite::LangDefManager defs{&rules};
  std::unique_ptr<srchilite::LangMap> lang_map;  // the library's lang.map, opened once
  bool lang_map_tried = false;
  struct Loaded {
    srchilite::HighlightStatePtr state;
    std::string error;
  };
  std::map<std::string, Loaded> loaded;  // definition file -> state or why not

  std::string map_language(const std::string& name) {
    if (!lang_map_tried) {
      lang_map_tried = true;
      if (is_file(library / "lang.map")) {
        try {
          auto m = std::make_unique<srchilite::LangMap>(library.string(), "lang.map");
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

  const Loaded& load(const std::string& file) {
    auto it = loaded.find(file);
    if (it != loaded.end()) return it->second;
    Loaded l;
    const fs::path dir = is_file(moyin / file) ? moyin : library;
    if (!is_file(dir / file)) {
      l.error = "language definition " + file + " not found in " + moyin.string() + " or " +
                library.string();
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

  bool highlight(const std::string& file, bool markup, std::string_view text,
                 std::vector<doc::CodeSpan>& out, std::string& error) {
    const Loaded& def = load(file);
    if (!def.state) {
      error = def.error;
      return false;
    }
    if (text.size() > kMaxBlockBytes) return true;
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
      error = std::string("highlighting stopped: ") + e.what();
      return false;
    }
    out = std::move(sink.spans);
    return true;
  }
};

void* create(const char* moyin_dir, const char* library_dir) {
  try {
    auto e = std::make_unique<Engine>();
    e->moyin = moyin_dir;
    e->library = library_dir;
    return e.release();  // owned by the caller until destroy()
  } catch (...) {
    return nullptr;
  }
}

void destroy(void* engine) { std::unique_ptr<Engine>(static_cast<Engine*>(engine)); }

std::string map_language(void* engine, const std::string& name) {
  return static_cast<Engine*>(engine)->map_language(name);
}

bool highlight(void* engine, const std::string& file, bool markup, std::string_view text,
               std::vector<doc::CodeSpan>& spans, std::string& error) {
  return static_cast<Engine*>(engine)->highlight(file, markup, text, spans, error);
}

constexpr Api kApi{.version = kVersion,
                   .create = create,
                   .destroy = destroy,
                   .map_language = map_language,
                   .highlight = highlight};

}  // namespace
}  // namespace moyin::highlight::engine

extern "C" __attribute__((visibility("default"))) const moyin::highlight::engine::Api*
moyin_highlight_engine() {
  return &moyin::highlight::engine::kApi;
}
