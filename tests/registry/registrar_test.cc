// The registry's rules over a real SQLite store, without a network.
#include "services/registry/registrar.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registry/sqlite_firm_store.h"
#include "tests/support/child_process.h"
#include "tests/support/sample_firms.h"

namespace kexport::registry {
namespace {

using ::testing::ElementsAre;
using kexport::testing::SampleBrn;
using kexport::testing::SampleFirm;

class RegistrarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteFirmStore::Open(dir_.path() + "/registry.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    registrar_ = std::make_unique<Registrar>(store_.get(), [this] { return now_; });
  }

  Firm Create(const Firm& firm, const std::string& request_id) {
    v1::CreateFirmRequest request;
    *request.mutable_firm() = firm;
    request.set_request_id(request_id);
    absl::StatusOr<Firm> created = registrar_->CreateFirm(request, "tester");
    EXPECT_TRUE(created.ok()) << created.status();
    now_ += absl::Seconds(1);
    return created.value_or(Firm());
  }

  std::vector<std::string> AllBrns(v1::ListFirmsRequest request) {
    std::vector<std::string> brns;
    do {
      absl::StatusOr<v1::ListFirmsResponse> page = registrar_->ListFirms(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const Firm& firm : page->firms()) brns.push_back(firm.brn());
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    return brns;
  }

  kexport::testing::TempDir dir_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 9, 0, 0),
                                    absl::UTCTimeZone());
  std::unique_ptr<SqliteFirmStore> store_;
  std::unique_ptr<Registrar> registrar_;
};

TEST_F(RegistrarTest, UpdateReplacesMaskedFieldsAndRecordsWhatChanged) {
  Firm firm = Create(SampleFirm(SampleBrn(1)), "create-1");
  v1::UpdateFirmRequest update;
  update.mutable_firm()->set_name(firm.name());
  update.mutable_firm()->add_sectors("ai");
  update.mutable_firm()->mutable_contact()->set_email("new@example.kr");
  update.mutable_firm()->set_legal_name_ko("ignored: not in the mask");
  update.mutable_update_mask()->add_paths("sectors");
  update.mutable_update_mask()->add_paths("contact.email");
  update.mutable_update_mask()->add_paths("growth_stage");  // unchanged
  update.mutable_firm()->set_growth_stage(v1::GROWTH_STAGE_SETTLEMENT);
  update.set_request_id("update-1");
  absl::StatusOr<Firm> updated = registrar_->UpdateFirm(update, "editor");
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(updated->sectors(), ElementsAre("ai"));
  EXPECT_EQ(updated->contact().email(), "new@example.kr");
  EXPECT_EQ(updated->contact().phone(), firm.contact().phone());
  EXPECT_EQ(updated->legal_name_ko(), firm.legal_name_ko());
  EXPECT_NE(updated->etag(), firm.etag());

  v1::ListFirmChangesRequest history;
  history.set_parent(firm.name());
  auto changes = registrar_->ListFirmChanges(history);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->changes_size(), 2);
  const v1::FirmChange& change = changes->changes(1);
  EXPECT_EQ(change.method(), "UpdateFirm");
  EXPECT_EQ(change.actor(), "editor");
  EXPECT_EQ(change.request_id(), "update-1");
  EXPECT_THAT(change.changed_fields(), ElementsAre("sectors", "contact"));
}

TEST_F(RegistrarTest, EveryOrderPagesThroughEveryFirmOnce) {
  // Equal names force the tie-break on the registration number.
  for (int i = 0; i < 23; ++i) {
    Firm firm = SampleFirm(SampleBrn(100 + (i * 7) % 23));
    firm.set_legal_name_ko(i % 2 == 0 ? "가나다" : "라마바");
    Create(firm, "create-" + std::to_string(i));
  }
  for (const char* order : {"", "brn desc", "legal_name_ko", "legal_name_ko desc",
                            "create_time", "create_time desc"}) {
    v1::ListFirmsRequest request;
    request.set_order_by(order);
    request.set_page_size(4);
    std::vector<std::string> brns = AllBrns(request);
    std::vector<std::string> unique = brns;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    EXPECT_EQ(brns.size(), 23u) << order;
    EXPECT_EQ(unique.size(), 23u) << order;
  }
}

