#include "services/registry/registrar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/brn.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/idempotency.h"
#include "common/ksic.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "common/money.h"
#include "common/order_by.h"
#include "common/page_token.h"
#include "common/text.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/registry/firm_validation.h"

namespace kexport::registry {
namespace {

using google::protobuf::util::FieldMaskUtil;

constexpr int kMaxBatchGet = 100;
// Rejected rows listed in an import report; the count covers them all.
constexpr int kMaxReportedRejections = 1000;

// Clears what clients may not set and stamps what the registry owns.
Firm NewFirmRecord(const Firm& input, absl::Time now) {
  Firm firm = input;
  // Fields this version does not know are not stored unchecked.
  firm.DiscardUnknownFields();
  firm.set_name(FirmName(firm.brn()));
  firm.set_state(v1::FIRM_STATE_ACTIVE);
  firm.clear_state_reason();
  firm.clear_etag();
  *firm.mutable_create_time() = ToTimestamp(now);
  *firm.mutable_update_time() = ToTimestamp(now);
  return firm;
}

// ABORTED when the caller read another version than the stored one.
absl::Status CheckEtag(const std::string& expected, const Firm& stored) {
  if (!expected.empty() && expected != stored.etag()) {
    return RecordChangedError(stored.name());
  }
  return absl::OkStatus();
}

absl::Status ValidateFilter(const FirmFilter& filter) {
  FieldViolations violations;
  for (int i = 0; i < filter.sectors_size(); ++i) {
    if (!IsLowerSlug(filter.sectors(i), 40)) {
      violations.Add(absl::StrCat("filter.sectors[", i, "]"),
                     "1 to 40 characters of [a-z0-9-]");
    }
  }
  if (!filter.ksic_prefix().empty() && !KsicPrefixValid(filter.ksic_prefix())) {
    violations.Add("filter.ksic_prefix",
                   "a section letter A-U, optionally followed by 2 to 5 digits");
  }
  for (int i = 0; i < filter.size_classes_size(); ++i) {
    if (filter.size_classes(i) == v1::SIZE_CLASS_UNSPECIFIED ||
        !v1::SizeClass_IsValid(filter.size_classes(i))) {
      violations.Add(absl::StrCat("filter.size_classes[", i, "]"),
                     "unknown size class");
    }
  }
  for (int i = 0; i < filter.growth_stages_size(); ++i) {
    if (filter.growth_stages(i) == v1::GROWTH_STAGE_UNSPECIFIED ||
        !v1::GrowthStage_IsValid(filter.growth_stages(i))) {
      violations.Add(absl::StrCat("filter.growth_stages[", i, "]"),
                     "unknown growth stage");
    }
  }
  if (!v1::FirmState_IsValid(filter.state())) {
    violations.Add("filter.state", "unknown state");
  }
  if (!v1::CertificationType_IsValid(filter.certification_type())) {
    violations.Add("filter.certification_type", "unknown certification type");
  }
  if (filter.has_export_band()) {
    const auto& band = filter.export_band();
    if (band.year() < 1950 || band.year() > 9999) {
      violations.Add("filter.export_band.year", "required: a calendar year");
    }
    if (band.min_usd_cents() < 0) {
      violations.Add("filter.export_band.min_usd_cents", "must not be negative");
    }
    if (band.max_usd_cents() < 0) {
      violations.Add("filter.export_band.max_usd_cents", "must not be negative");
    } else if (band.max_usd_cents() > 0 &&
               band.max_usd_cents() < band.min_usd_cents()) {
      violations.Add("filter.export_band.max_usd_cents", "below min_usd_cents");
    }
  }
  return violations.ToStatus();
}

absl::Status ParseOrder(absl::string_view order_by, FirmQuery& query) {
  ASSIGN_OR_RETURN(OrderBy order, ParseOrderBy(order_by, {"brn", "legal_name_ko",
                                                          "create_time"}));
  query.order = order.field == "legal_name_ko" ? FirmOrder::kLegalName
                : order.field == "create_time" ? FirmOrder::kCreateTime
                                               : FirmOrder::kBrn;
  query.descending = order.descending;
  return absl::OkStatus();
}

// Top-level fields whose values differ between two versions of a firm.
std::vector<std::string> ChangedFields(const Firm& before, const Firm& after,
                                       const std::vector<std::string>& fields) {
  std::vector<std::string> changed;
  for (const std::string& name : fields) {
    google::protobuf::FieldMask mask;
    mask.add_paths(name);
    Firm a;
    Firm b;
    FieldMaskUtil::MergeMessageTo(before, mask, {}, &a);
    FieldMaskUtil::MergeMessageTo(after, mask, {}, &b);
    if (a.SerializeAsString() != b.SerializeAsString()) {
      changed.push_back(name);
    }
  }
  return changed;
}

}  // namespace

ChangeContext Registrar::NewChange(absl::string_view method,
                                   const std::string& actor,
                                   const std::string& request_id,
                                   const std::string& fingerprint) const {
  ChangeContext change;
  change.method = std::string(method);
  change.actor = actor;
  change.request_id = request_id;
  change.fingerprint = fingerprint;
  change.time = clock_();
  return change;
}

absl::StatusOr<Firm> Registrar::CreateFirm(const v1::CreateFirmRequest& request,
                                           const std::string& actor) {
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  std::string fingerprint = RequestFingerprint("CreateFirm", request);
  return ApplyOnce<Firm>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<Firm> {
        FieldViolations violations;
        ValidateFirm(request.firm(), "firm", KoreanDay(clock_()), violations);
        RETURN_IF_ERROR(violations.ToStatus());
        ChangeContext change =
            NewChange("CreateFirm", actor, request.request_id(), fingerprint);
        change.changed_fields = {"*"};
        std::vector<NewFirm> rows = {
            {NewFirmRecord(request.firm(), change.time), std::move(change)}};
        ASSIGN_OR_RETURN(std::vector<absl::Status> results,
                         store_->CreateFirms(rows));
        RETURN_IF_ERROR(results.front());
        return std::move(rows.front().firm);
      });
}

