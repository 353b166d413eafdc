#include "common/brn.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace kexport {
namespace {

constexpr int kWeights[9] = {1, 3, 7, 1, 3, 7, 1, 3, 5};

}  // namespace

int BrnCheckDigit(absl::string_view first_nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    sum += (first_nine[i] - '0') * kWeights[i];
  }
  // The ninth digit weighs 5: its tens carry counts separately.
  sum += (first_nine[8] - '0') * 5 / 10;
  return (10 - sum % 10) % 10;
}

std::string BrnProblem(absl::string_view brn) {
  if (brn.size() != 10) {
    return "must be exactly 10 digits without dashes";
  }
  for (char c : brn) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return "must be exactly 10 digits without dashes";
    }
  }
  if (BrnCheckDigit(brn.substr(0, 9)) != brn[9] - '0') {
    return "check digit does not match";
  }
  return "";
}

std::string BrnDisplay(absl::string_view brn) {
  if (brn.size() != 10) {
    return std::string(brn);
  }
  return absl::StrCat(brn.substr(0, 3), "-", brn.substr(3, 2), "-",
                      brn.substr(5));
}

absl::StatusOr<std::string> BrnFromName(absl::string_view name, absl::string_view field) {
  if (!absl::StartsWith(name, "firms/")) {
    return InvalidFieldError(field, "must be `firms/{brn}`");
  }
  absl::string_view brn = name.substr(6);
  if (std::string problem = BrnProblem(brn); !problem.empty()) {
    return InvalidFieldError(field, absl::StrCat("registration number ", problem));
  }
  return std::string(brn);
}

}  // namespace kexport
