// The `order_by` of List requests: one field, optionally followed by `asc`
// or `desc` (AIP-132, restricted to a single field).
//
//   ASSIGN_OR_RETURN(OrderBy order,
//                    ParseOrderBy(request.order_by(), {"brn", "create_time"}));
#pragma once

#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kexport {

struct OrderBy {
  // One of the allowed fields; the first allowed one when `order_by` is empty.
  std::string field;
  bool descending = false;
};

// INVALID_ARGUMENT on `order_by` naming the allowed fields otherwise.
absl::StatusOr<OrderBy> ParseOrderBy(
    absl::string_view order_by, std::initializer_list<absl::string_view> allowed);

}  // namespace kexport
