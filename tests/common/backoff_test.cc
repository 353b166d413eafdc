#include "common/backoff.h"

#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(BackoffTest, DoublesUpToTheCeilingAndResetsOnSuccess) {
  Backoff backoff(absl::Milliseconds(100), absl::Milliseconds(350));
  absl::Time t = absl::UnixEpoch();
  EXPECT_TRUE(backoff.ReadyToTry(t));
  backoff.Failed(t);
  EXPECT_EQ(backoff.current_delay(), absl::Milliseconds(100));
  EXPECT_FALSE(backoff.ReadyToTry(t + absl::Milliseconds(99)));
  EXPECT_TRUE(backoff.ReadyToTry(t + absl::Milliseconds(100)));
  backoff.Failed(t);
  EXPECT_EQ(backoff.current_delay(), absl::Milliseconds(200));
  backoff.Failed(t);
  EXPECT_EQ(backoff.current_delay(), absl::Milliseconds(350));
  backoff.Succeeded();
  EXPECT_TRUE(backoff.ReadyToTry(t));
  backoff.Failed(t);
  EXPECT_EQ(backoff.current_delay(), absl::Milliseconds(100));
}

}  // namespace
}  // namespace kexport
