// Resource names of the applications service. Each parser returns the ids in
// a well-formed name, or INVALID_ARGUMENT with one field violation on
// `field` (the path of the name in the request) when it is malformed.
//
//   ASSIGN_OR_RETURN(RoundRef round, ParseRoundName(request.name(), "name"));
//   round.ProgramName() == "programs/voucher"
//   round.Name() == "programs/voucher/rounds/2026-1"
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/brn.h"

namespace kexport::applications {

// Applications, awards and bans are named by the service: 24 characters of
// [a-z0-9], e.g. RandomId(kRecordIdLength). An award's id is its
// application's.
inline constexpr size_t kRecordIdLength = 24;

// 1 to 40 characters of [a-z0-9-] starting with a letter: short enough for
// the ledger account ids derived from it.
bool ProgramIdValid(absl::string_view id);

// `programs/{program}`.
std::string ProgramName(absl::string_view program_id);
// The programme id in `programs/{program}`.
absl::StatusOr<std::string> ParseProgramName(absl::string_view name, absl::string_view field);

// A round: its programme's id and its own (1 to 63 characters of [a-z0-9-]).
struct RoundRef {
  std::string program;
  std::string round;

  // `programs/{program}/rounds/{round}`.
  std::string Name() const;
  // `programs/{program}`.
  std::string ProgramName() const;
  // `programs/{program}/rounds/{round}/selection`.
  std::string SelectionName() const;
};

// `programs/{program}/rounds/{round}`.
absl::StatusOr<RoundRef> ParseRoundName(absl::string_view name, absl::string_view field);
// `programs/{program}/rounds/{round}/selection`: the round it belongs to.
absl::StatusOr<RoundRef> ParseSelectionName(absl::string_view name, absl::string_view field);

// `applications/{id}`, `awards/{id}` and `bans/{id}`.
std::string ApplicationName(absl::string_view id);
std::string AwardName(absl::string_view id);
std::string BanName(absl::string_view id);
// The record id in those names.
absl::StatusOr<std::string> ParseApplicationName(absl::string_view name, absl::string_view field);
absl::StatusOr<std::string> ParseAwardName(absl::string_view name, absl::string_view field);
absl::StatusOr<std::string> ParseBanName(absl::string_view name, absl::string_view field);

// The registration number in `firms/{brn}`, check digit verified (the
// registry's names: common/brn.h). FirmName(brn) formats one.
inline absl::StatusOr<std::string> ParseFirmName(absl::string_view name, absl::string_view field) {
  return BrnFromName(name, field);
}

}  // namespace kexport::applications
