#include "lims/workflow/jurisdiction.hpp"

#include "lims/store/sql.hpp"

namespace lims::workflow::jurisdiction {

namespace {

// Whether any row's first column (an organisation path) lies in the actor's subtree; false
// when there is no row.
domain::Result<bool> covered_by_first_row(store::Transaction& tx, const Actor& actor, std::string_view query,
                                          std::initializer_list<store::SqlParam> params) {
    if (actor.org_path.empty()) return false;
    auto found = store::sql(tx, query, params);
    for (const auto& row : found.rows)
        if (covers(actor, row.text(0))) return true;
    return false;
}

}  // namespace

bool covers(const std::string& actor_path, const std::string& record_path) {
    // Whole segments only: "/1/4/" covers "/1/4/9/" but not "/1/40/".
    if (actor_path.empty() || actor_path.front() != '/' || actor_path.back() != '/') return false;
    return record_path.size() >= actor_path.size() && record_path.compare(0, actor_path.size(), actor_path) == 0;
}

domain::Result<bool> holds_organisation(store::Transaction& tx, const Actor& actor, std::int64_t org_id) {
    return covered_by_first_row(tx, actor, "SELECT path FROM organisations WHERE id = $1", {org_id});
}

domain::Result<bool> holds_instrument(store::Transaction& tx, const Actor& actor, const std::string& code) {
    return covered_by_first_row(
        tx, actor, "SELECT o.path FROM instruments i JOIN organisations o ON o.id = i.org_id WHERE i.code = $1", {code});
}

domain::Result<bool> holds_logger(store::Transaction& tx, const Actor& actor, const std::string& serial) {
    auto own = covered_by_first_row(
        tx, actor, "SELECT o.path FROM loggers l JOIN organisations o ON o.id = l.org_id WHERE l.serial = $1", {serial});
    if (!own || *own) return own;
    // A trip logger travels with its shipment: the destination's gateway reads it on arrival.
    return covered_by_first_row(tx, actor,
                                "SELECT o.path FROM loggers l JOIN logger_placements p ON p.logger_id = l.id "
                                "JOIN shipments s ON s.id = p.shipment_id JOIN organisations o ON o.id = s.to_org_id "
                                "WHERE l.serial = $1 AND p.to_utc IS NULL",
                                {serial});
}

domain::Error body_id_refused(const std::string& field, const std::string& what, std::int64_t id) {
    return domain::errors::invalid(field, field + ".not_in_jurisdiction",
                                   "there is no " + what + " " + std::to_string(id) + " in your jurisdiction");
}

}  // namespace lims::workflow::jurisdiction
