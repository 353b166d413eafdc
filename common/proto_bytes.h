// Stable bytes and hashes of protobuf messages, for fingerprints that must
// agree across processes and restarts.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace kexport {

// Serialized with map entries sorted, so equal messages give equal bytes.
std::string DeterministicBytes(const google::protobuf::Message& message);

// Parses `bytes` into `message` where they lie (a column read in place),
// without copying them into a string first.
bool ParseBytes(absl::string_view bytes, google::protobuf::MessageLite& message);

// FNV-1a 64: stable across processes and releases, unlike absl::Hash.
uint64_t StableHash64(absl::string_view bytes);

}  // namespace kexport
