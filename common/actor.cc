#include "common/actor.h"

#include "absl/strings/ascii.h"
#include "common/errors.h"

namespace kexport {
namespace {

bool ActorNameValid(absl::string_view name) {
  if (name.empty() || name.size() > 128) {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '@' && c != ':' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> MetadataActorResolver::Resolve(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kActorMetadataKey);
  if (it == metadata.end()) {
    return std::string(kAnonymousActor);
  }
  absl::string_view name(it->second.data(), it->second.size());
  if (!ActorNameValid(name)) {
    return InvalidFieldError(
        kActorMetadataKey, "must be 1-128 characters of [A-Za-z0-9._@:-]");
  }
  return std::string(name);
}

}  // namespace kexport
