// Downloading one http(s) resource under limits, for `--fetch`: only http
// and https, redirects followed one by one (a redirect to file: or any other
// scheme is refused), the address of every connection checked before it is
// made (loopback, private, link-local, multicast and reserved addresses are
// refused; a URL as written may be allowed one on request, and a redirect
// back to its own scheme, host and port, never a redirect elsewhere),
// a size limit (Content-Length and the bytes received) and a time limit for
// the whole download. No proxy, no cookies, no credentials.
// The only folder that includes libcurl's headers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace moyin::fetch {

struct Limits {
  uint64_t max_bytes = 32ull << 20;  // the body; a larger one is refused
  long timeout_ms = 30'000;          // the whole download, redirects included
  long connect_timeout_ms = 10'000;  // each connection
  int max_redirects = 5;
  // The URL as written may name a loopback or private address (an intranet
  // server, a test), and so may a redirect to the same scheme, host and
  // port; any other host a redirect leads to may not, whatever this says.
  bool private_origin = false;
};

// A cached copy's validators, sent for a conditional GET (If-None-Match,
// If-Modified-Since): a server that still has the same resource answers 304.
struct Validators {
  std::string etag;           // as the server sent it, quotes and W/ included
  std::string last_modified;  // the Last-Modified value as sent
};

// How long an answer stays fresh, from its caching headers (RFC 9111 §4.2.1):
// `Cache-Control: no-store`, `no-cache` or `max-age=0` → 0 (revalidate on
// every use); `max-age=N` → N; else `Expires` − `Date` (an invalid or past
// Expires → 0); when there is no Date the absolute Expires time is given
// instead. Nothing when the headers say nothing (the caller's default).
struct Freshness {
  std::optional<int64_t> max_age;  // seconds from the answer
  std::optional<int64_t> expires;  // seconds since 1970 (Expires without Date)
};
Freshness freshness(std::string_view cache_control, std::string_view expires,
                    std::string_view date);

// An HTTP date (RFC 9110 §5.6.7: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
// and the obsolete RFC 850 and asctime forms) as seconds since 1970.
std::optional<int64_t> parse_http_date(std::string_view text);

struct Response {
  std::optional<std::string> body;  // nothing on failure and on 304
  bool not_modified = false;        // 304 to a conditional GET: the cached copy is current
  std::string error;                // why ("" on success)
  // The final answer's caching headers.
  Validators validators;
  Freshness freshness;
};

// The SONAME of the libcurl the headers describe. libcurl is not linked into
// Moyin (it brings TLS, Kerberos, LDAP and SSH libraries to every process
// start): a Client loads it.
inline constexpr const char* kCurlLibrary = "libcurl.so.4";

// libcurl loaded and initialised for the process while it lives: make one
// before any thread downloads (the CLI does, once per run, and only for
// `--fetch`), and call get() from any thread.
class Client {
 public:
  explicit Client(const std::string& library = kCurlLibrary);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // "" when libcurl is ready; else why not ("libcurl.so.4 cannot be loaded (…)").
  const std::string& error() const { return error_; }

  // GET `url` (http or https), following redirects under `limits`; with
  // `validators`, a conditional GET (a 304 answer sets `not_modified`).
  Response get(std::string_view url, const Limits& limits, const Validators& validators = {}) const;

 private:
  struct Api;
  std::unique_ptr<Api> api_;
  std::string error_;
};

// True for an address no download may reach by a redirect: IPv4 0/8, 10/8,
// 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16,
// 198.18/15, 224/4 and above; IPv6 ::, ::1, fc00::/7, fe80::/10, ff00::/8,
// and IPv4-mapped or NAT64 forms of the above. `family` is AF_INET or
// AF_INET6, `addr` the address bytes in network order (4 or 16).
bool is_private_address(int family, const unsigned char* addr);

}  // namespace moyin::fetch
