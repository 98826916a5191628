#include "lims/store/schema_parts.hpp"

namespace lims::store {

std::vector<std::string> extra_append_only_tables() {
    // One line per area's append-only tables, e.g. {"quarantine_events"}.
    std::vector<std::string> tables;
    for (const char* t : {"sample_receipts", "custody_events", "office_notifications"}) tables.push_back(t);  // sampling
    tables.push_back("instrument_observations");  // ingest
    return tables;
}

}  // namespace lims::store