absl::StatusOr<std::string> Registrar::GetFirmBytes(const v1::GetFirmRequest& request) {
  ASSIGN_OR_RETURN(std::string brn, BrnFromName(request.name(), "name"));
  return store_->GetFirmBytes(brn);
}

absl::StatusOr<v1::BatchGetFirmsResponse> Registrar::BatchGetFirms(
    const v1::BatchGetFirmsRequest& request) {
  if (request.names().empty() || request.names_size() > kMaxBatchGet) {
    return InvalidFieldError("names",
                             absl::StrCat("1 to ", kMaxBatchGet, " names"));
  }
  std::vector<std::string> brns;
  for (int i = 0; i < request.names_size(); ++i) {
    ASSIGN_OR_RETURN(std::string brn,
                     BrnFromName(request.names(i), absl::StrCat("names[", i, "]")));
    brns.push_back(std::move(brn));
  }
  ASSIGN_OR_RETURN(std::vector<Firm> firms, store_->GetFirms(brns));
  v1::BatchGetFirmsResponse response;
  for (Firm& firm : firms) {
    *response.add_firms() = std::move(firm);
  }
  return response;
}

absl::StatusOr<v1::ListFirmsResponse> Registrar::ListFirms(
    const v1::ListFirmsRequest& request) {
  RETURN_IF_ERROR(ValidateFilter(request.filter()));
  FirmQuery query;
  RETURN_IF_ERROR(ParseOrder(request.order_by(), query));
  query.filter = request.filter();
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  ASSIGN_OR_RETURN(Page<Firm> page, store_->ListFirms(query));
  v1::ListFirmsResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_firms()));
  return response;
}

absl::StatusOr<Firm> Registrar::UpdateFirm(const v1::UpdateFirmRequest& request,
                                           const std::string& actor) {
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  std::string fingerprint = RequestFingerprint("UpdateFirm", request);
  return ApplyOnce<Firm>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<Firm> {
        ASSIGN_OR_RETURN(std::string brn,
                         BrnFromName(request.firm().name(), "firm.name"));
        ASSIGN_OR_RETURN(std::vector<std::string> fields,
                         UpdatableFields(request.update_mask()));
        ASSIGN_OR_RETURN(Firm current, store_->GetFirm(brn));
        if (current.state() == v1::FIRM_STATE_CLOSED) {
          return FailedPreconditionError(
              "FIRM_CLOSED",
              absl::StrCat(current.name(), " is closed; reopen it first"));
        }
        RETURN_IF_ERROR(CheckEtag(request.firm().etag(), current));
        Firm updated = current;
        FieldMaskUtil::MergeOptions options;
        options.set_replace_message_fields(true);
        options.set_replace_repeated_fields(true);
        FieldMaskUtil::MergeMessageTo(request.firm(), request.update_mask(),
                                      options, &updated);
        updated.DiscardUnknownFields();
        FieldViolations violations;
        ValidateFirm(updated, "firm", KoreanDay(clock_()), violations);
        RETURN_IF_ERROR(violations.ToStatus());

        ChangeContext change =
            NewChange("UpdateFirm", actor, request.request_id(), fingerprint);
        change.changed_fields = ChangedFields(current, updated, fields);
        *updated.mutable_update_time() = ToTimestamp(change.time);
        RETURN_IF_ERROR(store_->UpdateFirm(updated, current.etag(), change));
        return updated;
      });
}

