// Finding the sample and the test a result belongs to: the sample by its number, then the
// test of that sample with a catalogue test code (the newest one that takes a result, else
// the newest, whose state then says why not).
// Used by matching (ingest_message) and by quarantine resolution.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::ingest {

struct TestChoice {
    std::int64_t test_id = 0;
    std::string state;
    std::optional<std::int64_t> instrument_id;  // the instrument the test is assigned to, if any
    store::TestRecord record;  // the whole row as read in this transaction (record_result takes it)
};

// Errors: ingest.unknown_specimen (no such sample).
domain::Result<std::int64_t> find_sample_id(store::Transaction& tx, const std::string& sample_number);

// Errors: ingest.no_such_test (the sample has no test with that code).
domain::Result<TestChoice> find_test(store::Transaction& tx, std::int64_t sample_id, const std::string& sample_number,
                                     const std::string& test_code);

}  // namespace lims::workflow::ingest
