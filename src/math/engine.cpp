// The MathJax process: spawned without a shell, fed one JSON batch on stdin,
// read back from stdout, bounded by a timeout.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "math/math.h"

extern char** environ;

namespace moyin::math {

namespace {

// Both ends of a pipe, closed on destruction.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) fd[0] = fd[1] = -1;
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  bool ok() const { return fd[0] >= 0; }
};

// A child process with its standard streams piped to us: we write
// in.fd[1] and read out.fd[0] and err.fd[0].
struct Child {
  pid_t pid = -1;
  Pipe in, out, err;
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
};

// write(2) to a pipe whose reader may have gone (an engine that stops
// before reading its batch): EPIPE, not the SIGPIPE that would end the whole
// process. The signal is blocked on this thread while writing, and one the
// write raised is taken off before it is unblocked.
ssize_t write_to_pipe(int fd, const char* data, size_t size) {
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
  const ssize_t n = ::write(fd, data, size);
  const int write_errno = errno;
  if (n < 0 && write_errno == EPIPE) {
    const timespec now{0, 0};
    while (::sigtimedwait(&pipe_signal, nullptr, &now) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = write_errno;
  return n;
}

// Starts argv with its standard streams piped; false (and `error`) when it cannot.
bool spawn(const std::vector<std::string>& argv, Child& c, std::string& error) {
  if (!c.in.ok() || !c.out.ok() || !c.err.ok()) {
    error = std::string("cannot create pipes: ") + std::strerror(errno);
    return false;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, c.in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&fa, c.out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, c.err.fd[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = ::posix_spawn(&c.pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    c.pid = -1;
    error = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  c.in.close_end(0);
  c.out.close_end(1);
  c.err.close_end(1);
  ::fcntl(c.in.fd[1], F_SETFL, O_NONBLOCK);
  return true;
}

enum class Pumped { Line, Closed, TimedOut };

// Writes `input` to the child's stdin (and closes it after, when
// `close_input`) while reading its stdout into `out` and its stderr into
// `err`, until a line of stdout is complete (when `until_line`), both end,
// or the deadline passes.
Pumped pump(Child& c, std::string_view input, bool close_input, bool until_line,
            std::chrono::steady_clock::time_point deadline, std::string& out, std::string& err) {
  size_t written = 0;
  if (input.empty() && close_input) c.in.close_end(1);
  char buf[65536];
  while (c.out.fd[0] >= 0 || c.err.fd[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Pumped::TimedOut;
    const bool writing = c.in.fd[1] >= 0 && written < input.size();
    pollfd fds[3] = {{writing ? c.in.fd[1] : -1, POLLOUT, 0},
                     {c.out.fd[0], POLLIN, 0},
                     {c.err.fd[0], POLLIN, 0}};
    if (::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), 1000))) < 0) {
      if (errno == EINTR) continue;
      return Pumped::Closed;
    }
    if (writing && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = write_to_pipe(c.in.fd[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) c.in.close_end(1);
      if (written == input.size() && close_input) c.in.close_end(1);
    }
    for (int k : {1, 2}) {
      Pipe& p = k == 1 ? c.out : c.err;
      if (p.fd[0] < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(p.fd[0], buf, sizeof buf);
      if (n > 0) {
        std::string& into = k == 1 ? out : err;
        into.append(buf, static_cast<size_t>(n));
        if (k == 1 && until_line && std::memchr(buf, '\n', static_cast<size_t>(n)) != nullptr)
          return Pumped::Line;
      } else if (n == 0 || errno != EINTR) {
        p.close_end(0);
      }
    }
  }
  return Pumped::Closed;
}

struct Spawned {
  int status = 0;
  bool timed_out = false;
  std::string out, err;
};

// Runs argv with `input` on stdin; collects stdout and stderr.
std::optional<Spawned> run(const std::vector<std::string>& argv, const std::string& input,
                           double timeout, std::string& error) {
  Child c;
  if (!spawn(argv, c, error)) return std::nullopt;
  Spawned r;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeout));
  if (pump(c, input, true, false, deadline, r.out, r.err) == Pumped::TimedOut) {
    r.timed_out = true;
    ::kill(c.pid, SIGKILL);
  }
  c.in.close_end(1);
  while (::waitpid(c.pid, &r.status, 0) < 0 && errno == EINTR) {
  }
  return r;
}

void collect_inlines(const std::vector<doc::Inline>& inlines, std::vector<Key>& out) {
  for (const doc::Inline& in : inlines) {
    if (in.kind == doc::InlineKind::Math) out.push_back({in.text, in.display});
    collect_inlines(in.children, out);
  }
}

void collect_blocks(const std::vector<doc::Block>& blocks, std::vector<Key>& out) {
  for (const doc::Block& b : blocks) {
    if (b.kind == doc::BlockKind::Math) out.push_back({b.text, true});
    collect_inlines(b.inlines, out);
    for (const doc::TableRow& row : b.rows)
      for (const doc::TableCell& cell : row.cells) collect_inlines(cell.inlines, out);
    collect_blocks(b.children, out);
  }
}

std::string first_line(const std::string& s) {
  std::string t = s.substr(0, s.find('\n'));
  return t.size() > 300 ? t.substr(0, 300) : t;
}

// TeX's control words that define something later formulas can use: the
// newcommand package's, ams's \DeclareMathOperator and mathtools' paired
// delimiters, tag forms and settings (the packages math/engine.js loads).
bool defines_macros(std::string_view tex) {
  static constexpr std::string_view kDefining[] = {"newcommand",
                                                   "renewcommand",
                                                   "newenvironment",
                                                   "renewenvironment",
                                                   "def",
                                                   "let",
                                                   "DeclareMathOperator",
                                                   "DeclarePairedDelimiter",
                                                   "DeclarePairedDelimiterX",
                                                   "DeclarePairedDelimiterXPP",
                                                   "newtagform",
                                                   "renewtagform",
                                                   "usetagform",
                                                   "mathtoolsset"};
  for (size_t at = tex.find('\\'); at != std::string_view::npos; at = tex.find('\\', at + 1)) {
    size_t end = at + 1;
    while (end < tex.size() && std::isalpha(static_cast<unsigned char>(tex[end]))) ++end;
    const std::string_view word = tex.substr(at + 1, end - at - 1);
    if (std::find(std::begin(kDefining), std::end(kDefining), word) != std::end(kDefining))
      return true;
    if (end == at + 1) ++at;  // a control symbol such as \\: its character is no escape
  }
  return false;
}

}  // namespace

std::string built_snapshot() { return MOYIN_MATH_SNAPSHOT; }

const Formula* Formulas::find(const std::string& tex, bool display) const {
  auto it = results.find(Key{tex, display});
  return it == results.end() ? nullptr : &it->second;
}

Preamble preamble_of(std::span<const Key> written) {
  Preamble preamble;
  for (const Key& k : written)
    if (defines_macros(k.tex) &&
        std::find(preamble.begin(), preamble.end(), k.tex) == preamble.end())
      preamble.push_back(k.tex);
  return preamble;
}

Collected collect(std::span<const doc::Document> docs) {
  Collected c;
  for (const doc::Document& d : docs) {
    collect_blocks(d.blocks, c.keys);
    collect_blocks(d.footnotes, c.keys);
  }
  c.preamble = preamble_of(c.keys);
  std::sort(c.keys.begin(), c.keys.end());
  c.keys.erase(std::unique(c.keys.begin(), c.keys.end()), c.keys.end());
  return c;
}

bool has_math(const doc::Document& d) { return !collect(std::span(&d, 1)).empty(); }

const Formulas* Converted::find(const Preamble& preamble) const {
  auto it = by_preamble.find(preamble);
  return it == by_preamble.end() ? nullptr : &it->second;
}

// The engine process a Server keeps; ended with it.
struct Server::Running {
  Child child;
  ~Running() {
    child.in.close_end(1);
    ::kill(child.pid, SIGKILL);  // nothing asked is pending: no answer is lost
    int status = 0;
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
};

Server::Server() = default;
Server::~Server() = default;
int Server::pid() const { return running ? running->child.pid : -1; }

namespace {

// The engine's command: from the snapshot when there is one.
std::vector<std::string> engine_command(const Engine& engine, bool snapshot) {
  std::vector<std::string> argv = {engine.node};
  if (snapshot) argv.insert(argv.end(), {"--snapshot-blob", engine.snapshot});
  argv.push_back(engine.script);
  return argv;
}

bool has_snapshot(const Engine& engine) {
  return !engine.snapshot.empty() && ::access(engine.snapshot.c_str(), R_OK) == 0;
}

// `server`'s answer to one batch (a line of JSON); nothing, and the server
// stopped and failed, when it cannot give one (`timed_out`: within `timeout`).
std::optional<std::string> ask(const Engine& engine, Server& server, const std::string& batch,
                               double timeout, bool& timed_out) {
  timed_out = false;
  if (server.failed) return std::nullopt;
  if (!server.running) {
    auto started = std::make_unique<Server::Running>();
    std::vector<std::string> argv = engine_command(engine, has_snapshot(engine));
    argv.push_back("--serve");
    std::string ignored;  // the engine of its own says what is wrong
    if (spawn(argv, started->child, ignored)) server.running = std::move(started);
  }
  std::string out, err;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeout));
  const Pumped got =
      server.running ? pump(server.running->child, batch + "\n", false, true, deadline, out, err)
                     : Pumped::Closed;
  if (got == Pumped::Line) {
    out.resize(out.find('\n'));
    if (out.starts_with('[')) return out;
  }
  timed_out = got == Pumped::TimedOut;
  server.running.reset();
  server.failed = true;
  return std::nullopt;
}

}  // namespace

bool convert(const Engine& engine, std::span<const Collected> docs, Converted& out,
             std::string& error, Server* server) {
  // What to ask, grouped by preamble (the engine starts a TeX input afresh
  // for each), each formula once.
  std::map<Preamble, std::set<Key>> wanted;
  for (const Collected& c : docs) {
    const Formulas* done = out.find(c.preamble);
    for (const Key& k : c.keys)
      if (!done || !done->results.count(k)) wanted[c.preamble].insert(k);
  }
  nlohmann::json preambles = nlohmann::json::array(), formulas = nlohmann::json::array();
  std::vector<std::pair<const Preamble*, const Key*>> asked;
  for (const auto& [preamble, keys] : wanted) {
    for (const Key& k : keys) {
      formulas.push_back({{"tex", k.tex}, {"display", k.display}, {"preamble", preambles.size()}});
      asked.push_back({&preamble, &k});
    }
    preambles.push_back(preamble);
  }
  if (asked.empty()) return true;
  const nlohmann::json batch = {{"preambles", std::move(preambles)},
                                {"formulas", std::move(formulas)}};
  if (engine.node.empty()) {
    error = "formulas need Node.js to typeset: install the `nodejs` package (scripts/setup does)";
    return false;
  }
  if (::access(engine.script.c_str(), R_OK) != 0) {
    error = "the math engine " + engine.script + " is missing";
    return false;
  }
  const double timeout =
      engine.timeout > 0 ? engine.timeout : 20.0 + 0.02 * static_cast<double>(asked.size());
  const std::string input = batch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto too_late = [&] {
    error =
        "the math engine did not answer within " + std::to_string(static_cast<int>(timeout)) + " s";
    return false;
  };
  bool timed_out = false;
  std::optional<std::string> answered =
      server ? ask(engine, *server, input, timeout, timed_out) : std::nullopt;
  if (timed_out) return too_late();  // an engine of its own would not answer sooner
  if (!answered) {
    std::optional<Spawned> r;
    // The snapshot first; whatever stops it but a timeout (not of this
    // script, another Node.js, a damaged file) leaves the batch to the script.
    if (has_snapshot(engine)) {
      std::string ignored;
      r = run(engine_command(engine, true), input, timeout, ignored);
      if (r && !r->timed_out && !(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0)) r.reset();
    }
    if (!r) r = run(engine_command(engine, false), input, timeout, error);
    if (!r) return false;
    if (r->timed_out) return too_late();
    if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
      if (r->err.find("mathjax-full") != std::string::npos)
        error = "MathJax is not installed: run `npm ci --prefix " +
                engine.script.substr(0, engine.script.rfind('/')) +
                "` (npm package `mathjax-full`; scripts/setup does)";
      else error = "the math engine failed: " + first_line(r->err);
      return false;
    }
    answered = std::move(r->out);
  }
  nlohmann::json answer = nlohmann::json::parse(*answered, nullptr, false);
  if (!answer.is_array() || answer.size() != asked.size()) {
    error = "the math engine gave an unreadable answer";
    return false;
  }
  for (size_t i = 0; i < asked.size(); ++i) {
    const nlohmann::json& a = answer[i];
    Formula f;
    if (a.contains("error") && a["error"].is_string()) f.error = a["error"].get<std::string>();
    if (a.contains("svg") && a["svg"].is_string()) f.svg = a["svg"].get<std::string>();
    if (a.contains("mathml") && a["mathml"].is_string()) f.mathml = a["mathml"].get<std::string>();
    if (f.error.empty() && (f.svg.empty() || f.mathml.empty()))
      f.error = "the engine returned no drawing";
    out.by_preamble[*asked[i].first].results.emplace(*asked[i].second, std::move(f));
  }
  return true;
}

