#include "base/number.h"

#include <charconv>
#include <cmath>

namespace moyin::base {

std::string fixed(double v, int decimals) {
  if (std::isfinite(v) && std::abs(v) < 0.5 * std::pow(10.0, -decimals)) v = 0;  // no "-0.00"
  char buf[400];  // DBL_MAX in fixed notation fits
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return std::string(buf, r.ec == std::errc() ? r.ptr : buf);
}

std::string compact(double v, int decimals) {
  if (!std::isfinite(v)) v = 0;
  std::string s = fixed(v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

void append_integer(std::string& out, int64_t v, int width) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  const bool negative = v < 0;
  if (negative) out += '-';
  const char* digits = negative ? buf + 1 : buf;
  for (auto n = r.ptr - digits; n < width; ++n) out += '0';
  out.append(digits, static_cast<size_t>(r.ptr - digits));
}

std::string integer(int64_t v, int width) {
  std::string out;
  append_integer(out, v, width);
  return out;
}

}  // namespace moyin::base