template <typename Request>
absl::StatusOr<Firm> Registrar::ChangeState(const Request& request,
                                            absl::string_view method,
                                            v1::FirmState target,
                                            const std::string& actor) {
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  std::string fingerprint = RequestFingerprint(method, request);
  return ApplyOnce<Firm>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<Firm> {
        FieldViolations violations;
        absl::StatusOr<std::string> brn = BrnFromName(request.name(), "name");
        violations.AddFrom(brn.status());
        ValidateReason(request.reason(), "reason", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(Firm firm, store_->GetFirm(*brn));
        RETURN_IF_ERROR(CheckEtag(request.etag(), firm));
        if (firm.state() == target) {
          bool closing = target == v1::FIRM_STATE_CLOSED;
          return FailedPreconditionError(
              closing ? "FIRM_ALREADY_CLOSED" : "FIRM_ALREADY_ACTIVE",
              absl::StrCat(firm.name(), " is already ",
                           closing ? "closed" : "active"));
        }
        std::string etag = firm.etag();
        ChangeContext change =
            NewChange(method, actor, request.request_id(), fingerprint);
        change.changed_fields = {"state", "state_reason"};
        firm.set_state(target);
        firm.set_state_reason(request.reason());
        *firm.mutable_update_time() = ToTimestamp(change.time);
        RETURN_IF_ERROR(store_->UpdateFirm(firm, etag, change));
        return firm;
      });
}

absl::StatusOr<Firm> Registrar::CloseFirm(const v1::CloseFirmRequest& request,
                                          const std::string& actor) {
  return ChangeState(request, "CloseFirm", v1::FIRM_STATE_CLOSED, actor);
}

absl::StatusOr<Firm> Registrar::ReopenFirm(const v1::ReopenFirmRequest& request,
                                           const std::string& actor) {
  return ChangeState(request, "ReopenFirm", v1::FIRM_STATE_ACTIVE, actor);
}

absl::StatusOr<ExportRecord> Registrar::RecordExports(
    const v1::RecordExportsRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  std::string fingerprint = RequestFingerprint("RecordExports", request);
  return ApplyOnce<ExportRecord>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<ExportRecord> {
        FieldViolations violations;
        absl::StatusOr<std::string> brn =
            BrnFromName(request.parent(), "parent");
        violations.AddFrom(brn.status());
        ValidateExportRecord(request.export_record(), "export_record",
                             KoreanDay(clock_()), violations);
        RETURN_IF_ERROR(violations.ToStatus());
        ChangeContext change = NewChange("RecordExports", actor,
                                         request.request_id(), fingerprint);
        change.changed_fields = {"export_records"};
        ExportRecord record = request.export_record();
        record.DiscardUnknownFields();
        record.clear_name();
        record.clear_superseded();
        record.clear_supersedes();
        record.set_total_usd_cents(*CheckedSum(
            {record.goods_usd_cents(), record.indirect_usd_cents(),
             record.ai_solutions_usd_cents(),
             record.technology_services_usd_cents(),
             record.ip_royalties_usd_cents()}));
        record.set_recorded_by(actor);
        *record.mutable_create_time() = ToTimestamp(change.time);
        RETURN_IF_ERROR(store_->AddExportRecord(*brn, record, change));
        return record;
      });
}

absl::StatusOr<v1::ListExportRecordsResponse> Registrar::ListExportRecords(
    const v1::ListExportRecordsRequest& request) {
  ExportRecordQuery query;
  ASSIGN_OR_RETURN(query.brn, BrnFromName(request.parent(), "parent"));
  query.show_superseded = request.show_superseded();
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  RETURN_IF_ERROR(store_->GetFirm(query.brn).status());
  ASSIGN_OR_RETURN(Page<ExportRecord> page, store_->ListExportRecords(query));
  v1::ListExportRecordsResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_export_records()));
  return response;
}

