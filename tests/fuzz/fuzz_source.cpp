// libFuzzer target for the source stage (built only with clang):
//   cmake -DCMAKE_CXX_COMPILER=clang++ ... && ninja fuzz_source
//   ./tests/fuzz/fuzz_source -max_len=65536 ../content
#include "fuzz/fuzz_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return moyin::fuzz::fuzz_source_one(data, size);
}
