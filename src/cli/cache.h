// The build cache: one small text entry per output, kept in a hidden
// `.moyin-cache/` folder beside the outputs. An entry records what the
// output was made from — the content hash of the manuscript and of every
// file it used (images, included snippets, style sheets), plus a context
// hash (Moyin's executable and version, the command-line settings that
// change the bytes, the fonts) — so an unchanged input is not rebuilt.
// Entries hold no time stamps: two runs that make the same outputs write the
// same entries (so shards can be merged and compared byte for byte).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/diagnostics.h"

namespace moyin::cli::cache {

// A 128-bit content hash (XXH3) as 32 hex digits.
std::string hash_bytes(std::string_view bytes);
// The hash of a file's content; nothing when it cannot be read.
std::optional<std::string> hash_file(const std::filesystem::path& path);
// What an entry records for a dependency that did not exist (an image not
// there yet): creating the file makes the output stale.
inline constexpr std::string_view kMissing = "-";
// A 64-bit hash of a string, for slicing a corpus into shards.
uint64_t hash64(std::string_view bytes);

struct Entry {
  std::string context;               // hash of everything not tied to one file
  std::string source;                // the input, relative to the entry's folder
  std::vector<std::string> outputs;  // output file names, in the entry's folder's parent
  std::vector<std::pair<std::string, std::string>>
      deps;  // (path relative to the entry's folder, hash)
  // The warnings the build printed: an up-to-date input prints them again,
  // so a rerun reports (and -W error / --max-warnings count) the same.
  std::vector<doc::Diagnostic> warnings;
};

// Where the entry of an output lives: <dir>/.moyin-cache/<name>.deps for
// the output base <dir>/<name> (no extension).
std::filesystem::path entry_path(const std::filesystem::path& output_base);

// Where the formulas of an output's document are kept between builds
// (math::store): <dir>/.moyin-cache/<name>.math, beside its entry.
std::filesystem::path formulas_path(const std::filesystem::path& output_base);
// A path as an entry stores it: relative to the entry's folder, '/'-separated.
std::string stored_path(const std::filesystem::path& file, const std::filesystem::path& entry_dir);
// And back.
std::filesystem::path loaded_path(std::string_view stored, const std::filesystem::path& entry_dir);

std::string format(const Entry& e);
// Nothing when the text is not an entry of this format (then it is rebuilt).
std::optional<Entry> parse(std::string_view text);
std::optional<Entry> read(const std::filesystem::path& entry_file);

// True when the output the entry describes is up to date: same context,
// every output file present and not empty, every dependency's content
// unchanged.
bool fresh(const Entry& e, std::string_view context, const std::filesystem::path& entry_dir);

// Every entry under `root` (recursively; .moyin-cache folders only), sorted.
std::vector<std::filesystem::path> find_entries(const std::filesystem::path& root);

}  // namespace moyin::cli::cache
