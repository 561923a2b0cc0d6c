#include "base/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace moyin::base {
namespace {

TEST(Number, Fixed) {
  EXPECT_EQ(fixed(1.5, 2), "1.50");
  EXPECT_EQ(fixed(-0.001, 2), "0.00");  // never "-0.00"
  EXPECT_EQ(fixed(-0.006, 2), "-0.01");
  EXPECT_EQ(fixed(420, 0), "420");
  EXPECT_EQ(fixed(1e300, 1).size(), 303u);  // fits the buffer
}

TEST(Number, Compact) {
  EXPECT_EQ(compact(1.5), "1.5");
  EXPECT_EQ(compact(-0.0001), "0");
  EXPECT_EQ(compact(12.0), "12");
  EXPECT_EQ(compact(-3.14159, 2), "-3.14");
  EXPECT_EQ(compact(0.1 + 0.2), "0.3");
  EXPECT_EQ(compact(std::numeric_limits<double>::quiet_NaN()), "0");
  EXPECT_EQ(compact(std::numeric_limits<double>::infinity()), "0");
}

// The fast path of append_compact against the definition (fixed(), zeros
// dropped): many magnitudes, signs, every decimal count, ties and near-ties.
TEST(Number, CompactAgreesWithFixed) {
  auto reference = [](double v, int decimals) {
    std::string s = fixed(v, decimals);
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s == "-0" ? std::string("0") : s;
  };
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53);
  };
  for (int i = 0; i < 200000; ++i) {
    const double magnitude = std::pow(10.0, static_cast<int>(next() * 12) - 5);
    double v = (next() - 0.5) * magnitude;
    if (i % 7 == 0) v = std::round(v * 1000) / 1000 + 0.0005;  // near a tie
    if (i % 11 == 0) v = std::round(v * 100) / 100;            // exact decimals
    const int decimals = i % 8;
    std::string fast = "#";
    append_compact(fast, v, decimals);
    ASSERT_EQ(fast, "#" + reference(v, decimals)) << v << " " << decimals;
  }
  EXPECT_EQ(compact(1.05), "1.05");
  EXPECT_EQ(compact(-2.0004), "-2");
  EXPECT_EQ(compact(0.0005), "0.001");
  EXPECT_EQ(compact(3e12), "3000000000000");
}

TEST(Number, Integer) {
  EXPECT_EQ(integer(7, 3), "007");
  EXPECT_EQ(integer(1234, 3), "1234");
  EXPECT_EQ(integer(-5, 3), "-005");
  EXPECT_EQ(integer(0), "0");
  std::string s = "x";
  append_integer(s, 2026, 4);
  EXPECT_EQ(s, "x2026");
}

}  // namespace
}  // namespace moyin::base
