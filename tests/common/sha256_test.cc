#include "common/sha256.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(Sha256Test, MatchesThePublishedVector) {
  // FIPS 180-2, appendix B.1.
  EXPECT_EQ(absl::BytesToHexString(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, AStreamDigestsTheConcatenationOfItsPieces) {
  const std::string whole = "1248100998,applications/a,3,0,,10000000,1700000000000000\n"
                            "2208162517,applications/b,1,0,,20000000,1700000000000001\n";
  Sha256Stream stream;
  stream.Update(whole.substr(0, 7));
  stream.Update("");
  stream.Update(whole.substr(7));
  EXPECT_EQ(stream.Digest(), Sha256(whole));

  Sha256Stream empty;
  EXPECT_EQ(empty.Digest(), Sha256(""));
}

}  // namespace
}  // namespace kexport
