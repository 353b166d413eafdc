#include "services/ledger/journal_auditor.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/macros.h"
#include "services/ledger/journal.h"
#include "services/ledger/ledger_names.h"

namespace kexport::ledger {
namespace {

constexpr int kMaxMismatches = 100;

class Replay final {
 public:
  explicit Replay(v1::VerifyJournalResponse& report) : report_(report) {}

  absl::Status Entry(const JournalEntry& entry) {
    report_.set_entries_checked(report_.entries_checked() + 1);
    if (entry.sequence != head_.sequence + 1) {
      Mismatch(entry.sequence, "",
               absl::StrCat("sequence follows ", head_.sequence));
    }
    if (EntryHash(head_.hash, entry) != entry.hash) {
      Mismatch(entry.sequence, "", "hash does not match the entry and its predecessor");
    }
    head_.sequence = entry.sequence;
    head_.hash = entry.hash;
    switch (entry.kind) {
      case JournalEntry::Kind::kAccountOpened:
      case JournalEntry::Kind::kAccountClosed:
        return AccountEntry(entry);
      case JournalEntry::Kind::kTransfer:
        return TransferEntry(entry);
      case JournalEntry::Kind::kExpiry:
        return ExpiryEntry(entry);
      case JournalEntry::Kind::kFiscalYearClosed:
        return absl::OkStatus();
    }
    Mismatch(entry.sequence, "", "unknown entry kind");
    return absl::OkStatus();
  }

  // Compares a stored account with the replay; `Finish` reports the rest.
  void Stored(const Account& stored) {
    report_.set_accounts_checked(report_.accounts_checked() + 1);
    auto it = accounts_.find(stored.id());
    if (it == accounts_.end()) {
      Mismatch(0, stored.name(), "stored, but never opened in the journal");
      return;
    }
    const Account& replayed = it->second;
    struct Field {
      const char* name;
      int64_t stored;
      int64_t replayed;
    };
    for (const Field& field :
         {Field{"debits_posted", stored.debits_posted(), replayed.debits_posted()},
          Field{"credits_posted", stored.credits_posted(), replayed.credits_posted()},
          Field{"debits_pending", stored.debits_pending(), replayed.debits_pending()},
          Field{"credits_pending", stored.credits_pending(),
                replayed.credits_pending()},
          Field{"balance_limit", stored.balance_limit(), replayed.balance_limit()},
          Field{"kind", stored.kind(), replayed.kind()},
          Field{"state", stored.state(), replayed.state()},
          Field{"fiscal_year", stored.fiscal_year(), replayed.fiscal_year()}}) {
      if (field.stored != field.replayed) {
        Mismatch(0, stored.name(),
                 absl::StrCat(field.name, " stored ", field.stored, ", replayed ",
                              field.replayed));
      }
    }
    seen_.insert(stored.id());
  }

  void Finish() {
    for (const auto& [id, account] : accounts_) {
      if (!seen_.contains(id)) {
        Mismatch(0, account.name(), "opened in the journal, missing from storage");
      }
    }
    report_.set_head_sequence(head_.sequence);
    report_.set_head_hash(absl::BytesToHexString(head_.hash));
    report_.set_ok(report_.mismatches().empty() && !overflowed_);
  }

 private:
  void Mismatch(int64_t sequence, const std::string& account,
                std::string description) {
    if (report_.mismatches_size() >= kMaxMismatches) {
      overflowed_ = true;
      return;
    }
    v1::JournalMismatch* mismatch = report_.add_mismatches();
    mismatch->set_journal_sequence(sequence);
    mismatch->set_account(account);
    mismatch->set_description(std::move(description));
  }

  absl::Status AccountEntry(const JournalEntry& entry) {
    Account account;
    if (!account.ParseFromString(entry.payload)) {
      Mismatch(entry.sequence, "", "payload is not an account");
      return absl::OkStatus();
    }
    if (entry.kind == JournalEntry::Kind::kAccountOpened) {
      account.clear_debits_posted();
      account.clear_credits_posted();
      account.clear_debits_pending();
      account.clear_credits_pending();
      accounts_[account.id()] = account;
    } else if (Account* replayed = Find(entry.sequence, account.name())) {
      replayed->set_state(v1::ACCOUNT_STATE_CLOSED);
    }
    return absl::OkStatus();
  }

