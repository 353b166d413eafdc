// What makes a firm record, an update mask or an export record acceptable.
// Every problem is reported with the field path the caller sent, so one
// round trip shows them all.
//
//   FieldViolations violations;
//   ValidateFirm(request.firm(), "firm", today, violations);
//   RETURN_IF_ERROR(violations.ToStatus());
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "google/protobuf/field_mask.pb.h"
#include "kexport/registry/v1/registry.pb.h"

namespace kexport::registry {

using kexport::registry::v1::ExportRecord;
using kexport::registry::v1::Firm;

// Every client-settable field of `firm` (output-only fields are ignored).
// `prefix` is the path of the firm in the request, e.g. `firm`.
void ValidateFirm(const Firm& firm, absl::string_view prefix,
                  absl::CivilDay today, FieldViolations& violations);

void ValidateExportRecord(const ExportRecord& record, absl::string_view prefix,
                          absl::CivilDay today, FieldViolations& violations);

// The top-level firm fields `mask` changes; INVALID_ARGUMENT on
// `update_mask` when empty, unknown, or naming an immutable field.
absl::StatusOr<std::vector<std::string>> UpdatableFields(
    const google::protobuf::FieldMask& mask);

// A reason text for a state change: required, at most 500 characters.
void ValidateReason(absl::string_view reason, absl::string_view field,
                    FieldViolations& violations);

}  // namespace kexport::registry
