#include "cli/watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <system_error>

namespace moyin::cli {
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM;

// An inotify descriptor, closed on scope exit.
struct Inotify {
  int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  ~Inotify() {
    if (fd >= 0) ::close(fd);
  }
  Inotify() = default;
  Inotify(const Inotify&) = delete;
  Inotify& operator=(const Inotify&) = delete;
};

// Adds `dir` and every folder below it (hidden ones and output caches skipped).
void watch_tree(int fd, const fs::path& dir, std::map<int, fs::path>& watched) {
  auto add = [&](const fs::path& d) {
    const int wd = inotify_add_watch(fd, d.c_str(), kEvents);
    if (wd >= 0) watched[wd] = d;
  };
  add(dir);
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    add(it->path());
  }
}

// A changed file that matters: not hidden (editors' swap files, .moyin-cache),
// not a temporary (`.x.pdf.tmp-…`), not one of Moyin's own outputs.
bool matters(std::string_view name) {
  if (name.empty() || name[0] == '.' || name.back() == '~') return false;
  const std::string ext = fs::path(std::string(name)).extension().string();
  return ext != ".pdf" && ext != ".epub" && ext != ".swp" && ext != ".tmp";
}

// Reads pending events; true when one of them matters. New folders are watched too.
bool drain(int fd, std::map<int, fs::path>& watched) {
  bool changed = false;
  alignas(inotify_event) char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return changed;
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      const std::string_view name = e->len ? std::string_view(e->name) : std::string_view();
      if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)) &&
          watched.contains(e->wd) && !name.starts_with("."))
        watch_tree(fd, watched[e->wd] / std::string(name), watched);
      if (!(e->mask & IN_ISDIR) && matters(name)) changed = true;
    }
  }
}

// Watches the folders of the files a build used outside the watched trees
// (snippets included from above the document, --resource-path images, style
// sheets), each folder alone. Moyin's own caches are left out: its downloads
// must not trigger a rebuild.
void watch_used(int fd, const std::vector<fs::path>& used, std::map<int, fs::path>& watched) {
  std::set<fs::path> folders;
  for (const fs::path& f : used) {
    std::error_code ec;
    fs::path dir = fs::absolute(f, ec).lexically_normal().parent_path();
    if (ec || std::find(dir.begin(), dir.end(), fs::path(".moyin-cache")) != dir.end()) continue;
    folders.insert(std::move(dir));
  }
  for (const fs::path& dir : folders) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    const int wd = inotify_add_watch(fd, dir.c_str(), kEvents);
    if (wd >= 0 && !watched.contains(wd)) watched[wd] = dir;
  }
}

}  // namespace

int watch(const std::vector<std::string>& paths, int max_rebuilds, const Build& build) {
  Inotify in;
  if (in.fd < 0) {
    std::perror("moyin: error: inotify");
    return 1;
  }
  std::map<int, fs::path> watched;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::path dir = fs::is_directory(p, ec) ? fs::path(p) : fs::path(p).parent_path();
    watch_tree(in.fd, dir.empty() ? fs::path(".") : dir, watched);
  }
  if (watched.empty()) {
    std::fprintf(stderr, "moyin: error: nothing to watch\n");
    return 1;
  }
  std::vector<fs::path> used;
  build(used);
  watch_used(in.fd, used, watched);
  std::fprintf(stderr, "moyin: watching %zu folder%s; Ctrl-C stops\n", watched.size(),
               watched.size() == 1 ? "" : "s");
  int rebuilds = 0;
  pollfd pfd{in.fd, POLLIN, 0};
  while (max_rebuilds == 0 || rebuilds < max_rebuilds) {
    if (::poll(&pfd, 1, -1) <= 0) continue;
    if (!drain(in.fd, watched)) continue;
    // A save is often several events (write, rename, chmod): wait for the burst to end.
    while (::poll(&pfd, 1, 50) > 0) drain(in.fd, watched);
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();  // CPU time: comparable on a loaded machine
    used.clear();
    const int status = build(used);
    watch_used(in.fd, used, watched);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    const long long cpu_ms = (std::clock() - cpu_start) * 1000LL / CLOCKS_PER_SEC;
    std::fprintf(stderr, "moyin: rebuilt in %lld ms (CPU %lld ms)%s\n", static_cast<long long>(ms),
                 cpu_ms, status == 0 ? "" : " (with errors)");
    ++rebuilds;
  }
  std::fprintf(stderr, "moyin: stopped after %d rebuild%s\n", rebuilds, rebuilds == 1 ? "" : "s");
  return 0;
}

}  // namespace moyin::cli
