// The one ISO 8601 date reader and the calendar arithmetic the outputs need
// (EPUB dc:date / dcterms:modified, ZIP times, PDF CreationDate), and the one
// reading of a SOURCE_DATE_EPOCH value. No clock and no time zone database:
// every date comes from the manuscript or from the value the CLI read once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moyin::base {

struct DateTime {
  int year = 1970, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;  // second may be 60 (a leap second)
  bool has_time = false;                 // a time of day was written
  // Minutes east of UTC as written (+08:00 → 480); nullopt when no zone was
  // given ("Z" gives 0), which is read as UTC.
  std::optional<int> offset_minutes;
};

// Reads the date forms front matter uses. Accepted, with blanks around the
// whole ignored:
//   YYYY-MM-DD
//   YYYY-MM-DD(T|t|space)hh:mm[:ss[(.|,)fraction]][blanks][Z|z|±hh[[:]mm]]
// The day must exist in its month (2024-02-29 yes, 2025-02-29 no); hh 00–23,
// mm 00–59, ss 00–60, zone hours 00–23. The fraction is read and dropped.
// Anything else (no zone-less "24:00", week dates, ordinal dates, a time
// without a date) is nullopt, so every stage agrees on what is a date.
std::optional<DateTime> parse_iso_date(std::string_view text);

// Seconds since 1970-01-01T00:00:00Z (a leap second counts as :59).
int64_t to_epoch(const DateTime& d);
// The UTC calendar date and time of `epoch` (offset_minutes = 0).
DateTime from_epoch(int64_t epoch);

std::string format_day(int64_t epoch);  // 2025-10-28
std::string format_utc(int64_t epoch);  // 2025-10-28T05:54:14Z

// A SOURCE_DATE_EPOCH value (reproducible-builds.org): ASCII decimal digits,
// seconds since the epoch, nothing else (no sign, blanks, fraction). nullopt
// when the text is anything else or does not fit.
std::optional<int64_t> parse_source_date_epoch(std::string_view text);

}  // namespace moyin::base
