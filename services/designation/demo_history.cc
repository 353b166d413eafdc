#include "services/designation/demo_history.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/brn.h"
#include "common/dates.h"
#include "common/macros.h"
#include "services/designation/designation_names.h"
#include "services/designation/designation_timeline.h"

namespace kexport::designation {
namespace {

// New designations granted each year, valid five years: the sum over any
// five consecutive years is the number in force at the end of the last.
// 2012-2016 sum to 341; 2021-2025 to 1,501.
constexpr std::pair<int, int> kGrantedPerYear[] = {
    {2012, 60},  {2013, 65},  {2014, 68},  {2015, 72},  {2016, 76},
    {2017, 90},  {2018, 120}, {2019, 160}, {2020, 200}, {2021, 250},
    {2022, 280}, {2023, 300}, {2024, 321}, {2025, 350},
};

std::string DemoFirm(int n) {
  std::string nine = absl::StrFormat("9%02d81%04d", n / 10000, n % 10000);
  return absl::StrCat("firms/", nine, BrnCheckDigit(nine));
}

}  // namespace

absl::Status SeedDemoHistory(DesignationStore& store) {
  ASSIGN_OR_RETURN(std::vector<v1::Designation> existing, store.AllDesignations());
  if (!existing.empty()) {
    return absl::OkStatus();
  }
  DesignationWrite write;
  int firm = 0;
  for (const auto& [year, granted] : kGrantedPerYear) {
    for (int i = 0; i < granted; ++i, ++firm) {
      // Spread over the year; grades in a fixed pattern (A 20%, B 40%, C 40%).
      absl::CivilDay from(year, 1 + i % 12, 1 + i % 28);
      absl::Time created = absl::FromCivil(absl::CivilSecond(from), absl::UTCTimeZone());
      v1::Grade grade = i % 5 == 0 ? v1::GRADE_A : i % 5 < 3 ? v1::GRADE_B : v1::GRADE_C;
      v1::Designation designation;
      designation.set_name(DesignationName(absl::StrCat("demo", year, "x", i)));
      designation.set_firm(DemoFirm(firm));
      designation.set_kind(v1::DESIGNATION_KIND_NEW);
      *designation.mutable_valid_from() = ToDate(from);
      *designation.mutable_valid_until() = ToDate(LastDayAfterYears(from, 5));
      designation.set_state(v1::DESIGNATION_STATE_ACTIVE);
      designation.set_grade(grade);
      *designation.mutable_create_time() = ToTimestamp(created);
      *designation.mutable_update_time() = ToTimestamp(created);
      v1::DesignationEvent* event = designation.add_history();
      event->set_sequence(1);
      event->set_to_state(v1::DESIGNATION_STATE_ACTIVE);
      event->set_to_grade(grade);
      event->set_actor("demo-history");
      event->set_reason("demo data");
      event->set_method("SeedDemoHistory");
      *event->mutable_event_time() = ToTimestamp(created);
      write.designations.push_back(std::move(designation));
    }
  }
  return store.Commit(write);
}

}  // namespace kexport::designation
