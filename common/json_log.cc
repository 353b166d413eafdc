#include "common/json_log.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kexport {
namespace {

// Lines queued by EmitSoon, written under `mutex` so they keep their order
// with the lines Emit writes.
struct Output {
  std::mutex mutex;
  std::string queued;
  bool writer_started = false;
};

Output& TheOutput() {
  static auto* output = new Output;  // never destroyed: threads log until exit
  return *output;
}

constexpr size_t kMaxQueuedBytes = 64 * 1024;

// Requires output.mutex.
void WriteQueued(Output& output) {
  if (output.queued.empty()) return;
  std::fwrite(output.queued.data(), 1, output.queued.size(), stderr);
  output.queued.clear();
}

void FlushQueued() {
  Output& output = TheOutput();
  std::lock_guard<std::mutex> lock(output.mutex);
  WriteQueued(output);
}

// Requires output.mutex.
void StartQueueWriter(Output& output) {
  if (output.writer_started) return;
  output.writer_started = true;
  std::atexit(FlushQueued);
  std::thread([] {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      FlushQueued();
    }
  }).detach();
}

std::string& ServiceName() {
  static auto* name = new std::string("kexport");
  return *name;
}

}  // namespace

std::string JsonQuote(absl::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

JsonLog::JsonLog(absl::string_view level, absl::string_view event) {
  line_ = absl::StrCat(
      "{\"ts\":",
      JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                                 absl::UTCTimeZone())),
      ",\"level\":", JsonQuote(level), ",\"service\":",
      JsonQuote(ServiceName()), ",\"event\":", JsonQuote(event));
}

JsonLog& JsonLog::Add(absl::string_view key, absl::string_view value) {
  absl::StrAppend(&line_, ",", JsonQuote(key), ":", JsonQuote(value));
  return *this;
}

JsonLog& JsonLog::Add(absl::string_view key, int64_t value) {
  absl::StrAppend(&line_, ",", JsonQuote(key), ":", value);
  return *this;
}

void JsonLog::Emit() {
  line_ += "}\n";
  Output& output = TheOutput();
  std::lock_guard<std::mutex> lock(output.mutex);
  output.queued += line_;
  WriteQueued(output);
}

void JsonLog::EmitSoon() {
  line_ += "}\n";
  Output& output = TheOutput();
  std::lock_guard<std::mutex> lock(output.mutex);
  StartQueueWriter(output);
  output.queued += line_;
  if (output.queued.size() >= kMaxQueuedBytes) WriteQueued(output);
}

void JsonLog::SetService(absl::string_view service) {
  ServiceName() = std::string(service);
}

}  // namespace kexport
