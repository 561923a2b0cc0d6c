#include "base/file.h"

#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

namespace moyin::base {

namespace fs = std::filesystem;

namespace {

std::string megabytes(std::uintmax_t bytes) { return std::to_string(bytes >> 20) + " MB"; }

}  // namespace

std::optional<std::string> read_bounded(const fs::path& path, std::string& error,
                                        std::uintmax_t limit) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "is a directory, not a file";
    return std::nullopt;
  }
  // Opening a FIFO blocks until a writer appears: refuse it before opening.
  const fs::file_status st = fs::status(path, ec);
  if (!ec && (st.type() == fs::file_type::fifo || st.type() == fs::file_type::socket)) {
    error = "is a pipe or socket, not a file";
    return std::nullopt;
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > limit) {
    error = "file too large (" + megabytes(size) + "; the limit is " + megabytes(limit) + ")";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::string("cannot read file: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::string bytes;
  if (!ec) bytes.reserve(static_cast<size_t>(size));
  std::array<char, 1 << 16> chunk;
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    bytes.append(chunk.data(), static_cast<size_t>(in.gcount()));
    if (bytes.size() > limit) {
      error = "file too large (more than " + megabytes(limit) + ")";
      return std::nullopt;
    }
  }
  if (in.bad()) {
    error = "cannot read file: read error";
    return std::nullopt;
  }
  return bytes;
}

bool is_within(const fs::path& root, const fs::path& path) {
  auto r = root.begin(), q = path.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // trailing separator
    if (q == path.end() || *r != *q) return false;
  }
  return true;
}

std::string write_atomic(const fs::path& target, std::string_view bytes) {
  std::error_code ec;
  const fs::path dir = target.parent_path();
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) return "cannot create folder " + dir.string() + ": " + ec.message();
  AtomicFile file(target);
  if (file.write(bytes) && file.commit()) return "";
  return "cannot write " + target.string() + ": " + file.error();
}

}  // namespace moyin::base
