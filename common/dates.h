// Calendar dates as google.type.Date, validated as real days, and instants
// as google.protobuf.Timestamp.
//
//   if (!DateValid(firm.founding_date())) { ... }
#pragma once

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace kexport {

// True for a complete, existing calendar day (no zero month or day, no
// 30 February).
bool DateValid(const google::type::Date& date);

absl::CivilDay ToCivilDay(const google::type::Date& date);
google::type::Date ToDate(absl::CivilDay day);

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);
// Microseconds since the Unix epoch, as stores keep instants.
int64_t TimestampMicros(const google::protobuf::Timestamp& timestamp);

// Korea (UTC+9, no daylight saving): the calendar the programmes run on.
absl::TimeZone KoreaTimeZone();
absl::CivilDay KoreanDay(absl::Time time);

}  // namespace kexport
