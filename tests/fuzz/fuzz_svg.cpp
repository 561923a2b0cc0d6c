// libFuzzer target for SVG figures (built only with clang; scripts/fuzz):
//   build-fuzz/tests/fuzz/fuzz_svg -max_len=65536 tests/fixtures/svg
#include "fuzz/fuzz_svg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return moyin::fuzz::fuzz_svg_one(data, size);
}
