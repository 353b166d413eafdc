#include "services/ledger/ledger_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/idempotency.h"
#include "common/macros.h"
#include "common/order_by.h"
#include "common/page_token.h"
#include "common/text.h"
#include "services/ledger/bookkeeper.h"
#include "services/ledger/budget_report.h"
#include "services/ledger/journal_auditor.h"
#include "services/ledger/ledger_names.h"
#include "services/ledger/ledger_validation.h"

namespace kexport::ledger {
namespace {

// The error CreateAccount answers for an account CreateAccounts would have
// reported with `result`.
absl::Status AccountResultError(v1::AccountResult result, const std::string& id) {
  std::string reason(v1::AccountResult_Name(result));
  absl::string_view short_reason = reason;
  short_reason.remove_prefix(std::string("ACCOUNT_RESULT_").size());
  std::string message = absl::StrCat("accounts/", id, ": ", short_reason);
  if (result == v1::ACCOUNT_RESULT_PROGRAM_BUDGET_EXISTS ||
      result == v1::ACCOUNT_RESULT_FISCAL_YEAR_CLOSED) {
    return FailedPreconditionError(short_reason, message);
  }
  return AlreadyExistsError(short_reason, message);
}

absl::Status ValidateTimeRange(const google::protobuf::Timestamp& start,
                               const google::protobuf::Timestamp& end,
                               bool has_start, bool has_end,
                               absl::string_view prefix) {
  if (has_start && has_end && FromTimestamp(end) < FromTimestamp(start)) {
    return InvalidFieldError(absl::StrCat(prefix, "end_time"),
                             "before start_time");
  }
  return absl::OkStatus();
}

}  // namespace

LedgerService::LedgerService(LedgerStore* store, Clock clock,
                             size_t max_batch_commands)
    : store_(store), clock_(clock), committer_(store, clock, max_batch_commands) {}

template <typename Response>
void LedgerService::SubmitOnce(
    const std::string& request_id, std::string fingerprint,
    std::function<absl::StatusOr<Response>(LedgerBatch&, absl::Time)> apply,
    Reply<Response> reply) {
  auto response = std::make_shared<Response>();
  committer_.Submit(
      [request_id, fingerprint = std::move(fingerprint), apply = std::move(apply),
       response](LedgerBatch& batch, absl::Time now) -> absl::Status {
        AppliedRequestLookup lookup = [&batch](const std::string& id) {
          return batch.FindAppliedRequest(id);
        };
        // Looked up inside the write transaction: two copies of a request
        // cannot both miss it.
        ASSIGN_OR_RETURN(std::optional<Response> earlier,
                         RecordedResponse<Response>(lookup, request_id, fingerprint));
        if (earlier) {
          *response = *std::move(earlier);
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(*response, apply(batch, now));
        return batch.RecordAppliedRequest(
            request_id, AppliedRequest{fingerprint, response->SerializeAsString()});
      },
      [response, reply = std::move(reply)](absl::Status status) {
        if (status.ok()) {
          reply(std::move(*response));
        } else {
          reply(status);
        }
      });
}

void LedgerService::CreateAccount(const v1::CreateAccountRequest& request,
                                  const std::string& actor, Reply<Account> reply) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  ValidateNewAccount(request.account(), "account", violations);
  if (absl::Status invalid = violations.ToStatus(); !invalid.ok()) {
    return reply(invalid);
  }
  Account account = request.account();
  SubmitOnce<Account>(
      request.request_id(), RequestFingerprint("CreateAccount", request),
      [account, actor](LedgerBatch& batch, absl::Time now) -> absl::StatusOr<Account> {
        Bookkeeper books(&batch, now, actor);
        ASSIGN_OR_RETURN(v1::CreateAccountsResponse outcome,
                         books.CreateAccounts({account}));
        const v1::AccountOutcome& result = outcome.results(0);
        if (result.result() != v1::ACCOUNT_RESULT_CREATED) {
          return AccountResultError(result.result(), result.id());
        }
        RETURN_IF_ERROR(batch.Write(books.TakeChanges()));
        return result.account();
      },
      std::move(reply));
}

void LedgerService::CreateAccounts(const v1::CreateAccountsRequest& request,
                                   const std::string& actor,
                                   Reply<v1::CreateAccountsResponse> reply) {
  if (absl::Status invalid = ValidateCreateAccounts(request); !invalid.ok()) {
    return reply(invalid);
  }
  std::vector<Account> accounts(request.accounts().begin(), request.accounts().end());
  SubmitOnce<v1::CreateAccountsResponse>(
      request.request_id(), RequestFingerprint("CreateAccounts", request),
      [accounts, actor](LedgerBatch& batch, absl::Time now)
          -> absl::StatusOr<v1::CreateAccountsResponse> {
        Bookkeeper books(&batch, now, actor);
        ASSIGN_OR_RETURN(v1::CreateAccountsResponse response,
                         books.CreateAccounts(accounts));
        RETURN_IF_ERROR(batch.Write(books.TakeChanges()));
        return response;
      },
      std::move(reply));
}

void LedgerService::CloseAccount(const v1::CloseAccountRequest& request,
                                 const std::string& actor, Reply<Account> reply) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  violations.AddFrom(AccountIdFromRequest(request.name(), "name").status());
  if (request.reason().empty() || CharacterCount(request.reason()) > 500) {
    violations.Add("reason", "required, at most 500 characters");
  }
  if (absl::Status invalid = violations.ToStatus(); !invalid.ok()) {
    return reply(invalid);
  }
  SubmitOnce<Account>(
      request.request_id(), RequestFingerprint("CloseAccount", request),
      [request, actor](LedgerBatch& batch, absl::Time now) -> absl::StatusOr<Account> {
        Bookkeeper books(&batch, now, actor);
        ASSIGN_OR_RETURN(Account closed, books.CloseAccount(request));
        RETURN_IF_ERROR(batch.Write(books.TakeChanges()));
        return closed;
      },
      std::move(reply));
}

