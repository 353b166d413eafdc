#include "common/ksic.h"

#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(KsicTest, AcceptsEveryLevelFromDivisionToSubClass) {
  EXPECT_TRUE(KsicCodeValid("C26"));
  EXPECT_TRUE(KsicCodeValid("C261"));
  EXPECT_TRUE(KsicCodeValid("C2611"));
  EXPECT_TRUE(KsicCodeValid("C26110"));
  EXPECT_TRUE(KsicCodeValid("J58221"));
}

TEST(KsicTest, RejectsMalformedCodes) {
  EXPECT_FALSE(KsicCodeValid(""));
  EXPECT_FALSE(KsicCodeValid("C"));
  EXPECT_FALSE(KsicCodeValid("C2"));
  EXPECT_FALSE(KsicCodeValid("C261101"));
  EXPECT_FALSE(KsicCodeValid("c26110"));
  EXPECT_FALSE(KsicCodeValid("Z26110"));
  EXPECT_FALSE(KsicCodeValid("26110"));
  EXPECT_FALSE(KsicCodeValid("C26-10"));
}

TEST(KsicTest, PrefixMayBeASectionAlone) {
  EXPECT_TRUE(KsicPrefixValid("C"));
  EXPECT_TRUE(KsicPrefixValid("C26"));
  EXPECT_FALSE(KsicPrefixValid("C2"));
  EXPECT_FALSE(KsicPrefixValid("C%"));
}

TEST(KsicTest, RevisionIsPositive) {
  EXPECT_TRUE(KsicRevisionValid(11));
  EXPECT_FALSE(KsicRevisionValid(0));
  EXPECT_FALSE(KsicRevisionValid(-1));
  EXPECT_FALSE(KsicRevisionValid(100));
}

}  // namespace
}  // namespace kexport
