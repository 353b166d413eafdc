// Calendar dates as google.type.Date, validated as real days, and instants
// as google.protobuf.Timestamp.
//
//   if (!DateValid(firm.founding_date())) { ... }
#pragma once

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace kexport {

// True for a complete, existing calendar day (no zero month or day, no
// 30 February).
bool DateValid(const google::type::Date& date);

absl::CivilDay ToCivilDay(const google::type::Date& date);

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

// Today in Korea (UTC+9), the calendar the programmes run on.
absl::CivilDay TodayInKorea();

}  // namespace kexport