void LedgerService::CreateTransfers(const v1::CreateTransfersRequest& request,
                                    const std::string& actor,
                                    Reply<v1::CreateTransfersResponse> reply) {
  if (absl::Status invalid = ValidateCreateTransfers(request); !invalid.ok()) {
    return reply(invalid);
  }
  auto shared = std::make_shared<v1::CreateTransfersRequest>(request);
  SubmitOnce<v1::CreateTransfersResponse>(
      request.request_id(), RequestFingerprint("CreateTransfers", request),
      [shared, actor](LedgerBatch& batch, absl::Time now)
          -> absl::StatusOr<v1::CreateTransfersResponse> {
        Bookkeeper books(&batch, now, actor);
        ASSIGN_OR_RETURN(v1::CreateTransfersResponse response,
                         books.CreateTransfers(*shared));
        RETURN_IF_ERROR(batch.Write(books.TakeChanges()));
        return response;
      },
      std::move(reply));
}

void LedgerService::CloseFiscalYear(const v1::CloseFiscalYearRequest& request,
                                    const std::string& actor,
                                    Reply<v1::CloseFiscalYearResponse> reply) {
  if (absl::Status invalid = ValidateCloseFiscalYear(request); !invalid.ok()) {
    return reply(invalid);
  }
  LedgerStore* store = store_;
  if (request.validate_only()) {
    return DryRunClose(request, actor, std::move(reply));
  }
  SubmitOnce<v1::CloseFiscalYearResponse>(
      request.request_id(), RequestFingerprint("CloseFiscalYear", request),
      [request, actor](LedgerBatch& batch, absl::Time now)
          -> absl::StatusOr<v1::CloseFiscalYearResponse> {
        Bookkeeper books(&batch, now, actor);
        ASSIGN_OR_RETURN(std::vector<Transfer> made, books.CloseFiscalYear(request));
        RETURN_IF_ERROR(batch.Write(books.TakeChanges()));
        v1::CloseFiscalYearResponse response;
        for (Transfer& transfer : made) {
          *response.add_transfers() = std::move(transfer);
        }
        return response;
      },
      // The report reads what the close committed.
      [store, request, reply = std::move(reply)](
          absl::StatusOr<v1::CloseFiscalYearResponse> closed) {
        if (closed.ok()) {
          absl::StatusOr<v1::BudgetReport> report =
              BuildBudgetReport(*store, request.program(), request.fiscal_year());
          if (!report.ok()) {
            return reply(report.status());
          }
          *closed->mutable_report() = *std::move(report);
        }
        reply(std::move(closed));
      });
}

