#include "base/data_uri.h"

#include <gtest/gtest.h>

namespace moyin::base {
namespace {

TEST(DataUri, Base64WithMediaTypeAndWrappedLines) {
  auto d = parse_data_uri("DATA:Image/PNG;charset=x;base64,aGVs\n  bG8=");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->media_type, "image/png");
  EXPECT_EQ(d->bytes, "hello");
  EXPECT_EQ(parse_data_uri("data:;base64,AAEC")->bytes, std::string("\0\1\2", 3));
  EXPECT_EQ(parse_data_uri("data:,a%20b%2")->bytes, "a b%2");  // percent-encoded, a bad escape kept
}

TEST(DataUri, NotADataUriOrBrokenBase64) {
  EXPECT_FALSE(parse_data_uri("picture.png"));
  EXPECT_FALSE(parse_data_uri("data:image/png;base64"));        // no comma
  EXPECT_FALSE(parse_data_uri("data:image/png;base64,a*bc"));   // not base64
  EXPECT_FALSE(parse_data_uri("data:image/png;base64,aGVsb"));  // a lone sixth of a byte
  EXPECT_FALSE(parse_data_uri("data:image/png;base64,aG=Vs"));  // data after padding
}

}  // namespace
}  // namespace moyin::base
