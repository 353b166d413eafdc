// The programmes and rounds an empty service starts with (the six
// programmes of the domain with their published figures), from JSON Lines
// files of CreateProgramRequest and CreateRoundRequest. Each line carries
// its request id, so seeding again changes nothing.
//
//   RETURN_IF_ERROR(SeedPrograms(office, "config/programs.jsonl", "config/rounds.jsonl"));
#pragma once

#include <string>

#include "absl/status/status.h"
#include "services/applications/program_office.h"

namespace kexport::applications {

absl::Status SeedPrograms(ProgramOffice& office, const std::string& programs_file,
                          const std::string& rounds_file);

}  // namespace kexport::applications
