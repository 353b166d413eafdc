#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace kexport {
namespace {

// OpenSSL fails these calls only when it cannot allocate: nothing to recover.
void CheckOpenSsl(int result) {
  if (result != 1) std::abort();
}

// Fetched once and kept for the process's life: EVP_sha256() makes OpenSSL 3
// look the algorithm up again (under its locks) at every digest, which took
// two thirds of the time of hashing a selection ticket.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const algorithm = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) std::abort();
    return fetched;
  }();
  return algorithm;
}

}  // namespace

std::string Sha256(absl::string_view bytes) {
  // One context per thread, reset by every digest: a draw hashes a ticket
  // per application. Freed as its thread ends (on the main thread, before
  // OpenSSL's own cleanup at exit).
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (context == nullptr) std::abort();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  CheckOpenSsl(EVP_DigestInit_ex(context.get(), Sha256Algorithm(), nullptr));
  CheckOpenSsl(EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()));
  CheckOpenSsl(EVP_DigestFinal_ex(context.get(), digest, &length));
  return std::string(reinterpret_cast<const char*>(digest), length);
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr) std::abort();
  CheckOpenSsl(EVP_DigestInit_ex(context_, Sha256Algorithm(), nullptr));
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(context_); }

void Sha256Stream::Update(absl::string_view bytes) {
  CheckOpenSsl(EVP_DigestUpdate(context_, bytes.data(), bytes.size()));
}

std::string Sha256Stream::Digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(context_, digest, &length));
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace kexport
