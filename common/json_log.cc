#include "common/json_log.h"

#include <algorithm>
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

// `time` as 2026-12-03T10:22:33.123456Z, the seconds formatted once per
// second and thread (the access log writes a line per call).
void AppendUtcMicros(std::string& out, absl::Time time) {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached_prefix;
  const int64_t micros = absl::ToUnixMicros(time);
  const int64_t second = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  if (second != cached_second) {
    cached_prefix =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second), absl::UTCTimeZone());
    cached_second = second;
  }
  out += cached_prefix;
  absl::StrAppendFormat(&out, ".%06dZ", micros - second * 1000000);
}

}  // namespace

void AppendJsonQuoted(std::string& out, absl::string_view value) {
  out += '"';
  // Most values need no escape: one append, not a character at a time.
  auto needs_escape = [](unsigned char c) { return c == '"' || c == '\\' || c < 0x20; };
  if (std::none_of(value.begin(), value.end(), needs_escape)) {
    out.append(value.data(), value.size());
    out += '"';
    return;
  }
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
}

std::string JsonQuote(absl::string_view value) {
  std::string out;
  AppendJsonQuoted(out, value);
  return out;
}

JsonLog::JsonLog(absl::string_view level, absl::string_view event) {
  line_.reserve(256);
  line_ += "{\"ts\":\"";
  AppendUtcMicros(line_, absl::Now());
  line_ += "\",\"level\":";
  AppendJsonQuoted(line_, level);
  line_ += ",\"service\":";
  AppendJsonQuoted(line_, ServiceName());
  line_ += ",\"event\":";
  AppendJsonQuoted(line_, event);
}

JsonLog& JsonLog::Add(absl::string_view key, absl::string_view value) {
  line_ += ',';
  AppendJsonQuoted(line_, key);
  line_ += ':';
  AppendJsonQuoted(line_, value);
  return *this;
}

JsonLog& JsonLog::Add(absl::string_view key, int64_t value) {
  line_ += ',';
  AppendJsonQuoted(line_, key);
  line_ += ':';
  absl::StrAppend(&line_, value);
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
