// Paging for List methods. A page token carries the position after the last
// item returned (the keyset cursor) and a fingerprint of the query that
// produced it, so a token reused with another filter or order is rejected
// rather than silently skipping or repeating items.
//
//   ASSIGN_OR_RETURN(PageRequest paging,
//                    ReadPageRequest(request, request.page_size(),
//                                    request.page_token()));
//   ASSIGN_OR_RETURN(Page<Firm> page, store.List(query, paging));
//   response.set_next_page_token(TakePage(page, paging, response.mutable_firms()));
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace kexport {

// One page of a List: the items, and the keyset position after the last one
// (empty when nothing follows).
template <typename Item>
struct Page {
  std::vector<Item> items;
  std::vector<std::string> next;
};

struct PageLimits {
  int default_size = 50;
  int max_size = 1000;
};

// A List request's paging, checked.
struct PageRequest {
  int size = 0;
  // The keyset position to continue after; empty on the first page.
  std::vector<std::string> after;
  uint64_t query_fingerprint = 0;
};

// Checks `page_size` and decodes `page_token` of `request` (a List request
// message; its other fields make the query the token must belong to).
absl::StatusOr<PageRequest> ReadPageRequest(
    const google::protobuf::Message& request, int page_size,
    absl::string_view page_token, PageLimits limits = {});

// The cursor's value at `index` as a number, 0 on a first page;
// INVALID_ARGUMENT on `page_token` when it is not one.
absl::StatusOr<int64_t> CursorNumber(const PageRequest& paging, size_t index);

// The token for the page after `next`, or empty when `next` is empty.
std::string NextPageToken(const PageRequest& paging,
                          const std::vector<std::string>& next);

// Moves `page`'s items into a List response's repeated field and returns
// its next_page_token.
//
//   response.set_next_page_token(TakePage(page, query.page, response.mutable_firms()));
template <typename Item>
std::string TakePage(Page<Item>& page, const PageRequest& paging,
                     google::protobuf::RepeatedPtrField<Item>* items) {
  for (Item& item : page.items) {
    *items->Add() = std::move(item);
  }
  return NextPageToken(paging, page.next);
}

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
