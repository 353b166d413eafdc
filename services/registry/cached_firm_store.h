// A FirmStore decorator that serves GetFirm and GetFirms from a cache
// (read-through, single-flight refill) and invalidates a firm after every
// write to it. Lists and history always go to the store.
//
//   CachedFirmStore store(sqlite_store.get(), &redis_cache, absl::Minutes(10));
#pragma once

#include "common/cache.h"
#include "common/read_through.h"
#include "services/registry/firm_store.h"

namespace kexport::registry {

class CachedFirmStore final : public FirmStore {
 public:
  CachedFirmStore(FirmStore* store, Cache* cache, absl::Duration ttl)
      : store_(store), firms_(cache, ttl) {}

  absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) override {
    return store_->FindAppliedRequest(request_id);
  }
  absl::StatusOr<Firm> GetFirm(const std::string& brn) override;
  // The cached bytes, not parsed: only the registry writes them.
  absl::StatusOr<std::string> GetFirmBytes(const std::string& brn) override;
  absl::StatusOr<std::vector<Firm>> GetFirms(
      const std::vector<std::string>& brns) override;
  absl::StatusOr<Page<Firm>> ListFirms(const FirmQuery& query) override {
    return store_->ListFirms(query);
  }
  absl::StatusOr<std::vector<absl::Status>> CreateFirms(
      std::vector<NewFirm>& firms) override {
    // Misses are not cached, so a new firm has nothing to invalidate.
    return store_->CreateFirms(firms);
  }
  absl::Status UpdateFirm(Firm& firm, const std::string& expected_etag,
                          const ChangeContext& change) override;
  absl::Status AddExportRecord(const std::string& brn, ExportRecord& record,
                               const ChangeContext& change) override {
    return store_->AddExportRecord(brn, record, change);
  }
  absl::StatusOr<Page<ExportRecord>> ListExportRecords(
      const ExportRecordQuery& query) override {
    return store_->ListExportRecords(query);
  }
  absl::StatusOr<Page<FirmChange>> ListFirmChanges(
      const FirmChangeQuery& query) override {
    return store_->ListFirmChanges(query);
  }

 private:
  FirmStore* store_;
  ReadThrough firms_;
};

}  // namespace kexport::registry
