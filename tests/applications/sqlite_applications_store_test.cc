// The applications store on a real SQLite file: optimistic versions, one
// application per firm and round, atomic commits, keyset pages, records
// that survive a reopen, and selection outcomes kept apart yet read as
// applied.
#include "services/applications/sqlite_applications_store.h"

#include "services/applications/applications_records.h"

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "gtest/gtest.h"
#include "services/applications/applications_records.h"
#include "sqlite3.h"
#include "tests/support/child_process.h"

namespace kexport::applications {
namespace {

constexpr char kRound[] = "programs/voucher/rounds/2026-1";

v1::Round Round() {
  v1::Round round;
  round.set_name(kRound);
  round.set_title("2026 first recruitment");
  *round.mutable_apply_start_time() = ToTimestamp(absl::FromUnixSeconds(1'780'000'000));
  return round;
}

v1::Application Draft(int n, const std::string& firm) {
  v1::Application application;
  application.set_name(absl::StrCat("applications/app", n));
  application.set_firm(firm);
  application.set_round(kRound);
  application.set_state(v1::APPLICATION_STATE_DRAFT);
  *application.mutable_create_time() = ToTimestamp(absl::FromUnixSeconds(1'780'000'000 + n));
  return application;
}

class SqliteApplicationsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = SqliteApplicationsStore::Open(dir_.path() + "/applications.sqlite");
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
  }
  // Every application in `state`, from one page.
  std::vector<v1::Application> InState(v1::ApplicationState state) {
    ApplicationQuery query;
    query.states = {state};
    query.page.size = 10;
    auto page = store_->ListApplications(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->items : std::vector<v1::Application>{};
  }
  absl::Status Commit(std::vector<v1::Application> applications) {
    ApplicationsWrite write;
    write.applications = std::move(applications);
    return store_->Commit(write);
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteApplicationsStore> store_;
};

TEST_F(SqliteApplicationsStoreTest, VersionsGuardEveryUpdate) {
  ApplicationsWrite create;
  create.rounds.push_back(Round());
  ASSERT_TRUE(store_->Commit(create).ok());
  EXPECT_EQ(create.rounds[0].etag(), "1");

  v1::Round first = **store_->GetRound(kRound);
  v1::Round second = first;
  first.set_title("renamed");
  ApplicationsWrite update;
  update.rounds.push_back(first);
  ASSERT_TRUE(store_->Commit(update).ok());
  EXPECT_EQ(update.rounds[0].etag(), "2");

  second.set_title("stale");
  ApplicationsWrite stale;
  stale.rounds.push_back(second);
  EXPECT_EQ(store_->Commit(stale).code(), absl::StatusCode::kAborted);
  EXPECT_EQ((*store_->GetRound(kRound))->title(), "renamed");

  ApplicationsWrite again;
  again.rounds.push_back(Round());
  EXPECT_EQ(store_->Commit(again).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(SqliteApplicationsStoreTest, OneApplicationPerFirmAndRoundUnlessWithdrawn) {
  ASSERT_TRUE(Commit({Draft(1, "firms/1018100340")}).ok());
  absl::Status twice = Commit({Draft(2, "firms/1018100340")});
  EXPECT_EQ(twice.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(twice.message().find("has applied"), std::string::npos) << twice;

  v1::Application withdrawn = **store_->GetApplication("applications/app1");
  withdrawn.set_state(v1::APPLICATION_STATE_WITHDRAWN);
  ASSERT_TRUE(Commit({withdrawn}).ok());
  EXPECT_TRUE(Commit({Draft(2, "firms/1018100340")}).ok());
}

TEST_F(SqliteApplicationsStoreTest, AFailedCommitWritesNothing) {
  ASSERT_TRUE(Commit({Draft(1, "firms/1018100340")}).ok());
  ApplicationsWrite write;
  write.rounds.push_back(Round());
  write.applications.push_back(Draft(2, "firms/2208162517"));
  write.applications.push_back(Draft(3, "firms/1018100340"));  // a second for this firm
  write.request_id = "req-1";
  write.applied = {"fingerprint", "response"};
  EXPECT_EQ(store_->Commit(write).code(), absl::StatusCode::kAlreadyExists);

  EXPECT_FALSE(store_->GetRound(kRound)->has_value());
  EXPECT_FALSE(store_->GetApplication("applications/app2")->has_value());
  EXPECT_FALSE(store_->FindAppliedRequest("req-1")->has_value());
}

TEST_F(SqliteApplicationsStoreTest, RecordsAndAppliedRequestsSurviveAReopen) {
  ApplicationsWrite write;
  write.rounds.push_back(Round());
  write.applications.push_back(Draft(1, "firms/1018100340"));
  v1::Selection selection;
  selection.set_name(absl::StrCat(kRound, "/selection"));
  selection.set_state(v1::SELECTION_STATE_COMMITTED);
  write.selections.push_back(selection);
  write.request_id = "req-1";
  write.applied = {"fingerprint", "response"};
  ASSERT_TRUE(store_->Commit(write).ok());

  Reopen();
  EXPECT_EQ((*store_->GetApplication("applications/app1"))->firm(), "firms/1018100340");
  EXPECT_EQ(store_->ProgramRounds("programs/voucher")->size(), 1u);
  EXPECT_EQ((*store_->GetSelection(kRound))->state(), v1::SELECTION_STATE_COMMITTED);
  auto applied = store_->FindAppliedRequest("req-1");
  ASSERT_TRUE(applied.ok() && applied->has_value());
  EXPECT_EQ((*applied)->response, "response");
}

TEST_F(SqliteApplicationsStoreTest, PagesVisitEveryMatchOnceInOrder) {
  std::vector<v1::Application> drafts;
  for (int n = 1; n <= 7; ++n) {
    v1::Application draft = Draft(n, absl::StrCat("firms/10181003", 10 + n));
    if (n % 2 == 0) draft.set_state(v1::APPLICATION_STATE_SUBMITTED);
    drafts.push_back(draft);
  }
  ASSERT_TRUE(Commit(drafts).ok());

  for (bool descending : {false, true}) {
    ApplicationQuery query;
    query.round = kRound;
    query.descending = descending;
    query.page.size = 3;
    std::vector<std::string> seen;
    do {
      auto page = store_->ListApplications(query);
      ASSERT_TRUE(page.ok()) << page.status();
      for (const auto& application : page->items) seen.push_back(application.name());
      query.page.after = page->next;
    } while (!query.page.after.empty());
    ASSERT_EQ(seen.size(), 7u);
    EXPECT_EQ(seen.front(), descending ? "applications/app7" : "applications/app1");
    EXPECT_EQ(seen.back(), descending ? "applications/app1" : "applications/app7");
  }

  std::vector<v1::Application> submitted = InState(v1::APPLICATION_STATE_SUBMITTED);
  EXPECT_EQ(submitted.size(), 3u);
  for (const auto& application : submitted) {
    EXPECT_EQ(application.state(), v1::APPLICATION_STATE_SUBMITTED);
  }
}

TEST_F(SqliteApplicationsStoreTest, AChangeDecidedOnARoundFailsOnceTheRoundChanged) {
  ApplicationsWrite create;
  create.rounds.push_back(Round());
  ASSERT_TRUE(store_->Commit(create).ok());
  const v1::Round read = **store_->GetRound(kRound);

  ApplicationsWrite selection_ran;
  v1::Round selected = read;
  selected.set_state(v1::ROUND_STATE_SELECTED);
  selection_ran.rounds.push_back(selected);
  ASSERT_TRUE(store_->Commit(selection_ran).ok());

  ApplicationsWrite late;
  late.applications.push_back(Draft(1, "firms/1248100998"));
  late.unchanged_rounds.push_back(read);
  EXPECT_TRUE(absl::IsAborted(store_->Commit(late)));
  EXPECT_FALSE(store_->GetApplication("applications/app1")->has_value());

  late.unchanged_rounds = {**store_->GetRound(kRound)};
  EXPECT_TRUE(store_->Commit(late).ok());
  EXPECT_EQ((**store_->GetRound(kRound)).etag(), "2");  // read, not written
}

v1::Application UnderReview(int n, const std::string& firm, int64_t priority) {
  v1::Application application = Draft(n, firm);
  application.set_state(v1::APPLICATION_STATE_UNDER_REVIEW);
  application.mutable_eligibility()->set_priority_value(priority);
  application.set_requested_amount_won(1'000'000 * n);
  *application.mutable_submit_time() = ToTimestamp(absl::FromUnixSeconds(1'780'001'000 + n));
  return application;
}

TEST_F(SqliteApplicationsStoreTest, DrawnOutcomesReadAsAppliedOneVersionOn) {
  ASSERT_TRUE(Commit({UnderReview(1, "firms/1018100340", 3), UnderReview(2, "firms/2208162517", 1),
                      UnderReview(3, "firms/1248100998", 2)})
                  .ok());
  auto candidates = store_->SelectionCandidates(kRound);
  ASSERT_TRUE(candidates.ok()) << candidates.status();
  ASSERT_EQ(candidates->size(), 3u);
  EXPECT_EQ((*candidates)[0].name, "applications/app1");
  EXPECT_EQ((*candidates)[0].version, 1);
  EXPECT_EQ((*candidates)[0].input.weight(), 3);
  EXPECT_EQ((*candidates)[0].input.brn(), "1018100340");
  EXPECT_EQ((*candidates)[2].input.requested_amount_won(), 3'000'000);

  // Drawn at a time with nanoseconds: the history keeps it as any
  // transition's (ToTimestamp's precision).
  const absl::Time drawn_at = absl::FromUnixNanos(1'780'002'000'123'456'789);
  ApplicationsWrite draw;
  draw.drawn = {kRound,
                {"selector", "RunSelection", "req-draw", drawn_at},
                {{"applications/app1", 1, v1::APPLICATION_STATE_SELECTED, "rank 1", "awards/app1"},
                 {"applications/app2", 1, v1::APPLICATION_STATE_WAITLISTED, "rank 2", ""}},
                std::nullopt};
  ASSERT_TRUE(store_->Commit(draw).ok());

  v1::Application selected = **store_->GetApplication("applications/app1");
  EXPECT_EQ(selected.state(), v1::APPLICATION_STATE_SELECTED);
  EXPECT_EQ(selected.award(), "awards/app1");
  EXPECT_EQ(selected.etag(), "2");
  ASSERT_EQ(selected.history_size(), 1);
  const v1::StateTransition& decided = selected.history(0);
  EXPECT_EQ(decided.from_state(), v1::APPLICATION_STATE_UNDER_REVIEW);
  EXPECT_EQ(decided.to_state(), v1::APPLICATION_STATE_SELECTED);
  EXPECT_EQ(decided.actor(), "selector");
  EXPECT_EQ(decided.method(), "RunSelection");
  EXPECT_EQ(decided.request_id(), "req-draw");
  EXPECT_EQ(decided.reason(), "rank 1");
  const absl::Time kept = FromTimestamp(ToTimestamp(drawn_at));
  EXPECT_EQ(FromTimestamp(decided.transition_time()), kept);
  EXPECT_EQ(FromTimestamp(selected.update_time()), kept);

  // Undecided applications read as stored, and only they are still drawable.
  EXPECT_EQ((**store_->GetApplication("applications/app3")).etag(), "1");
  candidates = store_->SelectionCandidates(kRound);
  ASSERT_EQ(candidates->size(), 1u);
  EXPECT_EQ((*candidates)[0].name, "applications/app3");

  // Queries filter on the state with the outcome applied.
  std::vector<v1::Application> waitlisted = InState(v1::APPLICATION_STATE_WAITLISTED);
  ASSERT_EQ(waitlisted.size(), 1u);
  EXPECT_EQ(waitlisted[0].name(), "applications/app2");
  EXPECT_EQ(waitlisted[0].etag(), "2");
  auto round = store_->RoundApplications(kRound);
  ASSERT_TRUE(round.ok());
  EXPECT_EQ((*round)[1].state(), v1::APPLICATION_STATE_WAITLISTED);

  // A write at the version read before the draw is refused; one at the
  // version read after it stores the outcome and moves on.
  v1::Application before_draw = UnderReview(2, "firms/2208162517", 1);
  before_draw.set_etag("1");
  before_draw.set_state(v1::APPLICATION_STATE_WITHDRAWN);
  EXPECT_TRUE(absl::IsAborted(Commit({before_draw})));
  v1::Application withdrawn = waitlisted[0];
  withdrawn.set_state(v1::APPLICATION_STATE_WITHDRAWN);
  ASSERT_TRUE(Commit({withdrawn}).ok());
  Reopen();
  v1::Application stored = **store_->GetApplication("applications/app2");
  EXPECT_EQ(stored.state(), v1::APPLICATION_STATE_WITHDRAWN);
  EXPECT_EQ(stored.etag(), "3");
  ASSERT_EQ(stored.history_size(), 1);
  EXPECT_EQ(stored.history(0).to_state(), v1::APPLICATION_STATE_WAITLISTED);
  EXPECT_TRUE(absl::IsAborted(Commit({withdrawn})));  // etag "2" is past
}

// A draw (request `req-draw`) of app1, at version 1, selected, and
// `second`, at version 1, waitlisted.
ApplicationsWrite DrawOfAppAnd(const std::string& second) {
  ApplicationsWrite draw;
  draw.drawn = {kRound,
                {"selector", "RunSelection", "req-draw", absl::FromUnixSeconds(1'780'002'000)},
                {{"applications/app1", 1, v1::APPLICATION_STATE_SELECTED, "rank 1", ""},
                 {second, 1, v1::APPLICATION_STATE_WAITLISTED, "rank 2", ""}},
                std::nullopt};  // checked one by one
  draw.request_id = "req-draw";
  draw.applied = {"fingerprint", "response"};
  return draw;
}

TEST_F(SqliteApplicationsStoreTest, AnOutcomeForAChangedApplicationFailsTheWholeDraw) {
  ASSERT_TRUE(
      Commit({UnderReview(1, "firms/1018100340", 1), UnderReview(2, "firms/2208162517", 1)}).ok());
  v1::Application changed = **store_->GetApplication("applications/app2");
  changed.set_total_score_bp(10);
  ASSERT_TRUE(Commit({changed}).ok());

  ApplicationsWrite draw = DrawOfAppAnd("applications/app2");
  EXPECT_TRUE(absl::IsAborted(store_->Commit(draw)));
  EXPECT_EQ((**store_->GetApplication("applications/app1")).state(),
            v1::APPLICATION_STATE_UNDER_REVIEW);
  EXPECT_FALSE(store_->FindAppliedRequest("req-draw")->has_value());
  EXPECT_EQ(store_->SelectionCandidates(kRound)->size(), 2u);
}

TEST_F(SqliteApplicationsStoreTest, AnOutcomeForAnUnknownApplicationFailsTheWholeDraw) {
  ASSERT_TRUE(Commit({UnderReview(1, "firms/1018100340", 1)}).ok());
  ApplicationsWrite draw = DrawOfAppAnd("applications/ghost");
  absl::Status committed = store_->Commit(draw);
  EXPECT_TRUE(absl::IsAborted(committed)) << committed;
  EXPECT_NE(committed.message().find("applications/ghost"), absl::string_view::npos) << committed;
  EXPECT_EQ((**store_->GetApplication("applications/app1")).state(),
            v1::APPLICATION_STATE_UNDER_REVIEW);
}

TEST_F(SqliteApplicationsStoreTest, EveryWriteToARoundsApplicationsCounts) {
  EXPECT_EQ(*store_->RoundWrites(kRound), 0);
  ASSERT_TRUE(
      Commit({UnderReview(1, "firms/1018100340", 1), UnderReview(2, "firms/2208162517", 1)}).ok());
  EXPECT_EQ(*store_->RoundWrites(kRound), 2);
  v1::Application changed = **store_->GetApplication("applications/app2");
  changed.set_total_score_bp(10);
  ASSERT_TRUE(Commit({changed}).ok());
  EXPECT_EQ(*store_->RoundWrites(kRound), 3);

  v1::Application elsewhere = Draft(3, "firms/1248100998");
  elsewhere.set_round("programs/voucher/rounds/2026-2");
  ASSERT_TRUE(Commit({elsewhere}).ok());
  EXPECT_EQ(*store_->RoundWrites(kRound), 3);
  EXPECT_EQ(*store_->RoundWrites(elsewhere.round()), 1);
  Reopen();
  EXPECT_EQ(*store_->RoundWrites(kRound), 3);

  // A draw writes outcomes, not applications, and counts too.
  ApplicationsWrite draw;
  draw.drawn = {kRound,
                {"selector", "RunSelection", "req-draw", absl::FromUnixSeconds(1'780'002'000)},
                {{"applications/app1", 1, v1::APPLICATION_STATE_SELECTED, "rank 1", ""}},
                std::nullopt};
  ASSERT_TRUE(store_->Commit(draw).ok());
  EXPECT_EQ(*store_->RoundWrites(kRound), 4);
}

// The count read before the candidates vouches for them only while it
// stands: a draw made at an older count is checked outcome by outcome, one
// at the current count is not.
TEST_F(SqliteApplicationsStoreTest, OnlyADrawAtAStaleWriteCountIsCheckedOneByOne) {
  ASSERT_TRUE(
      Commit({UnderReview(1, "firms/1018100340", 1), UnderReview(2, "firms/2208162517", 1)}).ok());
  const int64_t read_at = *store_->RoundWrites(kRound);
  v1::Application changed = **store_->GetApplication("applications/app2");
  changed.set_total_score_bp(10);
  ASSERT_TRUE(Commit({changed}).ok());

  ApplicationsWrite stale = DrawOfAppAnd("applications/app2");
  stale.drawn.round_writes = read_at;
  EXPECT_TRUE(absl::IsAborted(store_->Commit(stale)));
  EXPECT_EQ(store_->SelectionCandidates(kRound)->size(), 2u);

  // At the current count the store trusts the outcomes: this draw names
  // app2 at the version it had before its change, which the check refuses
  // (above), yet it commits. The desk sets the count only for candidates
  // it read after it.
  ApplicationsWrite current = DrawOfAppAnd("applications/app2");
  current.drawn.round_writes = *store_->RoundWrites(kRound);
  ASSERT_TRUE(store_->Commit(current).ok());
  EXPECT_EQ((**store_->GetApplication("applications/app1")).state(),
            v1::APPLICATION_STATE_SELECTED);
}

TEST_F(SqliteApplicationsStoreTest, RowsStoredWithoutASelectionInputGetOneOnOpen) {
  ASSERT_TRUE(Commit({UnderReview(1, "firms/1018100340", 7)}).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() + "/applications.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE applications SET selection_input = NULL", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  Reopen();
  auto candidates = store_->SelectionCandidates(kRound);
  ASSERT_TRUE(candidates.ok()) << candidates.status();
  ASSERT_EQ(candidates->size(), 1u);
  EXPECT_EQ((*candidates)[0].input.weight(), 7);
}

// A drawn selection of `n` applications, with its inputs and entries.
v1::Selection Drawn(int n) {
  v1::Selection selection;
  selection.set_name(absl::StrCat(kRound, "/selection"));
  selection.set_state(v1::SELECTION_STATE_DRAWN);
  for (int i = 0; i < n; ++i) {
    v1::SelectionInput* input = selection.mutable_commitment()->add_inputs();
    input->set_application(absl::StrCat("applications/app", i));
    input->set_weight(i + 1);
    v1::SelectionEntry* entry = selection.add_entries();
    entry->set_application(absl::StrCat("applications/app", n - 1 - i));
    entry->set_rank(i + 1);
  }
  return selection;
}

int64_t ListRows(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM selection_lists", -1, &count, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(count), SQLITE_ROW);
  const int64_t rows = sqlite3_column_int64(count, 0);
  sqlite3_finalize(count);
  sqlite3_close(db);
  return rows;
}

TEST_F(SqliteApplicationsStoreTest, ASelectionsListsAreKeptApartAndReadByThePage) {
  ApplicationsWrite write;
  write.selections.push_back(Drawn(2500));
  ASSERT_TRUE(store_->Commit(write).ok());
  const std::string name = absl::StrCat(kRound, "/selection");

  auto record = store_->GetSelection(kRound);
  ASSERT_TRUE(record.ok() && record->has_value()) << record.status();
  EXPECT_EQ((*record)->entries_size(), 0);
  EXPECT_EQ((*record)->commitment().inputs_size(), 0);
  EXPECT_EQ((*record)->entry_count(), 2500);
  EXPECT_EQ((*record)->commitment().input_count(), 2500);
  // A page across two stored rows, and one past the end.
  auto entries = store_->SelectionEntries(name, 998, 4);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(entries->Get(i).rank(), 999 + i);
  auto inputs = store_->SelectionInputs(name, 2400, 500);
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  ASSERT_EQ(inputs->size(), 100);
  EXPECT_EQ(inputs->Get(0).weight(), 2401);

  // A later write (a promotion) rewrites the record, not the lists.
  const int64_t rows = ListRows(dir_.path() + "/applications.sqlite");
  EXPECT_EQ(rows, 6);
  auto whole = FindSelection(*store_, kRound);
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_EQ(whole->entries_size(), 2500);
  EXPECT_EQ(whole->entries(2499).rank(), 2500);
  whole->add_promotions()->set_application("applications/app7");
  ApplicationsWrite promotion;
  promotion.selections.push_back(*whole);
  ASSERT_TRUE(store_->Commit(promotion).ok());
  EXPECT_EQ(ListRows(dir_.path() + "/applications.sqlite"), rows);
  auto promoted = FindSelection(*store_, kRound);
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  EXPECT_EQ(promoted->promotions_size(), 1);
  EXPECT_EQ(promoted->entries_size(), 2500);
}

// A record stored with its lists inside, as before they were kept apart,
// reads the same, and its next write moves them apart.
TEST_F(SqliteApplicationsStoreTest, ASelectionStoredWithItsListsInsideStillReads) {
  ApplicationsWrite write;
  write.selections.push_back(Drawn(30));
  ASSERT_TRUE(store_->Commit(write).ok());
  store_.reset();
  const std::string path = dir_.path() + "/applications.sqlite";
  v1::Selection whole = Drawn(30);
  const std::string body = whole.SerializeAsString();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* update = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE selections SET body = ?", -1, &update, nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(update, 1, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(update), SQLITE_DONE);
  sqlite3_finalize(update);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM selection_lists", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Reopen();

  auto record = FindSelectionRecord(*store_, kRound);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->entry_count(), 30);
  auto page = SelectionEntries(*store_, *record, 28, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 2);
  EXPECT_EQ(page->Get(0).rank(), 29);
  auto read = FindSelection(*store_, kRound);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->commitment().inputs_size(), 30);

  ApplicationsWrite rewrite;
  rewrite.selections.push_back(*read);
  ASSERT_TRUE(store_->Commit(rewrite).ok());
  EXPECT_EQ(ListRows(path), 2);
  auto apart = store_->GetSelection(kRound);
  ASSERT_TRUE(apart.ok() && apart->has_value());
  EXPECT_EQ((*apart)->entries_size(), 0);
  auto moved = FindSelection(*store_, kRound);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->entries_size(), 30);
  EXPECT_EQ(moved->entries(29).rank(), 30);
}

}  // namespace
}  // namespace kexport::applications
