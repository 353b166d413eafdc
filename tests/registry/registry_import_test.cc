// Bulk import through the real client-streaming call.
#include "gmock/gmock.h"
#include "tests/registry/registry_fixture.h"

namespace kexport::registry {
namespace {

using kexport::testing::SampleBrn;
using kexport::testing::SampleFirm;

class RegistryImportTest : public RegistryFixture {
 protected:
  struct Sent {
    grpc::Status status;
    v1::ImportFirmsResponse report;
  };
  // Streams sample firms 0 to rows - 1, row n with request id `{prefix}n`;
  // `give_up`: the caller cancels before finishing.
  Sent Stream(int rows, const std::string& prefix, bool give_up = false) {
    grpc::ClientContext context;
    Sent sent;
    auto writer = stub_->ImportFirms(&context, &sent.report);
    for (int row = 0; row < rows; ++row) {
      v1::ImportFirmsRequest request;
      *request.mutable_firm() = SampleFirm(SampleBrn(row));
      request.set_request_id(prefix + std::to_string(row));
      EXPECT_TRUE(writer->Write(request));
    }
    if (give_up) context.TryCancel();
    writer->WritesDone();
    sent.status = writer->Finish();
    return sent;
  }
};

TEST_F(RegistryImportTest, TenThousandRowsGoodOnesInBadOnesReported) {
  constexpr int kRows = 10000;
  // Every 97th row is spoiled in one of three ways; row 5000 repeats row 10.
  auto spoil = [](int row, Firm& firm) -> std::string {
    if (row == 5000) {
      firm.set_brn(SampleBrn(10));
      return "ALREADY_EXISTS";
    }
    if (row % 97 != 0) return "";
    switch ((row / 97) % 3) {
      case 0:
        firm.set_brn(firm.brn().substr(0, 9) +
                     std::to_string((firm.brn()[9] - '0' + 1) % 10));
        return "firm.brn";
      case 1:
        firm.mutable_ksic()->set_code("X1");
        return "firm.ksic.code";
      default:
        firm.mutable_procurement_history()->set_contract_count(-3);
        return "firm.procurement_history.contract_count";
    }
  };
  grpc::ClientContext context;
  context.AddMetadata("x-kexport-actor", "bulk-loader");
  v1::ImportFirmsResponse report;
  auto writer = stub_->ImportFirms(&context, &report);
  std::map<int, std::string> expected_rejects;
  for (int row = 0; row < kRows; ++row) {
    v1::ImportFirmsRequest request;
    *request.mutable_firm() = SampleFirm(SampleBrn(row));
    std::string why = spoil(row, *request.mutable_firm());
    if (!why.empty()) expected_rejects[row] = why;
    request.set_request_id("import-" + std::to_string(row));
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(report.received_count(), kRows);
  EXPECT_EQ(report.imported_count(),
            kRows - static_cast<int64_t>(expected_rejects.size()));
  ASSERT_EQ(report.rejected_rows_size(), static_cast<int>(expected_rejects.size()));
  int i = 0;
  for (const auto& [row, why] : expected_rejects) {
    const v1::ImportRowError& error = report.rejected_rows(i++);
    EXPECT_EQ(error.row(), row);
    if (why == "ALREADY_EXISTS") {
      EXPECT_EQ(error.code(), "ALREADY_EXISTS");
    } else {
      EXPECT_EQ(error.code(), "INVALID_ARGUMENT") << row;
      EXPECT_EQ(error.field(), why) << row;
    }
    EXPECT_FALSE(error.reason().empty());
  }

  // Exactly the good rows are stored.
  v1::ListFirmsRequest list;
  list.set_page_size(1000);
  int64_t stored = 0;
  do {
    v1::ListFirmsResponse page;
    grpc::ClientContext list_context;
    ASSERT_TRUE(stub_->ListFirms(&list_context, list, &page).ok());
    stored += page.firms_size();
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(stored, report.imported_count());
  Firm good;
  ASSERT_TRUE(GetFirm(SampleBrn(1), &good).ok());
  Firm bad;
  // Row 291 had its check digit spoiled, row 388 its KSIC code.
  EXPECT_EQ(GetFirm(SampleBrn(291), &bad).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetFirm(SampleBrn(388), &bad).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RegistryImportTest, ResendingTheStreamCreatesNothingTwice) {
  Sent first = Stream(30, "again-");
  EXPECT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.report.imported_count(), 30);
  Sent second = Stream(30, "again-");
  EXPECT_TRUE(second.status.ok()) << second.status.error_message();
  EXPECT_EQ(second.report.imported_count(), 30);
  EXPECT_EQ(second.report.rejected_rows_size(), 0);
  EXPECT_EQ(ListAll().firms_size(), 30);
  EXPECT_EQ(ChangeCount(SampleBrn(0)), 1);
}

// Batches commit while the next ones are read: a caller that gives up
// mid-stream leaves whole rows behind, and resending completes the import
// without a duplicate.
TEST_F(RegistryImportTest, ResendingAfterTheCallerGaveUpCompletesTheImport) {
  constexpr int kRows = 900;  // a full batch and part of a second
  Sent given_up = Stream(kRows, "given-up-", /*give_up=*/true);
  EXPECT_FALSE(given_up.status.ok());
  EXPECT_LE(ListAll().firms_size(), kRows);
  Sent resent = Stream(kRows, "given-up-");
  EXPECT_TRUE(resent.status.ok()) << resent.status.error_message();
  EXPECT_EQ(resent.report.received_count(), kRows);
  EXPECT_EQ(resent.report.imported_count(), kRows);
  EXPECT_EQ(resent.report.rejected_rows_size(), 0);
  EXPECT_EQ(ListAll().firms_size(), kRows);
  EXPECT_EQ(ChangeCount(SampleBrn(kRows - 1)), 1);
}

}  // namespace
}  // namespace kexport::registry
