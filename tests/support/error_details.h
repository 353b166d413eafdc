// Reads the google.rpc details a kexport server attaches to an error, as an
// integrating client would.
//
//   ErrorDetails details = ReadErrorDetails(status);
//   EXPECT_EQ(details.reason, "FIRM_NOT_FOUND");
//   EXPECT_THAT(details.fields, Contains("firm.brn"));
#pragma once

#include <map>
#include <string>
#include <vector>

#include "grpcpp/support/status.h"

namespace kexport::testing {

struct ErrorDetails {
  std::string reason;
  std::string domain;
  std::map<std::string, std::string> metadata;
  // Field paths of google.rpc.BadRequest violations, in order.
  std::vector<std::string> fields;
};

ErrorDetails ReadErrorDetails(const grpc::Status& status);

}  // namespace kexport::testing
