// The address policy of --fetch (the downloads themselves are tested
// against a local server in tests/cli/blog_test.cpp).
#include "fetch/fetch.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>

namespace moyin::fetch {
namespace {

bool is_private(const std::string& text) {
  unsigned char bytes[16] = {};
  const int family = text.find(':') == std::string::npos ? AF_INET : AF_INET6;
  EXPECT_EQ(inet_pton(family, text.c_str(), bytes), 1) << text;
  return is_private_address(family, bytes);
}

TEST(Fetch, PrivateLoopbackAndReservedAddressesAreRefused) {
  for (const char* a : {"0.0.0.0",
                        "10.1.2.3",
                        "100.64.0.1",
                        "100.127.255.255",
                        "127.0.0.1",
                        "127.8.9.10",
                        "169.254.169.254",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.0.0.8",
                        "192.168.1.1",
                        "198.18.0.1",
                        "198.19.255.255",
                        "224.0.0.1",
                        "240.0.0.1",
                        "255.255.255.255",
                        "::",
                        "::1",
                        "fc00::1",
                        "fd12:3456::1",
                        "fe80::1",
                        "febf::1",
                        "ff02::1",
                        "::ffff:127.0.0.1",
                        "::ffff:10.0.0.1",
                        "64:ff9b::a9fe:a9fe"})
    EXPECT_TRUE(is_private(a)) << a;
}

TEST(Fetch, PublicAddressesAreAllowed) {
  for (const char* a :
       {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
        "192.0.2.1", "192.169.0.1", "198.17.0.1", "198.20.0.1", "223.255.255.255", "2001:db8::1",
        "2606:4700::1111", "fec0::1", "::ffff:8.8.8.8", "64:ff9b::808:808"})
    EXPECT_FALSE(is_private(a)) << a;
}

TEST(Fetch, OnlyHttpAndHttpsAreRequested) {
  Client client;
  Limits limits;
  limits.timeout_ms = 2000;
  EXPECT_FALSE(client.get("file:///etc/passwd", limits).body);
  EXPECT_FALSE(client.get("ftp://127.0.0.1/x.png", limits).body);
  // Refused before any connection: no server needed.
  const Response r = client.get("http://127.0.0.1:9/x.png", limits);
  EXPECT_FALSE(r.body);
  EXPECT_EQ(r.error, "the private or loopback address 127.0.0.1 (refused)");
}

// libcurl is loaded at run time: when it is not installed, every download
// fails with one message naming it, and nothing crashes.
TEST(Fetch, MissingLibcurlIsNamed) {
  const Client client("libcurl-moyin-missing.so.4");
  EXPECT_NE(client.error().find("libcurl-moyin-missing.so.4 cannot be loaded"), std::string::npos)
      << client.error();
  const Response r = client.get("https://example.com/x.png", Limits{});
  EXPECT_FALSE(r.body);
  EXPECT_EQ(r.error, client.error());
  EXPECT_EQ(Client().error(), "");
}

}  // namespace
}  // namespace moyin::fetch

namespace moyin::fetch {
namespace {

// How long an answer stays fresh, from its caching headers (RFC 9111 §4.2.1).
TEST(Fetch, FreshnessComesFromCacheControlThenExpires) {
  const char* date = "Wed, 21 Oct 2015 07:28:00 GMT";
  EXPECT_EQ(freshness("max-age=3600", "", "").max_age, 3600);
  EXPECT_EQ(freshness("public, Max-Age=\"60\"", "", "").max_age, 60);
  // no-cache and no-store win over max-age: revalidated on every use.
  EXPECT_EQ(freshness("max-age=3600, no-cache", "", "").max_age, 0);
  EXPECT_EQ(freshness("no-store", "", "").max_age, 0);
  EXPECT_EQ(freshness("max-age=oops", "", "").max_age, 0);
  // max-age wins over Expires; Expires counts from Date.
  EXPECT_EQ(freshness("max-age=5", "Wed, 21 Oct 2015 08:28:00 GMT", date).max_age, 5);
  EXPECT_EQ(freshness("", "Wed, 21 Oct 2015 08:28:00 GMT", date).max_age, 3600);
  EXPECT_EQ(freshness("", "Wed, 21 Oct 2015 06:28:00 GMT", date).max_age, 0);  // past
  EXPECT_EQ(freshness("", "0", date).max_age, 0);  // invalid: already expired
  // Without Date, the absolute time.
  const Freshness absolute = freshness("", "Wed, 21 Oct 2015 08:28:00 GMT", "");
  EXPECT_FALSE(absolute.max_age);
  EXPECT_EQ(absolute.expires, 1445416080);
  // The three forms of an HTTP date; anything else is not one.
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_FALSE(parse_http_date("0"));
  EXPECT_FALSE(parse_http_date("tomorrow"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:00:00 GMT"));
  // Nothing said: the caller's default.
  EXPECT_FALSE(freshness("public", "", "").max_age);
  EXPECT_FALSE(freshness("", "", "").expires);
}

}  // namespace
}  // namespace moyin::fetch
