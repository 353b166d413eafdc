#include "services/designation/policy.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/macros.h"
#include "common/proto_bytes.h"
#include "common/sha256.h"
#include "common/text.h"
#include "google/protobuf/util/json_util.h"

namespace kexport::designation {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename Message>
absl::StatusOr<Message> ParseJson(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(text, &message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", std::string(status.message())));
  }
  return message;
}

absl::Status Bad(absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat("designation policy: ", what));
}

absl::Status CheckRule(const v1::EvidenceRule& rule) {
  if (!IsLowerSlug(rule.id(), 63)) {
    return Bad(absl::StrCat("rule id `", rule.id(), "` is not 1-63 of [a-z0-9-]"));
  }
  if (rule.metrics().empty() || rule.min_value() < 1) {
    return Bad(absl::StrCat("rule ", rule.id(), " needs metrics and a minimum of at least 1"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckPolicy(const Policy& policy) {
  const v1::DesignationPolicy& rules = policy.rules;
  if (rules.revision().empty()) {
    return Bad("revision is required");
  }
  if (rules.validity_years() < 1 || rules.reapply_window_years() < 0 ||
      rules.evidence_lookback_years() < 1) {
    return Bad("validity, re-apply window and evidence look-back must be positive");
  }
  if (rules.min_reviews() < 1 || rules.min_reviews() > 10) {
    return Bad("min_reviews is 1 to 10");
  }
  int64_t weights = 0;
  absl::flat_hash_set<std::string> ids;
  for (const auto& criterion : rules.review_criteria()) {
    if (!IsLowerSlug(criterion.id(), 63) || !ids.insert(criterion.id()).second) {
      return Bad(absl::StrCat("criterion id `", criterion.id(), "` is malformed or repeated"));
    }
    if (criterion.max_points() < 1 || criterion.max_points() > 1000 ||
        criterion.weight_bp() < 1 || criterion.weight_bp() > 10000) {
      return Bad(absl::StrCat("criterion ", criterion.id(), ": max_points 1-1000, weight 1-10000 bp"));
    }
    weights += criterion.weight_bp();
  }
  if (weights != 10000) {
    return Bad(absl::StrCat("review criteria weights sum to ", weights, " bp, not 10000"));
  }
  for (const auto& rule : rules.prescreen_criteria()) RETURN_IF_ERROR(CheckRule(rule));
  for (const auto& rule : rules.fast_track_conditions()) RETURN_IF_ERROR(CheckRule(rule));
  for (const auto& bonus : rules.bonuses()) RETURN_IF_ERROR(CheckRule(bonus.condition()));
  for (const auto& grade : rules.grade_rules()) {
    RETURN_IF_ERROR(CheckRule(grade.condition()));
    if (grade.grade() == v1::GRADE_UNSPECIFIED || !v1::Grade_IsValid(grade.grade())) {
      return Bad(absl::StrCat("grade rule ", grade.condition().id(), " grants no grade"));
    }
  }
  if (rules.default_grade() == v1::GRADE_UNSPECIFIED ||
      !v1::Grade_IsValid(rules.default_grade())) {
    return Bad("default_grade is required");
  }
  return absl::OkStatus();
}

absl::StatusOr<Policy> LoadPolicy(const std::string& policy_path,
                                  const std::string& incentives_path) {
  Policy policy;
  ASSIGN_OR_RETURN(policy.rules, ParseJson<v1::DesignationPolicy>(policy_path));
  ASSIGN_OR_RETURN(v1::ListGradeIncentivesResponse incentives,
                   ParseJson<v1::ListGradeIncentivesResponse>(incentives_path));
  policy.incentives.assign(incentives.grade_incentives().begin(),
                           incentives.grade_incentives().end());
  std::sort(policy.incentives.begin(), policy.incentives.end(),
            [](const auto& a, const auto& b) { return a.grade() < b.grade(); });
  RETURN_IF_ERROR(CheckPolicy(policy));
  // The etags say which configuration answered, for clients' caches.
  policy.rules.set_name("designationPolicy");
  policy.rules.set_etag(
      absl::BytesToHexString(Sha256(DeterministicBytes(policy.rules))).substr(0, 16));
  for (auto& grade : policy.incentives) {
    grade.set_policy_revision(policy.rules.revision());
    grade.set_etag(absl::BytesToHexString(Sha256(DeterministicBytes(grade))).substr(0, 16));
  }
  return policy;
}

}  // namespace kexport::designation
