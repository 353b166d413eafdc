// The registry's rules: what a valid firm is, who may change what, and how
// every change is recorded. Plain C++ over a FirmStore, with no gRPC types, so
// tests can call it directly.
//
//   Registrar registrar(&store, SystemClock());
//   absl::StatusOr<Firm> firm = registrar.CreateFirm(request, "operator-7");
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "services/registry/firm_store.h"

namespace kexport::registry {

// An import row as far as it is judged before its batch commits.
struct CheckedImportRow {
  int64_t number = 0;
  std::string brn;  // as sent, for the report
  std::string request_id;
  std::string fingerprint;  // "" without a request id
  // A bad request id or firm; reported unless the request id was applied.
  absl::Status invalid;
  NewFirm firm;  // when valid
};

class Registrar final {
 public:
  Registrar(FirmStore* store, Clock clock)
      : store_(store),
        clock_(std::move(clock)),
        applied_requests_([store](const std::string& request_id) {
          return store->FindAppliedRequest(request_id);
        }) {}

  absl::StatusOr<Firm> CreateFirm(const v1::CreateFirmRequest& request,
                                  const std::string& actor);
  // The firm serialized, as the cache keeps it.
  absl::StatusOr<std::string> GetFirmBytes(const v1::GetFirmRequest& request);
  absl::StatusOr<v1::BatchGetFirmsResponse> BatchGetFirms(
      const v1::BatchGetFirmsRequest& request);
  absl::StatusOr<v1::ListFirmsResponse> ListFirms(
      const v1::ListFirmsRequest& request);
  absl::StatusOr<Firm> UpdateFirm(const v1::UpdateFirmRequest& request,
                                  const std::string& actor);
  absl::StatusOr<Firm> CloseFirm(const v1::CloseFirmRequest& request,
                                 const std::string& actor);
  absl::StatusOr<Firm> ReopenFirm(const v1::ReopenFirmRequest& request,
                                  const std::string& actor);
  absl::StatusOr<ExportRecord> RecordExports(
      const v1::RecordExportsRequest& request, const std::string& actor);
  absl::StatusOr<v1::ListExportRecordsResponse> ListExportRecords(
      const v1::ListExportRecordsRequest& request);
  absl::StatusOr<v1::ListFirmChangesResponse> ListFirmChanges(
      const v1::ListFirmChangesRequest& request);

  // The part of an import that needs no store: checks rows numbered from
  // `first_row` and builds their records, so a stream can do it while its
  // previous batch commits.
  std::vector<CheckedImportRow> CheckImportRows(
      const std::vector<v1::ImportFirmsRequest>& rows, int64_t first_row,
      const std::string& actor) const;
  // Imports checked rows, adding counts and rejected rows to `report`.
  // Fails only when the store fails; bad rows are reported.
  absl::Status ImportFirms(std::vector<CheckedImportRow>& rows,
                           v1::ImportFirmsResponse& report);

 private:
  ChangeContext NewChange(absl::string_view method, const std::string& actor,
                          const std::string& request_id,
                          const std::string& fingerprint) const;

  // Applies a state change (close or reopen) under the usual checks.
  template <typename Request>
  absl::StatusOr<Firm> ChangeState(const Request& request,
                                   absl::string_view method,
                                   v1::FirmState target,
                                   const std::string& actor);

  FirmStore* store_;
  Clock clock_;
  AppliedRequestLookup applied_requests_;
};

}  // namespace kexport::registry
