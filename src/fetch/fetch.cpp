// libcurl, one easy handle per hop, every connection's address checked.
// libcurl is loaded at run time (base::SharedLibrary); its header gives the
// types of the function pointers, so every call is checked by the compiler.
#include "fetch/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>

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
           lib.resolve(url_set, "curl_url_set") && lib.resolve(url_get, "curl_url_get");
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

}  // namespace

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

Response Client::get(std::string_view url, const Limits& limits) const {
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
    if (status != 200) {
      r.error = "HTTP status " + std::to_string(status);
      return r;
    }
    r.body = std::move(t.body);
    return r;
  }
}

}  // namespace moyin::fetch
