#include "lims/store/reading_repository.hpp"

#include "lims/store/sql.hpp"

#include <Poco/Data/Statement.h>

#include <algorithm>
#include <set>

using namespace Poco::Data::Keywords;

namespace lims::store {

StoreResult<domain::Logger> ReadingRepository::create_logger(const std::string& serial, const std::string& model,
                                                             std::int64_t org_id, const std::string& actor) {
    if (serial.empty()) return store_error(StoreErrorKind::invalid_argument, "a logger needs a serial number");
    int org_exists = 0;
    tx_.session() << "SELECT count(*) FROM organisations WHERE id = $1", bind(org_id), into(org_exists), now;
    if (!org_exists)
        return store_error(StoreErrorKind::invalid_argument,
                           "logger " + serial + ": organisation " + std::to_string(org_id) + " does not exist");
    if (find_logger(serial).ok())
        return store_error(StoreErrorKind::conflict, "logger " + serial + " is already registered");
    const std::string at = tx_.now_utc();
    tx_.session() << "INSERT INTO loggers (serial, model, org_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
        bind(serial), bind(model), bind(org_id), bind(at), now;
    auto logger = find_logger(serial);
    if (logger)
        tx_.record({actor, "logger.create", "logger", serial, "",
                    "{\"id\":" + std::to_string(logger->id) + ",\"org_id\":" + std::to_string(org_id) + "}", ""});
    return logger;
}

StoreResult<domain::Logger> ReadingRepository::find_logger(const std::string& serial) {
    std::vector<Poco::Tuple<Poco::Int64, std::string, std::string, Poco::Int64, Poco::Int64>> rows;
    tx_.session() << "SELECT id, serial, model, org_id, version FROM loggers WHERE serial = $1", bind(serial),
        into(rows), now;
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "logger " + serial + " is not registered");
    const auto& r = rows.front();
    return domain::Logger{r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>()};
}

StoreResult<ReadingBatchOutcome> ReadingRepository::insert(const std::vector<domain::Reading>& readings) {
    ReadingBatchOutcome outcome;
    if (readings.empty()) return outcome;

    if (tx_.dialect() == Dialect::sqlite) return insert_bound(readings);

    std::set<std::int64_t> loggers;
    for (const auto& r : readings) loggers.insert(r.logger_id);
    std::string ids;
    for (auto id : loggers) {
        if (!ids.empty()) ids += ',';
        ids += std::to_string(id);
    }
    std::vector<Poco::Int64> known;
    tx_.session() << "SELECT id FROM loggers WHERE id IN (" + ids + ")", into(known), now;
    if (known.size() != loggers.size()) {
        for (auto id : loggers)
            if (std::find(known.begin(), known.end(), id) == known.end())
                return store_error(StoreErrorKind::invalid_argument,
                                   "reading batch refused: logger " + std::to_string(id) + " is not registered");
    }

    // Every value is an integer, so the rows are written as literals: one statement per
    // rows_per_statement readings instead of one round trip each (bulk binding in Poco's
    // PostgreSQL connector executes per row).
    std::string sql;
    sql.reserve(64 + rows_per_statement * 40);
    for (std::size_t start = 0; start < readings.size(); start += rows_per_statement) {
        const std::size_t end = std::min(readings.size(), start + rows_per_statement);
        sql = "INSERT INTO readings (logger_id, at_utc, centi_celsius, flags) VALUES ";
        for (std::size_t i = start; i < end; ++i) {
            const auto& r = readings[i];
            if (i > start) sql += ',';
            sql += '(';
            sql += std::to_string(r.logger_id);
            sql += ',';
            sql += std::to_string(r.at_utc);
            sql += ',';
            sql += std::to_string(r.centi_celsius);
            sql += ',';
            sql += std::to_string(r.flags);
            sql += ')';
        }
        sql += " ON CONFLICT (logger_id, at_utc) DO NOTHING";
        Poco::Data::Statement st(tx_.session());
        st << sql;
        const std::size_t inserted = st.execute();
        outcome.inserted += inserted;
        outcome.duplicates += (end - start) - inserted;
    }
    return outcome;
}

// SQLite: the rows are bound to statements compiled once per connection (sql()), 64 rows a
// statement and the tail in eights and ones, so no batch is parsed as SQL text again; a
// batch of one logger in time order is appended in the table's key order.
StoreResult<ReadingBatchOutcome> ReadingRepository::insert_bound(const std::vector<domain::Reading>& readings) {
    ReadingBatchOutcome outcome;
    std::set<std::int64_t> loggers;
    for (const auto& r : readings) loggers.insert(r.logger_id);
    for (auto id : loggers)
        if (sql(tx_, "SELECT 1 FROM loggers WHERE id = $1", {id}).rows.empty())
            return store_error(StoreErrorKind::invalid_argument,
                               "reading batch refused: logger " + std::to_string(id) + " is not registered");
    static constexpr std::size_t kChunks[] = {64, 8, 1};
    static const std::string kStatements[] = {
        "INSERT INTO readings (logger_id, at_utc, centi_celsius, flags) VALUES " + sql_value_rows(64, 4) +
            " ON CONFLICT (logger_id, at_utc) DO NOTHING",
        "INSERT INTO readings (logger_id, at_utc, centi_celsius, flags) VALUES " + sql_value_rows(8, 4) +
            " ON CONFLICT (logger_id, at_utc) DO NOTHING",
        "INSERT INTO readings (logger_id, at_utc, centi_celsius, flags) VALUES " + sql_value_rows(1, 4) +
            " ON CONFLICT (logger_id, at_utc) DO NOTHING"};
    std::vector<SqlParam> params;
    params.reserve(64 * 4);
    std::size_t start = 0;
    for (std::size_t k = 0; k < std::size(kChunks); ++k) {
        const std::size_t rows = kChunks[k];
        for (; readings.size() - start >= rows; start += rows) {
            params.clear();
            for (std::size_t i = start; i < start + rows; ++i) {
                const auto& r = readings[i];
                params.emplace_back(r.logger_id);
                params.emplace_back(r.at_utc);
                params.emplace_back(static_cast<std::int64_t>(r.centi_celsius));
                params.emplace_back(static_cast<std::int64_t>(r.flags));
            }
            const auto inserted = static_cast<std::size_t>(sql(tx_, kStatements[k], params).changed);
            outcome.inserted += inserted;
            outcome.duplicates += rows - inserted;
        }
    }
    return outcome;
}

StoreResult<std::vector<domain::Reading>> ReadingRepository::range(std::int64_t logger_id, std::int64_t from_utc,
                                                                   std::int64_t to_utc) {
    std::vector<Poco::Int64> at;
    std::vector<int> centi, flags;
    tx_.session() << "SELECT at_utc, centi_celsius, flags FROM readings WHERE logger_id = $1 AND at_utc >= $2 AND "
                     "at_utc < $3 ORDER BY at_utc",
        bind(logger_id), bind(from_utc), bind(to_utc), into(at), into(centi), into(flags), now;
    std::vector<domain::Reading> out(at.size());
    for (std::size_t i = 0; i < at.size(); ++i) out[i] = {logger_id, at[i], centi[i], flags[i]};
    return out;
}

}  // namespace lims::store
