// Configuration from command-line flags, with environment variables as the
// fallback (12-factor, for docker-compose): a flag `--redis_addr` falls back
// to `KEXPORT_REDIS_ADDR`. A flag given on the command line wins.
//
//   ABSL_FLAG(int, port, 50051, "TCP port to serve gRPC on");
//   int main(int argc, char** argv) {
//     kexport::ParseConfig(argc, argv, "kexport-registry: the firm registry");
//   }
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace kexport {

// The environment variable a flag falls back to: `KEXPORT_` + upper name.
std::string EnvironmentNameForFlag(absl::string_view flag_name);

// Applies environment fallbacks, then parses the command line. Exits with a
// usage message on an unknown flag or a malformed value.
void ParseConfig(int argc, char** argv, absl::string_view usage);

}  // namespace kexport
