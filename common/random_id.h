// Random ids for records a service names itself: [a-z0-9], 36^20 > 10^31
// values at length 20, so collisions are not a concern.
//
//   std::string id = RandomId(20);
#pragma once

#include <cstddef>
#include <string>

namespace kexport {

std::string RandomId(size_t length);

}  // namespace kexport
