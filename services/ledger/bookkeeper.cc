#include "services/ledger/bookkeeper.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/container/flat_hash_map.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "common/money.h"
#include "common/proto_bytes.h"
#include "common/random_id.h"
#include "common/sha256.h"
#include "services/ledger/journal.h"
#include "services/ledger/ledger_names.h"

namespace kexport::ledger {
namespace {

using v1::TransferResult;

bool Resolves(const Transfer& transfer) {
  return transfer.mode() == v1::TRANSFER_MODE_POST_PENDING ||
         transfer.mode() == v1::TRANSFER_MODE_VOID_PENDING;
}

// What a client may set on a transfer; everything else is the ledger's.
Transfer ClientFields(const Transfer& sent) {
  Transfer transfer;
  transfer.set_id(sent.id());
  transfer.set_debit_account(sent.debit_account());
  transfer.set_credit_account(sent.credit_account());
  transfer.set_amount(sent.amount());
  transfer.set_code(sent.code());
  transfer.set_reference(sent.reference());
  transfer.set_mode(sent.mode());
  transfer.set_linked(sent.linked());
  transfer.set_pending_transfer(sent.pending_transfer());
  if (sent.has_timeout()) {
    *transfer.mutable_timeout() = sent.timeout();
  }
  transfer.set_corrected_transfer(sent.corrected_transfer());
  return transfer;
}

v1::AccountResult CompareAccounts(const Account& stored, const Account& sent) {
  if (stored.kind() != sent.kind()) {
    return v1::ACCOUNT_RESULT_EXISTS_WITH_DIFFERENT_KIND;
  }
  if (stored.title() != sent.title()) {
    return v1::ACCOUNT_RESULT_EXISTS_WITH_DIFFERENT_TITLE;
  }
  if (stored.fiscal_year() != sent.fiscal_year()) {
    return v1::ACCOUNT_RESULT_EXISTS_WITH_DIFFERENT_FISCAL_YEAR;
  }
  if (stored.program() != sent.program()) {
    return v1::ACCOUNT_RESULT_EXISTS_WITH_DIFFERENT_PROGRAM;
  }
  if (stored.firm() != sent.firm()) {
    return v1::ACCOUNT_RESULT_EXISTS_WITH_DIFFERENT_FIRM;
  }
  if (stored.balance_limit() != sent.balance_limit()) {
    return v1::ACCOUNT_RESULT_EXISTS_WITH_DIFFERENT_BALANCE_LIMIT;
  }
  return v1::ACCOUNT_RESULT_EXISTS;
}

}  // namespace

absl::StatusOr<Account*> Bookkeeper::LoadAccount(const std::string& name) {
  std::string id = AccountIdFromName(name);
  auto it = accounts_.find(id);
  if (it == accounts_.end()) {
    ASSIGN_OR_RETURN(std::optional<Account> account, view_->FindAccount(id));
    it = accounts_.emplace(id, std::move(account)).first;
  }
  return it->second.has_value() ? &*it->second : nullptr;
}

absl::StatusOr<Transfer*> Bookkeeper::LoadTransfer(const std::string& id) {
  auto it = transfers_.find(id);
  if (it == transfers_.end()) {
    ASSIGN_OR_RETURN(std::optional<Transfer> transfer, view_->FindTransfer(id));
    it = transfers_.emplace(id, std::move(transfer)).first;
  }
  return it->second.has_value() ? &*it->second : nullptr;
}

absl::StatusOr<JournalHead*> Bookkeeper::LoadHead() {
  if (!head_) {
    ASSIGN_OR_RETURN(head_, view_->Head());
  }
  return &*head_;
}

Account& Bookkeeper::Modify(Account& account) {
  if (chain_) {
    auto& undo = chain_->accounts;
    bool saved = std::any_of(undo.begin(), undo.end(), [&](const auto& entry) {
      return entry.first == account.id();
    });
    if (!saved) {
      undo.emplace_back(account.id(), account);
    }
  }
  if (dirty_account_set_.insert(account.id()).second) {
    dirty_accounts_.push_back(account.id());
    // The etag is the account's version: one step per command changing it.
    int64_t version = 0;
    if (absl::SimpleAtoi(account.etag(), &version)) {
      account.set_etag(absl::StrCat(version + 1));
    }
  }
  return account;
}

Transfer& Bookkeeper::Modify(Transfer& transfer) {
  if (chain_) {
    chain_->transfers.emplace_back(transfer.id(), transfer);
  }
  if (dirty_transfer_set_.insert(transfer.id()).second) {
    dirty_transfers_.push_back(transfer.id());
  }
  return transfer;
}

void Bookkeeper::Insert(Transfer transfer) {
  std::string id = transfer.id();
  if (chain_) {
    chain_->transfers.emplace_back(id, std::nullopt);
  }
  transfers_[id] = std::move(transfer);
  if (dirty_transfer_set_.insert(id).second) {
    dirty_transfers_.push_back(id);
  }
}

void Bookkeeper::BeginChain() {
  chain_.emplace();
  chain_->head = head_;
  chain_->journal = changes_.journal.size();
  chain_->balances = changes_.balances.size();
  chain_->dirty_accounts = dirty_accounts_.size();
  chain_->dirty_transfers = dirty_transfers_.size();
}

void Bookkeeper::RollBackChain() {
  ChainUndo undo = std::move(*chain_);
  chain_.reset();
  // Restore in reverse, so the oldest saved value wins.
  for (auto it = undo.accounts.rbegin(); it != undo.accounts.rend(); ++it) {
    accounts_[it->first] = std::move(it->second);
  }
  for (auto it = undo.transfers.rbegin(); it != undo.transfers.rend(); ++it) {
    transfers_[it->first] = std::move(it->second);
  }
  head_ = undo.head;
  changes_.journal.resize(undo.journal);
  changes_.balances.resize(undo.balances);
  while (dirty_accounts_.size() > undo.dirty_accounts) {
    dirty_account_set_.erase(dirty_accounts_.back());
    dirty_accounts_.pop_back();
  }
  while (dirty_transfers_.size() > undo.dirty_transfers) {
    dirty_transfer_set_.erase(dirty_transfers_.back());
    dirty_transfers_.pop_back();
  }
}

void Bookkeeper::EndChain() { chain_.reset(); }

absl::Status Bookkeeper::Journal(JournalEntry::Kind kind, std::string payload,
                                 const std::vector<Account*>& changed,
                                 const std::string& transfer, bool expiry) {
  ASSIGN_OR_RETURN(JournalHead * head, LoadHead());
  JournalEntry entry;
  entry.sequence = head->sequence + 1;
  entry.kind = kind;
  entry.time = NextEntryTime(*head, now_);
  entry.payload = std::move(payload);
  entry.hash = EntryHash(head->hash, entry);
  head->sequence = entry.sequence;
  head->hash = entry.hash;
  head->time = entry.time;
  for (Account* account : changed) {
    *account->mutable_update_time() = ToTimestamp(entry.time);
    BalanceChange change;
    change.account_id = account->id();
    v1::AccountBalance& balance = change.balance;
    balance.set_transfer(transfer);
    balance.set_expiry(expiry);
    balance.set_debits_posted(account->debits_posted());
    balance.set_credits_posted(account->credits_posted());
    balance.set_debits_pending(account->debits_pending());
    balance.set_credits_pending(account->credits_pending());
    balance.set_journal_sequence(entry.sequence);
    *balance.mutable_change_time() = ToTimestamp(entry.time);
    changes_.balances.push_back(std::move(change));
  }
  changes_.journal.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status Bookkeeper::Expire(Transfer& pending) {
  ASSIGN_OR_RETURN(Account * debit, LoadAccount(pending.debit_account()));
  ASSIGN_OR_RETURN(Account * credit, LoadAccount(pending.credit_account()));
  if (debit == nullptr || credit == nullptr) {
    return absl::DataLossError(
        absl::StrCat("pending transfer ", pending.id(), " names a missing account"));
  }
  Modify(pending).set_pending_state(v1::PENDING_STATE_EXPIRED);
  Modify(*debit).set_debits_pending(debit->debits_pending() - pending.amount());
  Modify(*credit).set_credits_pending(credit->credits_pending() - pending.amount());
  return Journal(JournalEntry::Kind::kExpiry, pending.id(), {debit, credit},
                 pending.name(), /*expiry=*/true);
}

absl::Status Bookkeeper::ExpireDue() {
  ASSIGN_OR_RETURN(std::vector<Transfer> due, view_->DuePendingTransfers(now_));
  for (const Transfer& stale : due) {
    ASSIGN_OR_RETURN(Transfer * pending, LoadTransfer(stale.id()));
    if (pending != nullptr && pending->mode() == v1::TRANSFER_MODE_PENDING &&
        pending->pending_state() == v1::PENDING_STATE_PENDING) {
      RETURN_IF_ERROR(Expire(*pending));
    }
  }
  return absl::OkStatus();
}

TransferResult Bookkeeper::CompareExisting(const Transfer& stored,
                                           const Transfer& sent) {
  // A resolution may leave accounts, amount and code for the ledger to fill.
  bool resolves = Resolves(sent);
  if (!(resolves && sent.debit_account().empty()) &&
      sent.debit_account() != stored.debit_account()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT;
  }
  if (!(resolves && sent.credit_account().empty()) &&
      sent.credit_account() != stored.credit_account()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT;
  }
  if (!(resolves && sent.amount() == 0) && sent.amount() != stored.amount()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_AMOUNT;
  }
  if (!(resolves && sent.code() == v1::TRANSFER_CODE_UNSPECIFIED) &&
      sent.code() != stored.code()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_CODE;
  }
  if (sent.reference() != stored.reference()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_REFERENCE;
  }
  if (sent.mode() != stored.mode()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_MODE;
  }
  if (sent.linked() != stored.linked()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_LINKED;
  }
  if (sent.pending_transfer() != stored.pending_transfer()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_PENDING_TRANSFER;
  }
  if (sent.timeout().seconds() != stored.timeout().seconds()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_TIMEOUT;
  }
  if (sent.corrected_transfer() != stored.corrected_transfer()) {
    return v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_CORRECTED_TRANSFER;
  }
  return v1::TRANSFER_RESULT_EXISTS;
}

absl::StatusOr<std::optional<Bookkeeper::Outcome>> Bookkeeper::CheckUsable(
    const Account& account) {
  if (account.state() == v1::ACCOUNT_STATE_CLOSED) {
    return Outcome{v1::TRANSFER_RESULT_ACCOUNT_CLOSED, account.name()};
  }
  if (!account.program().empty()) {
    ASSIGN_OR_RETURN(bool closed, view_->FiscalYearClosed(account.program(),
                                                          account.fiscal_year()));
    if (closed) {
      return Outcome{v1::TRANSFER_RESULT_FISCAL_YEAR_CLOSED, account.name()};
    }
  }
  return std::nullopt;
}

absl::StatusOr<Bookkeeper::Outcome> Bookkeeper::Apply(const Transfer& sent,
                                                      Transfer& created) {
  return Resolves(sent) ? ApplyResolution(sent, created)
                        : ApplyNew(sent, created);
}

absl::StatusOr<Bookkeeper::Outcome> Bookkeeper::ApplyNew(const Transfer& sent,
                                                         Transfer& created) {
  ASSIGN_OR_RETURN(Account * debit, LoadAccount(sent.debit_account()));
  if (debit == nullptr) {
    return Outcome{v1::TRANSFER_RESULT_ACCOUNT_NOT_FOUND, sent.debit_account()};
  }
  ASSIGN_OR_RETURN(Account * credit, LoadAccount(sent.credit_account()));
  if (credit == nullptr) {
    return Outcome{v1::TRANSFER_RESULT_ACCOUNT_NOT_FOUND, sent.credit_account()};
  }
  for (const Account* account : {debit, credit}) {
    ASSIGN_OR_RETURN(std::optional<Outcome> unusable, CheckUsable(*account));
    if (unusable) {
      return *unusable;
    }
  }
  int32_t year_step = sent.code() == v1::TRANSFER_CODE_CARRYOVER ? 1 : 0;
  if (credit->fiscal_year() != debit->fiscal_year() + year_step) {
    return Outcome{v1::TRANSFER_RESULT_FISCAL_YEAR_MISMATCH};
  }
  if (!debit->program().empty() && !credit->program().empty() &&
      debit->program() != credit->program()) {
    return Outcome{v1::TRANSFER_RESULT_PROGRAM_MISMATCH};
  }
  if (sent.code() == v1::TRANSFER_CODE_CORRECTION) {
    ASSIGN_OR_RETURN(Transfer * corrected,
                     LoadTransfer(TransferIdFromName(sent.corrected_transfer())));
    if (corrected == nullptr) {
      return Outcome{v1::TRANSFER_RESULT_CORRECTED_TRANSFER_NOT_FOUND};
    }
  }
  const int64_t amount = sent.amount();
  if (debit->balance_limit() == v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS) {
    int64_t available = AvailableToLimit(*debit);
    if (amount > available) {
      return Outcome{v1::TRANSFER_RESULT_EXCEEDS_CREDITS, debit->name(), available};
    }
  }
  if (credit->balance_limit() == v1::BALANCE_LIMIT_CREDITS_MUST_NOT_EXCEED_DEBITS) {
    int64_t available = AvailableToLimit(*credit);
    if (amount > available) {
      return Outcome{v1::TRANSFER_RESULT_EXCEEDS_DEBITS, credit->name(), available};
    }
  }
  // Posted plus pending must stay an int64 on both sides, whatever resolves.
  if (!CheckedSum({debit->debits_posted(), debit->debits_pending(), amount})) {
    return Outcome{v1::TRANSFER_RESULT_OVERFLOWS_BALANCE, debit->name()};
  }
  if (!CheckedSum({credit->credits_posted(), credit->credits_pending(), amount})) {
    return Outcome{v1::TRANSFER_RESULT_OVERFLOWS_BALANCE, credit->name()};
  }

  ASSIGN_OR_RETURN(JournalHead * head, LoadHead());
  created = ClientFields(sent);
  created.set_name(TransferName(sent.id()));
  created.set_actor(actor_);
  created.set_journal_sequence(head->sequence + 1);
  absl::Time time = NextEntryTime(*head, now_);
  *created.mutable_create_time() = ToTimestamp(time);
  if (sent.mode() == v1::TRANSFER_MODE_PENDING) {
    created.set_pending_state(v1::PENDING_STATE_PENDING);
    if (sent.has_timeout()) {
      *created.mutable_expire_time() =
          ToTimestamp(time + absl::Seconds(sent.timeout().seconds()));
    }
    Modify(*debit).set_debits_pending(debit->debits_pending() + amount);
    Modify(*credit).set_credits_pending(credit->credits_pending() + amount);
  } else {
    Modify(*debit).set_debits_posted(debit->debits_posted() + amount);
    Modify(*credit).set_credits_posted(credit->credits_posted() + amount);
  }
  Insert(created);
  RETURN_IF_ERROR(Journal(JournalEntry::Kind::kTransfer,
                          DeterministicBytes(created), {debit, credit},
                          created.name(), /*expiry=*/false));
  return Outcome{};
}

absl::StatusOr<Bookkeeper::Outcome> Bookkeeper::ApplyResolution(
    const Transfer& sent, Transfer& created) {
  ASSIGN_OR_RETURN(Transfer * pending,
                   LoadTransfer(TransferIdFromName(sent.pending_transfer())));
  if (pending == nullptr) {
    return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_NOT_FOUND};
  }
  if (pending->mode() != v1::TRANSFER_MODE_PENDING) {
    return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_NOT_PENDING};
  }
  if (!sent.debit_account().empty() &&
      sent.debit_account() != pending->debit_account()) {
    return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT,
                   sent.debit_account()};
  }
  if (!sent.credit_account().empty() &&
      sent.credit_account() != pending->credit_account()) {
    return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT,
                   sent.credit_account()};
  }
  switch (pending->pending_state()) {
    case v1::PENDING_STATE_POSTED:
      return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_POSTED};
    case v1::PENDING_STATE_VOIDED:
      return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_VOIDED};
    case v1::PENDING_STATE_EXPIRED:
      return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_EXPIRED};
    default:
      break;
  }
  if (pending->has_expire_time() &&
      FromTimestamp(pending->expire_time()) <= now_) {
    return Outcome{v1::TRANSFER_RESULT_PENDING_TRANSFER_EXPIRED};
  }
  const bool post = sent.mode() == v1::TRANSFER_MODE_POST_PENDING;
  int64_t amount = pending->amount();
  if (post && sent.amount() != 0) {
    if (sent.amount() > pending->amount()) {
      return Outcome{v1::TRANSFER_RESULT_AMOUNT_EXCEEDS_PENDING};
    }
    amount = sent.amount();
  }
  ASSIGN_OR_RETURN(Account * debit, LoadAccount(pending->debit_account()));
  ASSIGN_OR_RETURN(Account * credit, LoadAccount(pending->credit_account()));
  if (debit == nullptr || credit == nullptr) {
    return absl::DataLossError(
        absl::StrCat("pending transfer ", pending->id(), " names a missing account"));
  }
  for (const Account* account : {debit, credit}) {
    ASSIGN_OR_RETURN(std::optional<Outcome> unusable, CheckUsable(*account));
    if (unusable) {
      return *unusable;
    }
  }

  ASSIGN_OR_RETURN(JournalHead * head, LoadHead());
  created = ClientFields(sent);
  created.set_name(TransferName(sent.id()));
  created.set_debit_account(pending->debit_account());
  created.set_credit_account(pending->credit_account());
  if (sent.code() == v1::TRANSFER_CODE_UNSPECIFIED) {
    created.set_code(post ? v1::TRANSFER_CODE_DISBURSEMENT
                          : v1::TRANSFER_CODE_RELEASE);
  }
  created.set_amount(amount);
  created.set_actor(actor_);
  created.set_journal_sequence(head->sequence + 1);
  *created.mutable_create_time() = ToTimestamp(NextEntryTime(*head, now_));

  // Pending amounts leave; what is posted arrives. Posting moves at most
  // what was pending, so posted + pending cannot grow past what was checked.
  Modify(*debit).set_debits_pending(debit->debits_pending() - pending->amount());
  Modify(*credit).set_credits_pending(credit->credits_pending() - pending->amount());
  if (post) {
    debit->set_debits_posted(debit->debits_posted() + amount);
    credit->set_credits_posted(credit->credits_posted() + amount);
  }
  Transfer& resolved = Modify(*pending);
  resolved.set_pending_state(post ? v1::PENDING_STATE_POSTED
                                  : v1::PENDING_STATE_VOIDED);
  resolved.set_resolving_transfer(created.name());
  Insert(created);
  RETURN_IF_ERROR(Journal(JournalEntry::Kind::kTransfer,
                          DeterministicBytes(created), {debit, credit},
                          created.name(), /*expiry=*/false));
  return Outcome{};
}