TEST_F(RegistrarTest, ExportBandUsesTheCurrentRecordOfTheYear) {
  Firm big = Create(SampleFirm(SampleBrn(1)), "c1");
  Firm small = Create(SampleFirm(SampleBrn(2)), "c2");
  auto record = [&](const Firm& firm, int64_t cents, const std::string& id) {
    v1::RecordExportsRequest request;
    request.set_parent(firm.name());
    request.mutable_export_record()->set_year(2025);
    request.mutable_export_record()->set_goods_usd_cents(cents);
    request.mutable_export_record()->set_evidence_ref("customs");
    request.set_request_id(id);
    ASSERT_TRUE(registrar_->RecordExports(request, "tester").ok());
  };
  record(big, 300'000'000, "r1");   // USD 3M
  record(big, 700'000'000, "r2");   // corrected to USD 7M
  record(small, 50'000'000, "r3");  // USD 0.5M
  v1::ListFirmsRequest request;
  auto* band = request.mutable_filter()->mutable_export_band();
  band->set_year(2025);
  band->set_min_usd_cents(500'000'000);
  band->set_max_usd_cents(1'000'000'000);
  EXPECT_THAT(AllBrns(request), ElementsAre(big.brn()));
  band->set_min_usd_cents(200'000'000);
  band->set_max_usd_cents(400'000'000);
  EXPECT_TRUE(AllBrns(request).empty());
}

TEST_F(RegistrarTest, ImportReportsBadRowsInOrder) {
  Create(SampleFirm(SampleBrn(5)), "existing");
  std::vector<v1::ImportFirmsRequest> rows(4);
  *rows[0].mutable_firm() = SampleFirm(SampleBrn(6));
  *rows[1].mutable_firm() = SampleFirm("1248100997");
  *rows[2].mutable_firm() = SampleFirm(SampleBrn(5));
  *rows[3].mutable_firm() = SampleFirm(SampleBrn(7));
  v1::ImportFirmsResponse report;
  std::vector<CheckedImportRow> checked = registrar_->CheckImportRows(rows, 0, "importer");
  ASSERT_TRUE(registrar_->ImportFirms(checked, report).ok());
  EXPECT_EQ(report.received_count(), 4);
  EXPECT_EQ(report.imported_count(), 2);
  ASSERT_EQ(report.rejected_rows_size(), 2);
  EXPECT_EQ(report.rejected_rows(0).row(), 1);
  EXPECT_EQ(report.rejected_rows(0).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(report.rejected_rows(0).field(), "firm.brn");
  EXPECT_EQ(report.rejected_rows(1).row(), 2);
  EXPECT_EQ(report.rejected_rows(1).code(), "ALREADY_EXISTS");
}

TEST_F(RegistrarTest, AnImportReportListsTheFirstThousandRejectionsAndCountsAll) {
  std::vector<v1::ImportFirmsRequest> rows(1200);
  for (int i = 0; i < 1200; ++i) {
    *rows[i].mutable_firm() = SampleFirm(SampleBrn(i));
    rows[i].mutable_firm()->clear_legal_name_ko();
  }
  v1::ImportFirmsResponse report;
  std::vector<CheckedImportRow> checked = registrar_->CheckImportRows(rows, 0, "tester");
  ASSERT_TRUE(registrar_->ImportFirms(checked, report).ok());
  EXPECT_EQ(report.imported_count(), 0);
  EXPECT_EQ(report.rejected_count(), 1200);
  ASSERT_EQ(report.rejected_rows_size(), 1000);
  EXPECT_EQ(report.rejected_rows(999).row(), 999);
  EXPECT_EQ(report.rejected_rows(999).field(), "firm.legal_name_ko");
}

TEST_F(RegistrarTest, APageStopsBeforeItOutgrowsAClientsMessageLimit) {
  // 200 firms of about 25 KB each: 5 MB, more than a 4 MiB message.
  std::vector<v1::ImportFirmsRequest> rows(200);
  for (int i = 0; i < 200; ++i) {
    Firm firm = SampleFirm(SampleBrn(i));
    for (int c = 0; c < 50; ++c) {
      v1::Certification* certification = firm.add_certifications();
      certification->set_type(v1::CERTIFICATION_TYPE_FOREIGN);
      certification->set_number(std::string(60, '0' + c % 10));
      std::string issuer;
      for (int k = 0; k < 100; ++k) issuer += "인";
      certification->set_issuer(issuer);
      *certification->mutable_valid_from() = firm.founding_date();
    }
    *rows[i].mutable_firm() = firm;
  }
  v1::ImportFirmsResponse report;
  std::vector<CheckedImportRow> checked = registrar_->CheckImportRows(rows, 0, "tester");
  ASSERT_TRUE(registrar_->ImportFirms(checked, report).ok());
  ASSERT_EQ(report.imported_count(), 200);

  v1::ListFirmsRequest request;
  request.set_page_size(1000);
  absl::StatusOr<v1::ListFirmsResponse> first = registrar_->ListFirms(request);
  ASSERT_TRUE(first.ok());
  EXPECT_LT(first->ByteSizeLong(), 4u * 1024 * 1024);
  EXPECT_LT(first->firms_size(), 200);
  EXPECT_FALSE(first->next_page_token().empty());
  EXPECT_EQ(AllBrns(request).size(), 200u);
}

}  // namespace
}  // namespace kexport::registry
