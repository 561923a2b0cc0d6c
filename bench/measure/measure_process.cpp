// measure_process ERR_FILE CMD ARGS...: runs CMD as one child process (its
// standard output to /dev/null, its standard error to ERR_FILE) and prints
// "WALL USER SYS PEAK_KB" for that process alone: the wall time from spawning
// it to reaping it, and the CPU times and peak resident memory the kernel
// reports for it through wait4. scripts/bench measures every run this way,
// so no measuring process (GNU time's exec and exit) is counted in the row.
// Exits with the child's status.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

extern char** environ;

namespace {

double seconds(timeval tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

double now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: measure_process ERR_FILE CMD [ARGS...]\n");
    return 2;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, argv[1], O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = 0;
  const double start = now();
  const int spawned = posix_spawnp(&pid, argv[2], &actions, nullptr, argv + 2, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    std::fprintf(stderr, "measure_process: cannot run %s\n", argv[2]);
    return 127;
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) {
    std::perror("measure_process: wait4");
    return 1;
  }
  const double wall = now() - start;
  std::printf("%.6f %.6f %.6f %ld\n", wall, seconds(usage.ru_utime), seconds(usage.ru_stime),
              usage.ru_maxrss);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