absl::Status Bookkeeper::FillResolvedAccounts(Transfer& attempt) {
  if (attempt.pending_transfer().empty() ||
      (!attempt.debit_account().empty() && !attempt.credit_account().empty())) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Transfer * pending,
                   LoadTransfer(TransferIdFromName(attempt.pending_transfer())));
  if (pending != nullptr) {
    if (attempt.debit_account().empty()) attempt.set_debit_account(pending->debit_account());
    if (attempt.credit_account().empty()) attempt.set_credit_account(pending->credit_account());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CreateTransfersResponse> Bookkeeper::CreateTransfers(
    const v1::CreateTransfersRequest& request) {
  const int n = request.transfers_size();
  v1::CreateTransfersResponse response;
  for (int i = 0; i < n; ++i) {
    v1::TransferOutcome* outcome = response.add_results();
    outcome->set_index(i);
    outcome->set_id(request.transfers(i).id());
  }
  auto reject = [&](int index, const Outcome& outcome) -> absl::Status {
    v1::TransferOutcome* result = response.mutable_results(index);
    result->set_result(outcome.result);
    result->set_account(outcome.account);
    result->set_available(outcome.available);
    if (outcome.result == v1::TRANSFER_RESULT_EXISTS) {
      return absl::OkStatus();
    }
    RejectedTransfer rejected;
    *rejected.mutable_transfer() = ClientFields(request.transfers(index));
    RETURN_IF_ERROR(FillResolvedAccounts(*rejected.mutable_transfer()));
    rejected.set_result(outcome.result);
    rejected.set_account(outcome.account);
    rejected.set_available(outcome.available);
    rejected.set_request_id(request.request_id());
    rejected.set_index(index);
    rejected.set_actor(actor_);
    *rejected.mutable_reject_time() = ToTimestamp(now_);
    changes_.rejected.push_back(std::move(rejected));
    return absl::OkStatus();
  };

  for (int first = 0; first < n;) {
    int last = first;
    while (last < n - 1 && request.transfers(last).linked()) {
      ++last;
    }
    // A chain whose members all exist unchanged is a resend: EXISTS each.
    bool resend = true;
    std::vector<const Transfer*> stored(last - first + 1, nullptr);
    for (int i = first; i <= last; ++i) {
      ASSIGN_OR_RETURN(Transfer * existing, LoadTransfer(request.transfers(i).id()));
      stored[i - first] = existing;
      if (existing == nullptr ||
          CompareExisting(*existing, request.transfers(i)) !=
              v1::TRANSFER_RESULT_EXISTS) {
        resend = false;
      }
    }
    if (resend) {
      for (int i = first; i <= last; ++i) {
        v1::TransferOutcome* result = response.mutable_results(i);
        result->set_result(v1::TRANSFER_RESULT_EXISTS);
        *result->mutable_transfer() = *stored[i - first];
      }
      first = last + 1;
      continue;
    }

    const bool chain = last > first;
    if (chain) {
      BeginChain();
    }
    int failed = -1;
    Outcome failure;
    std::vector<Transfer> created(last - first + 1);
    for (int i = first; i <= last; ++i) {
      const Transfer& sent = request.transfers(i);
      ASSIGN_OR_RETURN(Transfer * existing, LoadTransfer(sent.id()));
      Outcome outcome;
      if (existing != nullptr) {
        outcome.result = CompareExisting(*existing, sent);
        created[i - first] = *existing;
      } else {
        ASSIGN_OR_RETURN(outcome, Apply(sent, created[i - first]));
      }
      if (outcome.result != v1::TRANSFER_RESULT_CREATED) {
        failed = i;
        failure = outcome;
        break;
      }
    }
    if (failed < 0) {
      if (chain) {
        EndChain();
      }
      for (int i = first; i <= last; ++i) {
        v1::TransferOutcome* result = response.mutable_results(i);
        result->set_result(v1::TRANSFER_RESULT_CREATED);
        *result->mutable_transfer() = created[i - first];
      }
    } else {
      if (chain) {
        RollBackChain();
      }
      for (int i = first; i <= last; ++i) {
        RETURN_IF_ERROR(reject(i, i == failed ? failure
                                              : Outcome{v1::TRANSFER_RESULT_LINKED_EVENT_FAILED}));
      }
      if (failure.result == v1::TRANSFER_RESULT_EXISTS) {
        *response.mutable_results(failed)->mutable_transfer() =
            created[failed - first];
      }
    }
    first = last + 1;
  }
  // A transfer created and then resolved in the same request is answered as
  // it is stored at the end.
  for (v1::TransferOutcome& outcome : *response.mutable_results()) {
    if (outcome.result() == v1::TRANSFER_RESULT_CREATED) {
      *outcome.mutable_transfer() = *transfers_[outcome.id()];
    }
  }
  return response;
}

absl::StatusOr<v1::CreateAccountsResponse> Bookkeeper::CreateAccounts(
    const std::vector<Account>& accounts) {
  v1::CreateAccountsResponse response;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const Account& sent = accounts[i];
    v1::AccountOutcome* outcome = response.add_results();
    outcome->set_index(static_cast<int32_t>(i));
    std::string id = sent.id().empty() ? RandomId(24) : sent.id();
    outcome->set_id(id);
    ASSIGN_OR_RETURN(Account * existing, LoadAccount(AccountName(id)));
    if (existing != nullptr) {
      outcome->set_result(CompareAccounts(*existing, sent));
      if (outcome->result() == v1::ACCOUNT_RESULT_EXISTS) {
        *outcome->mutable_account() = *existing;
      }
      continue;
    }
    if (!sent.program().empty()) {
      ASSIGN_OR_RETURN(bool closed,
                       view_->FiscalYearClosed(sent.program(), sent.fiscal_year()));
      if (closed) {
        outcome->set_result(v1::ACCOUNT_RESULT_FISCAL_YEAR_CLOSED);
        continue;
      }
    }
    if (sent.kind() == v1::ACCOUNT_KIND_PROGRAM_BUDGET) {
      std::pair<std::string, int32_t> key(sent.program(), sent.fiscal_year());
      ASSIGN_OR_RETURN(std::optional<Account> budget,
                       view_->ProgramBudget(sent.program(), sent.fiscal_year()));
      bool exists = budget && budget->state() == v1::ACCOUNT_STATE_OPEN;
      if (exists || !budgets_opened_.insert(key).second) {
        outcome->set_result(v1::ACCOUNT_RESULT_PROGRAM_BUDGET_EXISTS);
        continue;
      }
    }
    ASSIGN_OR_RETURN(JournalHead * head, LoadHead());
    Account account;
    account.set_id(id);
    account.set_name(AccountName(id));
    account.set_kind(sent.kind());
    account.set_title(sent.title());
    account.set_fiscal_year(sent.fiscal_year());
    account.set_program(sent.program());
    account.set_firm(sent.firm());
    account.set_balance_limit(sent.balance_limit());
    account.set_state(v1::ACCOUNT_STATE_OPEN);
    account.set_etag("0");
    account.set_created_by(actor_);
    *account.mutable_create_time() = ToTimestamp(NextEntryTime(*head, now_));
    *account.mutable_update_time() = account.create_time();
    auto& slot = accounts_[id];
    slot = std::move(account);
    Modify(*slot);
    // Opening moves no money: no balance-history row.
    RETURN_IF_ERROR(Journal(JournalEntry::Kind::kAccountOpened,
                            DeterministicBytes(*slot), {}, "", /*expiry=*/false));
    outcome->set_result(v1::ACCOUNT_RESULT_CREATED);
    *outcome->mutable_account() = WithDerivedFields(*slot);
  }
  return response;
}

