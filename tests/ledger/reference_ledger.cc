#include "tests/ledger/reference_ledger.h"

namespace kexport::ledger::testing {
namespace {

using v1::TransferResult;

bool Resolves(const v1::Transfer& t) {
  return t.mode() == v1::TRANSFER_MODE_POST_PENDING ||
         t.mode() == v1::TRANSFER_MODE_VOID_PENDING;
}

std::string Id(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

}  // namespace

void ReferenceLedger::Open(const v1::Account& account) {
  ModelAccount& model = accounts_[account.name()];
  model.name = account.name();
  model.limit = account.balance_limit();
  model.fiscal_year = account.fiscal_year();
  model.program = account.program();
}

bool ReferenceLedger::Close(const std::string& name) {
  ModelAccount& account = accounts_.at(name);
  if (account.closed || account.debits_pending != 0 || account.credits_pending != 0) {
    return false;
  }
  account.closed = true;
  return true;
}

void ReferenceLedger::CloseYear(const std::string& program, int32_t year,
                                const std::string& budget,
                                const std::string& lapse_account, int64_t lapse) {
  accounts_.at(budget).debits_posted += lapse;
  accounts_.at(lapse_account).credits_posted += lapse;
  closed_years_.insert({program, year});
}

std::optional<Prediction> ReferenceLedger::Unusable(const ModelAccount& account) const {
  if (account.closed) return Prediction{v1::TRANSFER_RESULT_ACCOUNT_CLOSED, account.name};
  if (!account.program.empty() &&
      closed_years_.count({account.program, account.fiscal_year}) > 0) {
    return Prediction{v1::TRANSFER_RESULT_FISCAL_YEAR_CLOSED, account.name};
  }
  return std::nullopt;
}

void ReferenceLedger::ExpireDue(absl::Time now) {
  for (auto& [id, transfer] : transfers_) {
    if (transfer.state == v1::PENDING_STATE_PENDING && transfer.expire <= now) {
      transfer.state = v1::PENDING_STATE_EXPIRED;
      accounts_[transfer.stored.debit_account()].debits_pending -= transfer.stored.amount();
      accounts_[transfer.stored.credit_account()].credits_pending -= transfer.stored.amount();
    }
  }
}

void ReferenceLedger::Learn(const v1::CreateTransfersResponse& response) {
  for (const v1::TransferOutcome& outcome : response.results()) {
    if (outcome.result() == v1::TRANSFER_RESULT_CREATED &&
        outcome.transfer().has_expire_time()) {
      transfers_[outcome.id()].expire =
          absl::FromUnixSeconds(outcome.transfer().expire_time().seconds()) +
          absl::Nanoseconds(outcome.transfer().expire_time().nanos());
    }
  }
}

Prediction ReferenceLedger::CompareExisting(const ModelTransfer& existing,
                                            const v1::Transfer& sent) const {
  const v1::Transfer& s = existing.stored;
  bool r = Resolves(sent);
  if (!(r && sent.debit_account().empty()) && sent.debit_account() != s.debit_account())
    return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT};
  if (!(r && sent.credit_account().empty()) && sent.credit_account() != s.credit_account())
    return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT};
  if (!(r && sent.amount() == 0) && sent.amount() != s.amount())
    return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_AMOUNT};
  if (!(r && sent.code() == v1::TRANSFER_CODE_UNSPECIFIED) && sent.code() != s.code())
    return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_CODE};
  if (sent.reference() != s.reference())
    return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_REFERENCE};
  if (sent.mode() != s.mode()) return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_MODE};
  if (sent.linked() != s.linked()) return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_LINKED};
  if (sent.pending_transfer() != s.pending_transfer())
    return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_PENDING_TRANSFER};
  if (sent.timeout().seconds() != s.timeout().seconds())
    return {v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_TIMEOUT};
  return {v1::TRANSFER_RESULT_EXISTS};
}