void LedgerService::DryRunClose(const v1::CloseFiscalYearRequest& request,
                                const std::string& actor,
                                Reply<v1::CloseFiscalYearResponse> reply) {
  // The close runs in a write transaction, so it sees what a real one
  // would, but its changes are kept aside, never written, and no request id
  // is recorded.
  auto planned = std::make_shared<LedgerChanges>();
  auto made = std::make_shared<std::vector<Transfer>>();
  LedgerStore* store = store_;
  committer_.Submit(
      [request, actor, planned, made](LedgerBatch& batch, absl::Time now) -> absl::Status {
        Bookkeeper books(&batch, now, actor);
        ASSIGN_OR_RETURN(*made, books.CloseFiscalYear(request));
        *planned = books.TakeChanges();
        return absl::OkStatus();
      },
      [store, request, planned, made, reply = std::move(reply)](absl::Status status) {
        if (!status.ok()) {
          return reply(status);
        }
        absl::StatusOr<v1::BudgetReport> report =
            BuildBudgetReport(*store, request.program(), request.fiscal_year(), *planned);
        if (!report.ok()) {
          return reply(report.status());
        }
        v1::CloseFiscalYearResponse response;
        *response.mutable_report() = *std::move(report);
        for (Transfer& transfer : *made) {
          *response.add_transfers() = std::move(transfer);
        }
        reply(std::move(response));
      });
}

absl::StatusOr<v1::ListOpenReservationsResponse> LedgerService::ListOpenReservations(
    const v1::ListOpenReservationsRequest& request) {
  RETURN_IF_ERROR(ValidateProgramYear(request.program(), request.fiscal_year()));
  ASSIGN_OR_RETURN(PageRequest page, ReadPageRequest(request, request.page_size(),
                                                     request.page_token()));
  ASSIGN_OR_RETURN(Page<Transfer> open,
                   store_->ListOpenReservations(request.program(), request.fiscal_year(),
                                                clock_(), page));
  v1::ListOpenReservationsResponse response;
  response.set_next_page_token(TakePage(open, page, response.mutable_transfers()));
  return response;
}

absl::StatusOr<v1::BudgetReport> LedgerService::GetBudgetReport(
    const v1::GetBudgetReportRequest& request) {
  RETURN_IF_ERROR(ValidateProgramYear(request.program(), request.fiscal_year()));
  return BuildBudgetReport(*store_, request.program(), request.fiscal_year());
}

absl::StatusOr<Account> LedgerService::GetAccount(
    const v1::GetAccountRequest& request) {
  ASSIGN_OR_RETURN(std::string id, AccountIdFromRequest(request.name(), "name"));
  ASSIGN_OR_RETURN(std::optional<Account> account, store_->GetAccount(id));
  if (!account) {
    return NotFoundError("ACCOUNT_NOT_FOUND", absl::StrCat(request.name(), " not found"));
  }
  return *std::move(account);
}

absl::StatusOr<v1::ListAccountsResponse> LedgerService::ListAccounts(
    const v1::ListAccountsRequest& request) {
  const v1::AccountFilter& filter = request.filter();
  FieldViolations violations;
  if (filter.fiscal_year() != 0 &&
      (filter.fiscal_year() < 2000 || filter.fiscal_year() > 2100)) {
    violations.Add("filter.fiscal_year", "0 (any) or 2000 to 2100");
  }
  for (int i = 0; i < filter.kinds_size(); ++i) {
    if (filter.kinds(i) == v1::ACCOUNT_KIND_UNSPECIFIED ||
        !v1::AccountKind_IsValid(filter.kinds(i))) {
      violations.Add(absl::StrCat("filter.kinds[", i, "]"), "unknown kind");
    }
  }
  if (!v1::AccountState_IsValid(filter.state())) {
    violations.Add("filter.state", "unknown state");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(OrderBy order, ParseOrderBy(request.order_by(), {"name", "create_time"}));
  AccountQuery query;
  query.filter = filter;
  query.by_create_time = order.field == "create_time";
  query.descending = order.descending;
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  ASSIGN_OR_RETURN(Page<Account> page, store_->ListAccounts(query));
  v1::ListAccountsResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_accounts()));
  return response;
}

