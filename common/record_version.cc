#include "common/record_version.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace kexport {

absl::Status RecordChangedError(absl::string_view name) {
  return AbortedError("ETAG_MISMATCH",
                      absl::StrCat(name, " changed since it was read; read it again"));
}

absl::StatusOr<int64_t> VersionFromEtag(const std::string& etag, absl::string_view name) {
  int64_t version = 0;
  if (!etag.empty() && (!absl::SimpleAtoi(etag, &version) || version < 1)) {
    return RecordChangedError(name);
  }
  return version;
}

std::string NextEtag(const std::string& etag) {
  int64_t version = 0;
  return absl::StrCat(absl::SimpleAtoi(etag, &version) ? version + 1 : 1);
}

}  // namespace kexport
