#include "services/applications/selection_desk.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/page_token.h"
#include "common/record_version.h"
#include "common/text.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_names.h"
#include "services/applications/applications_records.h"
#include "services/applications/applications_validation.h"
#include "services/applications/round_places.h"
#include "services/applications/selection_draw.h"
#include "services/applications/selection_inputs.h"

namespace kexport::applications {
namespace {

constexpr char kRunSelection[] = "RunSelection";

v1::ApplicationState StateOf(v1::SelectionOutcome outcome) {
  switch (outcome) {
    case v1::SELECTION_OUTCOME_SELECTED:
      return v1::APPLICATION_STATE_SELECTED;
    case v1::SELECTION_OUTCOME_WAITLISTED:
      return v1::APPLICATION_STATE_WAITLISTED;
    default:
      return v1::APPLICATION_STATE_REJECTED;
  }
}

// What awards still waiting for their reservation will take from `round`'s
// budget account: the ledger does not count them yet.
absl::StatusOr<int64_t> Queued(ApplicationsStore& store, const v1::Round& round) {
  ASSIGN_OR_RETURN(RoundRef ref, ParseRoundName(round.name(), "round"));
  AwardQuery query;
  query.program = ref.ProgramName();
  query.states = {v1::AWARD_STATE_RESERVING};
  query.page.size = 1000;
  std::map<std::string, std::string> accounts;  // budget account by round
  int64_t queued = 0;
  while (true) {
    ASSIGN_OR_RETURN(Page<v1::Award> page, store.ListAwards(query));
    for (const v1::Award& award : page.items) {
      if (!accounts.count(award.round())) {
        ASSIGN_OR_RETURN(std::optional<v1::Round> other, store.GetRound(award.round()));
        accounts[award.round()] = other ? other->budget_account() : "";
      }
      if (accounts[award.round()] == round.budget_account()) queued += award.amount_won();
    }
    if (page.next.empty()) return queued;
    query.page.after = page.next;
  }
}

constexpr PageLimits kSelectionPages{1000, 10000};  // default and largest page

absl::Status CheckView(v1::SelectionView view) {
  if (!v1::SelectionView_IsValid(view)) {
    return InvalidFieldError("view", "SELECTION_VIEW_BASIC or SELECTION_VIEW_FULL");
  }
  return absl::OkStatus();
}

// A page of one of a selection's lists, for ListSelectionEntries or
// ListSelectionInputs: `total(record)` counts the list, `read(store, record,
// offset, count)` reads from it, `items(response)` is the answer's
// field. The cursor is an offset: a selection's lists never change once
// drawn.
template <typename Response, typename Request, typename Total, typename Read, typename Items>
absl::StatusOr<Response> ListPage(ApplicationsStore& store, const Request& request, Total total,
                                  Read read, Items items) {
  ASSIGN_OR_RETURN(RoundRef ref, ParseSelectionName(request.parent(), "parent"));
  ASSIGN_OR_RETURN(PageRequest paging, ReadPageRequest(request, request.page_size(),
                                                       request.page_token(), kSelectionPages));
  ASSIGN_OR_RETURN(v1::Selection record, FindSelectionRecord(store, ref.Name()));
  ASSIGN_OR_RETURN(int64_t offset, CursorNumber(paging, 0));
  const int64_t count = total(record);
  if (offset < 0 || offset > count) {
    return InvalidFieldError("page_token", "points past the end of the list");
  }
  Response response;
  auto* page = items(response);
  ASSIGN_OR_RETURN(*page, read(store, record, offset, paging.size));
  if (page->size() < std::min<int64_t>(paging.size, count - offset)) {
    // A short page would hand out a token that never gets further.
    return absl::DataLossError(absl::StrCat("the stored list holds fewer than its ", count,
                                            " items at ", offset + page->size()));
  }
  const int64_t end = offset + page->size();
  response.set_next_page_token(NextPageToken(
      paging, end >= count ? std::vector<std::string>{} : std::vector<std::string>{
                                                               absl::StrCat(end)}));
  return response;
}

}  // namespace

SelectionDesk::SelectionDesk(ApplicationsStore* store, clients::LedgerAccounts* ledger,
                             LedgerOutbox* outbox, Clock clock, int64_t max_answer_bytes)
    : store_(store),
      ledger_(ledger),
      outbox_(outbox),
      clock_(std::move(clock)),
      max_answer_bytes_(max_answer_bytes),
      applied_requests_([this](const std::string& id) { return FindApplied(id); }) {}

absl::Status SelectionDesk::CheckFits(const google::protobuf::MessageLite& answer,
                                      v1::SelectionView view) const {
  if (view == v1::SELECTION_VIEW_BASIC) return absl::OkStatus();
  // Room for what the store adds (etag, counts) after a draw is checked.
  constexpr int64_t kHeadroom = 64;
  const size_t bytes = answer.ByteSizeLong();
  if (static_cast<int64_t>(bytes) + kHeadroom <= max_answer_bytes_) return absl::OkStatus();
  return WithErrorMetadata(
      FailedPreconditionError(
          "SELECTION_TOO_LARGE",
          absl::StrCat("the full answer is ", bytes, " bytes, more than one answer carries (",
                       max_answer_bytes_,
                       "): ask view SELECTION_VIEW_BASIC, and page through ListSelectionInputs "
                       "and ListSelectionEntries once drawn")),
      {{"bytes", absl::StrCat(bytes)}, {"limit", absl::StrCat(max_answer_bytes_)}});
}

absl::StatusOr<v1::Selection> SelectionDesk::Show(v1::Selection selection,
                                                  v1::SelectionView view) const {
  RETURN_IF_ERROR(CheckFits(selection, view));
  CountHeldLists(selection);  // a retry's answer recorded before the counts were
  if (view == v1::SELECTION_VIEW_BASIC) {
    selection.mutable_commitment()->clear_inputs();
    selection.clear_entries();
  }
  return selection;
}

absl::StatusOr<std::optional<AppliedRequest>> SelectionDesk::FindApplied(
    const std::string& request_id) {
  ASSIGN_OR_RETURN(std::optional<AppliedRequest> applied, store_->FindAppliedRequest(request_id));
  v1::Selection stub;
  // Only a RunSelection's stub is expanded: another method's answer under
  // this id is left for the replay check to refuse, and a record from
  // before stubs holds the whole selection.
  if (!applied || !absl::StartsWith(applied->fingerprint, absl::StrCat(kRunSelection, ":")) ||
      !stub.ParseFromString(applied->response) || stub.has_commitment()) {
    return applied;
  }
  ASSIGN_OR_RETURN(v1::Selection selection,
                   FindSelection(*store_, std::string(absl::StripSuffix(stub.name(), "/selection"))));
  selection.clear_promotions();
  selection.set_etag(NextEtag(""));
  applied->response = selection.SerializeAsString();
  return applied;
}

absl::StatusOr<SelectionDesk::Prepared> SelectionDesk::Prepare(const std::string& round_name,
                                                               absl::Time now) {
  Prepared prepared;
  ASSIGN_OR_RETURN(prepared.round, FindRound(*store_, round_name, now));
  const v1::Round& round = prepared.round;
  if (round.state() != v1::ROUND_STATE_CLOSED) {
    return WrongState("ROUND_NOT_CLOSED", round, round.state());
  }
  const v1::SelectionPolicy& policy = round.selection_policy();
  ASSIGN_OR_RETURN(std::shared_ptr<const Candidates> candidates, ReadCandidates(round.name()));
  prepared.round_writes = candidates->round_writes;
  const int min_reviews = std::max(1, policy.scored_ranking().min_reviews());
  int missing_reviews = 0;
  v1::SelectionCommitment& commitment = prepared.commitment;
  commitment.mutable_inputs()->Reserve(static_cast<int>(candidates->by_brn.size()));
  prepared.versions.reserve(candidates->by_brn.size());
  for (const SelectionCandidate& candidate : candidates->by_brn) {
    if (policy.has_scored_ranking() && candidate.reviews < min_reviews) ++missing_reviews;
    *commitment.add_inputs() = ForPolicy(candidate.input, policy);
    prepared.versions[candidate.name] = candidate.version;
  }
  if (missing_reviews > 0) {
    return FailedPreconditionError(
        "REVIEWS_MISSING", absl::StrCat(missing_reviews, " applications of ", round.name(),
                                        " have fewer than ", min_reviews, " reviews"));
  }
  absl::StatusOr<int64_t> available = ledger_->Available(round.budget_account());
  if (absl::IsNotFound(available.status())) {
    return FailedPreconditionError(
        "BUDGET_ACCOUNT_NOT_FOUND",
        absl::StrCat("the ledger has no account ", round.budget_account(), " yet"));
  }
  RETURN_IF_ERROR(available.status());
  ASSIGN_OR_RETURN(int64_t queued, Queued(*store_, round));
  int64_t drawable = std::max<int64_t>(0, *available - queued);
  if (round.budget_won() > 0) drawable = std::min(drawable, round.budget_won());
  commitment.set_algorithm_version(AlgorithmVersion(policy));
  *commitment.mutable_policy() = policy;
  commitment.set_inputs_sha256(InputsSha256(commitment.inputs()));
  commitment.set_input_count(commitment.inputs_size());
  commitment.set_seed_source(policy.seed_source());
  commitment.set_capacity(round.capacity());
  commitment.set_budget_available_won(drawable);
  *commitment.mutable_commit_time() = ToTimestamp(now);
  return prepared;
}

absl::StatusOr<std::shared_ptr<const SelectionDesk::Candidates>> SelectionDesk::ReadCandidates(
    const std::string& round) {
  // Read first: candidates read after it are current while it stands.
  ASSIGN_OR_RETURN(const int64_t round_writes, store_->RoundWrites(round));
  {
    std::lock_guard<std::mutex> lock(candidates_mutex_);
    if (last_candidates_ != nullptr && last_candidates_->round == round &&
        last_candidates_->round_writes == round_writes) {
      return last_candidates_;
    }
  }
  ASSIGN_OR_RETURN(std::vector<SelectionCandidate> read, store_->SelectionCandidates(round));
  auto candidates = std::make_shared<Candidates>();
  candidates->round = round;
  candidates->round_writes = round_writes;
  // One input per firm: its earliest submission (the store keeps one
  // application per firm and round; this holds even if that changed).
  std::vector<SelectionCandidate*> by_brn;
  by_brn.reserve(read.size());
  for (SelectionCandidate& candidate : read) by_brn.push_back(&candidate);
  std::stable_sort(by_brn.begin(), by_brn.end(),
                   [](const SelectionCandidate* a, const SelectionCandidate* b) {
                     return a->input.brn() < b->input.brn();
                   });
  by_brn.erase(std::unique(by_brn.begin(), by_brn.end(),
                           [](const SelectionCandidate* a, const SelectionCandidate* b) {
                             return a->input.brn() == b->input.brn();
                           }),
               by_brn.end());
  candidates->by_brn.reserve(by_brn.size());
  for (SelectionCandidate* candidate : by_brn) {
    candidates->by_brn.push_back(std::move(*candidate));
  }
  std::lock_guard<std::mutex> lock(candidates_mutex_);
  // A slower read at an older count must not replace a newer one.
  if (last_candidates_ == nullptr || last_candidates_->round != round ||
      last_candidates_->round_writes < round_writes) {
    last_candidates_ = candidates;
  }
  return candidates;
}

void SelectionDesk::ForgetCandidates(const std::string& round) {
  std::lock_guard<std::mutex> lock(candidates_mutex_);
  if (last_candidates_ != nullptr && last_candidates_->round == round) last_candidates_.reset();
}

absl::StatusOr<v1::SelectionCommitment> SelectionDesk::Preview(
    const v1::PreviewSelectionCommitmentRequest& request) {
  RETURN_IF_ERROR(ParseRoundName(request.round(), "round").status());
  RETURN_IF_ERROR(CheckView(request.view()));
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(request.round(), clock_()));
  RETURN_IF_ERROR(CheckFits(prepared.commitment, request.view()));
  if (request.view() == v1::SELECTION_VIEW_BASIC) prepared.commitment.clear_inputs();
  return std::move(prepared.commitment);
}

