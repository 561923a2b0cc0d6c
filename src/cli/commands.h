// The subcommands of `moyin`. Each add_* registers one subcommand on the app;
// when it runs, its callback stores the process exit code in `exit_code`
// (0 success, 1 an input failed, 2 wrong usage).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace moyin::cli {

void add_dump(CLI::App& app, int& exit_code);
void add_build(CLI::App& app, int& exit_code);
void add_fonts(CLI::App& app, int& exit_code);
void add_new(CLI::App& app, int& exit_code);
void add_check(CLI::App& app, int& exit_code);
void add_watch(CLI::App& app, int& exit_code);

// --resource-path DIR[:DIR…] (repeatable, as Pandoc's): the folders where
// site-root images (`/images/x.png`) and relative ones not found beside the
// document are looked for, in order. `dirs` gets one folder per element.
void add_resource_path_option(CLI::App* cmd, std::vector<std::string>& dirs);

}  // namespace moyin::cli
