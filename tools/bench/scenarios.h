// The benchmark's scenarios as the load generator sends them: for each, an
// untimed setup and the request of call i (distinct where the call must be:
// new firms, transfer ids, request ids, applications).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "tools/bench/load_runner.h"

namespace kexport::bench {

struct ScenarioParams {
  // Firms are SampleBrn(offset + i); lookups cycle over `distinct` of them.
  int64_t offset = 0;
  int64_t distinct = 10000;
  // CreateTransfers: transfers per request.
  int batch = 1;
  // SubmitApplication: the round to apply to and the support item to ask for.
  std::string round;
  std::string support_item;
  // Calls the setup prepares for (e.g. drafts to submit).
  uint64_t calls = 0;
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Untimed preparation over `channel` (accounts, drafts); false on failure.
  virtual bool Setup(const std::shared_ptr<grpc::Channel>&) { return true; }
  virtual UnaryCall Call(uint64_t i) const = 0;
};

// nullptr when `name` is unknown. Names: echo, get_firm, list_firms,
// create_firm, transfer, get_designation, submit_application.
std::unique_ptr<Scenario> MakeScenario(const std::string& name, const ScenarioParams& params);

// Streams `rows` new firms (SampleBrn(offset + i)) through ImportFirms;
// false (and `error` set) when the stream failed or a row was refused.
bool ImportFirms(const std::shared_ptr<grpc::Channel>& channel, int64_t offset, int64_t rows,
                 std::string* error);

}  // namespace kexport::bench
