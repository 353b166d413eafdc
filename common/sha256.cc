#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace kexport {

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest only fails when OpenSSL cannot allocate: nothing to recover.
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace kexport
