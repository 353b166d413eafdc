// SHA-256 (OpenSSL), for hash chains and published commitments.
//
//   std::string digest = Sha256(absl::StrCat(previous, payload));  // 32 bytes
//   std::string shown = absl::BytesToHexString(digest);
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace kexport {

// The 32-byte digest of `bytes`.
std::string Sha256(absl::string_view bytes);

}  // namespace kexport
