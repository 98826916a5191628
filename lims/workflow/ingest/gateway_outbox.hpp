// The gateway's durable outbox: a local SQLite file where `lims gateway` commits what its
// drivers decoded (the device is ACKed only after the row is fsync'd), and from which the
// forwarder (gateway_forwarder.hpp) posts batches to the service. Rows are never deleted
// by delivery, only marked, so an operator can see what was sent, when, and what the
// service said. The same message twice (same instrument and bytes) is one row.
#pragma once

#include "drivers/ingest_sink.hpp"
#include "lims/domain/result.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace lims::workflow::ingest {

enum class OutboxKind { message, readings };

struct OutboxRow {
    std::int64_t id = 0;
    OutboxKind kind = OutboxKind::message;
    std::string body;  // JSON: one message as the ingest API takes it, or {"readings": [...]}
    std::size_t items = 0;  // observations of the message, or readings
    std::int64_t replays = 0;  // times it was refused and sent again (`lims gateway replay`)
};

// A row the service refused (an instrument or logger it does not know, or no longer
// takes): kept until someone fixes the cause and replays it.
struct RefusedRow {
    std::int64_t id = 0;
    OutboxKind kind = OutboxKind::message;
    std::size_t items = 0;
    std::string reason;      // what the service said
    std::string refused_at;  // UTC
    std::int64_t replays = 0;
};

struct OutboxCounts {
    std::int64_t pending = 0;
    std::int64_t delivered = 0;
    std::int64_t rejected = 0;  // the service refused the batch as malformed (kept, not re-sent)
    std::int64_t refused = 0;   // the service refused these messages or readings (kept, replayable)
};

class GatewayOutbox {
public:
    // Creates the file and its schema when new. Errors: gateway.outbox (names the path
    // and SQLite's message).
    static domain::Result<std::unique_ptr<GatewayOutbox>> open(const std::string& path);
    ~GatewayOutbox();
    GatewayOutbox(const GatewayOutbox&) = delete;
    GatewayOutbox& operator=(const GatewayOutbox&) = delete;

    // Durable when this returns (WAL, synchronous=FULL). True when the same message was
    // already in the outbox (nothing written).
    domain::Result<bool> enqueue_message(const drivers::InstrumentMessage& message);
    domain::Status enqueue_readings(const std::vector<drivers::LoggerReading>& readings);

    // The oldest pending rows of one kind, at most `max_rows` rows and (for readings)
    // stopping before `max_items` items would be exceeded (at least one row).
    domain::Result<std::vector<OutboxRow>> pending(OutboxKind kind, std::size_t max_rows, std::size_t max_items);
    domain::Status mark_delivered(const std::vector<std::int64_t>& ids, const std::string& note);
    domain::Status mark_rejected(const std::vector<std::int64_t>& ids, const std::string& reason);
    domain::Status mark_refused(const std::vector<std::int64_t>& ids, const std::string& reason);
    domain::Result<OutboxCounts> counts();
    // The refused rows, oldest first.
    domain::Result<std::vector<RefusedRow>> refused(std::size_t max_rows);
    // Puts refused rows back to pending (all of them when `ids` is empty), counting each
    // replay; returns how many. Safe while a gateway runs on the same file.
    domain::Result<std::size_t> replay_refused(const std::vector<std::int64_t>& ids);

    // A random id made when the outbox was created; part of every idempotency key, so two
    // gateways posting with one service account never share a key.
    const std::string& gateway_id() const { return gateway_id_; }

private:
    GatewayOutbox(sqlite3* db, std::string path);
    // Creates the tables, or brings an older file's layout up to date, in one transaction.
    domain::Status upgrade();
    domain::Status exec(const std::string& sql);
    domain::Error error(const std::string& what) const;
    domain::Status mark(const std::vector<std::int64_t>& ids, const std::string& state, const std::string& note);

    std::mutex mutex_;
    sqlite3* db_ = nullptr;
    std::string path_;
    std::string gateway_id_;
};

// drivers::IngestSink over the outbox: commit = the row is durable. A failure to write is
// retryable (the device resends later); nothing is refused here, the service decides.
class OutboxSink : public drivers::IngestSink {
public:
    // `committed` runs after each durable commit (the gateway wakes its forwarder).
    explicit OutboxSink(GatewayOutbox& outbox, std::function<void()> committed = {})
        : outbox_(outbox), committed_(std::move(committed)) {}
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& message) override;
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& readings) override;

private:
    GatewayOutbox& outbox_;
    std::function<void()> committed_;
};

// The JSON the ingest API takes for one message (POST /api/v1/ingest/observations, one
// element of "messages").
std::string message_json(const drivers::InstrumentMessage& message);

}  // namespace lims::workflow::ingest
