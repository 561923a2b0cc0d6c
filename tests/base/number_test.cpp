#include "base/number.h"

#include <gtest/gtest.h>

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
