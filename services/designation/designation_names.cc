#include "services/designation/designation_names.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/random_id.h"

namespace kexport::designation {

std::string ApplicationName(absl::string_view id) {
  return absl::StrCat(kApplicationsPrefix, id);
}

std::string DesignationName(absl::string_view id) {
  return absl::StrCat(kDesignationsPrefix, id);
}

std::string ApplicationId(absl::string_view name) {
  absl::ConsumePrefix(&name, kApplicationsPrefix);
  return std::string(name);
}

std::string DesignationId(absl::string_view name) {
  absl::ConsumePrefix(&name, kDesignationsPrefix);
  return std::string(name);
}

std::string NewRecordId() { return RandomId(20); }

bool IsFinal(v1::DesignationApplicationState state) {
  switch (state) {
    case v1::DESIGNATION_APPLICATION_STATE_PRESCREEN_FAILED:
    case v1::DESIGNATION_APPLICATION_STATE_FIRST_REVIEW_FAILED:
    case v1::DESIGNATION_APPLICATION_STATE_APPROVED:
    case v1::DESIGNATION_APPLICATION_STATE_REJECTED:
    case v1::DESIGNATION_APPLICATION_STATE_WITHDRAWN:
      return true;
    default:
      return false;
  }
}

}  // namespace kexport::designation
