#include "lims/workflow/coldchain/contacts.hpp"

#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace {

namespace errors = domain::errors;
using NInt = Poco::Nullable<Poco::Int64>;

std::vector<UnitContact> select(store::Transaction& tx, const std::string& where) {
    Poco::Data::Statement st(tx.session());
    st << "SELECT id, org_id, entity_id, name, user_id, email, phone, escalation_level, active, replaces_id, ended_at, "
          "ended_by, created_at FROM coldchain_contacts " +
              where;
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<UnitContact> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        auto i64 = [&](std::size_t c) { return static_cast<std::int64_t>(rs.value(c).convert<Poco::Int64>()); };
        auto oi64 = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::int64_t>(i64(c)); };
        auto str = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::string() : rs.value(c).convert<std::string>(); };
        UnitContact c;
        c.id = i64(0);
        c.org_id = i64(1);
        c.entity_id = oi64(2);
        c.name = str(3);
        c.user_id = oi64(4);
        c.email = str(5);
        c.phone = str(6);
        c.escalation_level = static_cast<int>(i64(7));
        c.active = i64(8) != 0;
        c.replaces_id = oi64(9);
        if (!rs.value(10).isEmpty()) c.ended_at = str(10);
        c.ended_by = str(11);
        c.created_at = str(12);
        out.push_back(std::move(c));
    }
    return out;
}

std::string entity_clause(const std::optional<std::int64_t>& entity) {
    return entity ? "(entity_id IS NULL OR entity_id = " + std::to_string(*entity) + ")" : "entity_id IS NULL";
}

// The contact named in the path, active, in the caller's subtree.
domain::Result<UnitContact> active_contact(store::Transaction& tx, const Actor& actor, std::int64_t id) {
    auto missing = errors::not_found("coldchain.contact.not_found", "There is no contact " + std::to_string(id) + ".");
    auto found = select(tx, "WHERE id = " + std::to_string(id));
    if (found.empty()) return missing;
    auto held = jurisdiction::holds_organisation(tx, actor, found.front().org_id);
    if (!held) return held.error();
    if (!*held) return missing;
    if (!found.front().active)
        return errors::conflict("coldchain.contact.ended", "contact " + std::to_string(id) + " (" + found.front().name +
                                                               ") was already changed or removed");
    return found.front();
}

// After the change (inside its transaction): every place of this organisation where a
// logger is placed now — storage units the contact serves, and the organisation's
// shipments travelling with a logger — still reaches kMinDesignatedContacts first-level contacts.
domain::Result<bool> rule_kept(store::Transaction& tx, const UnitContact& contact) {
    const std::string org = std::to_string(contact.org_id);
    Poco::Data::Statement st(tx.session());
    st << "SELECT u.code, u.entity_id FROM storage_units u JOIN logger_placements p ON p.storage_unit_id = u.id "
          "AND p.to_utc IS NULL WHERE u.org_id = " + org +
              (contact.entity_id ? " AND u.entity_id = " + std::to_string(*contact.entity_id) : std::string()) +
              " UNION ALL SELECT s.number, CAST(NULL AS BIGINT) FROM shipments s JOIN logger_placements p ON "
              "p.shipment_id = s.id AND p.to_utc IS NULL WHERE s.from_org_id = " + org +
              (contact.entity_id ? " AND 1 = 0" : std::string());
    st.execute();
    Poco::Data::RecordSet rs(st);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        const std::string place = rs.value(0).convert<std::string>();
        std::optional<std::int64_t> entity;
        if (!rs.value(1).isEmpty()) entity = rs.value(1).convert<Poco::Int64>();
        Poco::Int64 first_level = 0;
        tx.session() << "SELECT count(*) FROM coldchain_contacts WHERE active = 1 AND escalation_level = 0 AND org_id = " +
                            org + " AND " + entity_clause(entity),
            into(first_level), now;
        if (static_cast<std::size_t>(first_level) < kMinDesignatedContacts)
            return errors::conflict("coldchain.site.contacts",
                                    "that would leave " + place + ", where a logger is placed, with " +
                                        std::to_string(first_level) +
                                        " designated contacts; the GSP annex requires alarms to reach at least " +
                                        std::to_string(kMinDesignatedContacts) + ": designate another first");
    }
    return true;
}

domain::Result<bool> end(store::Transaction& tx, const Actor& actor, std::int64_t id) {
    Poco::Data::Statement st(tx.session());
    st << "UPDATE coldchain_contacts SET active = 0, ended_at = $1, ended_by = $2 WHERE id = $3 AND active = 1",
        bind(tx.now_utc()), bind(actor.name), bind(static_cast<Poco::Int64>(id));
    if (st.execute() != 1)
        return errors::conflict("coldchain.contact.ended", "contact " + std::to_string(id) + " was changed or removed meanwhile");
    return true;
}

}  // namespace

