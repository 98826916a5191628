#include "lims/workflow/ingest/ingest_readings.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"

#include <Poco/JSON/Object.h>

#include <map>
#include <sstream>

namespace lims::workflow::ingest {

domain::Result<ReadingsReceipt> ingest_readings_in(store::Transaction& tx, const std::vector<IncomingReading>& in,
                                                   const std::string& actor) {
    store::ReadingRepository repository(tx);
    std::map<std::string, std::int64_t> logger_ids;
    std::vector<domain::Reading> rows;
    rows.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto& r = in[i];
        if (r.logger_serial.empty())
            return domain::make_error("ingest.bad_reading", "reading " + std::to_string(i) + " names no logger");
        if (r.at_utc < 0)
            return domain::make_error("ingest.bad_reading", "reading " + std::to_string(i) + " of logger " +
                                                                r.logger_serial + " has a time before 1970");
        auto known = logger_ids.find(r.logger_serial);
        if (known == logger_ids.end()) {
            auto logger = repository.find_logger(r.logger_serial);
            if (!logger) {
                if (store::kind_of(logger.error()) == store::StoreErrorKind::not_found)
                    return domain::make_error("ingest.unknown_logger",
                                              "logger " + r.logger_serial + " is not registered; batch refused");
                return logger.error();
            }
            known = logger_ids.emplace(r.logger_serial, logger->id).first;
        }
        domain::Reading row;
        row.logger_id = known->second;
        row.at_utc = r.at_utc;
        row.centi_celsius = r.centi_celsius.value_or(0);
        row.flags = r.centi_celsius ? 0 : kSensorFaultFlag;
        rows.push_back(row);
    }
    ReadingsReceipt receipt;
    if (rows.empty()) return receipt;
    auto outcome = repository.insert(rows);
    if (!outcome) return outcome.error();
    receipt.accepted = outcome->inserted;
    receipt.duplicates = outcome->duplicates;
    // One audit entry per batch: readings are facts in an append-only table, and a line per
    // reading would make the trail larger than the readings themselves.
    Poco::JSON::Object after;
    after.set("readings", static_cast<Poco::UInt64>(rows.size()));
    after.set("inserted", static_cast<Poco::UInt64>(receipt.accepted));
    after.set("duplicates", static_cast<Poco::UInt64>(receipt.duplicates));
    after.set("loggers", static_cast<Poco::UInt64>(logger_ids.size()));
    std::ostringstream s;
    after.stringify(s);
    tx.record({actor, "readings.ingest", "reading_batch", tx.now_utc(), "", s.str(), ""});
    return receipt;
}

domain::Result<ReadingsReceipt> ingest_readings(store::Database& db, const std::vector<IncomingReading>& readings,
                                                const std::string& actor) {
    auto outcome = db.write([&](store::Transaction& tx) { return ingest_readings_in(tx, readings, actor); });
    if (!outcome && outcome.error().code.rfind("store.", 0) == 0) return ingest_store_error(outcome.error());
    return outcome;
}

}  // namespace lims::workflow::ingest
