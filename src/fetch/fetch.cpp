// libcurl, one easy handle per hop, every connection's address checked.
#include "fetch/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>

namespace moyin::fetch {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

// One hop's state, shared with libcurl's callbacks.
struct Transfer {
  std::string body;
  uint64_t max_bytes = 0;
  bool too_large = false;
  bool allow_private = false;
  std::string refused;  // the address a connection was refused to
};

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (t->body.size() + bytes > t->max_bytes) {
    t->too_large = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  t->body.append(data, bytes);
  return bytes;
}

// Called with the address libcurl resolved, before it connects: the check
// sees the address really used (DNS rebinding cannot slip past it).
curl_socket_t on_open(void* user, curlsocktype purpose, curl_sockaddr* a) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && !t->allow_private) {
    sockaddr_storage st{};
    std::memcpy(&st, &a->addr, std::min<size_t>(a->addrlen, sizeof st));
    const unsigned char* bytes = nullptr;
    if (a->family == AF_INET)
      bytes =
          reinterpret_cast<const unsigned char*>(&reinterpret_cast<sockaddr_in*>(&st)->sin_addr);
    else if (a->family == AF_INET6)
      bytes =
          reinterpret_cast<const unsigned char*>(&reinterpret_cast<sockaddr_in6*>(&st)->sin6_addr);
    if (!bytes || is_private_address(a->family, bytes)) {
      char text[INET6_ADDRSTRLEN] = "?";
      if (bytes) ::inet_ntop(a->family, bytes, text, sizeof text);
      t->refused = text;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

bool is_http(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    return true;
  };
  return starts("http://") || starts("https://");
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// "scheme://host:port" of a URL (the port made explicit), "" when it cannot be parsed.
std::string origin_of(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
  std::string out;
  for (CURLUPart part : {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}) {
    char* value = nullptr;
    if (curl_url_get(u.get(), part, &value, CURLU_DEFAULT_PORT) != CURLUE_OK) return "";
    out += value;
    out += '|';
    curl_free(value);
  }
  return out;
}

std::string megabytes(uint64_t bytes) {
  return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MB"
                             : std::to_string(bytes) + " bytes";
}

// A response header's value ("" when absent).
std::string header(CURL* c, const char* name) {
  curl_header* h = nullptr;
  if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h || !h->value) return "";
  return h->value;
}

// The max-age of a Cache-Control header (a malformed one: 0); `no_cache` is
// set by no-store and no-cache.
std::optional<int64_t> max_age_of(std::string_view cache_control, bool& no_cache) {
  std::optional<int64_t> age;
  size_t at = 0;
  while (at < cache_control.size()) {
    size_t end = cache_control.find(',', at);
    if (end == std::string_view::npos) end = cache_control.size();
    std::string d;
    for (char ch : cache_control.substr(at, end - at))
      if (ch != ' ' && ch != '\t' && ch != '"')
        d += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    at = end + 1;
    if (d == "no-store" || d == "no-cache") no_cache = true;
    if (d.starts_with("max-age=")) {
      int64_t v = 0;
      const char* first = d.data() + 8;
      const auto [ptr, ec] = std::from_chars(first, d.data() + d.size(), v);
      age = ec == std::errc() && ptr == d.data() + d.size() && v >= 0 ? v : 0;
    }
  }
  return age;
}

}  // namespace

Freshness freshness(std::string_view cache_control, std::string_view expires,
                    std::string_view date) {
  Freshness f;
  bool no_cache = false;
  const std::optional<int64_t> age = max_age_of(cache_control, no_cache);
  if (no_cache) {
    f.max_age = 0;
    return f;
  }
  if (age) {
    f.max_age = age;
    return f;
  }
  if (expires.empty()) return f;
  const time_t until = curl_getdate(std::string(expires).c_str(), nullptr);
  if (until < 0) {  // "Expires: 0" and other invalid dates mean already expired
    f.max_age = 0;
    return f;
  }
  const time_t sent = date.empty() ? -1 : curl_getdate(std::string(date).c_str(), nullptr);
  if (sent >= 0) f.max_age = std::max<int64_t>(0, static_cast<int64_t>(until) - sent);
  else f.expires = static_cast<int64_t>(until);
  return f;
}

