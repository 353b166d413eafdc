// Log lines keep their order whether written at once or queued, queued
// lines reach stderr without another line to push them out, and every line
// is JSON with a UTC timestamp to the microsecond.
#include "common/json_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kexport {
namespace {

// Points stderr at a file for the test's lifetime.
class CapturedStderr {
 public:
  CapturedStderr() : path_(::testing::TempDir() + "json_log_test.log") {
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    int file = open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    dup2(file, STDERR_FILENO);
    close(file);
  }
  ~CapturedStderr() {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }
  std::string Text() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string path_;
  int saved_ = -1;
};

TEST(JsonLogTest, ALineWrittenAtOnceFollowsTheQueuedOnes) {
  CapturedStderr captured;
  JsonLog("info", "rpc").Add("n", int64_t{1}).EmitSoon();
  JsonLog("info", "rpc").Add("n", int64_t{2}).EmitSoon();
  JsonLog("warn", "stopping").Emit();
  const std::string text = captured.Text();
  const size_t first = text.find("\"n\":1");
  const size_t second = text.find("\"n\":2");
  const size_t last = text.find("\"event\":\"stopping\"");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  ASSERT_NE(last, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_LT(second, last);
}

TEST(JsonLogTest, QueuedLinesAreWrittenWithinMoments) {
  CapturedStderr captured;
  JsonLog("info", "rpc").Add("method", "/kexport.Test/Queued").EmitSoon();
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (captured.Text().find("/kexport.Test/Queued") == std::string::npos &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_NE(captured.Text().find("/kexport.Test/Queued"), std::string::npos);
}

TEST(JsonLogTest, LinesCarryAMicrosecondTimestampAndEscapedValues) {
  CapturedStderr captured;
  JsonLog("info", "test").Add("note", "a \"quoted\"\nline\\").Add("n", int64_t{-7}).Emit();
  JsonLog("info", "test").Add("note", "plain").Emit();
  const std::string text = captured.Text();
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        R"(^\{"ts":"20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6}Z","level":"info",)"));
  EXPECT_THAT(text, ::testing::HasSubstr(R"("event":"test","note":"a \"quoted\"\nline\\","n":-7})"));
  EXPECT_THAT(text, ::testing::HasSubstr(R"("note":"plain"})"));
}

}  // namespace
}  // namespace kexport
