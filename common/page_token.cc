#include "common/page_token.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/proto_bytes.h"
#include "google/protobuf/descriptor.h"

namespace kexport {
namespace {

absl::Status BadToken() {
  return InvalidFieldError(
      "page_token", "not a token from a previous call with the same query");
}

}  // namespace

uint64_t QueryFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> query(request.New());
  query->CopyFrom(request);
  const auto* descriptor = query->GetDescriptor();
  for (const char* paging : {"page_size", "page_token"}) {
    if (const auto* field = descriptor->FindFieldByName(paging)) {
      query->GetReflection()->ClearField(query.get(), field);
    }
  }
  return StableHash64(
      absl::StrCat(descriptor->full_name(), DeterministicBytes(*query)));
}

std::string EncodePageToken(uint64_t query_fingerprint,
                            const std::vector<std::string>& cursor) {
  std::string raw = absl::StrCat(query_fingerprint, ";");
  for (const std::string& part : cursor) {
    absl::StrAppend(&raw, part.size(), ":", part);
  }
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(
    absl::string_view token, uint64_t query_fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return BadToken();
  }
  absl::string_view rest(raw);
  size_t semicolon = rest.find(';');
  uint64_t fingerprint = 0;
  if (semicolon == absl::string_view::npos ||
      !absl::SimpleAtoi(rest.substr(0, semicolon), &fingerprint) ||
      fingerprint != query_fingerprint) {
    return BadToken();
  }
  rest.remove_prefix(semicolon + 1);
  std::vector<std::string> cursor;
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    size_t length = 0;
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(rest.substr(0, colon), &length) ||
        length > rest.size() - colon - 1) {
      return BadToken();
    }
    cursor.emplace_back(rest.substr(colon + 1, length));
    rest.remove_prefix(colon + 1 + length);
  }
  return cursor;
}

absl::StatusOr<int> EffectivePageSize(int page_size, int default_size,
                                      int max_size) {
  if (page_size < 0) {
    return InvalidFieldError("page_size", "must not be negative");
  }
  if (page_size == 0) {
    return default_size;
  }
  return std::min(page_size, max_size);
}

absl::StatusOr<PageRequest> ReadPageRequest(
    const google::protobuf::Message& request, int page_size,
    absl::string_view page_token, PageLimits limits) {
  PageRequest paging;
  ASSIGN_OR_RETURN(paging.size, EffectivePageSize(page_size, limits.default_size,
                                                  limits.max_size));
  paging.query_fingerprint = QueryFingerprint(request);
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(paging.after,
                     DecodePageToken(page_token, paging.query_fingerprint));
  }
  return paging;
}

absl::StatusOr<int64_t> CursorNumber(const PageRequest& paging, size_t index) {
  int64_t number = 0;
  if (index < paging.after.size() && !absl::SimpleAtoi(paging.after[index], &number)) {
    return InvalidFieldError("page_token", "malformed");
  }
  return number;
}

std::string NextPageToken(const PageRequest& paging,
                          const std::vector<std::string>& next) {
  return next.empty() ? std::string()
                      : EncodePageToken(paging.query_fingerprint, next);
}

}  // namespace kexport
