#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>
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
  moyin::cli::add_build(app, exit_code);
  moyin::cli::add_dump(app, exit_code);
  moyin::cli::add_fonts(app, exit_code);
  moyin::cli::add_check(app, exit_code);
  moyin::cli::add_watch(app, exit_code);
  moyin::cli::add_new(app, exit_code);
  // `moyin bild`: name the word and the command it probably meant.
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' &&
      std::find(names.begin(), names.end(), argv[1]) == names.end()) {
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
