#include "common/brn.h"

#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(BrnTest, AcceptsRealRegistrationNumbers) {
  // Published numbers of listed companies.
  EXPECT_TRUE(BrnValid("1248100998"));
  EXPECT_TRUE(BrnValid("2208162517"));
}

TEST(BrnTest, CheckDigitCountsTheTensOfTheNinthDigit) {
  // 124-81-0099?: Σ = 118, ⌊5·9/10⌋ = 4, (10 − 122 mod 10) mod 10 = 8.
  EXPECT_EQ(BrnCheckDigit("124810099"), 8);
}

TEST(BrnTest, RejectsAWrongCheckDigit) {
  for (char last = '0'; last <= '9'; ++last) {
    std::string brn = std::string("124810099") + last;
    EXPECT_EQ(BrnValid(brn), last == '8') << brn;
  }
  EXPECT_EQ(BrnProblem("1248100997"), "check digit does not match");
}

TEST(BrnTest, RejectsMalformedNumbers) {
  EXPECT_FALSE(BrnValid(""));
  EXPECT_FALSE(BrnValid("124-81-00998"));
  EXPECT_FALSE(BrnValid("124810099"));
  EXPECT_FALSE(BrnValid("12481009980"));
  EXPECT_FALSE(BrnValid("12481009a8"));
  EXPECT_EQ(BrnProblem("12481009a8"), "must be exactly 10 digits without dashes");
}

TEST(BrnTest, DisplaysWithDashes) {
  EXPECT_EQ(BrnDisplay("1248100998"), "124-81-00998");
}

}  // namespace
}  // namespace kexport
