// Demo history: designations from 2012 on, so that the statistics show what
// the programme published (341 designated firms at the end of 2016, 1,501 at
// the end of 2025). Written straight to the store, only into an empty one,
// and only when the operator asks (`--seed_demo_history`): it is not a
// record of real decisions.
#pragma once

#include "absl/status/status.h"
#include "services/designation/designation_store.h"

namespace kexport::designation {

absl::Status SeedDemoHistory(DesignationStore& store);

}  // namespace kexport::designation
