// libFuzzer target for pictures (built only with clang; scripts/fuzz):
//   build-fuzz/tests/fuzz/fuzz_image -max_len=65536 content/images
#include "fuzz/fuzz_image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return moyin::fuzz::fuzz_image_one(data, size);
}
