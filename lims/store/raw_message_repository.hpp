// Raw instrument messages, kept exactly as received, append-only, with their SHA-256: the
// same bytes from the same instrument again (a resend after a lost ACK) are one message.
// The ingest workflow stores every message here first; results and quarantine entries
// point at it so a reviewer can always see what the instrument really sent.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::store {

struct RawMessage {
    std::int64_t id = 0;
    std::optional<std::int64_t> instrument_id;
    std::string protocol;
    std::string received_at;  // UTC text
    std::string sha256;       // hex of bytes
    std::string bytes;
};

struct StoredRawMessage {
    std::int64_t id = 0;
    bool duplicate = false;  // already stored before: nothing was written
};

// hex(SHA-256(bytes)), lower case.
std::string sha256_hex(const std::string& bytes);

class RawMessageRepository {
public:
    explicit RawMessageRepository(Transaction& tx) : tx_(tx) {}

    // Inserts unless (instrument, SHA-256) is already stored; then returns the stored id
    // with duplicate = true. Errors: invalid_argument (empty protocol).
    StoreResult<StoredRawMessage> store(std::int64_t instrument_id, const std::string& protocol,
                                        const std::string& received_at_utc, const std::string& bytes);
    // The same with sha256_hex(bytes) worked out by the caller before its transaction (the
    // ingest path hashes outside the write lock). A wrong hash is a broken invariant.
    StoreResult<StoredRawMessage> store(std::int64_t instrument_id, const std::string& protocol,
                                        const std::string& received_at_utc, const std::string& bytes,
                                        const std::string& bytes_sha256_hex);
    StoreResult<RawMessage> get(std::int64_t id);
    // How many messages an instrument has stored (tests and the exactly-once checks count them).
    StoreResult<std::int64_t> count(std::optional<std::int64_t> instrument_id = std::nullopt);

private:
    Transaction& tx_;
};

}  // namespace lims::store
