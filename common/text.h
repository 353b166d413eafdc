// Text as people count it.
//
//   if (CharacterCount(title) > 200) { ... }
#pragma once

#include <cstddef>

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

}  // namespace kexport
