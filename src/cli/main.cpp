#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/suggest.h"

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f), a write must fail with EFBIG and be
  // reported for that output, not kill the whole batch.
  std::signal(SIGXFSZ, SIG_IGN);

  CLI::App app{"moyin (墨印): Markdown manuscripts to print-ready PDF and EPUB 3"};
  app.set_version_flag("-V,--version", std::string("moyin ") + MOYIN_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  using Add = void (*)(CLI::App&, int&);
  static constexpr std::pair<const char*, Add> kCommands[] = {
      {"build", moyin::cli::add_build}, {"dump", moyin::cli::add_dump},
      {"fonts", moyin::cli::add_fonts}, {"check", moyin::cli::add_check},
      {"watch", moyin::cli::add_watch}, {"new", moyin::cli::add_new}};
  std::vector<std::string> names;
  for (const auto& [name, add] : kCommands) names.emplace_back(name);
  // The command named is the only one set up (its options cost every start
  // about 0.3 M instructions each); `moyin --help` and the rest get them all.
  const auto named = std::find(names.begin(), names.end(), argc > 1 ? argv[1] : "");
  for (const auto& [name, add] : kCommands)
    if (named == names.end() || *named == name) add(app, exit_code);
  // `moyin bild`: name the word and the command it probably meant.
  if (argc > 1 && argv[1][0] != '-' && named == names.end()) {
    const std::string guess = moyin::cli::closest(argv[1], names);
    std::fprintf(
        stderr, "moyin: error: '%s' is not a moyin command%s\n", argv[1],
        guess.empty() ? "; see moyin --help" : ("; did you mean 'moyin " + guess + "'?").c_str());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return exit_code;
}
