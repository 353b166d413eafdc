// SelectionDesk on a real SQLite store, with a ledger that reports ample
// budget: a FULL answer too large for one message is refused (a draw's
// before it records anything), and the same request asking the BASIC view
// answers; a preview's candidates serve the draw only while the round's
// write count stands.
#include "services/applications/selection_desk.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "gtest/gtest.h"
#include "services/applications/sqlite_applications_store.h"
#include "sqlite3.h"
#include "tests/support/child_process.h"

namespace kexport::applications {
namespace {

constexpr char kRound[] = "programs/voucher/rounds/2026-1";
const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

// Only Available is asked before the outbox runs (it is not started here).
class AmpleLedger final : public clients::LedgerAccounts {
 public:
  absl::StatusOr<int64_t> Available(const std::string&) override { return int64_t{1} << 40; }
  absl::StatusOr<ledger::v1::CreateAccountsResponse> CreateAccounts(
      const ledger::v1::CreateAccountsRequest&) override {
    return absl::UnavailableError("not in this test");
  }
  absl::StatusOr<ledger::v1::CreateTransfersResponse> CreateTransfers(
      const ledger::v1::CreateTransfersRequest&) override {
    return absl::UnavailableError("not in this test");
  }
  absl::StatusOr<std::vector<ledger::v1::Transfer>> Transfers(
      const ledger::v1::TransferFilter&) override {
    return absl::UnavailableError("not in this test");
  }
};

// A closed lottery round with `n` applications under review.
ApplicationsWrite ClosedRound(int n) {
  ApplicationsWrite write;
  v1::Round& round = write.rounds.emplace_back();
  round.set_name(kRound);
  round.set_title("2026 first recruitment");
  round.set_capacity(3);
  round.set_budget_account("accounts/voucher-2026");
  round.mutable_selection_policy()->mutable_weighted_lottery()->set_base_weight(1);
  round.mutable_selection_policy()->set_seed_source("the test's seed");
  *round.mutable_apply_start_time() = ToTimestamp(kNow - absl::Hours(48));
  *round.mutable_apply_end_time() = ToTimestamp(kNow - absl::Hours(24));
  for (int i = 0; i < n; ++i) {
    v1::Application& application = write.applications.emplace_back();
    application.set_name(absl::StrCat("applications/app", i));
    application.set_firm(absl::StrCat("firms/10181003", 10 + i));
    application.set_round(kRound);
    application.set_state(v1::APPLICATION_STATE_UNDER_REVIEW);
    application.mutable_eligibility()->set_priority_value(1);
    application.set_requested_amount_won(1'000'000);
    *application.mutable_create_time() = ToTimestamp(kNow - absl::Hours(40));
    *application.mutable_submit_time() = ToTimestamp(kNow - absl::Hours(30) + absl::Seconds(i));
  }
  return write;
}

// A desk over a real store holding ClosedRound(n).
class SelectionDeskTest : public ::testing::Test {
 protected:
  void Open(int applications, int64_t max_answer_bytes) {
    auto opened = SqliteApplicationsStore::Open(path());
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
    ApplicationsWrite round = ClosedRound(applications);
    ASSERT_TRUE(store_->Commit(round).ok());
    outbox_ = std::make_unique<LedgerOutbox>(store_.get(), &ledger_, clock_, absl::Hours(1));
    desk_ = std::make_unique<SelectionDesk>(store_.get(), &ledger_, outbox_.get(), clock_,
                                            max_answer_bytes);
  }
  std::string path() const { return dir_.path() + "/applications.sqlite"; }

