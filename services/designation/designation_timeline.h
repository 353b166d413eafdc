// A designation's life in calendar days (Korea's calendar): in force from
// valid_from to valid_until, unless revoked or superseded first. States and
// grades "as of" a day are derived from the record and its history, so
// expiry needs no job: it follows the service's clock.
//
//   if (InForceOn(designation, today)) { ... }
#pragma once

#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/dates.h"
#include "google/type/date.pb.h"
#include "kexport/designation/v1/designation.pb.h"

namespace kexport::designation {

// `day` plus `years` years, minus one day: the last day of a validity.
absl::CivilDay LastDayAfterYears(absl::CivilDay day, int years);

// Whether the designation was in force on `day`.
bool InForceOn(const v1::Designation& designation, absl::CivilDay day);

// The designation as of `day`: ACTIVE past valid_until reads EXPIRED.
v1::Designation AsOf(v1::Designation designation, absl::CivilDay day);

// The grade it held at the end of `day`.
v1::Grade GradeOn(const v1::Designation& designation, absl::CivilDay day);

// The day it left ACTIVE by revocation or supersession, if it did.
std::optional<absl::CivilDay> EndedOn(const v1::Designation& designation);

}  // namespace kexport::designation