std::string to_json(const UnitContact& c) {
    Poco::JSON::Object j;
    j.set("id", c.id);
    j.set("org_id", c.org_id);
    if (c.entity_id) j.set("entity_id", *c.entity_id);
    j.set("name", c.name);
    if (c.user_id) j.set("user_id", *c.user_id);
    j.set("email", c.email);
    j.set("phone", c.phone);
    j.set("escalation_level", c.escalation_level);
    j.set("active", c.active);
    if (c.replaces_id) j.set("replaces_id", *c.replaces_id);
    if (c.ended_at) {
        j.set("ended_at", *c.ended_at);
        j.set("ended_by", c.ended_by);
    }
    j.set("created_at", c.created_at);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

domain::Result<std::vector<UnitContact>> unit_contacts(store::Database& db, const Actor& actor, std::int64_t unit_id,
                                                       bool with_history) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::vector<UnitContact>> {
        auto missing = errors::not_found("coldchain.storage_unit.not_found", "There is no storage unit " + std::to_string(unit_id) + ".");
        Poco::Data::Statement st(tx.session());
        st << "SELECT org_id, entity_id FROM storage_units WHERE id = " + std::to_string(unit_id);
        st.execute();
        Poco::Data::RecordSet rs(st);
        if (!rs.moveFirst()) return missing;
        const std::int64_t org = rs.value(0).convert<Poco::Int64>();
        std::optional<std::int64_t> entity;
        if (!rs.value(1).isEmpty()) entity = rs.value(1).convert<Poco::Int64>();
        auto held = jurisdiction::holds_organisation(tx, actor, org);
        if (!held) return held.error();
        if (!*held) return missing;
        return select(tx, "WHERE org_id = " + std::to_string(org) + " AND " + entity_clause(entity) +
                              (with_history ? "" : " AND active = 1") + " ORDER BY escalation_level, id");
    });
}

domain::Result<UnitContact> change_contact(store::Database& db, const Actor& actor, std::int64_t contact_id,
                                           const ContactChange& change) {
    return db.write([&](store::Transaction& tx) -> domain::Result<UnitContact> {
        auto old = active_contact(tx, actor, contact_id);
        if (!old) return old;
        if (change.user_id) {
            std::vector<std::string> paths;
            tx.session() << "SELECT o.path FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1",
                bind(static_cast<Poco::Int64>(*change.user_id)), into(paths), now;
            if (paths.empty() || !jurisdiction::covers(actor, paths.front()))
                return jurisdiction::body_id_refused("user_id", "user", *change.user_id);
        }
        if (auto ended = end(tx, actor, old->id); !ended) return ended.error();
        NInt entity = old->entity_id ? NInt(*old->entity_id) : NInt();
        NInt user = change.user_id ? NInt(*change.user_id) : NInt();
        const int level = change.escalation_level;
        Poco::Int64 id = 0;
        tx.session() << "INSERT INTO coldchain_contacts (org_id, entity_id, name, user_id, email, phone, escalation_level, "
                        "created_at, replaces_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            bind(static_cast<Poco::Int64>(old->org_id)), bind(entity), bind(change.name), bind(user), bind(change.email),
            bind(change.phone), bind(level), bind(tx.now_utc()), bind(static_cast<Poco::Int64>(old->id)), into(id), now;
        auto made = select(tx, "WHERE id = " + std::to_string(id));
        if (made.empty()) return errors::internal("coldchain.contact.lost", "contact " + std::to_string(id) + " was not stored");
        if (auto kept = rule_kept(tx, made.front()); !kept) return kept.error();
        tx.record({actor.name, "coldchain.contact.change", "coldchain_contact", std::to_string(old->id), to_json(*old),
                   to_json(made.front()), ""});
        return made.front();
    });
}

domain::Result<UnitContact> remove_contact(store::Database& db, const Actor& actor, std::int64_t contact_id) {
    return db.write([&](store::Transaction& tx) -> domain::Result<UnitContact> {
        auto old = active_contact(tx, actor, contact_id);
        if (!old) return old;
        if (auto ended = end(tx, actor, old->id); !ended) return ended.error();
        if (auto kept = rule_kept(tx, *old); !kept) return kept.error();
        auto ended = select(tx, "WHERE id = " + std::to_string(old->id));
        tx.record({actor.name, "coldchain.contact.remove", "coldchain_contact", std::to_string(old->id), to_json(*old),
                   to_json(ended.front()), ""});
        return ended.front();
    });
}

}  // namespace lims::workflow::coldchain
