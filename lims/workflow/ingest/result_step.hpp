// The one step of ingest that puts a matched, converted value on a sample's test (test ->
// pending_review, result row pointing at its raw message, audited). Kept behind this one
// function so that ingest and manual entry share the review chain's record_result.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::ingest {

struct InstrumentResultEntry {
    std::int64_t test_id = 0;
    std::string value_text;  // numeric with its comparator ("<0.05") or qualitative text
    std::string unit;
    std::int64_t raw_message_id = 0;
    std::string flags;  // abnormal flags as sent, '~'-joined
    // The test as matching read it in this transaction, and whether the raw message was
    // stored in it too: record_result then reads neither again (review::ResultEntry).
    std::optional<store::TestRecord> test_as_read;
    bool raw_message_stored_by_caller = false;
};

// The result's id, through review::record_result. Ordinary refusals come back as
// review.* errors (review.test_final, review.result_awaiting_review, review.value,
// review.unit, ...) and send the observation to quarantine; store.* and transition.*
// errors abort the message.
domain::Result<std::int64_t> put_result_on_test(store::Transaction& tx, const InstrumentResultEntry& entry,
                                                const std::string& actor);

// True for the refusals put_result_on_test returns that belong in quarantine.
bool is_quarantine_reason(const domain::Error& error);

}  // namespace lims::workflow::ingest
