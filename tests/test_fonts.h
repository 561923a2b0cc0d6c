// The test fonts built by tests/fonts/make_test_fonts.py into the build tree:
// fixed, known advances (Han and fullwidth punctuation 1 em, “ ” ‘ ’ 0.35 em,
// ASCII and Latin-1 0.5 em, space 0.25 em; mono ASCII 0.6 em) in the font
// sets of fonts/fonts.yaml, so exact-width tests never depend on the version
// of a Debian font.
#pragma once

#include <filesystem>
#include <optional>

#include "font/font.h"

namespace moyin::test_fonts {

inline std::filesystem::path dir() { return MOYIN_TEST_FONTS_DIR; }
inline std::filesystem::path yaml() { return dir() / "fonts.yaml"; }

// Loaded once per test binary, read-only afterwards; null when the fonts
// were not built (the test then fails with a message naming the target).
inline const font::FontLibrary* library() {
  static const std::optional<font::FontLibrary> lib = [] {
    doc::Diagnostics d;
    return font::FontLibrary::load(yaml(), d);
  }();
  return lib ? &*lib : nullptr;
}

}  // namespace moyin::test_fonts
