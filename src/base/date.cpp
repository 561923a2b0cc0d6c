#include "base/date.h"

#include <charconv>

#include "base/number.h"

namespace moyin::base {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// A cursor over the text with the few reads the grammar needs.
struct Reader {
  std::string_view s;
  size_t i = 0;

  bool digits(int n, int& out) {
    if (i + n > s.size()) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += n;
    out = v;
    return true;
  }
  bool lit(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool done() const { return i == s.size(); }
};

}  // namespace

std::optional<DateTime> parse_iso_date(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  Reader r{s};
  DateTime d;
  if (!r.digits(4, d.year) || !r.lit('-') || !r.digits(2, d.month) || !r.lit('-') ||
      !r.digits(2, d.day))
    return std::nullopt;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
    return std::nullopt;
  if (r.done()) return d;
  if (!r.lit('T') && !r.lit('t') && !r.lit(' ')) return std::nullopt;
  d.has_time = true;
  if (!r.digits(2, d.hour) || !r.lit(':') || !r.digits(2, d.minute)) return std::nullopt;
  if (r.lit(':')) {
    if (!r.digits(2, d.second)) return std::nullopt;
    if (r.lit('.') || r.lit(',')) {
      const size_t frac = r.i;
      while (r.i < s.size() && s[r.i] >= '0' && s[r.i] <= '9') ++r.i;
      if (r.i == frac) return std::nullopt;  // "14." is not a fraction
    }
  }
  if (d.hour > 23 || d.minute > 59 || d.second > 60) return std::nullopt;
  while (r.i < s.size() && is_blank(s[r.i])) ++r.i;
  if (r.done()) return d;
  if (r.lit('Z') || r.lit('z')) {
    d.offset_minutes = 0;
  } else if (s[r.i] == '+' || s[r.i] == '-') {
    const int sign = s[r.i++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!r.digits(2, oh)) return std::nullopt;
    const bool colon = r.lit(':');
    if ((colon || !r.done()) && !r.digits(2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    d.offset_minutes = sign * (oh * 60 + om);
  }
  if (!r.done()) return std::nullopt;
  return d;
}

int64_t to_epoch(const DateTime& d) {
  const int second = d.second > 59 ? 59 : d.second;
  return days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600 + d.minute * 60 + second -
         int64_t{d.offset_minutes.value_or(0)} * 60;
}

DateTime from_epoch(int64_t epoch) {
  const int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
  const int64_t secs = epoch - days * 86400;
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  DateTime t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2));
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  t.has_time = true;
  t.offset_minutes = 0;
  return t;
}

std::string format_day(int64_t epoch) {
  const DateTime t = from_epoch(epoch);
  std::string out;
  append_integer(out, t.year, 4);
  out += '-';
  append_integer(out, t.month, 2);
  out += '-';
  append_integer(out, t.day, 2);
  return out;
}

std::string format_utc(int64_t epoch) {
  const DateTime t = from_epoch(epoch);
  std::string out = format_day(epoch);
  out += 'T';
  append_integer(out, t.hour, 2);
  out += ':';
  append_integer(out, t.minute, 2);
  out += ':';
  append_integer(out, t.second, 2);
  out += 'Z';
  return out;
}

std::optional<int64_t> parse_source_date_epoch(std::string_view text) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  int64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace moyin::base
