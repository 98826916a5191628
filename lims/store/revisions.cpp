#include "lims/store/revisions.hpp"

#include "lims/store/sql.hpp"

using namespace Poco::Data::Keywords;

namespace lims::store {

void record_revision(Transaction& tx, const Revision& r) {
    sql(tx,
        "INSERT INTO revisions (entity_type, entity_id, version, data_json, reason, actor, at_utc) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {r.entity_type, r.entity_id, r.version, r.data_json, r.reason, r.actor, r.at_utc});
}

std::vector<Revision> revisions_of(Transaction& tx, const std::string& entity_type, std::int64_t entity_id) {
    std::vector<Poco::Int64> version;
    std::vector<std::string> data, reason, actor, at;
    tx.session() << "SELECT version, data_json, reason, actor, at_utc FROM revisions WHERE entity_type = $1 AND "
                    "entity_id = $2 ORDER BY version",
        bind(entity_type), bind(entity_id), into(version), into(data), into(reason), into(actor), into(at), now;
    std::vector<Revision> out;
    for (std::size_t i = 0; i < version.size(); ++i)
        out.push_back({entity_type, entity_id, version[i], data[i], reason[i], actor[i], at[i]});
    return out;
}

}  // namespace lims::store
