// Host query answers: which tests an analyzer should run on the specimens it asks about
// (ASTM E1394 Q records), in the analyzer's own test codes, so that nobody types the tests
// into it. Called by the in-process ingest sink and GET /api/v1/ingest/orders. It only
// reads: a query changes nothing, and the query message itself is kept as a raw message by
// the ingest commit that precedes it (the evidence of what the analyzer asked).
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace lims::workflow::ingest {

// The same bound as the ASTM codec's (protocols::astm::kMaxQueriedSpecimens): a rack or
// carousel holds tens of specimens; more in one query is refused.
inline constexpr std::size_t kMaxWorklistSpecimens = 1000;

// Sample states whose tests are never run (the sample was voided, or refused at receipt).
inline constexpr const char* kSampleStatesClosed[] = {"voided", "rejected"};

struct SpecimenWork {
    std::string specimen_id;                         // as the analyzer sent it
    std::vector<std::string> instrument_test_codes;  // the instrument's codes of the tests to run, by test
};

// Why a queried specimen gets no order; the analyzer is told "no information" for it.
struct SpecimenWithoutWork {
    std::string specimen_id;
    std::string code;    // ingest.unknown_specimen, ingest.sample_closed, ingest.nothing_to_run
    std::string reason;  // for a person: names the specimen and the cause
};

struct Worklist {
    std::vector<SpecimenWork> orders;            // in the order asked, specimens with tests to run
    std::vector<SpecimenWithoutWork> no_orders;  // in the order asked
};

// For each specimen id (sample number or portion barcode, see specimen.hpp): the sample's
// tests that take a result (test_lookup.hpp: takes_a_result; the newest row of each test code), not assigned to another
// instrument, that this instrument has an active mapping for (the first mapping by id when
// several of its codes map to one test). Only samples in the jurisdiction of the
// instrument's organisation are answered (registered in its subtree, or shipped to an
// organisation in it, as the laboratory's sample lists have it); others are unknown to it. A specimen asked twice is answered once.
// Errors (nothing read further): kBadMessage (no instrument code), kUnknownInstrument (not
// registered or retired), ingest.too_many_specimens, and the store's (kUnavailable,
// kStoreFailed).
domain::Result<Worklist> find_orders(store::Database& db, const std::string& instrument_code,
                                     const std::vector<std::string>& specimen_ids);
domain::Result<Worklist> find_orders_in(store::Transaction& tx, const std::string& instrument_code,
                                        const std::vector<std::string>& specimen_ids);
// GET /api/v1/ingest/orders: the same for a gateway's ingest token, whose organisation's
// subtree must hold the instrument (jurisdiction::holds_instrument); another's, like an
// unknown one, is not_found "There is no instrument <code>." (checked first, in the same
// read transaction).
domain::Result<Worklist> find_orders(store::Database& db, const Actor& gateway, const std::string& instrument_code,
                                     const std::vector<std::string>& specimen_ids);

}  // namespace lims::workflow::ingest
