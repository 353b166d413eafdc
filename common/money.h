// Money is an integer: KRW in won, USD in cents. These helpers add amounts
// without silent overflow.
//
//   std::optional<int64_t> total = CheckedAdd(goods, services);
//   if (!total) return InvalidFieldError("amount", "too large");
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>

namespace kexport {

// The most one ledger transfer moves, won: a thousand trillion, beyond any
// budget, and far from int64's limit when amounts are added up.
inline constexpr int64_t kMaxTransferAmount = 1'000'000'000'000'000;

inline std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return std::nullopt;
  }
  return sum;
}

// The sum of non-negative amounts, or nullopt on overflow.
inline std::optional<int64_t> CheckedSum(std::initializer_list<int64_t> amounts) {
  int64_t total = 0;
  for (int64_t amount : amounts) {
    std::optional<int64_t> next = CheckedAdd(total, amount);
    if (!next) {
      return std::nullopt;
    }
    total = *next;
  }
  return total;
}

}  // namespace kexport
