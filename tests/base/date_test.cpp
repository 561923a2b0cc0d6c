#include "base/date.h"

#include <gtest/gtest.h>

namespace moyin::base {
namespace {

TEST(Date, AcceptsTheDocumentedForms) {
  for (const char* s :
       {"2025-10-28", "2025-10-28T05:54:14.065Z", "2025-10-28T05:54Z", "2025-10-28t05:54z",
        "2025-10-28 05:54:14 +0800", "2025-10-28T05:54:14-05:00", "2025-10-28 05:54+08",
        "2025-10-28T05:54:14,5", "  2025-10-28\t", "2024-02-29", "2016-12-31T23:59:60Z"})
    EXPECT_TRUE(parse_iso_date(s)) << s;
}

TEST(Date, RejectsEverythingElse) {
  for (const char* s : {"",
                        "2025",
                        "2025-10",
                        "2025-13-28",
                        "2025-00-10",
                        "2025-10-00",
                        "2025-02-29",
                        "2025-04-31",
                        "1900-02-29",
                        "2025-10-28T25:00",
                        "2025-10-28T24:00",
                        "2025-10-28T05:60",
                        "2025-10-28T05:54:61",
                        "28.10.2025",
                        "2025-10-28T05:54:14.Z",
                        "2025-10-28Tabc",
                        "2025-10-28T05",
                        "2025-10-28T05:54+",
                        "2025-10-28T05:54+8",
                        "2025-10-28T05:54+08:",
                        "2025-10-28T05:54+25:00",
                        "2025-10-28T05:54Zjunk",
                        "2025-W44-2",
                        "2025-301",
                        "２０２５-10-28",
                        "2025-10-28x"})
    EXPECT_FALSE(parse_iso_date(s)) << s;
}

TEST(Date, KeepsWhatWasWritten) {
  auto d = parse_iso_date("2025-10-28T05:54:14.065Z");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 2025);
  EXPECT_EQ(d->second, 14);
  EXPECT_TRUE(d->has_time);
  EXPECT_EQ(d->offset_minutes, 0);
  auto day = parse_iso_date("2025-10-28");
  ASSERT_TRUE(day);
  EXPECT_FALSE(day->has_time);
  EXPECT_FALSE(day->offset_minutes);
  auto z = parse_iso_date("2025-10-28 08:00+08:00");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->offset_minutes, 480);
  EXPECT_EQ(parse_iso_date("2025-10-28T05:54-0330")->offset_minutes, -210);
}

TEST(Date, EpochArithmetic) {
  EXPECT_EQ(to_epoch(*parse_iso_date("1970-01-01")), 0);
  EXPECT_EQ(to_epoch(*parse_iso_date("2023-11-14T22:13:20Z")), 1700000000);
  // The zone moves the instant: 08:00 in Beijing is midnight UTC.
  EXPECT_EQ(to_epoch(*parse_iso_date("2025-10-28 08:00+08:00")),
            to_epoch(*parse_iso_date("2025-10-28")));
  EXPECT_EQ(to_epoch(*parse_iso_date("1969-12-31T23:59:59Z")), -1);
  // A leap second counts as :59.
  EXPECT_EQ(to_epoch(*parse_iso_date("2016-12-31T23:59:60Z")),
            to_epoch(*parse_iso_date("2016-12-31T23:59:59Z")));
  const DateTime e = from_epoch(1700000000);
  EXPECT_EQ(e.year, 2023);
  EXPECT_EQ(e.month, 11);
  EXPECT_EQ(e.day, 14);
  EXPECT_EQ(e.hour, 22);
  EXPECT_EQ(e.minute, 13);
  EXPECT_EQ(e.second, 20);
  const DateTime before = from_epoch(-1);
  EXPECT_EQ(before.year, 1969);
  EXPECT_EQ(before.second, 59);
  EXPECT_EQ(from_epoch(to_epoch(*parse_iso_date("2000-02-29T12:00Z"))).day, 29);
}

TEST(Date, Formats) {
  EXPECT_EQ(format_day(0), "1970-01-01");
  EXPECT_EQ(format_utc(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(format_utc(to_epoch(*parse_iso_date("2025-10-28 13:00:00+08:00"))),
            "2025-10-28T05:00:00Z");
}

TEST(Date, SourceDateEpoch) {
  EXPECT_EQ(parse_source_date_epoch("1700000000"), 1700000000);
  EXPECT_EQ(parse_source_date_epoch("0"), 0);
  for (const char* s : {"", " 1", "1 ", "-1", "+1", "1.5", "abc", "1e9", "99999999999999999999"})
    EXPECT_FALSE(parse_source_date_epoch(s)) << s;
}

}  // namespace
}  // namespace moyin::base