absl::StatusOr<v1::Selection> SelectionDesk::Run(const v1::RunSelectionRequest& request,
                                                 const std::string& actor) {
  RETURN_IF_ERROR(ValidateRunSelection(request));
  RETURN_IF_ERROR(CheckView(request.view()));
  // The view shapes the answer, not the draw: a retry may ask another.
  v1::RunSelectionRequest drawn_by = request;
  drawn_by.clear_view();
  std::string fingerprint = RequestFingerprint(kRunSelection, drawn_by);
  absl::StatusOr<v1::Selection> recorded = ApplyOnce<v1::Selection>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Selection> {
        const absl::Time now = clock_();
        ASSIGN_OR_RETURN(Prepared prepared, Prepare(request.round(), now));
        v1::SelectionCommitment& commitment = prepared.commitment;
        if (!request.expected_inputs_sha256().empty() &&
            request.expected_inputs_sha256() != commitment.inputs_sha256()) {
          return WithErrorMetadata(
              FailedPreconditionError("INPUTS_CHANGED",
                                      "the eligible inputs differ from the published hash"),
              {{"inputs_sha256", commitment.inputs_sha256()}});
        }
        commitment.set_seed_value(request.seed_value());
        commitment.set_commitment_sha256(CommitmentSha256(commitment));
        ASSIGN_OR_RETURN(DrawResult result, Draw(commitment));

        v1::Selection selection;
        selection.set_name(absl::StrCat(request.round(), "/selection"));
        selection.set_state(v1::SELECTION_STATE_DRAWN);
        *selection.mutable_commitment() = std::move(commitment);
        for (v1::SelectionEntry& entry : result.entries) {
          *selection.add_entries() = std::move(entry);
        }
        selection.set_result_sha256(result.result_sha256);
        selection.set_run_by(actor);
        *selection.mutable_draw_time() = ToTimestamp(now);
        // Refused before anything is recorded, so that asking again for
        // the BASIC view draws.
        RETURN_IF_ERROR(CheckFits(selection, request.view()));

        // Outcomes are kept apart from the applications (the store shows
        // each application with its outcome); only the selected are read,
        // for their awards.
        ApplicationsWrite write;
        write.drawn = {prepared.round.name(),
                       {actor, kRunSelection, request.request_id(), now},
                       {},
                       prepared.round_writes};
        for (const v1::SelectionEntry& entry : selection.entries()) {
          auto version = prepared.versions.find(entry.application());
          if (version == prepared.versions.end()) {
            return absl::InternalError(
                absl::StrCat("the draw returned ", entry.application(), ", not an input"));
          }
          SelectionOutcome& outcome = write.drawn.outcomes.emplace_back();
          outcome.application = entry.application();
          outcome.base_version = version->second;
          outcome.state = StateOf(entry.outcome());
          outcome.reason = entry.outcome_reason();
          if (entry.outcome() == v1::SELECTION_OUTCOME_SELECTED) {
            ASSIGN_OR_RETURN(v1::Application application,
                             FindApplication(*store_, entry.application(), ""));
            v1::Award award = NewAward(application, now);
            outcome.award = award.name();
            write.awards.push_back(std::move(award));
          }
        }
        v1::Round round = prepared.round;
        round.set_state(v1::ROUND_STATE_SELECTED);
        round.clear_budget_summary();
        *round.mutable_update_time() = ToTimestamp(now);
        write.rounds.push_back(std::move(round));
        write.request_id = request.request_id();
        v1::Selection stub;
        stub.set_name(selection.name());
        write.applied = {fingerprint, stub.SerializeAsString()};
        // Moved, not copied (megabytes); the store gives it its etag.
        write.selections.push_back(std::move(selection));
        RETURN_IF_ERROR(store_->Commit(write));
        ForgetCandidates(prepared.round.name());
        return std::move(write.selections.front());
      });
  if (!recorded.ok()) return recorded;
  outbox_->Wake();
  return Show(*std::move(recorded), request.view());
}

