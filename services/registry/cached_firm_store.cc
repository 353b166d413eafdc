#include "services/registry/cached_firm_store.h"

#include "absl/strings/str_cat.h"
#include "common/macros.h"
#include "common/proto_bytes.h"

namespace kexport::registry {
namespace {

std::string FirmKey(const std::string& brn) { return absl::StrCat("firm:", brn); }

// Bytes from Redis are served only if they are a firm, and the one asked for.
bool IsFirm(absl::string_view bytes, const std::string& brn) {
  Firm firm;
  return ParseBytes(bytes, firm) && firm.brn() == brn;
}

}  // namespace

absl::StatusOr<std::string> CachedFirmStore::GetFirmBytes(const std::string& brn) {
  return firms_.Get(
      FirmKey(brn), [&] { return store_->GetFirmBytes(brn); },
      [&](absl::string_view bytes) { return IsFirm(bytes, brn); });
}

absl::StatusOr<Firm> CachedFirmStore::GetFirm(const std::string& brn) {
  ASSIGN_OR_RETURN(std::string bytes, GetFirmBytes(brn));
  Firm firm;
  // The bytes passed IsFirm or came from the store: this cannot fail, but
  // if it did, the store has the answer.
  if (!firm.ParseFromString(bytes)) return store_->GetFirm(brn);
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
