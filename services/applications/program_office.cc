#include "services/applications/program_office.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/page_token.h"
#include "common/record_version.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_names.h"
#include "services/applications/applications_records.h"
#include "services/applications/applications_validation.h"

namespace kexport::applications {
namespace {

using google::protobuf::util::FieldMaskUtil;

// The programme fields every applicant of an open round is judged by.
constexpr absl::string_view kJudgingFields[] = {
    "support_items",    "per_firm_cap_won", "per_service_cap_won", "state_share_bp",
    "subsidy_share_bands", "eligibility_rules", "questions", "apply_gpass_incentives"};

// What may change once a round's window has opened.
constexpr absl::string_view kAfterOpeningFields[] = {"title", "description", "apply_end_time"};

template <typename Fields>
bool Contains(const Fields& fields, absl::string_view path) {
  return std::find(std::begin(fields), std::end(fields), path) != std::end(fields);
}

// `stored` with the masked fields of `update` (repeated fields replaced),
// when the mask names only fields of the message; the validation reports
// the others.
template <typename Message>
Message Merged(const Message& stored, const Message& update,
               const google::protobuf::FieldMask& mask) {
  Message merged = stored;
  if (FieldMaskUtil::IsValidFieldMask<Message>(mask)) {
    FieldMaskUtil::MergeOptions options;
    options.set_replace_repeated_fields(true);
    options.set_replace_message_fields(true);
    FieldMaskUtil::MergeMessageTo(update, mask, options, &merged);
  }
  return merged;
}

// A round as stored: the state only once it is no longer the clock's.
v1::Round Storable(v1::Round round) {
  round.clear_budget_summary();
  if (round.state() != v1::ROUND_STATE_SELECTED && round.state() != v1::ROUND_STATE_FINALIZED) {
    round.clear_state();
  }
  return round;
}

}  // namespace

ProgramOffice::ProgramOffice(ApplicationsStore* store, Clock clock)
    : store_(store),
      clock_(std::move(clock)),
      applied_requests_(
          [store](const std::string& id) { return store->FindAppliedRequest(id); }) {}

absl::StatusOr<v1::Program> ProgramOffice::CreateProgram(const v1::CreateProgramRequest& request,
                                                         const std::string& actor) {
  RETURN_IF_ERROR(ValidateProgramCreation(request));
  std::string fingerprint = RequestFingerprint("CreateProgram", request);
  return ApplyOnce<v1::Program>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Program> {
        const auto now = ToTimestamp(clock_());
        v1::Program program = request.program();
        program.set_name(ProgramName(request.program_id()));
        program.clear_etag();
        program.set_created_by(actor);
        *program.mutable_create_time() = now;
        *program.mutable_update_time() = now;
        ApplicationsWrite write;
        write.programs.push_back(program);
        program.set_etag(NextEtag(""));
        write.request_id = request.request_id();
        write.applied = {fingerprint, program.SerializeAsString()};
        RETURN_IF_ERROR(store_->Commit(write));
        return program;
      });
}

absl::StatusOr<v1::Program> ProgramOffice::GetProgram(const v1::GetProgramRequest& request) {
  RETURN_IF_ERROR(ParseProgramName(request.name(), "name").status());
  return FindProgram(*store_, request.name());
}

absl::StatusOr<v1::ListProgramsResponse> ProgramOffice::ListPrograms(
    const v1::ListProgramsRequest& request) {
  ASSIGN_OR_RETURN(PageRequest paging,
                   ReadPageRequest(request, request.page_size(), request.page_token()));
  if (!v1::Agency_IsValid(request.agency())) {
    return InvalidFieldError("agency", "not a known agency");
  }
  auto matches = [&](const v1::Program& program) {
    bool agency = request.agency() == v1::AGENCY_UNSPECIFIED ||
                  program.lead_agency() == request.agency() ||
                  std::count(program.partner_agencies().begin(),
                             program.partner_agencies().end(), request.agency()) > 0;
    bool year = request.fiscal_year() == 0 || program.fiscal_year() == request.fiscal_year();
    return agency && year;
  };
  // Programmes are few: the filters run over the store's pages by name.
  v1::ListProgramsResponse response;
  PageRequest scan = paging;
  while (true) {
    ASSIGN_OR_RETURN(Page<v1::Program> page, store_->ListPrograms(scan));
    for (v1::Program& program : page.items) {
      if (response.programs_size() == paging.size) {
        response.set_next_page_token(
            NextPageToken(paging, {response.programs(paging.size - 1).name()}));
        return response;
      }
      if (matches(program)) *response.add_programs() = std::move(program);
    }
    if (page.next.empty()) return response;
    scan.after = page.next;
  }
}

