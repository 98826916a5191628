#include "lims/store/revisions.hpp"

using namespace Poco::Data::Keywords;

namespace lims::store {

void record_revision(Transaction& tx, const Revision& r) {
    tx.session() << "INSERT INTO revisions (entity_type, entity_id, version, data_json, reason, actor, at_utc) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        bind(r.entity_type), bind(r.entity_id), bind(r.version), bind(r.data_json), bind(r.reason), bind(r.actor),
        bind(r.at_utc), now;
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
