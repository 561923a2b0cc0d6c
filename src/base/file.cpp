#include "base/file.h"

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

std::optional<std::string> read_bounded(const fs::path& path, std::string& error, std::uintmax_t limit) {
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

std::string write_atomic(const fs::path& target, std::string_view bytes) {
  std::error_code ec;
  const fs::path dir = target.parent_path();
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) return "cannot create folder " + dir.string() + ": " + ec.message();
  const std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0)
    return "cannot create a temporary file in " + (dir.empty() ? std::string(".") : dir.string()) + ": " +
           std::strerror(errno);
  bool ok = true;
  size_t off = 0;
  while (ok && off < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n <= 0) ok = false;
    else off += static_cast<size_t>(n);
  }
  if (ok && ::fchmod(fd, 0644) != 0) ok = false;
  if (ok && ::fsync(fd) != 0) ok = false;
  const int saved = errno;
  if (::close(fd) != 0) ok = false;
  if (ok && std::rename(name.data(), target.c_str()) != 0) ok = false;
  if (!ok) {
    ::unlink(name.data());
    return "cannot write " + target.string() + ": " + std::strerror(errno ? errno : saved);
  }
  return "";
}

}  // namespace moyin::base
