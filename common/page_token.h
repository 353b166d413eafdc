// Opaque page tokens for List methods. A token carries the position after the
// last item returned (the keyset cursor) and a fingerprint of the query that
// produced it, so a token reused with another filter or order is rejected
// rather than silently skipping or repeating items.
//
//   std::string token = EncodePageToken(QueryFingerprint(request), {last.brn()});
//   ASSIGN_OR_RETURN(std::vector<std::string> cursor,
//                    DecodePageToken(request.page_token(), fingerprint));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace kexport {

std::string EncodePageToken(uint64_t query_fingerprint,
                            const std::vector<std::string>& cursor);

// The cursor in `token`; INVALID_ARGUMENT on `page_token` when it is
// malformed or belongs to another query.
absl::StatusOr<std::vector<std::string>> DecodePageToken(
    absl::string_view token, uint64_t query_fingerprint);

// The fingerprint of a List request with its paging fields cleared.
uint64_t QueryFingerprint(const google::protobuf::Message& request);

// `page_size` with 0 meaning `default_size`, capped at `max_size`;
// INVALID_ARGUMENT when negative.
absl::StatusOr<int> EffectivePageSize(int page_size, int default_size,
                                      int max_size);

}  // namespace kexport
