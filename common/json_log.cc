#include "common/json_log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kexport {
namespace {

std::mutex& OutputMutex() {
  static auto* mutex = new std::mutex;
  return *mutex;
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
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line_.data(), 1, line_.size(), stderr);
}

void JsonLog::SetService(absl::string_view service) {
  ServiceName() = std::string(service);
}

}  // namespace kexport