bool is_private_address(int family, const unsigned char* a) {
  if (family == AF_INET) {
    const unsigned b0 = a[0], b1 = a[1], b2 = a[2];
    return b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224 || (b0 == 100 && (b1 & 0xC0) == 64) ||
           (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xF0) == 16) ||
           (b0 == 192 && b1 == 0 && b2 == 0) || (b0 == 192 && b1 == 168) ||
           (b0 == 198 && (b1 & 0xFE) == 18);
  }
  if (family != AF_INET6) return true;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a, kMapped, 12) == 0 || std::memcmp(a, kNat64, 12) == 0)
    return is_private_address(AF_INET, a + 12);
  bool zero_head = true;  // :: and ::1
  for (int i = 0; i < 15; ++i) zero_head &= a[i] == 0;
  return (zero_head && a[15] <= 1) || (a[0] & 0xFE) == 0xFC ||
         (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) || a[0] == 0xFF;
}

Client::Client() : ready_(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK) {}

Client::~Client() {
  if (ready_) curl_global_cleanup();
}

Response Client::get(std::string_view url, const Limits& limits,
                     const Validators& validators) const {
  using Clock = std::chrono::steady_clock;
  Response r;
  if (!ready_) {
    r.error = "libcurl could not be initialised";
    return r;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(limits.timeout_ms);
  const std::string seconds = std::to_string(limits.timeout_ms / 1000) + " s";
  std::string current(url);
  const std::string origin = limits.private_origin ? origin_of(current) : std::string();
  for (int hop = 0;; ++hop) {
    if (!is_http(current)) {
      r.error = hop ? "a redirect to " + current + " (only http and https are followed)"
                    : "only http and https URLs are downloaded";
      return r;
    }
    const long left = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) {
      r.error = "no answer within " + seconds;
      return r;
    }
    Easy easy(curl_easy_init());
    if (!easy) {
      r.error = "libcurl could not start a download";
      return r;
    }
    CURL* c = easy.get();
    Transfer t;
    t.max_bytes = limits.max_bytes;
    // The URL as written, or a redirect back to the same scheme, host and port.
    t.allow_private =
        limits.private_origin && !origin.empty() && (hop == 0 || origin_of(current) == origin);
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, current.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // each hop is checked here
    curl_easy_setopt(c, CURLOPT_PROXY, "");           // no proxy from the environment
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);  // every connection goes through on_open
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, limits.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Moyin (image download)");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    std::unique_ptr<curl_slist, SlistDeleter> conditional;
    for (const auto& [name, value] : {std::pair{"If-None-Match: ", &validators.etag},
                                      std::pair{"If-Modified-Since: ", &validators.last_modified}})
      if (!value->empty() && value->find_first_of("\r\n") == std::string::npos) {
        curl_slist* grown = curl_slist_append(conditional.get(), (name + *value).c_str());
        if (grown) {
          conditional.release();
          conditional.reset(grown);
        }
      }
    if (conditional) curl_easy_setopt(c, CURLOPT_HTTPHEADER, conditional.get());
    const CURLcode rc = curl_easy_perform(c);
    if (!t.refused.empty()) {
      r.error = std::string(hop ? "a redirect leads to " : "") +
                "the private or loopback address " + t.refused + " (refused)";
      return r;
    }
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      r.error = "larger than " + megabytes(limits.max_bytes);
      return r;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      r.error = "no answer within " + seconds;
      return r;
    }
    if (rc != CURLE_OK) {
      r.error = error[0] ? std::string(error) : std::string(curl_easy_strerror(rc));
      return r;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 300 && status < 400) {
      char* next = nullptr;
      curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
      curl_header* location = nullptr;  // as sent, when libcurl would not follow it
      if (!next && curl_easy_header(c, "Location", 0, CURLH_HEADER, -1, &location) == CURLHE_OK)
        next = location->value;
      if (!next) {
        r.error = "HTTP status " + std::to_string(status) + " without a Location";
        return r;
      }
      if (hop >= limits.max_redirects) {
        r.error = "more than " + std::to_string(limits.max_redirects) + " redirects";
        return r;
      }
      current = next;
      continue;
    }
    if (status != 200 && !(status == 304 && conditional)) {
      r.error = "HTTP status " + std::to_string(status);
      return r;
    }
    r.validators = {header(c, "ETag"), header(c, "Last-Modified")};
    r.freshness = freshness(header(c, "Cache-Control"), header(c, "Expires"), header(c, "Date"));
    if (status == 304) r.not_modified = true;
    else r.body = std::move(t.body);
    return r;
  }
}

}  // namespace moyin::fetch
