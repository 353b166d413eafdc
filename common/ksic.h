// Korean Standard Industrial Classification codes: a section letter followed
// by 2 to 5 digits (division, group, class, sub-class), e.g. `C26110`.
//
//   if (!KsicCodeValid("C26")) { ... }
#pragma once

#include "absl/strings/string_view.h"

namespace kexport {

// Section letters A..U followed by 2 to 5 digits.
bool KsicCodeValid(absl::string_view code);

// A prefix used to filter by KSIC: a section letter alone or a valid code.
bool KsicPrefixValid(absl::string_view prefix);

// KSIC revisions are numbered from 1; the 11th is in force since 2024-07-01.
inline bool KsicRevisionValid(int revision) {
  return revision >= 1 && revision <= 99;
}

}  // namespace kexport
