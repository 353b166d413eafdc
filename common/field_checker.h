// Checks the fields of one message of a request, adding a violation named
// by its full path (`firm.contact.email`) for each problem, so one round trip
// reports them all.
//
//   FieldChecker check("application.evidence", violations);
//   check.Text("training_evidence_ref", evidence.training_evidence_ref(), 200, true);
//   check.Date("issued_on", certification.issued_on(), /*required=*/true);
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/text.h"
#include "google/type/date.pb.h"

namespace kexport {

class FieldChecker final {
 public:
  FieldChecker(absl::string_view prefix, FieldViolations& violations)
      : prefix_(prefix), violations_(violations) {}

  // A checker for a nested message, e.g. `Nested("certifications[2]")`.
  FieldChecker Nested(absl::string_view field) const {
    return FieldChecker(absl::StrCat(prefix_, ".", field), violations_);
  }

  void Fail(absl::string_view field, absl::string_view reason) {
    violations_.Add(absl::StrCat(prefix_, ".", field), std::string(reason));
  }

  // At most `max` characters; `required` refuses blank text.
  void Text(absl::string_view field, absl::string_view value, size_t max,
            bool required) {
    if (required && absl::StripAsciiWhitespace(value).empty()) {
      Fail(field, "required");
    } else if (CharacterCount(value) > max) {
      Fail(field, absl::StrCat("at most ", max, " characters"));
    }
  }

  void NotNegative(absl::string_view field, int64_t value) {
    if (value < 0) {
      Fail(field, "must not be negative");
    }
  }

  // A real calendar day, when set; `required` when it must be set. True when
  // set and real.
  bool Date(absl::string_view field, const google::type::Date& date, bool required) {
    bool unset = date.year() == 0 && date.month() == 0 && date.day() == 0;
    if (unset) {
      if (required) {
        Fail(field, "required");
      }
      return false;
    }
    if (!DateValid(date)) {
      Fail(field, "not a real calendar date");
      return false;
    }
    return true;
  }

 private:
  std::string prefix_;
  FieldViolations& violations_;
};

}  // namespace kexport
