#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
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
