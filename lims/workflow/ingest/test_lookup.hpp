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
#include <string_view>

namespace lims::workflow::ingest {

struct TestChoice {
    std::int64_t test_id = 0;
    std::string state;
    std::optional<std::int64_t> instrument_id;  // the instrument the test is assigned to, if any
    store::TestRecord record;  // the whole row as read in this transaction (record_result takes it)
};

// A test takes a new result (from an instrument or by hand) when pending, or when its last
// result ended without standing (rejected, retest ordered, retracted): record_result then
// records the retest's row. Ingest matches on it; the analyzer worklist offers such tests.
bool takes_a_result(std::string_view test_state);

// How many test portions (not retained ones) a sample was split into: a specimen id
// "S-.../2" names the second.
std::int64_t test_portion_count(store::Transaction& tx, std::int64_t sample_id);

// Errors: ingest.unknown_specimen (no such sample).
domain::Result<std::int64_t> find_sample_id(store::Transaction& tx, const std::string& sample_number);

// Errors: ingest.no_such_test (the sample has no test with that code).
domain::Result<TestChoice> find_test(store::Transaction& tx, std::int64_t sample_id, const std::string& sample_number,
                                     const std::string& test_code);

}  // namespace lims::workflow::ingest
