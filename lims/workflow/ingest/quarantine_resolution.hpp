// Resolving a quarantine entry, once: a technician assigns it to a sample's test (the
// result is then recorded exactly as ingest records it: converted through the instrument's
// mapping when there is one, test -> pending review, pointing at the raw message) or
// discards it with a reason. Both audited. With the list, one entry and the raw message an
// entry came from, these are the quarantine routes' use cases: each takes the Database and
// the caller, owns its transaction and answers a record outside the caller's subtree
// (jurisdiction::covers on the instrument's laboratory) exactly like a missing one.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/quarantine_repository.hpp"
#include "lims/store/raw_message_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/page.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::ingest {

struct Assignment {
    std::string sample_number;  // or a test portion's barcode, "<number>/<n>"
    std::string test_code;      // the catalogue's test code of that sample's test
    std::optional<std::int64_t> expected_version;  // If-Match of the entry; conflict when stale
};

struct Resolution {
    store::QuarantineEntry entry;  // after resolution
    std::optional<std::int64_t> result_id;
};

// Errors: ingest.quarantine_not_found (not_found: missing or outside the jurisdiction),
// ingest.quarantine_resolved (conflict: already assigned or discarded), store.conflict (stale
// version), the matching errors (ingest.unknown_specimen, ingest.no_such_test,
// ingest.unit_unconvertible, review.test_final, ...) when the assignment cannot take the
// result (the entry stays open), ingest.reason_required for a discard without a reason.
domain::Result<Resolution> assign_quarantined(store::Database& db, std::int64_t entry_id, const Assignment& assignment,
                                              const Actor& resolver);
domain::Result<Resolution> discard_quarantined(store::Database& db, std::int64_t entry_id, const std::string& reason,
                                               std::optional<std::int64_t> expected_version, const Actor& resolver);

// The entry if the actor may see it (ingest.quarantine_not_found otherwise).
domain::Result<store::QuarantineEntry> visible_quarantine_entry(store::Transaction& tx, const Actor& actor,
                                                                std::int64_t entry_id);

// ---- reading (GET /quarantine, /quarantine/{id}, /raw-messages/{id}) ------------------------
inline constexpr const char* kQuarantineStates[] = {"open", "assigned", "discarded"};
// The entries of the actor's subtree by id after `after_id`, of one state when given
// (open, assigned or discarded; invalid "state" otherwise).
domain::Result<IdPage<store::QuarantineEntry>> list_quarantine(store::Database& db, const Actor& actor,
                                                               const std::optional<std::string>& state,
                                                               std::int64_t after_id, std::size_t limit);
domain::Result<store::QuarantineEntry> find_quarantine_entry(store::Database& db, const Actor& actor,
                                                             std::int64_t entry_id);

// A message as an instrument sent it, with the instrument's code.
struct RawMessageView {
    store::RawMessage message;
    std::string instrument_code;
};
// Only a message from an instrument of the actor's subtree; any other (or none): not_found
// "There is no raw message <id>.".
domain::Result<RawMessageView> find_raw_message(store::Database& db, const Actor& actor, std::int64_t message_id);

}  // namespace lims::workflow::ingest
