// What tests of whole runs share: running a command, reading and writing
// files, counting. One copy, so a fix to how commands are captured reaches
// every test.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace moyin::testing {

// A command's exit status (-1 when it did not exit normally) and what it printed.
struct Run {
  int code = -1;
  std::string output;
};

// Runs `command` (one or several shell commands) through /bin/sh; `output`
// holds stdout, and the stderr of all of them unless `merge_stderr` is false
// (then the command redirects it itself).
inline Run shell(const std::string& command, bool merge_stderr = true) {
  Run r;
  FILE* p = popen((merge_stderr ? "{ " + command + "\n} 2>&1" : command).c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `s` as one shell word.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `text` to `path`, creating its folder.
inline void write_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// How often `needle` occurs in `haystack` (overlapping occurrences counted).
inline int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

// A new, empty folder for the running test:
// <tmp>/moyin-<prefix>-<pid>-<test name> (the caller removes it).
inline std::filesystem::path test_folder(const std::string& prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("moyin-" + prefix + "-" + std::to_string(::getpid()) + "-" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace moyin::testing
