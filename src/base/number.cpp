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

namespace {

// The general case: std::to_chars, trailing zeros and a bare point dropped.
void append_compact_slow(std::string& out, double v, int decimals) {
  std::string s = fixed(v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  out += s;
}

}  // namespace

void append_compact(std::string& out, double v, int decimals) {
  if (!std::isfinite(v)) v = 0;
  static constexpr double kScale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  if (decimals < 0 || decimals > 6) return append_compact_slow(out, v, decimals);
  const double scaled = std::abs(v) * kScale[decimals];
  // Rounded here only when the product is far from a tie: its error (half an
  // ulp, under 1e-6 below 2^31) then cannot change the digit to_chars picks
  // from the exact binary value.
  const double floor = std::floor(scaled);
  const double frac = scaled - floor;
  if (!(scaled < 2147483647.0) || std::abs(frac - 0.5) < 1e-6)
    return append_compact_slow(out, v, decimals);
  auto units = static_cast<uint64_t>(floor) + (frac > 0.5 ? 1 : 0);
  if (units == 0) {
    out += '0';
    return;
  }
  // Formatted in place, then appended once (the PDF writer's hot path).
  char buf[40];
  char* p = buf;
  if (v < 0) *p++ = '-';
  const uint64_t divisor = static_cast<uint64_t>(kScale[decimals]);
  p = std::to_chars(p, buf + sizeof buf, units / divisor).ptr;
  if (uint64_t rest = units % divisor) {
    int n = decimals;
    while (rest % 10 == 0) {  // trailing zeros dropped
      rest /= 10;
      --n;
    }
    *p++ = '.';
    for (int i = n - 1; i >= 0; --i, rest /= 10)  // with the fraction's leading zeros
      p[i] = static_cast<char>('0' + rest % 10);
    p += n;
  }
  out.append(buf, static_cast<size_t>(p - buf));
}

std::string compact(double v, int decimals) {
  std::string s;
  append_compact(s, v, decimals);
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
