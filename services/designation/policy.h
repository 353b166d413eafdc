// The designation policy and grade incentives in force, read from JSON
// configuration files at start-up (`config/designation-policy.json`,
// `config/grade-incentives.json`): figures change each fiscal year, code
// does not. A policy that does not hold together stops the service at start.
//
//   ASSIGN_OR_RETURN(Policy policy, LoadPolicy(policy_path, incentives_path));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kexport/designation/v1/designation.pb.h"

namespace kexport::designation {

struct Policy {
  v1::DesignationPolicy rules;
  // Best grade first.
  std::vector<v1::GradeIncentives> incentives;
};

absl::StatusOr<Policy> LoadPolicy(const std::string& policy_path,
                                  const std::string& incentives_path);

// FAILED_PRECONDITION naming what is wrong with a policy.
absl::Status CheckPolicy(const Policy& policy);

}  // namespace kexport::designation
