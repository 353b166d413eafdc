#include "common/money.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(MoneyTest, SumsExactlyAndRefusesOverflow) {
  EXPECT_EQ(CheckedSum({18'000'000'000, 1'000'000'000, 560'000'000}),
            19'560'000'000);
  EXPECT_EQ(CheckedAdd(INT64_MAX, 1), std::nullopt);
  EXPECT_EQ(CheckedSum({INT64_MAX - 5, 3, 3}), std::nullopt);
  EXPECT_EQ(CheckedSum({}), 0);
}

}  // namespace
}  // namespace kexport
