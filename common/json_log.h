// Structured logs: one JSON object per line on stderr, safe to call from any
// thread. Never put personal data (names, contacts, representatives) in a log.
//
//   JsonLog("info", "serving").Add("port", 50051).Emit();
//   JsonLog("info", "rpc").Add("method", method).Add("latency_us", 120).EmitSoon();
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace kexport {

class JsonLog final {
 public:
  // Starts a line with a timestamp, the level and the event name.
  JsonLog(absl::string_view level, absl::string_view event);

  JsonLog& Add(absl::string_view key, absl::string_view value);
  JsonLog& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  JsonLog& Add(absl::string_view key, int64_t value);

  // Writes the line now, after any lines EmitSoon still holds.
  void Emit();

  // Queues the line: a background thread writes what is queued every 50 ms
  // in one system call (at once past 64 KiB, and at exit). For the access
  // log, a line per call, where a write(2) each cost about a sixth of a
  // cached read's throughput. A crash may lose the last 50 ms of them.
  void EmitSoon();

  // Sets the `service` field every line carries.
  static void SetService(absl::string_view service);

 private:
  std::string line_;
};

// `value` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view value);
void AppendJsonQuoted(std::string& out, absl::string_view value);

}  // namespace kexport
