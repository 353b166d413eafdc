// Stores keep a version per record and hand it out as the record's etag; a
// write names the version it read, and a record changed meanwhile fails
// with ABORTED (ETAG_MISMATCH) for the client to read it again.
//
//   ASSIGN_OR_RETURN(int64_t version, VersionFromEtag(record.etag(), record.name()));
//   ... UPDATE ... WHERE name = ? AND version = ? ...
//   if (statement->Changes() != 1) return RecordChangedError(record.name());
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/proto_bytes.h"

namespace kexport {

absl::Status RecordChangedError(absl::string_view name);

// 0 for "" (a new record); ETAG_MISMATCH for an etag no store handed out.
absl::StatusOr<int64_t> VersionFromEtag(const std::string& etag, absl::string_view name);

// The etag a record read at `etag` has once its change commits.
std::string NextEtag(const std::string& etag);

// A record kept as its serialized body, with the etag of `version`.
template <typename Message>
absl::StatusOr<Message> ParseVersioned(absl::string_view body, int64_t version) {
  Message message;
  if (!ParseBytes(body, message)) {
    return absl::DataLossError("a stored record does not parse");
  }
  message.set_etag(absl::StrCat(version));
  return message;
}

}  // namespace kexport
