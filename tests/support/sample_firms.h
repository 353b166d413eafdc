// Valid firms for tests: registration numbers with correct check digits and
// records that pass every validation rule.
//
//   Firm firm = SampleFirm(SampleBrn(42));
#pragma once

#include <cstdint>
#include <string>

#include "kexport/registry/v1/registry.pb.h"

namespace kexport::testing {

// A valid 10-digit registration number derived from `n` (distinct n give
// distinct numbers for n < 10^7), in the for-profit corporation range.
std::string SampleBrn(int64_t n);

// A complete, valid small firm in the semiconductor sector.
registry::v1::Firm SampleFirm(const std::string& brn);

}  // namespace kexport::testing