absl::StatusOr<v1::ListFirmChangesResponse> Registrar::ListFirmChanges(
    const v1::ListFirmChangesRequest& request) {
  FirmChangeQuery query;
  ASSIGN_OR_RETURN(query.brn, BrnFromName(request.parent(), "parent"));
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  RETURN_IF_ERROR(store_->GetFirm(query.brn).status());
  ASSIGN_OR_RETURN(Page<FirmChange> page, store_->ListFirmChanges(query));
  v1::ListFirmChangesResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_changes()));
  return response;
}

std::vector<CheckedImportRow> Registrar::CheckImportRows(
    const std::vector<v1::ImportFirmsRequest>& rows, int64_t first_row,
    const std::string& actor) const {
  const absl::CivilDay today = KoreanDay(clock_());
  std::vector<CheckedImportRow> checked(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const v1::ImportFirmsRequest& row = rows[i];
    CheckedImportRow& out = checked[i];
    out.number = first_row + static_cast<int64_t>(i);
    out.brn = row.firm().brn().substr(0, 10);
    if (!row.request_id().empty()) {
      out.invalid = ValidateRequestId(row.request_id());
      if (!out.invalid.ok()) continue;
      out.request_id = row.request_id();
      out.fingerprint = RequestFingerprint("CreateFirm", row);
    }
    FieldViolations violations;
    ValidateFirm(row.firm(), "firm", today, violations);
    out.invalid = violations.ToStatus();
    if (!out.invalid.ok()) continue;
    ChangeContext change = NewChange("ImportFirms", actor, row.request_id(), out.fingerprint);
    change.changed_fields = {"*"};
    out.firm = {NewFirmRecord(row.firm(), change.time), std::move(change)};
  }
  return checked;
}

absl::Status Registrar::ImportFirms(std::vector<CheckedImportRow>& rows,
                                    v1::ImportFirmsResponse& report) {
  std::vector<v1::ImportRowError> rejected;
  auto reject = [&rejected](const CheckedImportRow& row, const absl::Status& status) {
    v1::ImportRowError& error = rejected.emplace_back();
    error.set_row(row.number);
    error.set_brn(row.brn);
    error.set_code(absl::StatusCodeToString(status.code()));
    std::vector<FieldViolation> violations = ErrorFieldViolations(status);
    if (!violations.empty()) {
      error.set_field(violations.front().field);
    }
    error.set_reason(std::string(status.message()));
  };
  // True when the row's request id was already applied to this very row.
  auto applied_before = [&](const CheckedImportRow& row, absl::Status& reused) {
    absl::StatusOr<std::optional<Firm>> earlier =
        RecordedResponse<Firm>(applied_requests_, row.request_id, row.fingerprint);
    reused = earlier.status();
    return earlier.ok() && earlier->has_value();
  };

  std::vector<NewFirm> accepted;
  std::vector<const CheckedImportRow*> accepted_rows;
  for (CheckedImportRow& row : rows) {
    report.set_received_count(report.received_count() + 1);
    if (!row.fingerprint.empty()) {
      absl::Status reused;
      if (applied_before(row, reused)) {
        report.set_imported_count(report.imported_count() + 1);
        continue;
      }
      if (!reused.ok()) {
        reject(row, reused);
        continue;
      }
    }
    if (!row.invalid.ok()) {
      reject(row, row.invalid);
      continue;
    }
    accepted.push_back(std::move(row.firm));
    accepted_rows.push_back(&row);
  }
  if (!accepted.empty()) {
    ASSIGN_OR_RETURN(std::vector<absl::Status> results,
                     store_->CreateFirms(accepted));
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].ok()) {
        report.set_imported_count(report.imported_count() + 1);
        continue;
      }
      // The same row may have been applied meanwhile under its request id
      // (the stream sent twice at once): then it counts as imported, and a
      // second row reusing the id is told so.
      const CheckedImportRow& row = *accepted_rows[i];
      absl::Status reused;
      if (!row.fingerprint.empty() && applied_before(row, reused)) {
        report.set_imported_count(report.imported_count() + 1);
        continue;
      }
      reject(row, reused.ok() ? results[i] : reused);
    }
  }
  std::stable_sort(rejected.begin(), rejected.end(),
                   [](const v1::ImportRowError& a, const v1::ImportRowError& b) {
                     return a.row() < b.row();
                   });
  for (v1::ImportRowError& error : rejected) {
    report.set_rejected_count(report.rejected_count() + 1);
    if (report.rejected_rows_size() < kMaxReportedRejections) {
      *report.add_rejected_rows() = std::move(error);
    }
  }
  return absl::OkStatus();
}

}  // namespace kexport::registry
