// What other services need to know about a firm, from the registry. An
// interface, so the rules can be tested without a registry and the registry
// client can change without touching them.
//
//   ASSIGN_OR_RETURN(std::optional<FirmFacts> firm, directory.Lookup(brn));
//   directory.LookupAsync(brn, [](absl::StatusOr<std::optional<FirmFacts>> firm) {...});
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kexport/registry/v1/registry.pb.h"

namespace kexport::clients {

struct FirmFacts {
  registry::v1::Firm firm;
  // Current export records, newest year first.
  std::vector<registry::v1::ExportRecord> exports;

  // The total of the export record for `year`, 0 without one.
  int64_t ExportTotal(int32_t year) const {
    for (const auto& record : exports) {
      if (record.year() == year) {
        return record.total_usd_cents();
      }
    }
    return 0;
  }
};

class FirmDirectory {
 public:
  using LookupDone = std::function<void(absl::StatusOr<std::optional<FirmFacts>>)>;

  virtual ~FirmDirectory() = default;
  // nullopt for an unknown firm; UNAVAILABLE or DEADLINE_EXCEEDED when the
  // registry cannot answer in time.
  virtual absl::StatusOr<std::optional<FirmFacts>> Lookup(const std::string& brn) = 0;
  // As Lookup, answering `done` (on one of gRPC's callback threads, or
  // before returning), so a caller can ask other services meanwhile. A
  // caller that then waits for `done` must not be on a gRPC callback
  // thread itself: the answer may need that very thread.
  virtual void LookupAsync(const std::string& brn, LookupDone done) { done(Lookup(brn)); }
};

}  // namespace kexport::clients
