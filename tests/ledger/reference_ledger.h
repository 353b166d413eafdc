// An in-memory reference model of the ledger's rules, written as plainly as
// possible and independently of the Bookkeeper: the randomized test asks it
// to predict every result the real ledger gives.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kexport/ledger/v1/ledger.pb.h"

namespace kexport::ledger::testing {

struct ModelAccount {
  std::string name;
  v1::BalanceLimit limit = v1::BALANCE_LIMIT_NONE;
  int32_t fiscal_year = 0;
  std::string program;
  bool closed = false;
  int64_t debits_posted = 0;
  int64_t credits_posted = 0;
  int64_t debits_pending = 0;
  int64_t credits_pending = 0;
};

struct ModelTransfer {
  v1::Transfer stored;  // as the ledger keeps it
  v1::PendingState state = v1::PENDING_STATE_UNSPECIFIED;
  absl::Time expire = absl::InfiniteFuture();
};

struct Prediction {
  Prediction(v1::TransferResult result_of = v1::TRANSFER_RESULT_UNSPECIFIED,
             std::string about = "", int64_t left = 0)
      : result(result_of), account(std::move(about)), available(left) {}
  v1::TransferResult result;
  std::string account;
  int64_t available;
};

class ReferenceLedger {
 public:
  void Open(const v1::Account& account);
  // Expires what timed out by `now` (the ledger does this before a batch).
  void ExpireDue(absl::Time now);
  // Applies a request and predicts each transfer's result.
  std::vector<Prediction> Apply(const v1::CreateTransfersRequest& request,
                                absl::Time now);
  // Takes the expiry times the ledger stamped on created pending transfers.
  void Learn(const v1::CreateTransfersResponse& response);
  // True when the account may close (no pending amounts, not closed yet).
  bool Close(const std::string& name);
  // Closes a programme's year with nothing open: `lapse` won move from the
  // budget to the lapse account, and the year's accounts take no more.
  void CloseYear(const std::string& program, int32_t year,
                 const std::string& budget, const std::string& lapse_account,
                 int64_t lapse);

  const std::map<std::string, ModelAccount>& accounts() const { return accounts_; }
  const std::map<std::string, ModelTransfer>& transfers() const { return transfers_; }

 private:
  Prediction ApplyOne(const v1::Transfer& sent, absl::Time now);
  // ACCOUNT_CLOSED or FISCAL_YEAR_CLOSED when `account` takes no transfer.
  std::optional<Prediction> Unusable(const ModelAccount& account) const;
  Prediction CompareExisting(const ModelTransfer& stored, const v1::Transfer& sent) const;

  std::map<std::string, ModelAccount> accounts_;
  std::map<std::string, ModelTransfer> transfers_;
  std::set<std::pair<std::string, int32_t>> closed_years_;
};

}  // namespace kexport::ledger::testing
