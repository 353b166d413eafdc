// Every method of the real kexport-registry over gRPC: happy paths, the
// documented error for each bad input (with nothing stored), idempotent
// retries and etags.
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/error_details.h"

namespace kexport::registry {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using kexport::testing::ReadErrorDetails;
using kexport::testing::SampleBrn;
using kexport::testing::SampleFirm;
using google::protobuf::util::MessageDifferencer;

using RegistryServiceTest = RegistryFixture;

TEST_F(RegistryServiceTest, CreateThenGetReturnsTheStoredFirm) {
  Firm firm = SampleFirm(SampleBrn(1));
  Firm created;
  ASSERT_TRUE(CreateFirm(firm, "c-1", &created).ok());
  EXPECT_EQ(created.name(), "firms/" + firm.brn());
  EXPECT_EQ(created.state(), v1::FIRM_STATE_ACTIVE);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_GT(created.create_time().seconds(), 0);

  Firm read;
  ASSERT_TRUE(GetFirm(firm.brn(), &read).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(read, created));
  // Served again from the cache: still the same firm.
  Firm again;
  ASSERT_TRUE(GetFirm(firm.brn(), &again).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(again, created));
  EXPECT_TRUE(redis_.Get("kexport:registry:firm:" + firm.brn()).has_value());
}

TEST_F(RegistryServiceTest, OutputOnlyFieldsSentOnCreateAreIgnored) {
  Firm firm = SampleFirm(SampleBrn(2));
  firm.set_state(v1::FIRM_STATE_CLOSED);
  firm.set_etag("999");
  firm.set_name("firms/somebody-else");
  Firm created;
  ASSERT_TRUE(CreateFirm(firm, "c-2", &created).ok());
  EXPECT_EQ(created.state(), v1::FIRM_STATE_ACTIVE);
  EXPECT_NE(created.etag(), "999");
  EXPECT_EQ(created.name(), "firms/" + firm.brn());
}

TEST_F(RegistryServiceTest, BatchGetKeepsTheOrderAndNamesTheMissingFirm) {
  Firm a = MustCreate(SampleBrn(1));
  Firm b = MustCreate(SampleBrn(2));
  v1::BatchGetFirmsRequest request;
  request.add_names(b.name());
  request.add_names(a.name());
  v1::BatchGetFirmsResponse response;
  ASSERT_TRUE(stub_->BatchGetFirms(Context().get(), request, &response).ok());
  ASSERT_EQ(response.firms_size(), 2);
  EXPECT_EQ(response.firms(0).brn(), b.brn());
  EXPECT_EQ(response.firms(1).brn(), a.brn());

  request.add_names("firms/" + SampleBrn(3));
  grpc::Status status = stub_->BatchGetFirms(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find(SampleBrn(3)), std::string::npos);

  v1::BatchGetFirmsRequest too_many;
  for (int i = 0; i < 101; ++i) too_many.add_names(a.name());
  EXPECT_EQ(stub_->BatchGetFirms(Context().get(), too_many, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryServiceTest, ListFiltersAndPaginates) {
  for (int i = 0; i < 12; ++i) {
    Firm firm = SampleFirm(SampleBrn(i));
    firm.clear_sectors();
    firm.add_sectors(i % 3 == 0 ? "food" : "beauty");
    firm.set_size_class(i % 2 == 0 ? v1::SIZE_CLASS_SMALL : v1::SIZE_CLASS_MEDIUM);
    firm.mutable_ksic()->set_code(i < 4 ? "C10110" : "C20423");
    firm.set_growth_stage(i < 6 ? v1::GROWTH_STAGE_PREPARATION
                                : v1::GROWTH_STAGE_EXPANSION);
    if (i == 5) {
      auto* certification = firm.add_certifications();
      certification->set_type(v1::CERTIFICATION_TYPE_INNOBIZ);
      certification->set_number("INNO-5");
      certification->set_issuer("MSS");
      certification->mutable_valid_from()->set_year(2024);
      certification->mutable_valid_from()->set_month(1);
      certification->mutable_valid_from()->set_day(1);
    }
    Firm created;
    ASSERT_TRUE(CreateFirm(firm, "c-" + std::to_string(i), &created).ok());
  }
  auto count = [&](v1::ListFirmsRequest request) {
    int total = 0;
    do {
      v1::ListFirmsResponse page;
      grpc::Status status = stub_->ListFirms(Context().get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      total += page.firms_size();
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return total;
  };
  v1::ListFirmsRequest request;
  request.set_page_size(5);
  EXPECT_EQ(count(request), 12);
  request.mutable_filter()->add_sectors("food");
  EXPECT_EQ(count(request), 4);
  request.mutable_filter()->add_size_classes(v1::SIZE_CLASS_SMALL);
  EXPECT_EQ(count(request), 2);  // 0 and 6
  request.clear_filter();
  request.mutable_filter()->set_ksic_prefix("C10");
  EXPECT_EQ(count(request), 4);
  request.mutable_filter()->set_ksic_prefix("C");
  EXPECT_EQ(count(request), 12);
  request.clear_filter();
  request.mutable_filter()->add_growth_stages(v1::GROWTH_STAGE_EXPANSION);
  EXPECT_EQ(count(request), 6);
  request.clear_filter();
  request.mutable_filter()->set_certification_type(v1::CERTIFICATION_TYPE_INNOBIZ);
  EXPECT_EQ(count(request), 1);

  // A token only works for the query that made it.
  v1::ListFirmsRequest first;
  first.set_page_size(5);
  v1::ListFirmsResponse page;
  ASSERT_TRUE(stub_->ListFirms(Context().get(), first, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListFirmsRequest other;
  other.set_page_token(page.next_page_token());
  other.set_order_by("create_time");
  grpc::Status status = stub_->ListFirms(Context().get(), other, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(status).fields, ElementsAre("page_token"));

  v1::ListFirmsRequest bad_order;
  bad_order.set_order_by("representative");
  EXPECT_EQ(stub_->ListFirms(Context().get(), bad_order, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryServiceTest, UpdateAppliesTheMaskAndChecksTheEtag) {
  Firm firm = MustCreate(SampleBrn(1));
  v1::UpdateFirmRequest request;
  request.mutable_firm()->set_name(firm.name());
  request.mutable_firm()->set_etag(firm.etag());
  request.mutable_firm()->set_legal_name_en("K Chips Inc.");
  request.mutable_update_mask()->add_paths("legal_name_en");
  request.set_request_id("u-1");
  Firm updated;
  ASSERT_TRUE(stub_->UpdateFirm(Context().get(), request, &updated).ok());
  EXPECT_EQ(updated.legal_name_en(), "K Chips Inc.");
  EXPECT_NE(updated.etag(), firm.etag());
  Firm read;
  ASSERT_TRUE(GetFirm(firm.brn(), &read).ok());
  EXPECT_EQ(read.legal_name_en(), "K Chips Inc.");
  EXPECT_EQ(read.etag(), updated.etag());

  // The etag read before the update is stale now.
  request.set_request_id("u-2");
  request.mutable_firm()->set_legal_name_en("Stale Writer Ltd.");
  grpc::Status stale = stub_->UpdateFirm(Context().get(), request, &updated);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ReadErrorDetails(stale).reason, "ETAG_MISMATCH");
  ASSERT_TRUE(GetFirm(firm.brn(), &read).ok());
  EXPECT_EQ(read.legal_name_en(), "K Chips Inc.");
}

TEST_F(RegistryServiceTest, ImmutableAndOutputFieldsCannotBeUpdated) {
  Firm firm = MustCreate(SampleBrn(1));
  for (const char* path : {"brn", "state", "etag", "create_time", "name"}) {
    v1::UpdateFirmRequest request;
    request.mutable_firm()->set_name(firm.name());
    request.mutable_firm()->set_brn(SampleBrn(2));
    request.mutable_firm()->set_state(v1::FIRM_STATE_CLOSED);
    request.mutable_update_mask()->add_paths(path);
    request.set_request_id(std::string("u-") + path);
    Firm updated;
    grpc::Status status = stub_->UpdateFirm(Context().get(), request, &updated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(ReadErrorDetails(status).fields, ElementsAre("update_mask"));
  }
  Firm read;
  ASSERT_TRUE(GetFirm(firm.brn(), &read).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(read, firm));
}

TEST_F(RegistryServiceTest, CloseAndReopenKeepTheFirmReadable) {
  Firm firm = MustCreate(SampleBrn(1));
  v1::CloseFirmRequest close;
  close.set_name(firm.name());
  close.set_reason("business closed per tax office");
  close.set_etag(firm.etag());
  close.set_request_id("close-1");
  Firm closed;
  ASSERT_TRUE(stub_->CloseFirm(Context().get(), close, &closed).ok());
  EXPECT_EQ(closed.state(), v1::FIRM_STATE_CLOSED);
  EXPECT_EQ(closed.state_reason(), "business closed per tax office");

  Firm read;
  ASSERT_TRUE(GetFirm(firm.brn(), &read).ok());
  EXPECT_EQ(read.state(), v1::FIRM_STATE_CLOSED);

  close.set_request_id("close-2");
  close.clear_etag();
  grpc::Status again = stub_->CloseFirm(Context().get(), close, &closed);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(again).reason, "FIRM_ALREADY_CLOSED");

  v1::UpdateFirmRequest update;
  update.mutable_firm()->set_name(firm.name());
  update.mutable_firm()->set_legal_name_en("X");
  update.mutable_update_mask()->add_paths("legal_name_en");
  update.set_request_id("u-closed");
  Firm updated;
  EXPECT_EQ(stub_->UpdateFirm(Context().get(), update, &updated).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::RecordExportsRequest exports;
  exports.set_parent(firm.name());
  exports.mutable_export_record()->set_year(2025);
  exports.mutable_export_record()->set_goods_usd_cents(100);
  exports.mutable_export_record()->set_evidence_ref("customs");
  exports.set_request_id("exports-closed");
  v1::ExportRecord record;
  grpc::Status on_closed = stub_->RecordExports(Context().get(), exports, &record);
  EXPECT_EQ(on_closed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(on_closed).reason, "FIRM_CLOSED");
  exports.set_parent("firms/" + SampleBrn(9));
  exports.set_request_id("exports-unknown");
  EXPECT_EQ(stub_->RecordExports(Context().get(), exports, &record).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListFirmsRequest closed_only;
  closed_only.mutable_filter()->set_state(v1::FIRM_STATE_CLOSED);
  v1::ListFirmsResponse listed;
  ASSERT_TRUE(stub_->ListFirms(Context().get(), closed_only, &listed).ok());
  EXPECT_EQ(listed.firms_size(), 1);

  v1::ReopenFirmRequest reopen;
  reopen.set_name(firm.name());
  reopen.set_reason("resumed business");
  reopen.set_request_id("reopen-1");
  Firm reopened;
  ASSERT_TRUE(stub_->ReopenFirm(Context().get(), reopen, &reopened).ok());
  EXPECT_EQ(reopened.state(), v1::FIRM_STATE_ACTIVE);
  ASSERT_TRUE(GetFirm(firm.brn(), &read).ok());
  EXPECT_EQ(read.state(), v1::FIRM_STATE_ACTIVE);
}

TEST_F(RegistryServiceTest, ExportCorrectionsSupersedeAndKeepHistory) {
  Firm firm = MustCreate(SampleBrn(1));
  auto record = [&](int64_t goods, int64_t ai, const std::string& id) {
    v1::RecordExportsRequest request;
    request.set_parent(firm.name());
    request.mutable_export_record()->set_year(2025);
    request.mutable_export_record()->set_goods_usd_cents(goods);
    request.mutable_export_record()->set_ai_solutions_usd_cents(ai);
    request.mutable_export_record()->set_evidence_ref("customs-2025");
    request.set_request_id(id);
    v1::ExportRecord out;
    grpc::Status status = stub_->RecordExports(Context().get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  };
  v1::ExportRecord first = record(500'000'000, 0, "e-1");
  EXPECT_EQ(first.total_usd_cents(), 500'000'000);
  EXPECT_EQ(first.recorded_by(), "test-operator");
  v1::ExportRecord fix = record(500'000'000, 120'000'000, "e-2");
  EXPECT_EQ(fix.total_usd_cents(), 620'000'000);
  EXPECT_EQ(fix.supersedes(), first.name());

  v1::ListExportRecordsRequest list;
  list.set_parent(firm.name());
  v1::ListExportRecordsResponse current;
  ASSERT_TRUE(stub_->ListExportRecords(Context().get(), list, &current).ok());
  ASSERT_EQ(current.export_records_size(), 1);
  EXPECT_EQ(current.export_records(0).name(), fix.name());
  list.set_show_superseded(true);
  v1::ListExportRecordsResponse all;
  ASSERT_TRUE(stub_->ListExportRecords(Context().get(), list, &all).ok());
  ASSERT_EQ(all.export_records_size(), 2);
  EXPECT_TRUE(all.export_records(1).superseded());
  EXPECT_EQ(all.export_records(1).total_usd_cents(), 500'000'000);
}

TEST_F(RegistryServiceTest, HistoryNamesWhoChangedWhatUnderWhichRequest) {
  Firm firm = MustCreate(SampleBrn(1));
  v1::UpdateFirmRequest update;
  update.mutable_firm()->set_name(firm.name());
  update.mutable_firm()->set_growth_stage(v1::GROWTH_STAGE_EXPANSION);
  update.mutable_update_mask()->add_paths("growth_stage");
  update.set_request_id("grow-1");
  Firm updated;
  ASSERT_TRUE(stub_->UpdateFirm(Context().get(), update, &updated).ok());
  v1::ListFirmChangesRequest request;
  request.set_parent(firm.name());
  request.set_page_size(1);
  v1::ListFirmChangesResponse page1;
  ASSERT_TRUE(stub_->ListFirmChanges(Context().get(), request, &page1).ok());
  ASSERT_EQ(page1.changes_size(), 1);
  EXPECT_EQ(page1.changes(0).method(), "CreateFirm");
  request.set_page_token(page1.next_page_token());
  v1::ListFirmChangesResponse page2;
  ASSERT_TRUE(stub_->ListFirmChanges(Context().get(), request, &page2).ok());
  ASSERT_EQ(page2.changes_size(), 1);
  EXPECT_EQ(page2.changes(0).sequence(), 2);
  EXPECT_EQ(page2.changes(0).actor(), "test-operator");
  EXPECT_EQ(page2.changes(0).request_id(), "grow-1");
  EXPECT_THAT(page2.changes(0).changed_fields(), ElementsAre("growth_stage"));
  EXPECT_TRUE(page2.next_page_token().empty());
}

// Each case spoils one field of an otherwise valid firm; the call must fail
// with INVALID_ARGUMENT naming that field, and store nothing.
TEST_F(RegistryServiceTest, BadInputIsRejectedWithTheFieldAndStoresNothing) {
  struct Case {
    std::string field;
    std::function<void(Firm&)> spoil;
  };
  std::vector<Case> cases = {
      {"firm.brn", [](Firm& f) { f.set_brn("1248100997"); }},
      {"firm.brn", [](Firm& f) { f.set_brn("12345"); }},
      {"firm.legal_name_ko", [](Firm& f) { f.clear_legal_name_ko(); }},
      {"firm.representative", [](Firm& f) { f.clear_representative(); }},
      {"firm.ksic.code", [](Firm& f) { f.mutable_ksic()->set_code("C2X"); }},
      {"firm.procurement_history.contract_value_krw",
       [](Firm& f) {
         f.mutable_procurement_history()->set_contract_value_krw(-1);
       }},
      {"firm.founding_date",
       [](Firm& f) {
         f.mutable_founding_date()->set_month(2);
         f.mutable_founding_date()->set_day(30);
       }},
      {"firm.founding_date",
       [](Firm& f) { f.mutable_founding_date()->set_month(13); }},
      {"firm.size_class",
       [](Firm& f) { f.set_size_class(static_cast<v1::SizeClass>(99)); }},
      {"firm.legal_name_en",
       [](Firm& f) { f.set_legal_name_en(std::string(5000, 'x')); }},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Firm firm = SampleFirm(SampleBrn(static_cast<int64_t>(i)));
    cases[i].spoil(firm);
    Firm created;
    grpc::Status status = CreateFirm(firm, "bad-" + std::to_string(i), &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << cases[i].field;
    EXPECT_THAT(ReadErrorDetails(status).fields, Contains(cases[i].field));
  }
  EXPECT_EQ(ListAll().firms_size(), 0);

  Firm created;
  grpc::Status no_request_id = CreateFirm(SampleFirm(SampleBrn(1)), "", &created);
  EXPECT_EQ(no_request_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(no_request_id).fields, ElementsAre("request_id"));

  // A negative export amount on an existing firm stores no record.
  Firm firm = MustCreate(SampleBrn(50));
  v1::RecordExportsRequest exports;
  exports.set_parent(firm.name());
  exports.mutable_export_record()->set_year(2025);
  exports.mutable_export_record()->set_goods_usd_cents(-100);
  exports.mutable_export_record()->set_evidence_ref("x");
  exports.set_request_id("neg");
  v1::ExportRecord record;
  grpc::Status negative = stub_->RecordExports(Context().get(), exports, &record);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(negative).fields,
              ElementsAre("export_record.goods_usd_cents"));
  EXPECT_EQ(ChangeCount(firm.brn()), 1);

  // A malformed actor is refused before anything happens.
  grpc::ClientContext bad_actor;
  bad_actor.AddMetadata("x-kexport-actor", "robert'); drop table");
  v1::CreateFirmRequest create;
  *create.mutable_firm() = SampleFirm(SampleBrn(51));
  create.set_request_id("actor");
  EXPECT_EQ(stub_->CreateFirm(&bad_actor, create, &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ListAll().firms_size(), 1);
}

TEST_F(RegistryServiceTest, DuplicateAndUnknownFirms) {
  Firm firm = MustCreate(SampleBrn(1));
  Firm created;
  grpc::Status duplicate = CreateFirm(SampleFirm(firm.brn()), "dup", &created);
  EXPECT_EQ(duplicate.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ReadErrorDetails(duplicate).reason, "FIRM_ALREADY_EXISTS");

  Firm read;
  grpc::Status missing = GetFirm(SampleBrn(2), &read);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ReadErrorDetails(missing).reason, "FIRM_NOT_FOUND");
  EXPECT_EQ(ReadErrorDetails(missing).domain, "kexport");

  v1::CloseFirmRequest close;
  close.set_name("firms/" + SampleBrn(2));
  close.set_reason("x");
  close.set_request_id("close-missing");
  EXPECT_EQ(stub_->CloseFirm(Context().get(), close, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A malformed name is a bad argument, not a missing firm.
  EXPECT_EQ(GetFirm("12", &read).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryServiceTest, ARetriedRequestIdReturnsTheFirstResultOnce) {
  Firm firm = SampleFirm(SampleBrn(1));
  Firm first;
  ASSERT_TRUE(CreateFirm(firm, "same-id", &first).ok());
  Firm second;
  ASSERT_TRUE(CreateFirm(firm, "same-id", &second).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(first, second));

  v1::CloseFirmRequest close;
  close.set_name(first.name());
  close.set_reason("closed");
  close.set_request_id("close-once");
  Firm closed1;
  Firm closed2;
  ASSERT_TRUE(stub_->CloseFirm(Context().get(), close, &closed1).ok());
  ASSERT_TRUE(stub_->CloseFirm(Context().get(), close, &closed2).ok());
  EXPECT_EQ(closed1.etag(), closed2.etag());
  EXPECT_EQ(ChangeCount(firm.brn()), 2);

  // The same id with another payload is refused, naming request_id.
  Firm other = SampleFirm(SampleBrn(2));
  Firm created;
  grpc::Status reused = CreateFirm(other, "same-id", &created);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(reused).fields, ElementsAre("request_id"));
  Firm read;
  EXPECT_EQ(GetFirm(SampleBrn(2), &read).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace kexport::registry
