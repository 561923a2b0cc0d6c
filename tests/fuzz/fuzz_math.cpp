// libFuzzer target for the formulas' kept files and SVG (built only with clang):
//   cmake -DCMAKE_CXX_COMPILER=clang++ ... && ninja fuzz_math
//   ./tests/fuzz/fuzz_math -max_len=200000 ../tests/data/math
#include "fuzz/fuzz_math.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return moyin::fuzz::fuzz_math_one(data, size);
}
