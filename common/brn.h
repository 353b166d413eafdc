// Korean business registration numbers (사업자등록번호): 10 digits whose last
// digit is a check digit over the first nine.
//
//   if (!BrnValid("1234567891")) { ... }
//   BrnDisplay("1234567891") == "123-45-67891"
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kexport {

// Why `brn` is not a valid registration number, or empty when it is. Expects
// the 10 digits without dashes.
std::string BrnProblem(absl::string_view brn);

inline bool BrnValid(absl::string_view brn) { return BrnProblem(brn).empty(); }

// The check digit for the first nine digits of `brn` (which must be digits).
int BrnCheckDigit(absl::string_view first_nine);

// `123-45-67890` from `1234567890`.
std::string BrnDisplay(absl::string_view brn);

// A firm's resource name, `firms/{brn}`.
inline std::string FirmName(absl::string_view brn) {
  return std::string("firms/").append(brn.data(), brn.size());
}

// The registration number in `firms/{brn}`; INVALID_ARGUMENT on `field`
// when malformed or the check digit is wrong.
absl::StatusOr<std::string> BrnFromName(absl::string_view name, absl::string_view field);

}  // namespace kexport
