// Text as people count it.
//
//   if (CharacterCount(title) > 200) { ... }
#pragma once

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace kexport {

// Length in characters (UTF-8 code points), not bytes: 200 Korean
// characters are 600 bytes.
inline size_t CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) {
    count += (c & 0xC0) != 0x80;
  }
  return count;
}

// 1 to `max_length` characters of [a-z0-9-]: the ids and words kexport
// uses in names (`voucher-2026-budget`, `semiconductors`).
inline bool IsLowerSlug(absl::string_view text, size_t max_length) {
  if (text.empty() || text.size() > max_length) {
    return false;
  }
  for (char c : text) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

// A SHA-256 digest as 64 lower-case hex characters.
inline bool IsLowerHexSha256(absl::string_view text) {
  if (text.size() != 64) {
    return false;
  }
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) {
      return false;
    }
  }
  return true;
}

}  // namespace kexport
