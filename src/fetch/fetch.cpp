// libcurl, one easy handle per hop, every connection's address checked.
// libcurl is loaded at run time (base::SharedLibrary); its header gives the
// types of the function pointers, so every call is checked by the compiler.
#include "fetch/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include "base/date.h"
#include "base/shared_library.h"

namespace moyin::fetch {

// The functions of libcurl the downloads call.
struct Client::Api {
  base::SharedLibrary lib;
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_global_cleanup) global_cleanup = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_header) easy_header = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_free) free = nullptr;
  decltype(&curl_url) url = nullptr;
  decltype(&curl_url_cleanup) url_cleanup = nullptr;
  decltype(&curl_url_set) url_set = nullptr;
  decltype(&curl_url_get) url_get = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;

  explicit Api(const std::string& name) : lib(name) {}
  // True when every function was found (else lib.error() says which is not).
  bool resolve() {
    return lib.resolve(global_init, "curl_global_init") &&
           lib.resolve(global_cleanup, "curl_global_cleanup") &&
           lib.resolve(easy_init, "curl_easy_init") &&
           lib.resolve(easy_cleanup, "curl_easy_cleanup") &&
           lib.resolve(easy_setopt, "curl_easy_setopt") &&
           lib.resolve(easy_perform, "curl_easy_perform") &&
           lib.resolve(easy_getinfo, "curl_easy_getinfo") &&
           lib.resolve(easy_header, "curl_easy_header") &&
           lib.resolve(easy_strerror, "curl_easy_strerror") && lib.resolve(free, "curl_free") &&
           lib.resolve(url, "curl_url") && lib.resolve(url_cleanup, "curl_url_cleanup") &&
           lib.resolve(url_set, "curl_url_set") && lib.resolve(url_get, "curl_url_get") &&
           lib.resolve(slist_append, "curl_slist_append") &&
           lib.resolve(slist_free_all, "curl_slist_free_all");
  }
};

namespace {

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

// "scheme://host:port" of a URL (the port made explicit), "" when it cannot be parsed.
template <class Api>
std::string origin_of(const Api& f, const std::string& url) {
  auto cleanup = [&f](CURLU* u) { f.url_cleanup(u); };
  std::unique_ptr<CURLU, decltype(cleanup)> u(f.url(), cleanup);
  if (!u || f.url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
  std::string out;
  for (CURLUPart part : {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}) {
    char* value = nullptr;
    if (f.url_get(u.get(), part, &value, CURLU_DEFAULT_PORT) != CURLUE_OK) return "";
    out += value;
    out += '|';
    f.free(value);
  }
  return out;
}

std::string megabytes(uint64_t bytes) {
  return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MB"
                             : std::to_string(bytes) + " bytes";
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
      const auto [ptr, ec] = std::from_chars(d.data() + 8, d.data() + d.size(), v);
      age = ec == std::errc() && ptr == d.data() + d.size() && v >= 0 ? v : 0;
    }
  }
  return age;
}

}  // namespace

std::optional<int64_t> parse_http_date(std::string_view text) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  // The three forms share their fields: a month name, a day, a year and
  // hh:mm:ss, in different orders and separators; the weekday is ignored.
  int month = 0, day = -1, year = -1, hms[3] = {-1, -1, -1};
  size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && (text[at] == ' ' || text[at] == ',' || text[at] == '-')) ++at;
    size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != ',' && text[end] != '-') ++end;
    const std::string_view word = text.substr(at, end - at);
    at = end;
    if (word.empty()) continue;
    if (word.find(':') != std::string_view::npos) {
      if (std::sscanf(std::string(word).c_str(), "%2d:%2d:%2d", &hms[0], &hms[1], &hms[2]) != 3)
        return std::nullopt;
    } else if (std::isdigit(static_cast<unsigned char>(word[0]))) {
      int v = 0;
      const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
      if (ec != std::errc() || ptr != word.data() + word.size()) return std::nullopt;
      if (word.size() <= 2 && day < 0) day = v;
      else if (year < 0) year = word.size() == 2 ? (v < 70 ? 2000 + v : 1900 + v) : v;
      else return std::nullopt;
    } else if (word.size() >= 3 && month == 0) {
      std::string lower;
      for (char ch : word.substr(0, 3))
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      for (int m = 0; m < 12; ++m)
        if (lower == kMonths[m] && word.size() == 3) month = m + 1;
    }
  }
  if (month == 0 || day < 1 || day > 31 || year < 1970 || hms[0] < 0 || hms[0] > 23 || hms[1] < 0 ||
      hms[1] > 59 || hms[2] < 0 || hms[2] > 60)
    return std::nullopt;
  base::DateTime d;
  d.year = year;
  d.month = month;
  d.day = day;
  d.hour = hms[0];
  d.minute = hms[1];
  d.second = hms[2];
  return base::to_epoch(d);
}

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
  const std::optional<int64_t> until = parse_http_date(expires);
  if (!until) {  // "Expires: 0" and other invalid dates mean already expired
    f.max_age = 0;
    return f;
  }
  const std::optional<int64_t> sent = parse_http_date(date);
  if (sent) f.max_age = std::max<int64_t>(0, *until - *sent);
  else f.expires = until;
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

