#include "lims/store/schema_parts.hpp"

namespace lims::store {

std::vector<std::string> extra_append_only_tables() {
    // One line per area's append-only tables, e.g. {"quarantine_events"}.
    std::vector<std::string> tables;
    tables.push_back("instrument_observations");  // ingest
    return tables;
}

}  // namespace lims::store
