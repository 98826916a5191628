#include "lims/workflow/coldchain/polling_status.hpp"

#include <Poco/Data/Session.h>

#include <optional>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace {

domain::Result<std::optional<std::int64_t>> last_reading(store::Transaction& tx, std::int64_t logger_id) {
    std::vector<Poco::Int64> at;
    tx.session() << "SELECT max(at_utc) FROM readings WHERE logger_id = $1 HAVING count(*) > 0", bind(logger_id), into(at),
        now;
    if (at.empty()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(at.front());
}

bool arriving(const std::optional<std::int64_t>& last, const store::LoggerPolling& p, std::int64_t now_utc) {
    return last && now_utc - *last <= 2 * static_cast<std::int64_t>(p.fields.interval_seconds) + kPollingGraceSeconds;
}

std::string not_polled_message(const store::LoggerPolling& p, const std::optional<std::int64_t>& last) {
    return "logger " + p.serial_number + ": polling is set, but this service runs no drivers (lims.drivers.enabled is "
           "false) and no gateway delivers its readings (" +
           (last ? "the last one is at " + std::to_string(*last) + " UTC seconds" : std::string("none has arrived")) +
           "): nothing polls it. Enable the drivers, or run `lims gateway` with this logger in its registry.";
}

}  // namespace

domain::Result<std::vector<PollingWarning>> polling_warnings(store::Database& db, const store::LoggerPolling& polling,
                                                             bool drivers_running, std::int64_t now_utc) {
    using Warnings = std::vector<PollingWarning>;
    if (drivers_running || !polling.fields.active) return Warnings{};
    return db.read([&](store::Transaction& tx) -> domain::Result<Warnings> {
        auto last = last_reading(tx, polling.logger_id);
        if (!last) return last.error();
        if (arriving(*last, polling, now_utc)) return Warnings{};
        return Warnings{{"coldchain.polling.not_polled", not_polled_message(polling, *last)}};
    });
}

domain::Result<std::vector<std::string>> unserved_pollings(store::Database& db, bool drivers_running,
                                                           std::int64_t now_utc) {
    using Serials = std::vector<std::string>;
    if (drivers_running) return Serials{};
    return db.read([&](store::Transaction& tx) -> domain::Result<Serials> {
        auto active = store::LoggerPollingRepository(tx).active();
        if (!active) return active.error();
        Serials out;
        for (const auto& p : *active) {
            auto last = last_reading(tx, p.logger_id);
            if (!last) return last.error();
            if (!arriving(*last, p, now_utc)) out.push_back(p.serial_number);
        }
        return out;
    });
}

}  // namespace lims::workflow::coldchain
