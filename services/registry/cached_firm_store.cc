#include "services/registry/cached_firm_store.h"

#include "absl/strings/str_cat.h"
#include "common/macros.h"

namespace kexport::registry {
namespace {

std::string FirmKey(const std::string& brn) { return absl::StrCat("firm:", brn); }

}  // namespace

absl::StatusOr<std::string> CachedFirmStore::GetFirmBytes(const std::string& brn) {
  return firms_.Get(FirmKey(brn), [&] { return store_->GetFirmBytes(brn); });
}

absl::StatusOr<Firm> CachedFirmStore::GetFirm(const std::string& brn) {
  ASSIGN_OR_RETURN(std::string bytes, GetFirmBytes(brn));
  Firm firm;
  if (!firm.ParseFromString(bytes)) {
    // A corrupt cache entry: drop it and read the record.
    firms_.Invalidate(FirmKey(brn));
    return store_->GetFirm(brn);
  }
  return firm;
}

absl::StatusOr<std::vector<Firm>> CachedFirmStore::GetFirms(
    const std::vector<std::string>& brns) {
  std::vector<Firm> firms;
  firms.reserve(brns.size());
  for (const std::string& brn : brns) {
    ASSIGN_OR_RETURN(Firm firm, GetFirm(brn));
    firms.push_back(std::move(firm));
  }
  return firms;
}

absl::Status CachedFirmStore::UpdateFirm(Firm& firm,
                                         const std::string& expected_etag,
                                         const ChangeContext& change) {
  absl::Status status = store_->UpdateFirm(firm, expected_etag, change);
  // Even a failed commit may have landed; dropping the entry is always safe.
  firms_.Invalidate(FirmKey(firm.brn()));
  return status;
}

}  // namespace kexport::registry
