// The in-process ingest sink: what `lims serve` hands its DriverHost so that drivers
// commit straight into the database through the ingest use cases (one transaction per
// message or readings batch), and acknowledge their device only after that commit.
// Header-only because lims/app is an executable: the integration tests and the benchmark
// use the same adapter the service runs.
#pragma once

#include "drivers/ingest_sink.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/ingest/termination.hpp"
#include "lims/workflow/ingest/worklist.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

namespace lims::app {

class InProcessIngestSink : public drivers::IngestSink {
public:
    // `calendar` lets cold-chain breaks open case leads (their clock counts working days).
    explicit InProcessIngestSink(std::shared_ptr<store::Database> database, std::string actor = "system:ingest",
                                 const domain::WorkingCalendar* calendar = nullptr)
        : database_(std::move(database)), actor_(std::move(actor)), calendar_(calendar) {}

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

    // Readings take the cold chain's one entry point (stored once, run through the
    // logger's excursion detector in the same transaction). Per-reading refusals are in
    // its report, kept there with their reasons; only a store failure fails the batch.
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& readings) override {
        std::vector<workflow::coldchain::IncomingReading> incoming;
        incoming.reserve(readings.size());
        for (const auto& r : readings) incoming.push_back({r.logger_code, r.at_utc_seconds, r.centi_celsius, std::nullopt});
        workflow::coldchain::ColdChainOptions options;
        options.actor = actor_;
        options.calendar = calendar_;
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        auto report = workflow::coldchain::ingest_readings(*database_, incoming, now, options);
        if (!report) return failure(workflow::ingest::ingest_store_error(report.error()));
        return drivers::CommitReceipt{report->stored, report->duplicates, 0};
    }

    // A host query: the orders from the database (read-only; the query message itself was
    // committed by commit_message first). Specimens without orders are left out: the
    // analyzer is told "no information" for them.
    drivers::QueryOutcome query_orders(const drivers::OrderQuery& query) override {
        auto worklist = workflow::ingest::find_orders(*database_, query.instrument_code, query.specimen_ids);
        if (!worklist) return failure(worklist.error());
        drivers::OrdersAnswer answer;
        for (auto& o : worklist->orders) answer.orders.push_back({std::move(o.specimen_id), std::move(o.instrument_test_codes)});
        return answer;
    }

    // Nothing was written for any failure. The store's own failures (busy, unreachable,
    // any database error) are worth a resend; a message the registry does not know, or
    // that names no instrument, is refused so that the device is told at once.
    static drivers::CommitFailure failure(const domain::Error& error) {
        const bool refused = error.code == workflow::ingest::kUnknownInstrument ||
                             error.code == workflow::ingest::kBadMessage;
        return drivers::CommitFailure{error.code, error.message, !refused};
    }

private:
    std::shared_ptr<store::Database> database_;
    std::string actor_;
    const domain::WorkingCalendar* calendar_ = nullptr;
};

}  // namespace lims::app
