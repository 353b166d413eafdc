// Where applications, designations and annual reviews are kept. Every
// change commits as one DesignationWrite: the records it touches (each
// checked against the version it was read at), the annual review it
// records, and the request it applies, so a retry finds its first answer.
// SqliteDesignationStore is the embedded implementation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/idempotency.h"
#include "common/page_token.h"
#include "kexport/designation/v1/designation.pb.h"

namespace kexport::designation {

struct DesignationWrite {
  // Records to store; their etag is the version they were read at ("" for a
  // new one). The store sets the new etag.
  std::vector<v1::DesignationApplication> applications;
  std::vector<v1::Designation> designations;
  std::optional<v1::AnnualReview> annual_review;
  std::string request_id;
  AppliedRequest applied;
};

struct ApplicationQuery {
  v1::DesignationApplicationFilter filter;
  bool by_update_time = false;
  bool descending = false;
  PageRequest page;
};

class DesignationStore {
 public:
  virtual ~DesignationStore() = default;

  virtual absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) = 0;
  // All or nothing: ABORTED when a record changed since it was read or the
  // request id was applied meanwhile.
  virtual absl::Status Commit(DesignationWrite& write) = 0;

  virtual absl::StatusOr<std::optional<v1::DesignationApplication>> GetApplication(
      const std::string& id) = 0;
  virtual absl::StatusOr<Page<v1::DesignationApplication>> ListApplications(
      const ApplicationQuery& query) = 0;
  // The firm's application not yet final, if any.
  virtual absl::StatusOr<std::optional<v1::DesignationApplication>> OpenApplication(
      const std::string& firm) = 0;

  virtual absl::StatusOr<std::optional<v1::Designation>> GetDesignation(
      const std::string& id) = 0;
  // Every designation of the firm, oldest first.
  virtual absl::StatusOr<std::vector<v1::Designation>> FirmDesignations(
      const std::string& firm) = 0;
  // Every designation, oldest first (statistics, annual reviews, lists).
  virtual absl::StatusOr<std::vector<v1::Designation>> AllDesignations() = 0;

  virtual absl::StatusOr<std::optional<v1::AnnualReview>> GetAnnualReview(
      int32_t year) = 0;
};

}  // namespace kexport::designation