absl::StatusOr<v1::ListAccountBalancesResponse> LedgerService::ListAccountBalances(
    const v1::ListAccountBalancesRequest& request) {
  BalanceQuery query;
  ASSIGN_OR_RETURN(query.account_id, AccountIdFromRequest(request.account(), "account"));
  RETURN_IF_ERROR(ValidateTimeRange(request.start_time(), request.end_time(),
                                    request.has_start_time(), request.has_end_time(), ""));
  if (request.has_start_time()) {
    query.start = FromTimestamp(request.start_time());
  }
  if (request.has_end_time()) {
    query.end = FromTimestamp(request.end_time());
  }
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  ASSIGN_OR_RETURN(std::optional<Account> account, store_->GetAccount(query.account_id));
  if (!account) {
    return NotFoundError("ACCOUNT_NOT_FOUND", absl::StrCat(request.account(), " not found"));
  }
  ASSIGN_OR_RETURN(Page<v1::AccountBalance> page, store_->ListAccountBalances(query));
  v1::ListAccountBalancesResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_balances()));
  return response;
}

absl::StatusOr<Transfer> LedgerService::GetTransfer(
    const v1::GetTransferRequest& request) {
  ASSIGN_OR_RETURN(std::string id, TransferIdFromRequest(request.name(), "name"));
  ASSIGN_OR_RETURN(std::optional<Transfer> transfer, store_->GetTransfer(id));
  if (!transfer) {
    return NotFoundError("TRANSFER_NOT_FOUND", absl::StrCat(request.name(), " not found"));
  }
  return *std::move(transfer);
}

absl::StatusOr<v1::ListTransfersResponse> LedgerService::ListTransfers(
    const v1::ListTransfersRequest& request) {
  const v1::TransferFilter& filter = request.filter();
  FieldViolations violations;
  if (!filter.account().empty()) {
    violations.AddFrom(AccountIdFromRequest(filter.account(), "filter.account").status());
  }
  for (int i = 0; i < filter.codes_size(); ++i) {
    if (filter.codes(i) == v1::TRANSFER_CODE_UNSPECIFIED ||
        !v1::TransferCode_IsValid(filter.codes(i))) {
      violations.Add(absl::StrCat("filter.codes[", i, "]"), "unknown code");
    }
  }
  violations.AddFrom(ValidateTimeRange(filter.start_time(), filter.end_time(),
                                       filter.has_start_time(), filter.has_end_time(),
                                       "filter."));
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(OrderBy order, ParseOrderBy(request.order_by(), {"create_time"}));
  TransferQuery query;
  query.filter = filter;
  query.descending = order.descending;
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  ASSIGN_OR_RETURN(Page<Transfer> page, store_->ListTransfers(query));
  v1::ListTransfersResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_transfers()));
  return response;
}

absl::StatusOr<v1::ListRejectedTransfersResponse> LedgerService::ListRejectedTransfers(
    const v1::ListRejectedTransfersRequest& request) {
  const v1::RejectedTransferFilter& filter = request.filter();
  FieldViolations violations;
  if (!filter.account().empty()) {
    violations.AddFrom(AccountIdFromRequest(filter.account(), "filter.account").status());
  }
  for (int i = 0; i < filter.results_size(); ++i) {
    if (!v1::TransferResult_IsValid(filter.results(i))) {
      violations.Add(absl::StrCat("filter.results[", i, "]"), "unknown result");
    }
  }
  violations.AddFrom(ValidateTimeRange(filter.start_time(), filter.end_time(),
                                       filter.has_start_time(), filter.has_end_time(),
                                       "filter."));
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(OrderBy order, ParseOrderBy(request.order_by(), {"reject_time"}));
  RejectedQuery query;
  query.filter = filter;
  query.descending = order.descending;
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  ASSIGN_OR_RETURN(Page<RejectedTransfer> page, store_->ListRejectedTransfers(query));
  v1::ListRejectedTransfersResponse response;
  response.set_next_page_token(
      TakePage(page, query.page, response.mutable_rejected_transfers()));
  return response;
}

absl::StatusOr<v1::VerifyJournalResponse> LedgerService::VerifyJournal() {
  return ledger::VerifyJournal(*store_);
}

}  // namespace kexport::ledger
