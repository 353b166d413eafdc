// Who is calling. Until authentication arrives, the caller names itself in the
// `x-kexport-actor` metadata entry; the name goes into audit records. Swapping
// in a resolver that checks a token is the one change authentication needs.
//
//   ASSIGN_OR_RETURN(std::string actor, resolver.Resolve(*context));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"

namespace kexport {

inline constexpr char kActorMetadataKey[] = "x-kexport-actor";
inline constexpr char kAnonymousActor[] = "anonymous";

class ActorResolver {
 public:
  virtual ~ActorResolver() = default;
  // The caller's identity, or an error (e.g. UNAUTHENTICATED) to return.
  virtual absl::StatusOr<std::string> Resolve(
      const grpc::ServerContextBase& context) const = 0;
};

// Trusts the `x-kexport-actor` entry: 1-128 characters of [A-Za-z0-9._@:-];
// `anonymous` when absent. A malformed entry is INVALID_ARGUMENT.
class MetadataActorResolver final : public ActorResolver {
 public:
  absl::StatusOr<std::string> Resolve(
      const grpc::ServerContextBase& context) const override;
};

}  // namespace kexport