absl::StatusOr<Account> Bookkeeper::CloseAccount(
    const v1::CloseAccountRequest& request) {
  ASSIGN_OR_RETURN(Account * account, LoadAccount(request.name()));
  if (account == nullptr) {
    return NotFoundError("ACCOUNT_NOT_FOUND",
                         absl::StrCat(request.name(), " not found"));
  }
  if (!request.etag().empty() && request.etag() != account->etag()) {
    return RecordChangedError(account->name());
  }
  if (account->state() == v1::ACCOUNT_STATE_CLOSED) {
    return FailedPreconditionError("ACCOUNT_ALREADY_CLOSED",
                                   absl::StrCat(request.name(), " is closed"));
  }
  if (account->debits_pending() != 0 || account->credits_pending() != 0) {
    return FailedPreconditionError(
        "ACCOUNT_HAS_PENDING",
        absl::StrCat(request.name(),
                     " has open pending transfers; post or void them first"));
  }
  ASSIGN_OR_RETURN(JournalHead * head, LoadHead());
  Modify(*account).set_state(v1::ACCOUNT_STATE_CLOSED);
  account->set_close_reason(request.reason());
  account->set_closed_by(actor_);
  *account->mutable_close_time() = ToTimestamp(NextEntryTime(*head, now_));
  *account->mutable_update_time() = account->close_time();
  RETURN_IF_ERROR(Journal(JournalEntry::Kind::kAccountClosed,
                          DeterministicBytes(*account), {}, "", /*expiry=*/false));
  return WithDerivedFields(*account);
}

