// Runs the images' fuzz entry (tests/fuzz/fuzz_image.h) over the test
// pictures (PNG, JPEG, GIF, WebP) and ~3,000 deterministic mutations of them
// (seeded PRNG), so every `scripts/test` run, also under the sanitizers,
// decodes damaged pictures.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_image.h"
#include "test_util.h"

namespace moyin {
namespace {

std::string mutate(std::string s, std::mt19937& rng) {
  const int rounds = 1 + static_cast<int>(rng() % 6);
  for (int r = 0; r < rounds; ++r) {
    const size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:  // a field set to an edge value: sizes, lengths, counts
        for (int k = 0; k < 4 && at + k < s.size(); ++k)
          s[at + k] = static_cast<char>((rng() % 2) ? 0xFF : 0x00);
        break;
      case 1:
        if (!s.empty()) s.erase(at % s.size(), rng() % 64);
        break;
      case 2: s.resize(at); break;  // cut short, as a download that stopped
      case 3:
        if (!s.empty()) s[at % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 4:
        if (!s.empty()) s.insert(at, s.substr(rng() % s.size(), rng() % 128));
        break;
      default: s.insert(at, 1, static_cast<char>(rng() & 0xFF));
    }
  }
  return s;
}

int run(const std::string& s) {
  return fuzz::fuzz_image_one(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(ImageFuzz, DamagedPicturesDecodeOrGiveAReason) {
  const std::string root = MOYIN_SOURCE_DIR;
  std::vector<std::string> seeds;
  for (const char* name :
       {"/tests/fixtures/epub/images/photo.jpg", "/tests/fixtures/epub/images/pic.webp",
        "/tests/fixtures/epub/images/anim.gif", "/tests/fixtures/epub/images/dot.png",
        "/content/images/cover.png"}) {
    seeds.push_back(testing::read_file(root + name));
    ASSERT_FALSE(seeds.back().empty()) << name;
    ASSERT_TRUE(image::decode(seeds.back(), fuzz::kFuzzMaxPixels).raster) << name << " decodes";
    EXPECT_EQ(run(seeds.back()), 0) << name;
  }
  std::mt19937 rng(20261201);
  int decoded = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string damaged = mutate(seeds[rng() % seeds.size()], rng);
    decoded += image::decode(damaged, fuzz::kFuzzMaxPixels).raster.has_value();
    EXPECT_EQ(run(damaged), 0);
  }
  EXPECT_GT(decoded, 100) << "the mutations reach the codecs' pixels, not only the headers";
}

}  // namespace
}  // namespace moyin