absl::StatusOr<v1::Program> ProgramOffice::UpdateProgram(const v1::UpdateProgramRequest& request) {
  RETURN_IF_ERROR(ParseProgramName(request.program().name(), "program.name").status());
  std::string fingerprint = RequestFingerprint("UpdateProgram", request);
  return ApplyOnce<v1::Program>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Program> {
        ASSIGN_OR_RETURN(v1::Program stored, FindProgram(*store_, request.program().name()));
        if (!request.program().etag().empty() && request.program().etag() != stored.etag()) {
          return RecordChangedError(stored.name());
        }
        v1::Program program = Merged(stored, request.program(), request.update_mask());
        RETURN_IF_ERROR(ValidateProgramUpdate(request, program));
        const absl::Time now = clock_();
        for (const std::string& path : request.update_mask().paths()) {
          if (!Contains(kJudgingFields, path)) continue;
          ASSIGN_OR_RETURN(std::vector<v1::Round> rounds, store_->ProgramRounds(stored.name()));
          for (const v1::Round& round : rounds) {
            if (RoundStateAt(round, now) == v1::ROUND_STATE_OPEN) {
              return WrongState("ROUND_OPEN", round, v1::ROUND_STATE_OPEN);
            }
          }
          break;
        }
        program.set_created_by(stored.created_by());
        *program.mutable_update_time() = ToTimestamp(now);
        ApplicationsWrite write;
        write.programs.push_back(program);
        program.set_etag(NextEtag(stored.etag()));
        write.request_id = request.request_id();
        write.applied = {fingerprint, program.SerializeAsString()};
        RETURN_IF_ERROR(store_->Commit(write));
        return program;
      });
}

absl::StatusOr<v1::Round> ProgramOffice::CreateRound(const v1::CreateRoundRequest& request,
                                                     const std::string& actor) {
  RETURN_IF_ERROR(ParseProgramName(request.parent(), "parent").status());
  std::string fingerprint = RequestFingerprint("CreateRound", request);
  return ApplyOnce<v1::Round>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Round> {
        std::lock_guard<std::mutex> lock(rounds_mutex_);
        ASSIGN_OR_RETURN(v1::Program program, FindProgram(*store_, request.parent()));
        RETURN_IF_ERROR(ValidateRoundCreation(request, program));
        RETURN_IF_ERROR(CheckCapacity(program, "", request.round().capacity()));
        const absl::Time now = clock_();
        v1::Round round = request.round();
        round.set_name(absl::StrCat(request.parent(), "/rounds/", request.round_id()));
        round.set_fiscal_year(program.fiscal_year());
        round.set_budget_account(program.budget_account());
        round.clear_state();
        round.clear_budget_summary();
        round.clear_etag();
        round.set_created_by(actor);
        *round.mutable_create_time() = ToTimestamp(now);
        *round.mutable_update_time() = ToTimestamp(now);
        ApplicationsWrite write;
        write.rounds.push_back(round);
        round.set_etag(NextEtag(""));
        round.set_state(RoundStateAt(round, now));
        *round.mutable_budget_summary() = v1::RoundBudget();
        write.request_id = request.request_id();
        write.applied = {fingerprint, round.SerializeAsString()};
        RETURN_IF_ERROR(store_->Commit(write));
        return round;
      });
}

absl::StatusOr<v1::Round> ProgramOffice::GetRound(const v1::GetRoundRequest& request) {
  RETURN_IF_ERROR(ParseRoundName(request.name(), "name").status());
  const absl::Time now = clock_();
  ASSIGN_OR_RETURN(v1::Round round, FindRound(*store_, request.name(), now));
  RETURN_IF_ERROR(Describe(*store_, round, now));
  return round;
}