  absl::Status TransferEntry(const JournalEntry& entry) {
    Transfer transfer;
    if (!transfer.ParseFromString(entry.payload)) {
      Mismatch(entry.sequence, "", "payload is not a transfer");
      return absl::OkStatus();
    }
    Account* debit = Find(entry.sequence, transfer.debit_account());
    Account* credit = Find(entry.sequence, transfer.credit_account());
    if (debit == nullptr || credit == nullptr) {
      return absl::OkStatus();
    }
    const int64_t amount = transfer.amount();
    switch (transfer.mode()) {
      case v1::TRANSFER_MODE_SINGLE_PHASE:
        debit->set_debits_posted(debit->debits_posted() + amount);
        credit->set_credits_posted(credit->credits_posted() + amount);
        break;
      case v1::TRANSFER_MODE_PENDING:
        debit->set_debits_pending(debit->debits_pending() + amount);
        credit->set_credits_pending(credit->credits_pending() + amount);
        pending_[transfer.id()] = {amount, transfer.debit_account(),
                                   transfer.credit_account()};
        break;
      case v1::TRANSFER_MODE_POST_PENDING:
      case v1::TRANSFER_MODE_VOID_PENDING: {
        int64_t held = TakePending(entry.sequence,
                                   TransferIdFromName(transfer.pending_transfer()))
                           .amount;
        debit->set_debits_pending(debit->debits_pending() - held);
        credit->set_credits_pending(credit->credits_pending() - held);
        if (transfer.mode() == v1::TRANSFER_MODE_POST_PENDING) {
          debit->set_debits_posted(debit->debits_posted() + amount);
          credit->set_credits_posted(credit->credits_posted() + amount);
        }
        break;
      }
      default:
        Mismatch(entry.sequence, "", "transfer without a mode");
    }
    return absl::OkStatus();
  }

  absl::Status ExpiryEntry(const JournalEntry& entry) {
    Hold held = TakePending(entry.sequence, entry.payload);
    if (held.debit.empty()) {
      return absl::OkStatus();
    }
    Account* debit = Find(entry.sequence, held.debit);
    Account* credit = Find(entry.sequence, held.credit);
    if (debit != nullptr && credit != nullptr) {
      debit->set_debits_pending(debit->debits_pending() - held.amount);
      credit->set_credits_pending(credit->credits_pending() - held.amount);
    }
    return absl::OkStatus();
  }

  // What an open pending transfer holds.
  struct Hold {
    int64_t amount = 0;
    std::string debit;
    std::string credit;
  };

  // The hold of a pending transfer, once; empty (and a mismatch) otherwise.
  Hold TakePending(int64_t sequence, const std::string& id) {
    auto it = pending_.find(id);
    if (it == pending_.end()) {
      Mismatch(sequence, "", absl::StrCat("resolves ", id, ", which is not pending"));
      return Hold();
    }
    Hold held = std::move(it->second);
    pending_.erase(it);
    return held;
  }

  Account* Find(int64_t sequence, const std::string& name) {
    auto it = accounts_.find(AccountIdFromName(name));
    if (it == accounts_.end()) {
      Mismatch(sequence, name, "used before it was opened");
      return nullptr;
    }
    return &it->second;
  }

  v1::VerifyJournalResponse& report_;
  JournalHead head_;
  bool overflowed_ = false;
  absl::flat_hash_map<std::string, Account> accounts_;
  absl::flat_hash_set<std::string> seen_;
  // Open pending transfers by id.
  absl::flat_hash_map<std::string, Hold> pending_;
};

}  // namespace

absl::StatusOr<v1::VerifyJournalResponse> VerifyJournal(LedgerStore& store) {
  v1::VerifyJournalResponse report;
  Replay replay(report);
  RETURN_IF_ERROR(store.ScanForAudit(
      [&](const JournalEntry& entry) { return replay.Entry(entry); },
      [&](const Account& account) {
        replay.Stored(account);
        return absl::OkStatus();
      }));
  replay.Finish();
  return report;
}

}  // namespace kexport::ledger
