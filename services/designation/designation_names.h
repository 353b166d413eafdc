// Names of the designation service's records, and the application states
// that end the pipeline.
//
//   ApplicationName("k3v...") == "designationApplications/k3v..."
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "kexport/designation/v1/designation.pb.h"

namespace kexport::designation {

inline constexpr absl::string_view kApplicationsPrefix = "designationApplications/";
inline constexpr absl::string_view kDesignationsPrefix = "designations/";

std::string ApplicationName(absl::string_view id);
std::string DesignationName(absl::string_view id);
// The id in a well-formed name.
std::string ApplicationId(absl::string_view name);
std::string DesignationId(absl::string_view name);

// A fresh id: 20 characters of [a-z0-9].
std::string NewRecordId();

// PRESCREEN_FAILED, FIRST_REVIEW_FAILED, APPROVED, REJECTED, WITHDRAWN.
bool IsFinal(v1::DesignationApplicationState state);

}  // namespace kexport::designation