  testing::TempDir dir_;
  AmpleLedger ledger_;
  const Clock clock_ = [] { return kNow; };
  std::unique_ptr<SqliteApplicationsStore> store_;
  std::unique_ptr<LedgerOutbox> outbox_;
  std::unique_ptr<SelectionDesk> desk_;
};

TEST_F(SelectionDeskTest, AFullAnswerTooLargeIsRefusedBeforeTheDrawRecordsAnything) {
  Open(40, /*max_answer_bytes=*/2048);

  // The preview likewise: its BASIC view carries the hash to publish.
  v1::PreviewSelectionCommitmentRequest preview;
  preview.set_round(kRound);
  absl::StatusOr<v1::SelectionCommitment> full_preview = desk_->Preview(preview);
  ASSERT_TRUE(absl::IsFailedPrecondition(full_preview.status())) << full_preview.status();
  preview.set_view(v1::SELECTION_VIEW_BASIC);
  absl::StatusOr<v1::SelectionCommitment> basic_preview = desk_->Preview(preview);
  ASSERT_TRUE(basic_preview.ok()) << basic_preview.status();
  EXPECT_EQ(basic_preview->inputs_size(), 0);
  EXPECT_EQ(basic_preview->input_count(), 40);
  EXPECT_EQ(basic_preview->inputs_sha256().size(), 64u);

  v1::RunSelectionRequest request;
  request.set_round(kRound);
  request.set_expected_inputs_sha256(basic_preview->inputs_sha256());
  request.set_seed_value("1,2,3,4,5,6");
  request.set_request_id("draw-1");
  absl::StatusOr<v1::Selection> full = desk_->Run(request, "operator");
  ASSERT_TRUE(absl::IsFailedPrecondition(full.status())) << full.status();
  EXPECT_NE(full.status().message().find("SELECTION_VIEW_BASIC"), absl::string_view::npos);
  EXPECT_FALSE(store_->GetSelection(kRound)->has_value());
  EXPECT_FALSE(store_->FindAppliedRequest("draw-1")->has_value());
  EXPECT_EQ(store_->SelectionCandidates(kRound)->size(), 40u);

  request.set_view(v1::SELECTION_VIEW_BASIC);
  absl::StatusOr<v1::Selection> basic = desk_->Run(request, "operator");
  ASSERT_TRUE(basic.ok()) << basic.status();
  EXPECT_EQ(basic->entry_count(), 40);
  EXPECT_EQ(basic->commitment().input_count(), 40);
  EXPECT_EQ(basic->entries_size(), 0);
  EXPECT_TRUE(store_->GetSelection(kRound)->has_value());
  // The retry of the same request is answered from the record.
  absl::StatusOr<v1::Selection> again = desk_->Run(request, "operator");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->result_sha256(), basic->result_sha256());
}

// Sets the round's write count behind the store's back.
void SetRoundWrites(const std::string& path, int64_t writes) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql = absl::StrCat("UPDATE round_writes SET writes = ", writes,
                                       " WHERE round = '", kRound, "'");
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

// The preview's candidates are reused only while the round's write count
// stands: after a withdrawal they are read again, and the draw uses those.
TEST_F(SelectionDeskTest, CandidatesAreReadAgainOnceTheRoundChanged) {
  Open(5, /*max_answer_bytes=*/1 << 20);
  v1::PreviewSelectionCommitmentRequest preview;
  preview.set_round(kRound);
  preview.set_view(v1::SELECTION_VIEW_BASIC);
  absl::StatusOr<v1::SelectionCommitment> first = desk_->Preview(preview);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->input_count(), 5);
  const int64_t read_at = *store_->RoundWrites(kRound);

  v1::Application withdrawn = **store_->GetApplication("applications/app2");
  withdrawn.set_state(v1::APPLICATION_STATE_WITHDRAWN);
  ApplicationsWrite withdrawal;
  withdrawal.applications.push_back(withdrawn);
  ASSERT_TRUE(store_->Commit(withdrawal).ok());
  // With the count put back, the preview answers from what it read before:
  // the candidates are not read again while the count stands.
  SetRoundWrites(path(), read_at);
  absl::StatusOr<v1::SelectionCommitment> reused = desk_->Preview(preview);
  ASSERT_TRUE(reused.ok()) << reused.status();
  EXPECT_EQ(reused->input_count(), 5);
  SetRoundWrites(path(), read_at + 1);
  absl::StatusOr<v1::SelectionCommitment> after_withdrawal = desk_->Preview(preview);
  ASSERT_TRUE(after_withdrawal.ok()) << after_withdrawal.status();
  EXPECT_EQ(after_withdrawal->input_count(), 4);

  v1::RunSelectionRequest request;
  request.set_round(kRound);
  request.set_expected_inputs_sha256(after_withdrawal->inputs_sha256());
  request.set_seed_value("1,2,3,4,5,6");
  request.set_request_id("draw-1");
  request.set_view(v1::SELECTION_VIEW_BASIC);
  absl::StatusOr<v1::Selection> drawn = desk_->Run(request, "operator");
  ASSERT_TRUE(drawn.ok()) << drawn.status();
  EXPECT_EQ(drawn->entry_count(), 4);
  EXPECT_EQ(drawn->commitment().inputs_sha256(), after_withdrawal->inputs_sha256());
}

}  // namespace
}  // namespace kexport::applications
