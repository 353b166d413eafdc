// The journal's hash chain: each entry's SHA-256 covers the previous entry's
// hash, its own sequence, kind, time and payload, so rewriting any entry
// breaks every hash after it.
//
//   entry.hash = EntryHash(head.hash, entry);
#pragma once

#include <string>

#include "absl/time/time.h"
#include "services/ledger/ledger_state.h"

namespace kexport::ledger {

std::string EntryHash(const std::string& previous_hash, const JournalEntry& entry);

// The time of the entry after `head`: `now`, or 1 µs after the head when the
// clock has not moved past it, so times strictly increase in journal order.
absl::Time NextEntryTime(const JournalHead& head, absl::Time now);

}  // namespace kexport::ledger
