#include "common/order_by.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"

namespace kexport {

absl::StatusOr<OrderBy> ParseOrderBy(
    absl::string_view order_by, std::initializer_list<absl::string_view> allowed) {
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, ' ', absl::SkipEmpty());
  OrderBy order;
  order.field = std::string(*allowed.begin());
  if (words.empty()) {
    return order;
  }
  auto bad = [&] {
    return InvalidFieldError(
        "order_by", absl::StrCat("one of ", absl::StrJoin(allowed, ", "),
                                 ", optionally followed by `desc`"));
  };
  if (words.size() > 2 ||
      (words.size() == 2 && words[1] != "desc" && words[1] != "asc")) {
    return bad();
  }
  for (absl::string_view field : allowed) {
    if (words[0] == field) {
      order.field = std::string(field);
      order.descending = words.size() == 2 && words[1] == "desc";
      return order;
    }
  }
  return bad();
}

}  // namespace kexport
