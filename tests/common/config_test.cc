#include "common/config.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, config_test_port, 1, "a flag for this test");
ABSL_FLAG(std::string, config_test_name, "default", "a flag for this test");

namespace kexport {
namespace {

TEST(ConfigTest, EnvironmentNameIsPrefixedUpperCase) {
  EXPECT_EQ(EnvironmentNameForFlag("redis_addr"), "KEXPORT_REDIS_ADDR");
}

TEST(ConfigTest, EnvironmentFillsInAndTheCommandLineWins) {
  setenv("KEXPORT_CONFIG_TEST_PORT", "50099", 1);
  setenv("KEXPORT_CONFIG_TEST_NAME", "from-env", 1);
  char program[] = "test";
  char flag[] = "--config_test_name=from-flag";
  char* argv[] = {program, flag};
  ParseConfig(2, argv, "test");
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_port), 50099);
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_name), "from-flag");
}

}  // namespace
}  // namespace kexport