namespace {

struct Reporter {
  const Formulas& formulas;
  const std::string& path;
  doc::Diagnostics& diags;
  void check(const std::string& tex, bool display, doc::Position pos) {
    const Formula* f = formulas.find(tex, display);
    if (f && !f->error.empty()) diags.warn(path, pos, "math: " + f->error);
  }
  void inlines(const std::vector<doc::Inline>& list) {
    for (const doc::Inline& in : list) {
      if (in.kind == doc::InlineKind::Math) check(in.text, in.display, in.pos);
      inlines(in.children);
    }
  }
  void blocks(const std::vector<doc::Block>& list) {
    for (const doc::Block& b : list) {
      if (b.kind == doc::BlockKind::Math) check(b.text, true, b.pos);
      inlines(b.inlines);
      for (const doc::TableRow& row : b.rows)
        for (const doc::TableCell& cell : row.cells) inlines(cell.inlines);
      blocks(b.children);
    }
  }
};

}  // namespace

void report(const doc::Document& d, const Formulas& formulas, doc::Diagnostics& diags) {
  Reporter r{formulas, d.path, diags};
  r.blocks(d.blocks);
  r.blocks(d.footnotes);
}

namespace {

// Whether display block `b` is a formula that converted into nothing drawn.
bool only_defines(const doc::Block& b, const Formulas& formulas) {
  if (b.kind != doc::BlockKind::Math || !b.label.empty() || !b.info.empty()) return false;
  const Formula* f = formulas.find(b.text, true);
  return f && f->error.empty() && draws_nothing(f->svg);
}

void drop_definitions(std::vector<doc::Block>& blocks, const Formulas& formulas) {
  std::erase_if(blocks, [&](const doc::Block& b) { return only_defines(b, formulas); });
  for (doc::Block& b : blocks) drop_definitions(b.children, formulas);
}

}  // namespace

void drop_definitions(std::span<doc::Document> docs, const Formulas& formulas) {
  for (doc::Document& d : docs) {
    drop_definitions(d.blocks, formulas);
    drop_definitions(d.footnotes, formulas);
  }
}

}  // namespace moyin::math
