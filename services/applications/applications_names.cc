#include "services/applications/applications_names.h"

#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/text.h"

namespace kexport::applications {
namespace {

constexpr absl::string_view kProgramsPrefix = "programs/";
constexpr absl::string_view kApplicationsPrefix = "applications/";
constexpr absl::string_view kAwardsPrefix = "awards/";
constexpr absl::string_view kBansPrefix = "bans/";

// `programs/{program}/rounds/{round}` followed by `/{suffix}` when a suffix
// is given.
std::optional<RoundRef> RoundIds(absl::string_view name, absl::string_view suffix) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  size_t expected = suffix.empty() ? 4 : 5;
  if (parts.size() != expected || parts[0] != "programs" || !ProgramIdValid(parts[1]) ||
      parts[2] != "rounds" || !IsLowerSlug(parts[3], 63) ||
      (!suffix.empty() && parts[4] != suffix)) {
    return std::nullopt;
  }
  return RoundRef{std::string(parts[1]), std::string(parts[3])};
}

bool RecordIdValid(absl::string_view id) {
  if (id.size() != kRecordIdLength) {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ParseRecordName(absl::string_view name, absl::string_view prefix,
                                            absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, prefix) || !RecordIdValid(id)) {
    return InvalidFieldError(field, absl::StrCat("must be `", prefix, "{id}`: ", kRecordIdLength,
                                                 " characters of [a-z0-9]"));
  }
  return std::string(id);
}

}  // namespace

bool ProgramIdValid(absl::string_view id) {
  return IsLowerSlug(id, 40) && absl::ascii_islower(static_cast<unsigned char>(id[0]));
}

std::string ProgramName(absl::string_view program_id) {
  return absl::StrCat(kProgramsPrefix, program_id);
}

absl::StatusOr<std::string> ParseProgramName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kProgramsPrefix) || !ProgramIdValid(id)) {
    return InvalidFieldError(field,
                             "must be `programs/{program}`: 1 to 40 characters of "
                             "[a-z0-9-], starting with a letter");
  }
  return std::string(id);
}

std::string RoundRef::Name() const { return absl::StrCat(ProgramName(), "/rounds/", round); }

std::string RoundRef::ProgramName() const { return applications::ProgramName(program); }

std::string RoundRef::SelectionName() const { return absl::StrCat(Name(), "/selection"); }

absl::StatusOr<RoundRef> ParseRoundName(absl::string_view name, absl::string_view field) {
  std::optional<RoundRef> round = RoundIds(name, "");
  if (!round) {
    return InvalidFieldError(field, "must be `programs/{program}/rounds/{round}`");
  }
  return *std::move(round);
}

absl::StatusOr<RoundRef> ParseSelectionName(absl::string_view name, absl::string_view field) {
  std::optional<RoundRef> round = RoundIds(name, "selection");
  if (!round) {
    return InvalidFieldError(field, "must be `programs/{program}/rounds/{round}/selection`");
  }
  return *std::move(round);
}

std::string ApplicationName(absl::string_view id) { return absl::StrCat(kApplicationsPrefix, id); }

std::string AwardName(absl::string_view id) { return absl::StrCat(kAwardsPrefix, id); }

std::string BanName(absl::string_view id) { return absl::StrCat(kBansPrefix, id); }

absl::StatusOr<std::string> ParseApplicationName(absl::string_view name, absl::string_view field) {
  return ParseRecordName(name, kApplicationsPrefix, field);
}

absl::StatusOr<std::string> ParseAwardName(absl::string_view name, absl::string_view field) {
  return ParseRecordName(name, kAwardsPrefix, field);
}

absl::StatusOr<std::string> ParseBanName(absl::string_view name, absl::string_view field) {
  return ParseRecordName(name, kBansPrefix, field);
}

}  // namespace kexport::applications
