// The test images (tests/image/make_images.py), written once per test
// binary into a temporary folder.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace moyin::test {

inline std::string python3() {
  // Debian's python3 has python3-pil; a pyenv shim first on PATH may not.
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

// The folder holding the generated images ("" when python3-pil is missing).
// Removed when the test binary exits.
inline std::filesystem::path test_images() {
  struct Folder {
    std::filesystem::path path;
    Folder() {
      std::filesystem::path d = std::filesystem::temp_directory_path() /
                                ("moyin-test-images-" + std::to_string(::getpid()));
      std::string cmd =
          python3() + " " MOYIN_SOURCE_DIR "/tests/image/make_images.py '" + d.string() + "'";
      if (std::system(cmd.c_str()) == 0) path = d;
    }
    ~Folder() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
  };
  static const Folder folder;
  return folder.path;
}

}  // namespace moyin::test
