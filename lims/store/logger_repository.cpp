#include "lims/store/logger_repository.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using LoggerTuple = Poco::Tuple<Poco::Int64, std::string, std::string, Poco::Int64, Poco::Int64>;

domain::Logger from_tuple(const LoggerTuple& r) { return {r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>()}; }

}  // namespace

std::string to_json(const domain::Logger& l) {
    Poco::JSON::Object j;
    j.set("id", l.id);
    j.set("serial", l.serial);
    j.set("model", l.model);
    j.set("org_id", l.org_id);
    j.set("version", l.version);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

StoreResult<domain::Logger> LoggerRepository::get(std::int64_t id) {
    std::vector<LoggerTuple> rows;
    Poco::Int64 key = id;
    tx_.session() << "SELECT id, serial, model, org_id, version FROM loggers WHERE id = $1", bind(key), into(rows), now;
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "logger " + std::to_string(id) + " does not exist");
    return from_tuple(rows.front());
}

StoreResult<std::vector<domain::Logger>> LoggerRepository::list(const std::string& org_path_prefix,
                                                                 std::int64_t after_id, int limit) {
    if (limit < 1 || limit > max_page_size + 1)
        return store_error(StoreErrorKind::invalid_argument, "logger page size must be 1 to " +
                                                                 std::to_string(max_page_size));
    std::vector<LoggerTuple> rows;
    const std::string prefix = org_path_prefix + "%";
    Poco::Int64 after = after_id;
    tx_.session() << "SELECT l.id, l.serial, l.model, l.org_id, l.version FROM loggers l "
                     "JOIN organisations o ON o.id = l.org_id WHERE o.path LIKE $1 AND l.id > $2 ORDER BY l.id LIMIT $3",
        bind(prefix), bind(after), bind(limit), into(rows), now;
    std::vector<domain::Logger> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(from_tuple(r));
    return out;
}

StoreResult<domain::Logger> LoggerRepository::update(std::int64_t id, std::int64_t expected_version,
                                                     const std::string& model, std::int64_t org_id,
                                                     const std::string& actor) {
    auto before = get(id);
    if (!before) return before.error();
    if (before->version != expected_version)
        return store_error(StoreErrorKind::conflict, "logger " + before->serial + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(expected_version));
    if (model.size() > kMaxLoggerModel)
        return store_error(StoreErrorKind::invalid_argument, "logger " + before->serial + ": model is longer than " +
                                                                 std::to_string(kMaxLoggerModel) + " bytes");
    int orgs = 0;
    Poco::Int64 org = org_id;
    tx_.session() << "SELECT count(*) FROM organisations WHERE id = $1", bind(org), into(orgs), now;
    if (orgs == 0)
        return store_error(StoreErrorKind::invalid_argument,
                           "logger " + before->serial + ": organisation " + std::to_string(org_id) + " does not exist");
    const std::string at = tx_.now_utc();
    Poco::Int64 key = id, version = expected_version;
    Poco::Data::Statement st(tx_.session());
    st << "UPDATE loggers SET model = $1, org_id = $2, updated_at = $3, version = version + 1 "
          "WHERE id = $4 AND version = $5",
        bind(model), bind(org), bind(at), bind(key), bind(version);
    if (st.execute() != 1)
        return store_error(StoreErrorKind::conflict, "logger " + before->serial + " was changed meanwhile");
    auto after = get(id);
    if (after) tx_.record({actor, "logger.update", "logger", before->serial, to_json(*before), to_json(*after), ""});
    return after;
}

}  // namespace lims::store
