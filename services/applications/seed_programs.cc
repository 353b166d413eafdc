#include "services/applications/seed_programs.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/macros.h"
#include "google/protobuf/util/json_util.h"

namespace kexport::applications {
namespace {

constexpr char kSeeder[] = "seed";

// Calls `create` with each non-blank line of `path` parsed as a Request.
template <typename Request, typename Create>
absl::Status EachLine(const std::string& path, Create create) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Request request;
    auto parsed = google::protobuf::util::JsonStringToMessage(line, &request);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": ", std::string(parsed.message())));
    }
    if (absl::Status created = create(request).status(); !created.ok()) {
      return absl::Status(created.code(),
                          absl::StrCat(path, ":", number, ": ", created.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SeedPrograms(ProgramOffice& office, const std::string& programs_file,
                          const std::string& rounds_file) {
  RETURN_IF_ERROR(EachLine<v1::CreateProgramRequest>(
      programs_file,
      [&](const v1::CreateProgramRequest& request) { return office.CreateProgram(request, kSeeder); }));
  return EachLine<v1::CreateRoundRequest>(rounds_file, [&](const v1::CreateRoundRequest& request) {
    return office.CreateRound(request, kSeeder);
  });
}

}  // namespace kexport::applications
