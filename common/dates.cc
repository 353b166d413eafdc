#include "common/dates.h"

#include "absl/time/clock.h"

namespace kexport {

bool DateValid(const google::type::Date& date) {
  if (date.year() < 1 || date.year() > 9999 || date.month() < 1 ||
      date.month() > 12 || date.day() < 1 || date.day() > 31) {
    return false;
  }
  // CivilDay normalises 2023-02-30 to 2023-03-02; a real day survives as is.
  absl::CivilDay day(date.year(), date.month(), date.day());
  return day.month() == date.month() && day.day() == date.day();
}

absl::CivilDay ToCivilDay(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  int64_t micros = absl::ToUnixMicros(time);
  timestamp.set_seconds(micros / 1000000);
  timestamp.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return timestamp;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

int64_t TimestampMicros(const google::protobuf::Timestamp& timestamp) {
  return absl::ToUnixMicros(FromTimestamp(timestamp));
}

google::type::Date ToDate(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::TimeZone KoreaTimeZone() {
  // Built once: each FixedTimeZone names the zone and looks it up under a
  // global lock, and cached look-ups ask for today on every call.
  static const absl::TimeZone zone = absl::FixedTimeZone(9 * 60 * 60);
  return zone;
}

absl::CivilDay KoreanDay(absl::Time time) { return absl::ToCivilDay(time, KoreaTimeZone()); }

}  // namespace kexport