absl::Status Bookkeeper::CheckCloseTarget(const std::string& name,
                                          const std::string& program, int32_t year,
                                          std::vector<v1::AccountKind> kinds) {
  ASSIGN_OR_RETURN(Account * account, LoadAccount(name));
  if (account == nullptr) {
    return FailedPreconditionError("CLOSE_ACCOUNT_NOT_FOUND",
                                   absl::StrCat(name, " does not exist"));
  }
  bool kind_ok = kinds.empty() ||
                 std::find(kinds.begin(), kinds.end(), account->kind()) != kinds.end();
  if (account->program() != program || account->fiscal_year() != year || !kind_ok) {
    return FailedPreconditionError(
        "CLOSE_ACCOUNT_MISMATCH",
        absl::StrCat(name, " must be ", kinds.empty() ? "an" : "the right kind of",
                     " account of ", program, " in ", year));
  }
  return absl::OkStatus();
}

absl::Status Bookkeeper::CreateCloseTransfers(
    const v1::CreateTransfersRequest& request, std::vector<Transfer>& made) {
  if (request.transfers().empty()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(v1::CreateTransfersResponse response, CreateTransfers(request));
  for (const v1::TransferOutcome& outcome : response.results()) {
    if (outcome.result() != v1::TRANSFER_RESULT_CREATED) {
      return FailedPreconditionError(
          "CLOSE_TRANSFER_FAILED",
          absl::StrCat("transfer ", outcome.id(), " of the close: ",
                       v1::TransferResult_Name(outcome.result()), " ",
                       outcome.account()));
    }
    made.push_back(outcome.transfer());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Transfer>> Bookkeeper::CloseFiscalYear(
    const v1::CloseFiscalYearRequest& request) {
  const std::string& program = request.program();
  const int32_t year = request.fiscal_year();
  const std::string year_name = absl::StrCat(program, "/fiscalYears/", year);
  ASSIGN_OR_RETURN(bool closed, view_->FiscalYearClosed(program, year));
  if (closed) {
    return FailedPreconditionError("FISCAL_YEAR_CLOSED",
                                   absl::StrCat(year_name, " is closed already"));
  }
  ASSIGN_OR_RETURN(std::optional<Account> budget_record,
                   view_->ProgramBudget(program, year));
  if (!budget_record) {
    return NotFoundError("PROGRAM_BUDGET_NOT_FOUND",
                         absl::StrCat(program, " has no budget account for ", year));
  }
  // Every open reservation must have a disposition, and every disposition
  // an open reservation.
  ASSIGN_OR_RETURN(std::vector<Transfer> open, view_->OpenReservations(program, year));
  absl::flat_hash_map<std::string, const Transfer*> open_by_name;
  for (const Transfer& transfer : open) {
    open_by_name[transfer.name()] = &transfer;
  }
  std::vector<std::string> unknown;
  for (const auto& disposition : request.reservation_dispositions()) {
    if (open_by_name.erase(disposition.reservation()) == 0) {
      unknown.push_back(disposition.reservation());
    }
  }
  if (!unknown.empty()) {
    return WithErrorMetadata(
        FailedPreconditionError("UNKNOWN_RESERVATION",
                                absl::StrCat("not open reservations of ", year_name,
                                             ": ", absl::StrJoin(unknown, ", "))),
        {{"transfers", absl::StrJoin(unknown, ",")}});
  }
  if (!open_by_name.empty()) {
    std::vector<std::string> missing;
    for (const auto& [name, transfer] : open_by_name) {
      missing.push_back(name);
    }
    std::sort(missing.begin(), missing.end());
    // The message names the first ten; the metadata holds every one.
    return WithErrorMetadata(
        FailedPreconditionError(
            "OPEN_RESERVATIONS_UNRESOLVED",
            absl::StrCat(missing.size(), " open reservations need a disposition: ",
                         absl::StrJoin(missing.begin(),
                                       missing.begin() +
                                           std::min<size_t>(missing.size(), 10),
                                       ", "))),
        {{"transfers", absl::StrJoin(missing, ",")}});
  }

  // Ids the ledger owns (clients may not use `fyclose-`), short whatever
  // the programme's name: a hash of it.
  std::string prefix =
      absl::StrCat(kFiscalYearClosePrefix, year, "-",
                   absl::BytesToHexString(Sha256(program)).substr(0, 16), "-");
  std::vector<Transfer> made;
  v1::CreateTransfersRequest dispose;
  dispose.set_request_id(prefix + "dispose");
  for (int i = 0; i < request.reservation_dispositions_size(); ++i) {
    const v1::ReservationDisposition& disposition = request.reservation_dispositions(i);
    ASSIGN_OR_RETURN(Transfer * reservation,
                     LoadTransfer(TransferIdFromName(disposition.reservation())));
    const Transfer held = *reservation;
    v1::Transfer& release = *dispose.add_transfers();
    release.set_id(absl::StrCat(prefix, "release-", i));
    release.set_mode(v1::TRANSFER_MODE_VOID_PENDING);
    release.set_pending_transfer(held.name());
    release.set_reference(year_name);
    if (disposition.action() != v1::RESERVATION_ACTION_CARRY_OVER) {
      continue;
    }
    for (const std::string& name :
         {disposition.new_debit_account(), disposition.new_credit_account()}) {
      RETURN_IF_ERROR(CheckCloseTarget(name, program, year + 1, {}));
    }
    if (held.debit_account() == budget_record->name()) {
      v1::Transfer& carry = *dispose.add_transfers();
      carry.set_id(absl::StrCat(prefix, "carry-", i));
      carry.set_mode(v1::TRANSFER_MODE_SINGLE_PHASE);
      carry.set_code(v1::TRANSFER_CODE_CARRYOVER);
      carry.set_debit_account(budget_record->name());
      carry.set_credit_account(disposition.new_debit_account());
      carry.set_amount(held.amount());
      carry.set_reference(year_name);
    }
    v1::Transfer& again = *dispose.add_transfers();
    again.set_id(disposition.new_transfer_id());
    again.set_mode(v1::TRANSFER_MODE_PENDING);
    again.set_code(held.code());
    again.set_debit_account(disposition.new_debit_account());
    again.set_credit_account(disposition.new_credit_account());
    again.set_amount(held.amount());
    again.set_reference(held.reference());
    if (held.has_timeout()) {
      *again.mutable_timeout() = held.timeout();
    }
  }
  RETURN_IF_ERROR(CreateCloseTransfers(dispose, made));

  // What is left must all be carried over or lapse.
  ASSIGN_OR_RETURN(Account * budget, LoadAccount(budget_record->name()));
  const int64_t remaining = AvailableToLimit(*budget);
  if (request.carryover_amount() + request.lapse_amount() != remaining) {
    return WithErrorMetadata(
        FailedPreconditionError(
            "REMAINING_MISMATCH",
            absl::StrCat("carryover_amount + lapse_amount must be the ", remaining,
                         " won remaining once the reservations are disposed of")),
        {{"remaining", absl::StrCat(remaining)}});
  }
  if (request.carryover_amount() > 0) {
    RETURN_IF_ERROR(CheckCloseTarget(
        request.carryover_account(), program, year + 1,
        {v1::ACCOUNT_KIND_PROGRAM_BUDGET, v1::ACCOUNT_KIND_CARRYOVER}));
  }
  if (request.lapse_amount() > 0) {
    RETURN_IF_ERROR(CheckCloseTarget(request.lapse_account(), program, year,
                                     {v1::ACCOUNT_KIND_LAPSE}));
  }
  v1::CreateTransfersRequest settle;
  settle.set_request_id(prefix + "settle");
  if (request.carryover_amount() > 0) {
    v1::Transfer& carry = *settle.add_transfers();
    carry.set_id(prefix + "carryover");
    carry.set_mode(v1::TRANSFER_MODE_SINGLE_PHASE);
    carry.set_code(v1::TRANSFER_CODE_CARRYOVER);
    carry.set_debit_account(budget->name());
    carry.set_credit_account(request.carryover_account());
    carry.set_amount(request.carryover_amount());
    carry.set_reference(year_name);
  }
  if (request.lapse_amount() > 0) {
    v1::Transfer& lapse = *settle.add_transfers();
    lapse.set_id(prefix + "lapse");
    lapse.set_mode(v1::TRANSFER_MODE_SINGLE_PHASE);
    lapse.set_code(v1::TRANSFER_CODE_LAPSE);
    lapse.set_debit_account(budget->name());
    lapse.set_credit_account(request.lapse_account());
    lapse.set_amount(request.lapse_amount());
    lapse.set_reference(year_name);
  }
  RETURN_IF_ERROR(CreateCloseTransfers(settle, made));

  ASSIGN_OR_RETURN(JournalHead * head, LoadHead());
  FiscalYearClosure closure{program, year, NextEntryTime(*head, now_), actor_,
                            request.reason()};
  changes_.closed_fiscal_years.push_back(closure);
  RETURN_IF_ERROR(Journal(JournalEntry::Kind::kFiscalYearClosed, year_name, {}, "",
                          /*expiry=*/false));
  return made;
}

LedgerChanges Bookkeeper::TakeChanges() {
  for (const std::string& id : dirty_accounts_) {
    changes_.accounts.push_back(WithDerivedFields(*accounts_[id]));
  }
  for (const std::string& id : dirty_transfers_) {
    changes_.transfers.push_back(*transfers_[id]);
  }
  LedgerChanges changes = std::move(changes_);
  changes_ = LedgerChanges();
  dirty_accounts_.clear();
  dirty_account_set_.clear();
  dirty_transfers_.clear();
  dirty_transfer_set_.clear();
  budgets_opened_.clear();
  return changes;
}

}  // namespace kexport::ledger
