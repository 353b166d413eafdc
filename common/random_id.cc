#include "common/random_id.h"

#include "absl/random/random.h"

namespace kexport {

std::string RandomId(size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local absl::BitGen random;
  std::string id(length, 'a');
  for (char& c : id) {
    c = kAlphabet[absl::Uniform<size_t>(random, 0, sizeof(kAlphabet) - 1)];
  }
  return id;
}

}  // namespace kexport
