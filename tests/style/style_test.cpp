#include <gtest/gtest.h>
TEST(Style, Placeholder) {}