Prediction ReferenceLedger::ApplyOne(const v1::Transfer& sent, absl::Time now) {
  if (auto it = transfers_.find(sent.id()); it != transfers_.end()) {
    return CompareExisting(it->second, sent);
  }
  ModelTransfer created;
  created.stored = sent;
  if (!Resolves(sent)) {
    auto debit = accounts_.find(sent.debit_account());
    if (debit == accounts_.end()) return {v1::TRANSFER_RESULT_ACCOUNT_NOT_FOUND, sent.debit_account()};
    auto credit = accounts_.find(sent.credit_account());
    if (credit == accounts_.end()) return {v1::TRANSFER_RESULT_ACCOUNT_NOT_FOUND, sent.credit_account()};
    ModelAccount& d = debit->second;
    ModelAccount& c = credit->second;
    if (auto unusable = Unusable(d)) return *unusable;
    if (auto unusable = Unusable(c)) return *unusable;
    int step = sent.code() == v1::TRANSFER_CODE_CARRYOVER ? 1 : 0;
    if (c.fiscal_year != d.fiscal_year + step) return {v1::TRANSFER_RESULT_FISCAL_YEAR_MISMATCH};
    if (!d.program.empty() && !c.program.empty() && d.program != c.program)
      return {v1::TRANSFER_RESULT_PROGRAM_MISMATCH};
    int64_t amount = sent.amount();
    if (d.limit == v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS) {
      int64_t available = d.credits_posted - d.debits_posted - d.debits_pending;
      if (amount > available) return {v1::TRANSFER_RESULT_EXCEEDS_CREDITS, d.name, available};
    }
    if (c.limit == v1::BALANCE_LIMIT_CREDITS_MUST_NOT_EXCEED_DEBITS) {
      int64_t available = c.debits_posted - c.credits_posted - c.credits_pending;
      if (amount > available) return {v1::TRANSFER_RESULT_EXCEEDS_DEBITS, c.name, available};
    }
    if (sent.mode() == v1::TRANSFER_MODE_PENDING) {
      d.debits_pending += amount;
      c.credits_pending += amount;
      created.state = v1::PENDING_STATE_PENDING;
    } else {
      d.debits_posted += amount;
      c.credits_posted += amount;
    }
    transfers_[sent.id()] = created;
    return {v1::TRANSFER_RESULT_CREATED};
  }
  auto pending_it = transfers_.find(Id(sent.pending_transfer()));
  if (pending_it == transfers_.end()) return {v1::TRANSFER_RESULT_PENDING_TRANSFER_NOT_FOUND};
  ModelTransfer& pending = pending_it->second;
  const v1::Transfer& p = pending.stored;
  if (p.mode() != v1::TRANSFER_MODE_PENDING) return {v1::TRANSFER_RESULT_PENDING_TRANSFER_NOT_PENDING};
  if (!sent.debit_account().empty() && sent.debit_account() != p.debit_account())
    return {v1::TRANSFER_RESULT_PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT, sent.debit_account()};
  if (!sent.credit_account().empty() && sent.credit_account() != p.credit_account())
    return {v1::TRANSFER_RESULT_PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT, sent.credit_account()};
  if (pending.state == v1::PENDING_STATE_POSTED) return {v1::TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_POSTED};
  if (pending.state == v1::PENDING_STATE_VOIDED) return {v1::TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_VOIDED};
  if (pending.state == v1::PENDING_STATE_EXPIRED || pending.expire <= now)
    return {v1::TRANSFER_RESULT_PENDING_TRANSFER_EXPIRED};
  bool post = sent.mode() == v1::TRANSFER_MODE_POST_PENDING;
  int64_t amount = p.amount();
  if (post && sent.amount() != 0) {
    if (sent.amount() > p.amount()) return {v1::TRANSFER_RESULT_AMOUNT_EXCEEDS_PENDING};
    amount = sent.amount();
  }
  ModelAccount& d = accounts_[p.debit_account()];
  ModelAccount& c = accounts_[p.credit_account()];
  if (auto unusable = Unusable(d)) return *unusable;
  if (auto unusable = Unusable(c)) return *unusable;
  d.debits_pending -= p.amount();
  c.credits_pending -= p.amount();
  if (post) {
    d.debits_posted += amount;
    c.credits_posted += amount;
  }
  pending.state = post ? v1::PENDING_STATE_POSTED : v1::PENDING_STATE_VOIDED;
  created.stored.set_debit_account(p.debit_account());
  created.stored.set_credit_account(p.credit_account());
  created.stored.set_amount(amount);
  if (sent.code() == v1::TRANSFER_CODE_UNSPECIFIED) {
    created.stored.set_code(post ? v1::TRANSFER_CODE_DISBURSEMENT : v1::TRANSFER_CODE_RELEASE);
  }
  transfers_[sent.id()] = created;
  return {v1::TRANSFER_RESULT_CREATED};
}

std::vector<Prediction> ReferenceLedger::Apply(const v1::CreateTransfersRequest& request,
                                               absl::Time now) {
  const int n = request.transfers_size();
  std::vector<Prediction> predictions(n);
  for (int first = 0; first < n;) {
    int last = first;
    while (last < n - 1 && request.transfers(last).linked()) ++last;
    bool resend = true;
    for (int i = first; i <= last; ++i) {
      auto it = transfers_.find(request.transfers(i).id());
      if (it == transfers_.end() ||
          CompareExisting(it->second, request.transfers(i)).result != v1::TRANSFER_RESULT_EXISTS) {
        resend = false;
      }
    }
    if (resend) {
      for (int i = first; i <= last; ++i) predictions[i] = {v1::TRANSFER_RESULT_EXISTS};
      first = last + 1;
      continue;
    }
    // A chain is all or nothing: keep a copy to go back to.
    auto accounts = accounts_;
    auto transfers = transfers_;
    int failed = -1;
    Prediction failure;
    for (int i = first; i <= last; ++i) {
      Prediction p = ApplyOne(request.transfers(i), now);
      if (p.result != v1::TRANSFER_RESULT_CREATED) {
        failed = i;
        failure = p;
        break;
      }
    }
    for (int i = first; i <= last; ++i) {
      if (failed < 0) {
        predictions[i] = {v1::TRANSFER_RESULT_CREATED};
      } else {
        predictions[i] = i == failed ? failure : Prediction{v1::TRANSFER_RESULT_LINKED_EVENT_FAILED};
      }
    }
    if (failed >= 0) {
      accounts_ = std::move(accounts);
      transfers_ = std::move(transfers);
    }
    first = last + 1;
  }
  return predictions;
}

}  // namespace kexport::ledger::testing
