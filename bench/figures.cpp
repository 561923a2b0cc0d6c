// Figures and code together, as a technical manuscript has them: one
// document with 20 SVG diagrams (labelled boxes, curves, Chinese text, faded
// groups of shapes and labels) and 50 highlighted code blocks in five
// languages, built by the real `moyin build` command to PDF, to EPUB, and to
// both. Each case runs in its own child process, so its peak memory is its
// own.
// Prints "case<TAB>seconds<TAB>peak RSS in KB".
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "code_samples.h"

using namespace moyin;
namespace fs = std::filesystem;

namespace {

std::string diagram(int seed) {
  std::string s =
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 480 320">)";
  for (int x = 0; x <= 480; x += 40)
    s += "<line x1=\"" + std::to_string(x) + "\" y1=\"0\" x2=\"" + std::to_string(x) +
         "\" y2=\"320\" stroke=\"#eee\"/>";
  for (int i = 0; i < 12; ++i) {
    int x = 10 + (i * 97 + seed * 31) % 400, y = 10 + (i * 53 + seed * 17) % 270;
    // Every third node is faded as a whole: a transparency group holding text.
    s += "<g transform=\"translate(" + std::to_string(x) + " " + std::to_string(y) + ")\"" +
         (i % 3 == 0 ? " opacity=\"0.6\">" : ">");
    s += "<rect width=\"60\" height=\"30\" rx=\"5\" fill=\"#dbe9f6\" stroke=\"#2a6ebb\"/>";
    s +=
        "<text x=\"30\" y=\"20\" font-size=\"12\" text-anchor=\"middle\" font-family=\"sans-serif\">节点 " +
        std::to_string(i) + "</text>";
    s +=
        "<path d=\"M60 15 C90 15 90 60 120 60\" fill=\"none\" stroke=\"#444\" stroke-dasharray=\"4 2\"/></g>";
  }
  return s + "</svg>";
}

// 20 figures and 50 code blocks (~20 lines each), with prose between them.
std::string manuscript(const fs::path& dir) {
  std::string md = "---\ntitle: 图与代码\n---\n\n";
  int fig = 0;
  for (int k = 0; k < 50; ++k) {
    md += "## 第 " + std::to_string(k + 1) +
          " 节\n\n说明文字：下面的代码与示意图展示了数据的流向。\n\n";
    std::string b = bench::kCodeSamples[k % 5];
    md += b + b.substr(b.find('\n') + 1) + "```\n\n";
    if (k % 5 == 1 || k % 5 == 3) {
      const std::string name = "figure-" + std::to_string(fig) + ".svg";
      std::ofstream(dir / name, std::ios::binary) << diagram(fig);
      md += "![示意图 " + std::to_string(++fig) + "](" + name + ")\n\n";
    }
  }
  return md;
}

// Runs `moyin build FILE --to TO -o OUT -q` in a child; its wall time and peak RSS.
bool run_case(const char* label, const fs::path& file, const char* to, const fs::path& out) {
  auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int code = 1;
    CLI::App app{"moyin"};
    cli::add_build(app, code);
    std::vector<std::string> args{"moyin", "build",      file.string(), "--to", to,
                                  "-o",    out.string(), "-q",          "-j",   "1"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      _exit(app.exit(e));
    }
    _exit(code);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_figures: %s failed\n", label);
    return false;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s\t%.3f\t%ld\n", label, secs, ru.ru_maxrss);
  std::fflush(stdout);
  return true;
}

}  // namespace

int main() {
  const fs::path dir =
      fs::temp_directory_path() / ("moyin-bench-figures-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "figures.md";
  std::ofstream(file, std::ios::binary) << manuscript(dir);
  bool ok = run_case("20 SVG + 50 code blocks -> PDF", file, "pdf", dir / "out") &&
            run_case("20 SVG + 50 code blocks -> EPUB", file, "epub", dir / "out") &&
            run_case("20 SVG + 50 code blocks -> PDF + EPUB", file, "all", dir / "out");
  std::error_code ec;
  fs::remove_all(dir, ec);
  return ok ? 0 : 1;
}
