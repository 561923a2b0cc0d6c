// Where Moyin's own data lives (styles/*.yaml, fonts/fonts.yaml): one lookup,
// made once by the command line at start-up.
#pragma once

#include <filesystem>
#include <string>

namespace moyin::cli {

// What the lookup reads; main() fills it from the process, tests by hand.
struct DataDirSources {
  std::filesystem::path executable;                          // the running program's file
  std::string moyin_home;                                    // $MOYIN_HOME, empty when unset
  std::filesystem::path source_tree;                         // an uninstalled build's checkout
  std::filesystem::path relative = MOYIN_RELATIVE_DATA_DIR;  // bin → share/moyin
};

// The first folder that holds styles/ or fonts/fonts.yaml, in this order:
//   1. <executable's folder>/<relative> (installed: <prefix>/share/moyin, so a
//      moved or packaged prefix keeps working),
//   2. $MOYIN_HOME,
//   3. the source tree (an uninstalled build run from its build folder).
// The source tree when none does (its absence is then reported by the stage
// that cannot find a style sheet or fonts.yaml).
std::filesystem::path find_data_dir(const DataDirSources& sources);

// The running program's file from /proc/self/exe; `argv0` made absolute
// when that cannot be read.
std::filesystem::path executable_path(const char* argv0);

}  // namespace moyin::cli
