#include "services/applications/applications_records.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "services/applications/application_states.h"
#include "services/applications/award_ledger.h"

namespace kexport::applications {
namespace {

template <typename Record>
absl::StatusOr<Record> Found(absl::StatusOr<std::optional<Record>> read, absl::string_view kind,
                             const std::string& name, const std::string& etag) {
  if (!read.ok()) return read.status();
  if (!read->has_value()) {
    return NotFoundError(absl::StrCat(kind, "_NOT_FOUND"), absl::StrCat(name, " not found"));
  }
  if (!etag.empty() && etag != (*read)->etag()) {
    return RecordChangedError(name);
  }
  return **std::move(read);
}

}  // namespace

absl::StatusOr<v1::Program> FindProgram(ApplicationsStore& store, const std::string& name) {
  return Found(store.GetProgram(name), "PROGRAM", name, "");
}

absl::StatusOr<v1::Round> FindRound(ApplicationsStore& store, const std::string& name,
                                    absl::Time now, const std::string& etag) {
  ASSIGN_OR_RETURN(v1::Round round, Found(store.GetRound(name), "ROUND", name, etag));
  round.set_state(RoundStateAt(round, now));
  return round;
}

absl::Status Describe(ApplicationsStore& store, v1::Round& round, absl::Time now) {
  round.set_state(RoundStateAt(round, now));
  ASSIGN_OR_RETURN(std::vector<v1::Award> awards, store.RoundAwards(round.name()));
  *round.mutable_budget_summary() = RoundBudgetOf(awards);
  return absl::OkStatus();
}

absl::StatusOr<v1::Application> FindApplication(ApplicationsStore& store,
                                                const std::string& name,
                                                const std::string& etag) {
  return Found(store.GetApplication(name), "APPLICATION", name, etag);
}

absl::StatusOr<v1::Award> FindAward(ApplicationsStore& store, const std::string& name,
                                    const std::string& etag) {
  return Found(store.GetAward(name), "AWARD", name, etag);
}

absl::StatusOr<v1::Selection> FindSelection(ApplicationsStore& store, const std::string& round) {
  ASSIGN_OR_RETURN(std::optional<v1::Selection> selection, store.GetSelection(round));
  if (!selection) {
    return NotFoundError("SELECTION_NOT_FOUND",
                         absl::StrCat(round, " has no selection yet"));
  }
  return *std::move(selection);
}

}  // namespace kexport::applications