absl::StatusOr<v1::Selection> SelectionDesk::Get(const v1::GetSelectionRequest& request) {
  ASSIGN_OR_RETURN(RoundRef ref, ParseSelectionName(request.name(), "name"));
  RETURN_IF_ERROR(CheckView(request.view()));
  ASSIGN_OR_RETURN(v1::Selection selection, request.view() == v1::SELECTION_VIEW_BASIC
                                                ? FindSelectionRecord(*store_, ref.Name())
                                                : FindSelection(*store_, ref.Name()));
  return Show(std::move(selection), request.view());
}

absl::StatusOr<v1::ListSelectionEntriesResponse> SelectionDesk::ListEntries(
    const v1::ListSelectionEntriesRequest& request) {
  return ListPage<v1::ListSelectionEntriesResponse>(
      *store_, request, [](const v1::Selection& record) { return record.entry_count(); },
      &SelectionEntries,
      [](v1::ListSelectionEntriesResponse& page) { return page.mutable_entries(); });
}

absl::StatusOr<v1::ListSelectionInputsResponse> SelectionDesk::ListInputs(
    const v1::ListSelectionInputsRequest& request) {
  return ListPage<v1::ListSelectionInputsResponse>(
      *store_, request,
      [](const v1::Selection& record) { return record.commitment().input_count(); },
      &SelectionInputs,
      [](v1::ListSelectionInputsResponse& page) { return page.mutable_inputs(); });
}

absl::StatusOr<v1::VerifySelectionResponse> SelectionDesk::Verify(
    const v1::VerifySelectionRequest& request) {
  ASSIGN_OR_RETURN(RoundRef ref, ParseSelectionName(request.name(), "name"));
  if (!request.expected_commitment_sha256().empty() &&
      !IsLowerHexSha256(request.expected_commitment_sha256())) {
    return InvalidFieldError("expected_commitment_sha256", "64 lower-case hex characters");
  }
  ASSIGN_OR_RETURN(v1::Selection selection, FindSelection(*store_, ref.Name()));
  return kexport::applications::Verify(selection, request.expected_commitment_sha256());
}

}  // namespace kexport::applications
