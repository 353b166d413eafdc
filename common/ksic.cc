#include "common/ksic.h"

#include "absl/strings/ascii.h"

namespace kexport {
namespace {

bool SectionValid(char c) { return c >= 'A' && c <= 'U'; }

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool KsicCodeValid(absl::string_view code) {
  return code.size() >= 3 && code.size() <= 6 && SectionValid(code[0]) &&
         AllDigits(code.substr(1));
}

bool KsicPrefixValid(absl::string_view prefix) {
  return (prefix.size() == 1 && SectionValid(prefix[0])) ||
         KsicCodeValid(prefix);
}

}  // namespace kexport
