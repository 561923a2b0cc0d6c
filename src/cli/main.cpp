#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/data_dir.h"

int main(int argc, char** argv) {
  // The data folder is looked up once, here. The stages below still find
  // styles/ and fonts/fonts.yaml through $MOYIN_HOME, so the answer is handed
  // to them that way, before any thread starts.
  const char* home = std::getenv("MOYIN_HOME");
  const std::filesystem::path data = moyin::cli::find_data_dir(
      {.executable = moyin::cli::executable_path(argc > 0 ? argv[0] : nullptr),
       .moyin_home = home ? home : "",
       .source_tree = MOYIN_DATA_DIR});
  ::setenv("MOYIN_HOME", data.c_str(), 1);
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
