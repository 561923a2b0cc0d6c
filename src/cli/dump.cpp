#include "cli/commands.h"

namespace moyin::cli {

// Placeholder until the stage behind it lands.
void add_dump(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("dump", "(not yet available)");
  cmd->callback([&exit_code] { exit_code = 1; });
}

}  // namespace moyin::cli
