// The in-process ingest use case: one instrument message, one transaction. The raw bytes
// are stored first (append-only, SHA-256; the same bytes again are a duplicate and nothing
// new is written), then each observation is matched (specimen -> sample, instrument code
// -> test via the mapping, unit converted exactly) and recorded as a pending-review
// result, or put in quarantine with the reason. Called by the in-process sink adapter
// (lims/app) and the POST /api/v1/ingest/observations route.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"
#include "protocols/observation.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lims::workflow::ingest {

struct IncomingMessage {
    std::string instrument_code;
    std::string protocol;  // astm, hl7, sics, csv
    std::string raw;       // the bytes as received
    std::chrono::system_clock::time_point received_at;
    std::vector<protocols::Observation> observations;
    // False when the sender ended the message abnormally (ASTM L.3 other than N/F, an
    // aborted transfer): everything in it goes to quarantine for a person to judge.
    bool terminated_normally = true;
};

struct IngestReceipt {
    std::int64_t raw_message_id = 0;
    bool duplicate = false;     // the message was stored before; nothing was written now
    std::size_t accepted = 0;   // observations recorded as results
    std::size_t quarantined = 0;
    std::size_t duplicates = 0;  // observations of a duplicate message
    std::vector<std::int64_t> result_ids;
    std::vector<std::int64_t> quarantine_ids;
};

// Codes of the errors ingest_message returns (nothing was written for any of them):
inline constexpr const char* kUnknownInstrument = "ingest.unknown_instrument";  // not registered or inactive
inline constexpr const char* kUnavailable = "ingest.unavailable";  // store busy or unreachable: retry later
inline constexpr const char* kStoreFailed = "ingest.store_failed";  // any other store failure
inline constexpr const char* kBadMessage = "ingest.bad_message";   // empty protocol or instrument code

// `actor` is what the audit trail shows ("system:ingest", a gateway's service user).
domain::Result<IngestReceipt> ingest_message(store::Database& db, const IncomingMessage& message,
                                             const std::string& actor);

// The same for a gateway's ingest token: only an instrument of the token's organisation's
// subtree is taken (jurisdiction::holds_instrument); another's is refused as
// kUnknownInstrument with the words of an unregistered one, and nothing is written.
domain::Result<IngestReceipt> ingest_message(store::Database& db, const IncomingMessage& message, const Actor& gateway);

// The same inside the caller's transaction (several messages in one API batch commit together).
domain::Result<IngestReceipt> ingest_message_in(store::Transaction& tx, const IncomingMessage& message,
                                                const std::string& actor);

// Maps a store error to kUnavailable (busy, unavailable) or kStoreFailed, keeping its words.
domain::Error ingest_store_error(const domain::Error& store_error);
bool is_retryable(const domain::Error& ingest_error);

}  // namespace lims::workflow::ingest
