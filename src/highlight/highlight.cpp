#include "highlight/highlight.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <utility>

#include "base/shared_library.h"
#include "base/utf8.h"
#include "highlight/engine.h"

namespace moyin::highlight {

namespace fs = std::filesystem;

namespace {

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

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p, ec);
}

}  // namespace

// The engine module, loaded by the first block that needs it.
struct Highlighter::Impl {
  DataDirs dirs;
  std::string problem;
  mutable std::mutex mutex;  // guards everything below and Source-highlight itself
  mutable bool engine_tried = false;
  mutable std::optional<base::SharedLibrary> module;
  mutable const engine::Api* api = nullptr;
  struct Destroy {
    const engine::Api* api;
    void operator()(void* e) const { api->destroy(e); }
  };
  mutable std::unique_ptr<void, Destroy> engine{nullptr, Destroy{nullptr}};
  mutable std::string engine_error;  // why the module cannot be used

  // The engine, loaded on first use (under the mutex); null with engine_error.
  void* load_engine() const {
    if (engine_tried) return engine.get();
    engine_tried = true;
    module.emplace(dirs.engine.string());
    const engine::Api* (*entry)() = nullptr;
    if (!*module || !module->resolve(entry, engine::kEntryPoint)) {
      engine_error = "the highlighting module cannot be loaded: " + module->error();
      return nullptr;
    }
    api = entry();
    if (!api || api->version != engine::kVersion) {
      engine_error = "the highlighting module " + dirs.engine.string() +
                     " belongs to another version of Moyin";
      return nullptr;
    }
    engine = {api->create(dirs.moyin.c_str(), dirs.library.c_str()), Destroy{api}};
    if (!engine) engine_error = "the highlighting engine cannot start";
    return engine.get();
  }

  std::optional<std::string> definition_for(std::string_view language) const {
    const std::string name = base::ascii_lower(language);
    if (name.empty()) return std::nullopt;
    for (const auto& [alias, file] : kAliases)
      if (alias == name) return std::string(file);
    // Names Moyin does not list: Source-highlight's own lang.map.
    void* e = load_engine();
    const std::string file = e ? api->map_language(e, name) : std::string();
    // nohilite.lang is Source-highlight's "plain text": nothing to colour.
    if (file.empty() || file == "nohilite.lang") return std::nullopt;
    return file;
  }
};

fs::path library_data_dir() { return MOYIN_SRCHILITE_DATA_DIR; }

fs::path built_engine() { return MOYIN_HIGHLIGHT_ENGINE; }

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
  void* engine = impl_->load_engine();
  if (!engine) {
    r.error = impl_->engine_error;
    r.setup = true;
    return r;
  }
  const bool markup = *file == "xml.lang" || *file == "html.lang";
  impl_->api->highlight(engine, *file, markup, text, r.spans, r.error);
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
      if (r.setup || !h.setup_problem().empty()) {
        if (!warned_setup) diags.warn(path, b.pos, r.setup ? r.error : h.setup_problem());
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
