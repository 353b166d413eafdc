// The ledger client other services plan spending with, against the real
// kexport-ledger: what it reports available follows reservations, and an
// unknown account or a stopped ledger is a typed error.
#include "clients/ledger_accounts.h"

#include "tests/ledger/ledger_fixture.h"

namespace kexport::ledger {
namespace {

using LedgerAccountsClientTest = LedgerFixture;

TEST_F(LedgerAccountsClientTest, AvailableFollowsReservationsAndErrorsAreTyped) {
  OpenProgramme(1'000'000, 1);
  clients::GrpcLedgerAccounts accounts(ledger_->address(), absl::Seconds(2), "applications");
  EXPECT_EQ(*accounts.Available("accounts/budget"), 1'000'000);

  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer({Move("reserve-1", "budget", "firm-0", 400'000,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING)},
                       "reserve", &response)
                  .ok());
  EXPECT_EQ(*accounts.Available("accounts/budget"), 600'000);

  absl::StatusOr<int64_t> unknown = accounts.Available("accounts/nowhere");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("ledger: "), std::string::npos);

  ledger_->Kill();
  absl::StatusOr<int64_t> down = accounts.Available("accounts/budget");
  EXPECT_TRUE(absl::IsUnavailable(down.status()) || absl::IsDeadlineExceeded(down.status()))
      << down.status();
}

}  // namespace
}  // namespace kexport::ledger
