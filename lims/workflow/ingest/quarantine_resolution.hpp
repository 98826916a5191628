// Resolving a quarantine entry, once: a technician assigns it to a sample's test (the
// result is then recorded exactly as ingest records it: converted through the instrument's
// mapping when there is one, test -> pending review, pointing at the raw message) or
// discards it with a reason. Both audited. Called by the quarantine API routes.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/quarantine_repository.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::ingest {

// Who resolves: their audit name and the path of their organisation (jurisdiction: an
// entry of a laboratory outside it is answered as not found).
struct Resolver {
    std::string name;
    std::string org_path;  // "/1/4/"
};

struct Assignment {
    std::string sample_number;  // or a test portion's barcode, "<number>/<n>"
    std::string test_code;      // the catalogue's test code of that sample's test
    std::optional<std::int64_t> expected_version;  // If-Match of the entry; conflict when stale
};

struct Resolution {
    store::QuarantineEntry entry;  // after resolution
    std::optional<std::int64_t> result_id;
};

// Errors: ingest.quarantine_not_found (missing or outside the jurisdiction),
// ingest.quarantine_resolved (already assigned or discarded: 409), store.conflict (stale
// version), the matching errors (ingest.unknown_specimen, ingest.no_such_test,
// ingest.unit_unconvertible, review.test_final, ...) when the assignment cannot take the
// result (the entry stays open), ingest.reason_required for a discard without a reason.
domain::Result<Resolution> assign_quarantined(store::Database& db, std::int64_t entry_id, const Assignment& assignment,
                                              const Resolver& resolver);
domain::Result<Resolution> discard_quarantined(store::Database& db, std::int64_t entry_id, const std::string& reason,
                                               std::optional<std::int64_t> expected_version, const Resolver& resolver);

// The entry if the resolver may see it.
domain::Result<store::QuarantineEntry> visible_quarantine_entry(store::Transaction& tx, std::int64_t entry_id,
                                                                const std::string& org_path);

}  // namespace lims::workflow::ingest
