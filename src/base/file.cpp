#include "base/file.h"

#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

namespace moyin::base {

namespace fs = std::filesystem;

namespace {

std::string megabytes(std::uintmax_t bytes) { return std::to_string(bytes >> 20) + " MB"; }

}  // namespace

// Closes a descriptor when the reader returns.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::optional<std::string> read_bounded(const fs::path& path, std::string& error,
                                        std::uintmax_t limit) {
  // O_NONBLOCK: opening a FIFO would otherwise block until a writer appears.
  // The checks run on the opened file, so a path swapped after a stat cannot
  // slip past them.
  const Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  struct stat st {};
  if (file.fd < 0 || ::fstat(file.fd, &st) != 0) {
    error = std::string("cannot read file: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "is a directory, not a file";
    return std::nullopt;
  }
  if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
    error = "is a pipe or socket, not a file";
    return std::nullopt;
  }
  const bool regular = S_ISREG(st.st_mode);
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (regular && size > limit) {
    error = "file too large (" + megabytes(size) + "; the limit is " + megabytes(limit) + ")";
    return std::nullopt;
  }
  // A device reports no size: it is read in chunks up to the limit.
  ::fcntl(file.fd, F_SETFL, ::fcntl(file.fd, F_GETFL) & ~O_NONBLOCK);
  std::string bytes;
  if (regular) bytes.reserve(static_cast<size_t>(size));
  std::array<char, 1 << 16> chunk;
  for (;;) {
    const ssize_t n = ::read(file.fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("cannot read file: ") + std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    bytes.append(chunk.data(), static_cast<size_t>(n));
    if (bytes.size() > limit) {
      error = "file too large (more than " + megabytes(limit) + ")";
      return std::nullopt;
    }
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

std::string write_atomic(const fs::path& target, std::string_view bytes, CommitGroup* group) {
  std::error_code ec;
  const fs::path dir = target.parent_path();
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) return "cannot create folder " + dir.string() + ": " + ec.message();
  AtomicFile file(target);
  if (file.write(bytes) && file.commit(group)) return "";
  return "cannot write " + target.string() + ": " + file.error();
}

}  // namespace moyin::base
