// G-PASS designation: the rules of the application pipeline (eligibility
// from the registry, pre-screen, fast track, first review, committee),
// designations with grades and validity, revocation, annual re-grading and
// statistics. Plain C++ over a DesignationStore, a FirmDirectory (the
// registry) and the policy; no gRPC types, so tests call it directly with a
// clock they move.
//
//   Designator designator(&store, &registry, &policy, cache, SystemClock());
//   ASSIGN_OR_RETURN(v1::DesignationApplication application,
//                    designator.Submit(request, "operator-7"));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/cache.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "common/read_through.h"
#include "services/designation/designation_store.h"
#include "clients/firm_directory.h"
#include "services/designation/policy.h"

namespace kexport::designation {

using clients::FirmDirectory;
using clients::FirmFacts;

class Designator final {
 public:
  // `cache` may be null (no cache); it holds today's firm look-ups.
  Designator(DesignationStore* store, FirmDirectory* firms, const Policy* policy,
             Cache* cache, absl::Duration cache_ttl, Clock clock);

  absl::StatusOr<v1::DesignationApplication> Submit(
      const v1::SubmitDesignationApplicationRequest& request, const std::string& actor);
  absl::StatusOr<v1::DesignationApplication> SubmitReview(
      const v1::SubmitReviewRequest& request, const std::string& actor);
  absl::StatusOr<v1::DesignationApplication> Decide(
      const v1::DecideDesignationApplicationRequest& request, const std::string& actor);
  absl::StatusOr<v1::DesignationApplication> Withdraw(
      const v1::WithdrawDesignationApplicationRequest& request, const std::string& actor);
  absl::StatusOr<v1::Designation> Revoke(const v1::RevokeDesignationRequest& request,
                                         const std::string& actor);
  absl::StatusOr<v1::AnnualReview> RunAnnualReview(
      const v1::RunAnnualReviewRequest& request, const std::string& actor);

  absl::StatusOr<v1::DesignationApplication> GetApplication(
      const v1::GetDesignationApplicationRequest& request);
  absl::StatusOr<v1::ListDesignationApplicationsResponse> ListApplications(
      const v1::ListDesignationApplicationsRequest& request);
  absl::StatusOr<v1::Designation> GetDesignation(const v1::GetDesignationRequest& request);
  // The answer serialized: today's comes as the cache keeps it.
  absl::StatusOr<std::string> GetFirmDesignationBytes(
      const v1::GetFirmDesignationRequest& request);
  absl::StatusOr<v1::ListDesignationsResponse> ListDesignations(
      const v1::ListDesignationsRequest& request);
  absl::StatusOr<v1::AnnualReview> GetAnnualReview(const v1::GetAnnualReviewRequest& request);
  absl::StatusOr<v1::DesignationStatistics> GetStatistics(
      const v1::GetDesignationStatisticsRequest& request);
  absl::StatusOr<v1::GradeIncentives> GetGradeIncentives(
      const v1::GetGradeIncentivesRequest& request);
  absl::StatusOr<v1::ListGradeIncentivesResponse> ListGradeIncentives(
      const v1::ListGradeIncentivesRequest& request);
  absl::StatusOr<v1::DesignationPolicy> GetPolicy(const v1::GetDesignationPolicyRequest& request);

 private:
  absl::CivilDay Today() const;
  // Reads an application for a state change: NOT_FOUND, or ABORTED on a
  // stale etag.
  absl::StatusOr<v1::DesignationApplication> ApplicationForChange(
      absl::string_view name, const std::string& etag);
  // Commits, then drops the cached look-ups of `firms`.
  absl::Status Commit(DesignationWrite& write, const std::vector<std::string>& firms);
  // Closes the first review once enough reviews are in.
  void CloseFirstReview(v1::DesignationApplication& application, absl::Time now,
                        const std::string& request_id);
  absl::StatusOr<v1::GetFirmDesignationResponse> LookUpFirm(const std::string& firm,
                                                           absl::CivilDay day);

  DesignationStore* store_;
  FirmDirectory* firms_;
  const Policy* policy_;
  Cache* cache_;
  ReadThrough firm_lookups_;
  Clock clock_;
  AppliedRequestLookup applied_requests_;
};

}  // namespace kexport::designation
