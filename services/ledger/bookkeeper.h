// The ledger's bookkeeping rules, as TigerBeetle keeps them: accounts with
// balance limits that count pending amounts; single-phase, pending, post and
// void transfers; linked chains that apply as a whole; ids that make every
// transfer idempotent with typed results; pending transfers that expire by
// the ledger's clock. Plain C++ over a LedgerView: it reads, decides, and
// hands back the changes for the store to write in the same transaction.
//
//   Bookkeeper books(&view, now, "operator-7");
//   RETURN_IF_ERROR(books.ExpireDue());
//   ASSIGN_OR_RETURN(v1::CreateTransfersResponse response,
//                    books.CreateTransfers(request));
//   RETURN_IF_ERROR(store.Write(books.TakeChanges()));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/ledger/ledger_state.h"

namespace kexport::ledger {

class Bookkeeper final {
 public:
  // `now` is the ledger's clock for everything this bookkeeper does.
  Bookkeeper(LedgerView* view, absl::Time now, std::string actor)
      : view_(view), now_(now), actor_(std::move(actor)) {}

  // Releases every pending transfer whose timeout has passed by `now`.
  absl::Status ExpireDue();

  // Applies validated transfers in order (see CreateTransfersRequest).
  absl::StatusOr<v1::CreateTransfersResponse> CreateTransfers(
      const v1::CreateTransfersRequest& request);

  // Opens validated accounts, each on its own (see CreateAccountsRequest).
  absl::StatusOr<v1::CreateAccountsResponse> CreateAccounts(
      const std::vector<Account>& accounts);

  // Closes an account: FAILED_PRECONDITION when closed already or when it
  // still has pending amounts; NOT_FOUND when unknown; ABORTED on a stale
  // etag.
  absl::StatusOr<Account> CloseAccount(const v1::CloseAccountRequest& request);

  // Closes a programme's fiscal year: disposes of every open reservation as
  // told, moves the remaining budget to next year and the lapse account,
  // and refuses every later transfer on the year's accounts. Returns the
  // transfers made. FAILED_PRECONDITION (nothing applied) when the request
  // does not account for everything or a transfer cannot be made.
  absl::StatusOr<std::vector<Transfer>> CloseFiscalYear(
      const v1::CloseFiscalYearRequest& request);

  // What the calls so far changed; the bookkeeper starts afresh.
  LedgerChanges TakeChanges();

 private:
  struct Outcome {
    Outcome(v1::TransferResult result_of = v1::TRANSFER_RESULT_CREATED,
            std::string about = "", int64_t left = 0)
        : result(result_of), account(std::move(about)), available(left) {}
    v1::TransferResult result;
    // The account the result is about, `accounts/{id}`.
    std::string account;
    int64_t available;
  };

  // Loads into the working set; nullptr when unknown.
  absl::StatusOr<Account*> LoadAccount(const std::string& name);
  absl::StatusOr<Transfer*> LoadTransfer(const std::string& id);
  absl::StatusOr<JournalHead*> LoadHead();

  // The result of sending `sent` under an id that already holds `stored`.
  static v1::TransferResult CompareExisting(const Transfer& stored,
                                            const Transfer& sent);
  absl::StatusOr<Outcome> Apply(const Transfer& sent, Transfer& created);
  absl::StatusOr<Outcome> ApplyNew(const Transfer& sent, Transfer& created);
  absl::StatusOr<Outcome> ApplyResolution(const Transfer& sent,
                                          Transfer& created);
  // A refused POST_PENDING or VOID_PENDING names its accounts as the
  // pending transfer does, so the attempt is found by account.
  absl::Status FillResolvedAccounts(Transfer& attempt);
  // Checks an account may take part in a transfer now.
  absl::StatusOr<std::optional<Outcome>> CheckUsable(const Account& account);
  absl::Status Expire(Transfer& pending);
  // FAILED_PRECONDITION unless `name` is an account of `program` in `year`
  // of one of `kinds` (any kind when empty).
  absl::Status CheckCloseTarget(const std::string& name, const std::string& program,
                                int32_t year, std::vector<v1::AccountKind> kinds);
  // Creates year-close transfers; FAILED_PRECONDITION naming the first one
  // that cannot be made.
  absl::Status CreateCloseTransfers(const v1::CreateTransfersRequest& request,
                                    std::vector<Transfer>& made);

  // Records a journal entry and the balances it changed.
  absl::Status Journal(JournalEntry::Kind kind, std::string payload,
                       const std::vector<Account*>& changed,
                       const std::string& transfer, bool expiry);
  // Every change to the working set goes through these, so that a failing
  // linked chain can be undone and the store learns what to write.
  Account& Modify(Account& account);
  Transfer& Modify(Transfer& transfer);
  void Insert(Transfer transfer);

  // Undo for linked chains: what to restore if the chain fails.
  void BeginChain();
  void RollBackChain();
  void EndChain();

  LedgerView* view_;
  absl::Time now_;
  std::string actor_;

  // The working set: every account and transfer read or written so far,
  // with nullopt for ids known not to exist. Node maps: pointers into them
  // stay valid while more is loaded.
  absl::node_hash_map<std::string, std::optional<Account>> accounts_;
  absl::node_hash_map<std::string, std::optional<Transfer>> transfers_;
  std::optional<JournalHead> head_;
  LedgerChanges changes_;
  std::vector<std::string> dirty_accounts_;
  absl::flat_hash_set<std::string> dirty_account_set_;
  std::vector<std::string> dirty_transfers_;
  absl::flat_hash_set<std::string> dirty_transfer_set_;
  // Programme budgets opened by this command, `{program, year}`.
  absl::flat_hash_set<std::pair<std::string, int32_t>> budgets_opened_;

  struct ChainUndo {
    std::vector<std::pair<std::string, std::optional<Account>>> accounts;
    std::vector<std::pair<std::string, std::optional<Transfer>>> transfers;
    std::optional<JournalHead> head;
    size_t journal = 0;
    size_t balances = 0;
    size_t dirty_accounts = 0;
    size_t dirty_transfers = 0;
  };
  std::optional<ChainUndo> chain_;
};

}  // namespace kexport::ledger
