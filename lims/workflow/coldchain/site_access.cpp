#include "lims/workflow/coldchain/site_access.hpp"

#include <Poco/Data/Session.h>

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

domain::Result<Subtree> Subtree::of(store::Transaction& tx, const Actor& caller) {
    Subtree s;
    if (caller.org_path.empty()) return s;  // a caller without an organisation sees nothing
    std::vector<Poco::Int64> ids;
    const std::string prefix = caller.org_path + "%";
    tx.session() << "SELECT id FROM organisations WHERE path LIKE $1", bind(prefix), into(ids), now;
    s.ids_.assign(ids.begin(), ids.end());
    std::sort(s.ids_.begin(), s.ids_.end());
    return s;
}

bool Subtree::contains(std::int64_t org_id) const { return std::binary_search(ids_.begin(), ids_.end(), org_id); }

domain::Error not_visible(std::string_view what, std::int64_t id) {
    return domain::errors::not_found("coldchain.not_found", "There is no " + std::string(what) + " " + std::to_string(id) + ".");
}

domain::Result<std::optional<std::int64_t>> logger_org(store::Transaction& tx, std::int64_t logger_id) {
    std::vector<Poco::Int64> org;
    tx.session() << "SELECT org_id FROM loggers WHERE id = $1", bind(logger_id), into(org), now;
    if (org.empty()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>(org.front());
}

domain::Result<std::optional<ShipmentParties>> shipment_parties(store::Transaction& tx, std::int64_t shipment_id) {
    std::vector<Poco::Int64> from, to;
    tx.session() << "SELECT from_org_id, to_org_id FROM shipments WHERE id = $1", bind(shipment_id), into(from), into(to),
        now;
    if (from.empty()) return std::optional<ShipmentParties>{};
    return std::optional<ShipmentParties>(ShipmentParties{from.front(), to.front()});
}

}  // namespace lims::workflow::coldchain
