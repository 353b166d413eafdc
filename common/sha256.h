// SHA-256 (OpenSSL), for hash chains and published commitments.
//
//   std::string digest = Sha256(absl::StrCat(previous, payload));  // 32 bytes
//   std::string shown = absl::BytesToHexString(digest);
#pragma once

#include <string>

#include "absl/strings/string_view.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace kexport {

// The 32-byte digest of `bytes`.
std::string Sha256(absl::string_view bytes);

// The digest of bytes fed in pieces, as Sha256 of their concatenation,
// without ever holding it whole (a selection's inputs run to megabytes).
//
//   Sha256Stream hash;
//   for (...) hash.Update(line);
//   std::string digest = hash.Digest();
class Sha256Stream final {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void Update(absl::string_view bytes);
  // 32 bytes; ends the stream.
  std::string Digest();

 private:
  evp_md_ctx_st* context_;
};

}  // namespace kexport
