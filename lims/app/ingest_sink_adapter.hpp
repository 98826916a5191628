// The in-process ingest sink: what `lims serve` hands its DriverHost so that drivers
// commit straight into the database through the ingest use cases (one transaction per
// message or readings batch), and acknowledge their device only after that commit.
// Header-only because lims/app is an executable: the integration tests and the benchmark
// use the same adapter the service runs.
#pragma once

#include "drivers/ingest_sink.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/ingest_readings.hpp"
#include "lims/workflow/ingest/termination.hpp"

#include <memory>
#include <string>
#include <utility>

namespace lims::app {

class InProcessIngestSink : public drivers::IngestSink {
public:
    explicit InProcessIngestSink(std::shared_ptr<store::Database> database, std::string actor = "system:ingest")
        : database_(std::move(database)), actor_(std::move(actor)) {}

    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& message) override {
        workflow::ingest::IncomingMessage incoming;
        incoming.instrument_code = message.instrument_code;
        incoming.protocol = message.protocol;
        incoming.raw = message.raw;
        incoming.received_at = message.received_at;
        incoming.observations = message.observations;
        incoming.terminated_normally = workflow::ingest::terminated_normally(message.protocol, message.raw);
        auto receipt = workflow::ingest::ingest_message(*database_, incoming, actor_);
        if (!receipt) return failure(receipt.error());
        return drivers::CommitReceipt{receipt->accepted, receipt->duplicates, receipt->quarantined};
    }

    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& readings) override {
        std::vector<workflow::ingest::IncomingReading> incoming;
        incoming.reserve(readings.size());
        for (const auto& r : readings) incoming.push_back({r.logger_code, r.at_utc_seconds, r.centi_celsius});
        auto receipt = workflow::ingest::ingest_readings(*database_, incoming, actor_);
        if (!receipt) return failure(receipt.error());
        return drivers::CommitReceipt{receipt->accepted, receipt->duplicates, 0};
    }

    // Nothing was written for any failure. The store's own failures (busy, unreachable,
    // any database error) are worth a resend; a message the registry does not know, or
    // that names no instrument, is refused so that the device is told at once.
    static drivers::CommitFailure failure(const domain::Error& error) {
        const bool refused = error.code == workflow::ingest::kUnknownInstrument ||
                             error.code == workflow::ingest::kBadMessage || error.code == "ingest.unknown_logger" ||
                             error.code == "ingest.bad_reading";
        return drivers::CommitFailure{error.code, error.message, !refused};
    }

private:
    std::shared_ptr<store::Database> database_;
    std::string actor_;
};

}  // namespace lims::app
