#include "cli/cache.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <system_error>
#include <vector>

namespace moyin::cli::cache {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "moyin-cache 1";

std::string hex(XXH128_hash_t h) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

struct StateDeleter {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// One line "word rest" of an entry.
std::pair<std::string_view, std::string_view> split_word(std::string_view line) {
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return {line, {}};
  return {line.substr(0, sp), line.substr(sp + 1)};
}

// Tabs, newlines and backslashes escaped, so a field stays on its line.
std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
  }
  return out;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  for (size_t at = 0;;) {
    size_t tab = line.find('\t', at);
    out.push_back(
        line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at));
    if (tab == std::string_view::npos) return out;
    at = tab + 1;
  }
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s)
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::string hash_bytes(std::string_view bytes) {
  return hex(XXH3_128bits(bytes.data(), bytes.size()));
}

uint64_t hash64(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::optional<std::string> hash_file(const fs::path& path) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return std::nullopt;
  std::unique_ptr<XXH3_state_t, StateDeleter> state(XXH3_createState());
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) return std::nullopt;
  // Not zero-filled: filling 64 KB to hash a small file cost 16 page faults.
  constexpr size_t kChunk = 1 << 16;
  const std::unique_ptr<char[]> buf = std::make_unique_for_overwrite<char[]>(kChunk);
  size_t n;
  while ((n = std::fread(buf.get(), 1, kChunk, f.get())) > 0)
    XXH3_128bits_update(state.get(), buf.get(), n);
  if (std::ferror(f.get())) return std::nullopt;
  return hex(XXH3_128bits_digest(state.get()));
}

fs::path entry_path(const fs::path& output_base) {
  return output_base.parent_path() / ".moyin-cache" / (output_base.filename().string() + ".deps");
}

fs::path formulas_path(const fs::path& output_base) {
  return output_base.parent_path() / ".moyin-cache" / (output_base.filename().string() + ".math");
}

std::string stored_path(const fs::path& file, const fs::path& entry_dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(file, ec).lexically_normal();
  fs::path dir = fs::absolute(entry_dir, ec).lexically_normal();
  fs::path rel = abs.lexically_relative(dir);
  return (rel.empty() ? abs : rel).generic_string();
}

fs::path loaded_path(std::string_view stored, const fs::path& entry_dir) {
  fs::path p{std::string(stored)};
  return p.is_absolute() ? p : (entry_dir / p).lexically_normal();
}

std::string format(const Entry& e) {
  std::string out(kMagic);
  out += "\ncontext " + e.context + "\nsource " + e.source + "\n";
  for (const std::string& o : e.outputs) out += "output " + o + "\n";
  for (const auto& [path, hash] : e.deps) out += "dep " + hash + " " + path + "\n";
  for (const doc::Diagnostic& d : e.warnings)
    out += "warning\t" + std::to_string(d.pos.line) + "\t" + std::to_string(d.pos.column) + "\t" +
           escape(d.kind) + "\t" + escape(d.path) + "\t" + escape(d.message) + "\n";
  return out;
}

std::optional<Entry> parse(std::string_view text) {
  Entry e;
  bool first = true;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (first) {
      if (line != kMagic) return std::nullopt;
      first = false;
      continue;
    }
    if (line.starts_with("warning\t")) {
      std::vector<std::string_view> f = split_tabs(line);
      if (f.size() != 6) return std::nullopt;
      e.warnings.push_back({doc::Severity::Warning,
                            unescape(f[4]),
                            {to_int(f[1]), to_int(f[2])},
                            unescape(f[5]),
                            unescape(f[3])});
      continue;
    }
    auto [word, rest] = split_word(line);
    if (word == "context") e.context = rest;
    else if (word == "source") e.source = rest;
    else if (word == "output") e.outputs.emplace_back(rest);
    else if (word == "dep") {
      auto [hash, path] = split_word(rest);
      if (hash.empty() || path.empty()) return std::nullopt;
      e.deps.emplace_back(std::string(path), std::string(hash));
    } else if (!line.empty()) return std::nullopt;
  }
  if (first || e.context.empty() || e.source.empty() || e.outputs.empty()) return std::nullopt;
  return e;
}

std::optional<Entry> read(const fs::path& entry_file) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(entry_file.c_str(), "rb"));
  if (!f) return std::nullopt;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0 && text.size() < (4u << 20))
    text.append(buf, n);
  return parse(text);
}

bool fresh(const Entry& e, std::string_view context, const fs::path& entry_dir) {
  if (e.context != context) return false;
  std::error_code ec;
  // An empty output is one a crash left before its bytes reached the disk
  // (new outputs are not synced: base/atomic_file.h): made again.
  for (const std::string& o : e.outputs) {
    const fs::path output = entry_dir.parent_path() / o;
    if (!fs::is_regular_file(output, ec) || fs::file_size(output, ec) == 0 || ec) return false;
  }
  return std::all_of(e.deps.begin(), e.deps.end(), [&](const auto& dep) {
    return hash_file(loaded_path(dep.first, entry_dir)).value_or(std::string(kMissing)) ==
           dep.second;
  });
}

std::vector<fs::path> find_entries(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.parent_path().filename() == ".moyin-cache" && p.extension() == ".deps" &&
        it->is_regular_file(ec))
      out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace moyin::cli::cache
