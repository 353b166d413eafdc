#include "services/ledger/journal.h"

#include "absl/strings/str_cat.h"
#include "common/sha256.h"

namespace kexport::ledger {
namespace {

std::string BigEndian64(int64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

}  // namespace

std::string EntryHash(const std::string& previous_hash,
                      const JournalEntry& entry) {
  return Sha256(absl::StrCat(previous_hash, BigEndian64(entry.sequence),
                             std::string(1, static_cast<char>(entry.kind)),
                             BigEndian64(absl::ToUnixMicros(entry.time)),
                             entry.payload));
}

absl::Time NextEntryTime(const JournalHead& head, absl::Time now) {
  // Journal times have microsecond precision, as stored.
  absl::Time floor = absl::FromUnixMicros(absl::ToUnixMicros(now));
  absl::Time after_head = head.time + absl::Microseconds(1);
  return head.time == absl::InfinitePast() || floor >= after_head ? floor
                                                                  : after_head;
}

}  // namespace kexport::ledger
