// Instruments and their test-code mappings as configured data (the /api/v1/instruments
// routes call these and nothing else): each takes the Database and the caller, opens and
// owns its transaction and checks every record it touches against the caller's subtree
// (lims/workflow/jurisdiction.hpp): the instrument named in the path (outside, or
// missing: not_found "There is no instrument <code>.") and the organisation named in the
// body (outside, or unknown: invalid "organisation_code"). The driver options are checked
// by the caller before (drivers/registry.hpp); the store refuses a stale version
// (conflict). Writes are audited by the repository under the actor's name; nothing is
// written when an error is returned.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/page.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lims::workflow::ingest {

// An instrument with the code of the laboratory that owns it.
struct InstrumentView {
    store::Instrument instrument;
    std::string org_code;
};

// The instruments of the caller's subtree, by id after `after_id`.
domain::Result<IdPage<InstrumentView>> list_instruments(store::Database& db, const Actor& actor, std::int64_t after_id,
                                                        std::size_t limit);
domain::Result<InstrumentView> find_instrument(store::Database& db, const Actor& actor, const std::string& code);
// `fields.org_id` is set from `org_code`, which must name an organisation of the subtree.
domain::Result<InstrumentView> register_instrument(store::Database& db, const Actor& actor,
                                                   store::InstrumentFields fields, const std::string& org_code);
domain::Result<InstrumentView> update_instrument(store::Database& db, const Actor& actor, const std::string& code,
                                                 std::int64_t expected_version, store::InstrumentFields fields,
                                                 const std::string& org_code);

domain::Result<std::vector<store::TestMapping>> instrument_mappings(store::Database& db, const Actor& actor,
                                                                    const std::string& code);
domain::Result<store::TestMapping> add_instrument_mapping(store::Database& db, const Actor& actor,
                                                          const std::string& code,
                                                          const store::TestMappingFields& fields);
// A mapping of the instrument `code` (another instrument's, or a missing one: not_found
// "There is no mapping <id>.").
domain::Result<store::TestMapping> find_instrument_mapping(store::Database& db, const Actor& actor,
                                                           const std::string& code, std::int64_t mapping_id);
domain::Result<store::TestMapping> update_instrument_mapping(store::Database& db, const Actor& actor,
                                                             const std::string& code, std::int64_t mapping_id,
                                                             std::int64_t expected_version,
                                                             const store::TestMappingFields& fields);

// The organisation of the subtree with this code (invalid "organisation_code" otherwise):
// the body's organisation of an instrument or a logger.
domain::Result<std::int64_t> organisation_in_jurisdiction(store::Transaction& tx, const Actor& actor,
                                                          const std::string& org_code);

}  // namespace lims::workflow::ingest
