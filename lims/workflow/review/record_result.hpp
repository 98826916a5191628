// Recording a result on a test: the one path used by manual entry (review routes) and by
// instrument ingest (the ingest sink), so both get the same validation, state transition
// and audit entry. Runs inside the caller's Transaction.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::review {

enum class ResultSource { manual, instrument };

struct ResultEntry {
    std::int64_t test_id = 0;
    // As reported: a number ("94.95"), censored ("<0.01", ">500") or a qualitative outcome
    // ("符合规定", "sterile"); parsed by domain::ReportedValue.
    std::string value_text;
    std::string unit;  // must match the specification line's unit when the line has one
    ResultSource source = ResultSource::manual;
    std::optional<std::int64_t> raw_message_id;  // required for instrument results: the bytes as received
    std::string flags;                           // instrument flags as sent (e.g. "H"), kept for the reviewer
    // If-Match: the test version the caller saw; a different current version is
    // store.conflict (409). Empty: no check (instrument ingest).
    std::optional<std::int64_t> expected_test_version;
};

// What the caller has already read or written in this same transaction, so that
// record_result does not read it again: instrument ingest matches the test first and
// stores the raw message first, and runs this for every observation inside the write lock.
struct AlreadyInTransaction {
    const store::TestRecord* test = nullptr;  // the row of entry.test_id, as read in this transaction
    bool raw_message_stored = false;          // entry.raw_message_id was inserted in this transaction
};

struct RecordedResult {
    std::int64_t result_id = 0;
    std::int64_t test_id = 0;
    std::optional<std::int64_t> replaces_result_id;  // the previous result of a retest or correction
    std::string test_state;                          // "pending_review"
    std::int64_t test_version = 0;
};

// Moves the test from pending (or from an ended result: rejected, retest ordered,
// retracted) to pending_review with the domain's test machine, inserts the result row
// (append-only; a retest names the row it replaces) and audits "result.record".
// Errors: review.test_not_found, review.test_final (the test's result is final or the
// test was cancelled), review.result_awaiting_review (a result is already under
// review), review.value (the value text does not parse), review.unit (unit differs
// from the line's), review.raw_message_required / review.raw_message_unknown (an
// instrument result without its message), store.conflict (If-Match), transition.*
// (the actor's roles may not enter results).
domain::Result<RecordedResult> record_result(store::Transaction& tx, const ResultEntry& entry, const Actor& actor,
                                             const AlreadyInTransaction& known = {});

std::string_view to_string(ResultSource source);

}  // namespace lims::workflow::review
