#include "services/designation/designation_timeline.h"

#include "common/dates.h"

namespace kexport::designation {

absl::CivilDay LastDayAfterYears(absl::CivilDay day, int years) {
  // 29 February plus years lands on 1 March when the year is not a leap year.
  absl::CivilDay anniversary(day.year() + years, day.month(), day.day());
  return anniversary - 1;
}

std::optional<absl::CivilDay> EndedOn(const v1::Designation& designation) {
  if (designation.state() != v1::DESIGNATION_STATE_REVOKED &&
      designation.state() != v1::DESIGNATION_STATE_SUPERSEDED) {
    return std::nullopt;
  }
  for (auto it = designation.history().rbegin(); it != designation.history().rend(); ++it) {
    if (it->to_state() == designation.state() && it->from_state() != it->to_state()) {
      return KoreanDay(FromTimestamp(it->event_time()));
    }
  }
  return std::nullopt;
}

bool InForceOn(const v1::Designation& designation, absl::CivilDay day) {
  if (day < ToCivilDay(designation.valid_from()) ||
      day > ToCivilDay(designation.valid_until())) {
    return false;
  }
  std::optional<absl::CivilDay> ended = EndedOn(designation);
  return !ended || day < *ended;
}

v1::Designation AsOf(v1::Designation designation, absl::CivilDay day) {
  if (designation.state() == v1::DESIGNATION_STATE_ACTIVE &&
      day > ToCivilDay(designation.valid_until())) {
    designation.set_state(v1::DESIGNATION_STATE_EXPIRED);
    designation.set_state_reason("expired");
  }
  return designation;
}

v1::Grade GradeOn(const v1::Designation& designation, absl::CivilDay day) {
  v1::Grade grade = v1::GRADE_UNSPECIFIED;
  for (const auto& event : designation.history()) {
    if (KoreanDay(FromTimestamp(event.event_time())) > day) {
      break;
    }
    grade = event.to_grade();
  }
  return grade == v1::GRADE_UNSPECIFIED ? designation.grade() : grade;
}

}  // namespace kexport::designation
