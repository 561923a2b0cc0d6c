// Whole-file reading with a size bound, and the one atomic write. Every
// reader of user files (manuscripts, style sheets, book.yaml, fonts.yaml,
// images) goes through read_bounded, so a path symlinked to /dev/zero or a
// pipe is refused instead of read forever; every output goes through
// write_atomic, so a failure never leaves a partial file or destroys an
// earlier good one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace moyin::base {

class CommitGroup;  // atomic_file.h

// Inputs larger than this are refused rather than risk exhausting memory.
inline constexpr std::uintmax_t kMaxInputBytes = 64u << 20;

// The bytes of `path`, or nullopt with `error` set to a sentence for a
// diagnostic ("is a directory, not a file", "file too large (…)", "cannot
// read file: …"). Reads in chunks: file_size() fails for devices and pipes,
// so the size check cannot be the only guard against endless input.
std::optional<std::string> read_bounded(const std::filesystem::path& path, std::string& error,
                                        std::uintmax_t limit = kMaxInputBytes);

// True when `path` is `root` or lies below it, compared element by element
// (both canonical: weakly_canonical resolves `..` and symbolic links first).
// The one boundary test for what user files may name (images, snippets).
bool is_within(const std::filesystem::path& root, const std::filesystem::path& path);

// The one-shot form of base::AtomicFile (atomic_file.h): writes `bytes` to a
// temporary file in `target`'s folder (created if missing), syncs it and
// renames it over `target`. Returns ""
// on success, else a sentence naming what failed; the temporary file is
// removed on any failure and an earlier `target` is left untouched.
// With a group, the file is synced and renamed at the group's flush().
std::string write_atomic(const std::filesystem::path& target, std::string_view bytes,
                         CommitGroup* group = nullptr);

}  // namespace moyin::base
