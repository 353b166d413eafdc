// Where firms are kept. The registry's logic talks only to this interface;
// SqliteFirmStore is the embedded implementation, CachedFirmStore puts Redis
// in front of reads, and a PostgreSQL implementation can take its place.
//
// Every mutation is atomic with its audit trail: the firm change, its history
// entry and the applied request (for idempotent retries) commit together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/idempotency.h"
#include "common/page_token.h"
#include "kexport/registry/v1/registry.pb.h"

namespace kexport::registry {

using v1::ExportRecord;
using v1::Firm;
using v1::FirmChange;
using v1::FirmFilter;

// Who changed a firm, how and why, recorded with the change.
struct ChangeContext {
  std::string method;
  std::string actor;
  // Empty only for import rows sent without one.
  std::string request_id;
  std::string fingerprint;
  std::vector<std::string> changed_fields;
  absl::Time time;
};

struct NewFirm {
  Firm firm;
  ChangeContext change;
};

enum class FirmOrder { kBrn, kLegalName, kCreateTime };

struct FirmQuery {
  FirmFilter filter;
  FirmOrder order = FirmOrder::kBrn;
  bool descending = false;
  PageRequest page;
};

struct ExportRecordQuery {
  std::string brn;
  bool show_superseded = false;
  PageRequest page;
};

struct FirmChangeQuery {
  std::string brn;
  PageRequest page;
};

class FirmStore {
 public:
  virtual ~FirmStore() = default;

  // What was recorded for an applied request, if it was applied.
  virtual absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) = 0;

  // NOT_FOUND when unknown. The etag reflects the stored version.
  virtual absl::StatusOr<Firm> GetFirm(const std::string& brn) = 0;
  // GetFirm's firm serialized: what a cache holds, sent as it is.
  virtual absl::StatusOr<std::string> GetFirmBytes(const std::string& brn) {
    absl::StatusOr<Firm> firm = GetFirm(brn);
    if (!firm.ok()) return firm.status();
    return firm->SerializeAsString();
  }

  // In the order asked; NOT_FOUND naming the first unknown firm.
  virtual absl::StatusOr<std::vector<Firm>> GetFirms(
      const std::vector<std::string>& brns) = 0;

  virtual absl::StatusOr<Page<Firm>> ListFirms(const FirmQuery& query) = 0;

  // Creates the firms in one transaction, each on its own terms: one status
  // per firm, OK, ALREADY_EXISTS when the number is taken, or ABORTED when
  // its request id was applied concurrently. Sets each created firm's etag.
  virtual absl::StatusOr<std::vector<absl::Status>> CreateFirms(
      std::vector<NewFirm>& firms) = 0;

  // Replaces the firm when its stored etag still equals `expected_etag`,
  // ABORTED otherwise. Sets the new etag on `firm`.
  virtual absl::Status UpdateFirm(Firm& firm, const std::string& expected_etag,
                                  const ChangeContext& change) = 0;

  // Adds the record, superseding the firm's current record for its year.
  // Fills in the record's name and `supersedes`. NOT_FOUND for an unknown
  // firm, FAILED_PRECONDITION (FIRM_CLOSED) for a closed one.
  virtual absl::Status AddExportRecord(const std::string& brn,
                                       ExportRecord& record,
                                       const ChangeContext& change) = 0;

  virtual absl::StatusOr<Page<ExportRecord>> ListExportRecords(
      const ExportRecordQuery& query) = 0;

  virtual absl::StatusOr<Page<FirmChange>> ListFirmChanges(
      const FirmChangeQuery& query) = 0;
};

}  // namespace kexport::registry
