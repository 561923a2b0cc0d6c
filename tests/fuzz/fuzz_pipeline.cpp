// libFuzzer target for the whole pipeline (built only with clang):
//   cmake -DCMAKE_CXX_COMPILER=clang++ ... && cmake --build . --target fuzz_pipeline
//   ./tests/fuzz/fuzz_pipeline -max_len=8192 ../content ../tests/data/corpus
// Fonts and the default sheet are loaded once and only read afterwards.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "fuzz/fuzz_pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::optional<moyin::fuzz::PipelineContext> ctx =
      moyin::fuzz::make_pipeline_context(std::filesystem::temp_directory_path() /
                                         ("moyin-fuzz-pipeline-" + std::to_string(::getpid())));
  if (!ctx) std::abort();  // no fonts: nothing to fuzz
  const std::string why = moyin::fuzz::run_pipeline(*ctx, data, size);
  if (!why.empty()) {
    std::fprintf(stderr, "pipeline invariant broken: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
