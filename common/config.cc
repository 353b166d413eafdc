#include "common/config.h"

#include <cstdlib>
#include <iostream>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace kexport {

std::string EnvironmentNameForFlag(absl::string_view flag_name) {
  return absl::StrCat("KEXPORT_", absl::AsciiStrToUpper(flag_name));
}

void ParseConfig(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const char* value = std::getenv(EnvironmentNameForFlag(name).c_str());
    if (value == nullptr) {
      continue;
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::cerr << "invalid " << EnvironmentNameForFlag(name) << ": " << error
                << "\n";
      std::exit(2);
    }
  }
  absl::ParseCommandLine(argc, argv);
}

}  // namespace kexport
