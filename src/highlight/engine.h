// The boundary between Moyin and its highlighting engine, GNU
// Source-highlight. Source-highlight (C++, with Boost.Regex) is not linked
// into Moyin: loading and binding the two libraries cost every start about a
// tenth of its time, also for the documents without code (most of them,
// docs/performance.md). The code that uses them is a small module of its
// own (engine/engine.cpp, built as moyin-highlight.so), loaded by the first
// code block that names a language. It hands Moyin one table of functions;
// both sides are built together from this tree, with the same compiler and
// C++ library, so the table's C++ types cross it unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"

namespace moyin::highlight::engine {

// Changes with every change of the table, so a stale module is refused.
inline constexpr int kVersion = 1;

struct Api {
  int version = kVersion;
  // An engine reading definitions from the two folders, or null.
  void* (*create)(const char* moyin_dir, const char* library_dir) = nullptr;
  void (*destroy)(void* engine) = nullptr;
  // Source-highlight's lang.map answer for a fence name ("" when none).
  std::string (*map_language)(void* engine, const std::string& name) = nullptr;
  // Highlights `text` with the definition file `file` (loaded once per
  // engine); `markup`: tag and attribute names for XML and HTML. False
  // with `error` when the definition cannot be loaded or the lexer fails.
  bool (*highlight)(void* engine, const std::string& file, bool markup, std::string_view text,
                    std::vector<doc::CodeSpan>& spans, std::string& error) = nullptr;
};

// The one symbol the module exports (looked up with dlsym).
inline constexpr const char* kEntryPoint = "moyin_highlight_engine";

}  // namespace moyin::highlight::engine

extern "C" const moyin::highlight::engine::Api* moyin_highlight_engine();
