#include "lims/store/organisation_repository.hpp"

#include "lims/domain/identifiers/region_code.hpp"
#include "lims/store/revisions.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr const char* select_columns =
    "SELECT id, code, name, kind, parent_id, region_code, path, active, version FROM organisations ";

using Row = Poco::Tuple<Poco::Int64, std::string, std::string, std::string, Poco::Nullable<Poco::Int64>, std::string,
                        std::string, int, Poco::Int64>;

domain::Organisation from_row(const Row& r) {
    domain::Organisation o;
    o.id = r.get<0>();
    o.code = r.get<1>();
    o.name = r.get<2>();
    o.kind = domain::organisation_kind_from(r.get<3>()).value_or(domain::OrganisationKind::bureau);
    if (!r.get<4>().isNull()) o.parent_id = r.get<4>().value();
    o.region_code = r.get<5>();
    o.path = r.get<6>();
    o.active = r.get<7>() != 0;
    o.version = r.get<8>();
    return o;
}

}  // namespace

std::string to_json(const domain::Organisation& o) {
    Poco::JSON::Object j;
    j.set("id", o.id);
    j.set("code", o.code);
    j.set("name", o.name);
    j.set("kind", std::string(domain::to_string(o.kind)));
    if (o.parent_id) j.set("parent_id", *o.parent_id);
    j.set("region_code", o.region_code);
    j.set("active", o.active);
    j.set("version", o.version);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

StoreResult<domain::Organisation> OrganisationRepository::create(const NewOrganisation& in, const std::string& actor) {
    if (in.code.empty() || in.name.empty())
        return store_error(StoreErrorKind::invalid_argument, "an organisation needs a code and a name");
    if (auto region = domain::RegionCode::parse(in.region_code); !region)
        return store_error(StoreErrorKind::invalid_argument,
                           "organisation " + in.code + ": " + region.error().message);
    std::string parent_path = "/";
    if (in.parent_id) {
        auto parent = get(*in.parent_id);
        if (!parent)
            return store_error(StoreErrorKind::invalid_argument,
                               "organisation " + in.code + ": parent organisation " +
                                   std::to_string(*in.parent_id) + " does not exist");
        parent_path = parent->path;
    }
    Poco::Int64 id = 0;
    const std::string kind(domain::to_string(in.kind));
    const std::string pending_path = "pending:" + in.code;  // unique until the id is known
    const std::string at = tx_.now_utc();
    Poco::Nullable<Poco::Int64> parent;
    if (in.parent_id) parent = *in.parent_id;
    tx_.session() << "INSERT INTO organisations (code, name, kind, parent_id, region_code, path, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        bind(in.code), bind(in.name), bind(kind), bind(parent), bind(in.region_code), bind(pending_path), bind(at),
        into(id), now;
    const std::string path = parent_path + std::to_string(id) + "/";
    tx_.session() << "UPDATE organisations SET path = $1 WHERE id = $2", bind(path), bind(id), now;

    auto created = get(id);
    if (!created) return created;
    const std::string json = to_json(*created);
    record_revision(tx_, {"organisation", id, 1, json, "created", actor, at});
    tx_.record({actor, "organisation.create", "organisation", in.code, "", json, ""});
    return created;
}

StoreResult<domain::Organisation> OrganisationRepository::load(const std::string& where, const std::string& key) {
    std::vector<Row> rows;
    tx_.session() << std::string(select_columns) + where, bind(key), into(rows), now;
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "organisation " + key + " does not exist");
    return from_row(rows.front());
}

StoreResult<domain::Organisation> OrganisationRepository::get(std::int64_t id) {
    std::vector<Row> rows;
    tx_.session() << std::string(select_columns) + "WHERE id = $1", bind(id), into(rows), now;
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "organisation " + std::to_string(id) + " does not exist");
    return from_row(rows.front());
}

StoreResult<domain::Organisation> OrganisationRepository::get_by_code(const std::string& code) {
    return load("WHERE code = $1", code);
}

StoreResult<domain::Organisation> OrganisationRepository::update(std::int64_t id, std::int64_t expected_version,
                                                                const std::string& name, bool active,
                                                                const std::string& actor) {
    if (name.empty()) return store_error(StoreErrorKind::invalid_argument, "an organisation needs a name");
    auto before = get(id);
    if (!before) return before;
    const std::string at = tx_.now_utc();
    const Poco::Int64 next = expected_version + 1;
    const int active_flag = active ? 1 : 0;
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE organisations SET name = $1, active = $2, version = $3, updated_at = $4 WHERE id = $5 AND "
              "version = $6",
        bind(name), bind(active_flag), bind(next), bind(at), bind(id), bind(expected_version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "organisation " + before->code + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(expected_version));
    auto after = get(id);
    if (!after) return after;
    const std::string json = to_json(*after);
    record_revision(tx_, {"organisation", id, next, json, "updated", actor, at});
    tx_.record({actor, "organisation.update", "organisation", after->code, to_json(*before), json, ""});
    return after;
}

StoreResult<std::vector<domain::Organisation>> OrganisationRepository::subtree(std::int64_t root_id) {
    auto root = get(root_id);
    if (!root) return root.error();
    std::vector<Row> rows;
    // Paths hold only digits and '/', so LIKE's wildcards cannot occur in the prefix.
    const std::string pattern = root->path + "%";
    tx_.session() << std::string(select_columns) + "WHERE path LIKE $1 ORDER BY path", bind(pattern), into(rows),
        now;
    std::vector<domain::Organisation> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(from_row(r));
    return out;
}

std::vector<domain::Organisation> OrganisationRepository::active_of_kind(domain::OrganisationKind kind,
                                                                         std::int64_t after_id, int limit) {
    std::vector<Row> rows;
    const std::string name(domain::to_string(kind));
    const Poco::Int64 after = after_id;
    const Poco::Int64 n = std::clamp(limit, 1, 501);
    tx_.session() << std::string(select_columns) + "WHERE kind = $1 AND active = 1 AND id > $2 ORDER BY id LIMIT $3",
        bind(name), bind(after), bind(n), into(rows), now;
    std::vector<domain::Organisation> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(from_row(r));
    return out;
}

}  // namespace lims::store