Client::Client(const std::string& library) : api_(std::make_unique<Api>(library)) {
  if (!api_->resolve()) error_ = api_->lib.error();
  else if (api_->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    error_ = library + " could not be initialised";
}

Client::~Client() {
  if (error_.empty()) api_->global_cleanup();
}

Response Client::get(std::string_view url, const Limits& limits,
                     const Validators& validators) const {
  using Clock = std::chrono::steady_clock;
  Response r;
  if (!error_.empty()) {
    r.error = error_;
    return r;
  }
  const Api& f = *api_;
  auto easy_cleanup = [&f](CURL* c) { f.easy_cleanup(c); };
  const auto deadline = Clock::now() + std::chrono::milliseconds(limits.timeout_ms);
  const std::string seconds = std::to_string(limits.timeout_ms / 1000) + " s";
  std::string current(url);
  const std::string origin = limits.private_origin ? origin_of(f, current) : std::string();
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
    std::unique_ptr<CURL, decltype(easy_cleanup)> easy(f.easy_init(), easy_cleanup);
    if (!easy) {
      r.error = "libcurl could not start a download";
      return r;
    }
    CURL* c = easy.get();
    Transfer t;
    t.max_bytes = limits.max_bytes;
    // The URL as written, or a redirect back to the same scheme, host and port.
    t.allow_private =
        limits.private_origin && !origin.empty() && (hop == 0 || origin_of(f, current) == origin);
    char error[CURL_ERROR_SIZE] = "";
    f.easy_setopt(c, CURLOPT_URL, current.c_str());
    f.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    f.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // each hop is checked here
    f.easy_setopt(c, CURLOPT_PROXY, "");           // no proxy from the environment
    f.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    f.easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);  // every connection goes through on_open
    f.easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    f.easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open);
    f.easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
    f.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    f.easy_setopt(c, CURLOPT_WRITEDATA, &t);
    f.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
    f.easy_setopt(c, CURLOPT_TIMEOUT_MS, left);
    f.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, limits.connect_timeout_ms);
    f.easy_setopt(c, CURLOPT_USERAGENT, "Moyin (image download)");
    f.easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    // A conditional GET: the cached copy's validators (never with a line break).
    auto free_list = [&f](curl_slist* l) { f.slist_free_all(l); };
    std::unique_ptr<curl_slist, decltype(free_list)> conditional(nullptr, free_list);
    for (const auto& [name, value] : {std::pair{"If-None-Match: ", &validators.etag},
                                      std::pair{"If-Modified-Since: ", &validators.last_modified}})
      if (!value->empty() && value->find_first_of("\r\n") == std::string::npos)
        if (curl_slist* grown = f.slist_append(conditional.get(), (name + *value).c_str())) {
          (void)conditional.release();
          conditional.reset(grown);
        }
    if (conditional) f.easy_setopt(c, CURLOPT_HTTPHEADER, conditional.get());
    const CURLcode rc = f.easy_perform(c);
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
      r.error = error[0] ? std::string(error) : std::string(f.easy_strerror(rc));
      return r;
    }
    long status = 0;
    f.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    auto header = [&](const char* name) {  // "" when absent
      curl_header* h = nullptr;
      return f.easy_header(c, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h && h->value
                 ? std::string(h->value)
                 : std::string();
    };
    const bool not_modified = status == 304 && conditional;
    if (status == 200 || not_modified) {
      r.validators = {header("ETag"), header("Last-Modified")};
      r.freshness = freshness(header("Cache-Control"), header("Expires"), header("Date"));
      if (not_modified) r.not_modified = true;
      else r.body = std::move(t.body);
      return r;
    }
    if (status >= 300 && status < 400) {
      char* next = nullptr;
      f.easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
      curl_header* location = nullptr;  // as sent, when libcurl would not follow it
      if (!next && f.easy_header(c, "Location", 0, CURLH_HEADER, -1, &location) == CURLHE_OK)
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
    r.error = "HTTP status " + std::to_string(status);
    return r;
  }
}

}  // namespace moyin::fetch
