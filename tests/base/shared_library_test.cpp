// Libraries loaded at run time (base::SharedLibrary).
#include "base/shared_library.h"

#include <gtest/gtest.h>

#include <cstring>
#include <utility>

namespace moyin::base {
namespace {

TEST(SharedLibrary, ResolvesTypedFunctions) {
  SharedLibrary libc("libc.so.6");
  ASSERT_TRUE(libc) << libc.error();
  decltype(&std::strlen) length = nullptr;
  ASSERT_TRUE(libc.resolve(length, "strlen"));
  EXPECT_EQ(length("moyin"), 5u);
  decltype(&std::strlen) none = nullptr;
  EXPECT_FALSE(libc.resolve(none, "moyin_no_such_function"));
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(libc.error(), "libc.so.6 has no function moyin_no_such_function");
  SharedLibrary moved = std::move(libc);
  EXPECT_TRUE(moved);
  EXPECT_FALSE(libc);  // NOLINT(bugprone-use-after-move): the handle moved with it
}

TEST(SharedLibrary, MissingLibraryIsAnError) {
  SharedLibrary lib("libmoyin-missing.so.1");
  EXPECT_FALSE(lib);
  EXPECT_TRUE(lib.error().starts_with("libmoyin-missing.so.1 cannot be loaded (")) << lib.error();
  decltype(&std::strlen) fn = nullptr;
  EXPECT_FALSE(lib.resolve(fn, "strlen"));
}

}  // namespace
}  // namespace moyin::base