absl::Status ProgramOffice::CheckCapacity(const v1::Program& program, const std::string& round,
                                          int32_t capacity) {
  if (program.capacity() == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<v1::Round> rounds, store_->ProgramRounds(program.name()));
  int64_t planned = capacity;
  for (const v1::Round& other : rounds) {
    if (other.fiscal_year() == program.fiscal_year() && other.name() != round) {
      planned += other.capacity();
    }
  }
  if (planned > program.capacity()) {
    return FailedPreconditionError(
        "PROGRAM_CAPACITY_EXCEEDED",
        absl::StrCat("the rounds of ", program.fiscal_year(), " would take ", planned,
                     " firms; ", program.name(), " supports ", program.capacity()));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListRoundsResponse> ProgramOffice::ListRounds(
    const v1::ListRoundsRequest& request) {
  RETURN_IF_ERROR(ParseProgramName(request.parent(), "parent").status());
  ASSIGN_OR_RETURN(PageRequest paging,
                   ReadPageRequest(request, request.page_size(), request.page_token()));
  if (!v1::RoundState_IsValid(request.state())) {
    return InvalidFieldError("state", "not a known round state");
  }
  RETURN_IF_ERROR(FindProgram(*store_, request.parent()).status());
  // A programme has a few rounds a year: the cursor is a position in them.
  ASSIGN_OR_RETURN(int64_t skip, CursorNumber(paging, 0));
  ASSIGN_OR_RETURN(std::vector<v1::Round> rounds, store_->ProgramRounds(request.parent()));
  const absl::Time now = clock_();
  v1::ListRoundsResponse response;
  int64_t position = 0;
  for (v1::Round& round : rounds) {
    RETURN_IF_ERROR(Describe(*store_, round, now));
    if (request.state() != v1::ROUND_STATE_UNSPECIFIED && round.state() != request.state()) {
      continue;
    }
    if (position++ < skip) continue;
    if (response.rounds_size() == paging.size) {
      response.set_next_page_token(NextPageToken(paging, {absl::StrCat(position - 1)}));
      break;
    }
    *response.add_rounds() = std::move(round);
  }
  return response;
}

absl::StatusOr<v1::Round> ProgramOffice::UpdateRound(const v1::UpdateRoundRequest& request) {
  ASSIGN_OR_RETURN(RoundRef ref, ParseRoundName(request.round().name(), "round.name"));
  std::string fingerprint = RequestFingerprint("UpdateRound", request);
  return ApplyOnce<v1::Round>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Round> {
        std::lock_guard<std::mutex> lock(rounds_mutex_);
        const absl::Time now = clock_();
        ASSIGN_OR_RETURN(v1::Round stored,
                         FindRound(*store_, request.round().name(), now, request.round().etag()));
        ASSIGN_OR_RETURN(v1::Program program, FindProgram(*store_, ref.ProgramName()));
        v1::Round round = Merged(stored, request.round(), request.update_mask());
        RETURN_IF_ERROR(ValidateRoundUpdate(request, round, program));
        const v1::RoundState state = stored.state();
        if (state == v1::ROUND_STATE_SELECTED || state == v1::ROUND_STATE_FINALIZED) {
          return WrongState("ROUND_SELECTED", stored, state);
        }
        if (state != v1::ROUND_STATE_UPCOMING) {
          for (const std::string& path : request.update_mask().paths()) {
            if (!Contains(kAfterOpeningFields, path)) {
              return WithErrorMetadata(WrongState("ROUND_WINDOW_OPENED", stored, state),
                                       {{"field", path}});
            }
            if (path == "apply_end_time" &&
                (state != v1::ROUND_STATE_OPEN ||
                 FromTimestamp(round.apply_end_time()) <= FromTimestamp(stored.apply_end_time()))) {
              return WrongState("WINDOW_ONLY_EXTENDS", stored, state);
            }
          }
        }
        if (Contains(request.update_mask().paths(), "capacity")) {
          RETURN_IF_ERROR(CheckCapacity(program, stored.name(), round.capacity()));
        }
        *round.mutable_update_time() = ToTimestamp(now);
        ApplicationsWrite write;
        write.rounds.push_back(Storable(round));
        round.set_etag(NextEtag(stored.etag()));
        RETURN_IF_ERROR(Describe(*store_, round, now));
        write.request_id = request.request_id();
        write.applied = {fingerprint, round.SerializeAsString()};
        RETURN_IF_ERROR(store_->Commit(write));
        return round;
      });
}

}  // namespace kexport::applications
