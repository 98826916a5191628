#include "lims/workflow/notifications/org_contacts.hpp"

#include "lims/workflow/jurisdiction.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::notifications {

namespace {

namespace errors = domain::errors;
using NInt = Poco::Nullable<Poco::Int64>;

constexpr const char* kColumns =
    "c.id, c.org_id, c.role, c.name, c.user_id, c.email, c.phone, c.replaces_id, c.removed, c.created_by, c.created_at, "
    "CASE WHEN c.removed = 0 AND NOT EXISTS (SELECT 1 FROM organisation_contacts r WHERE r.replaces_id = c.id) "
    "THEN 1 ELSE 0 END";

std::vector<OrgContact> select(store::Transaction& tx, const std::string& where) {
    Poco::Data::Statement st(tx.session());
    st << std::string("SELECT ") + kColumns + " FROM organisation_contacts c " + where;
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<OrgContact> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        auto i64 = [&](std::size_t c) { return static_cast<std::int64_t>(rs.value(c).convert<Poco::Int64>()); };
        auto oi64 = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::int64_t>(i64(c)); };
        auto str = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::string() : rs.value(c).convert<std::string>(); };
        OrgContact c;
        c.id = i64(0);
        c.org_id = i64(1);
        c.role = str(2);
        c.name = str(3);
        c.user_id = oi64(4);
        c.email = str(5);
        c.phone = str(6);
        c.replaces_id = oi64(7);
        c.removed = i64(8) != 0;
        c.created_by = str(9);
        c.created_at = str(10);
        c.current = i64(11) != 0;
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<OrgContact> get(store::Transaction& tx, std::int64_t id) {
    auto found = select(tx, "WHERE c.id = " + std::to_string(id));
    if (found.empty()) return std::nullopt;
    return found.front();
}

domain::Result<bool> valid(store::Transaction& tx, const Actor& actor, const OrgContactRequest& r) {
    if (r.role != "notices" && r.role != "head")
        return errors::invalid("role", "organisation_contact.role", "role must be 'notices' or 'head', not '" + r.role + "'");
    if (r.name.empty()) return errors::invalid("name", "organisation_contact.name", "a contact needs the person's name");
    if (!r.email.empty() && (r.email.find('@') == std::string::npos || r.email.find(' ') != std::string::npos))
        return errors::invalid("email", "organisation_contact.email", "'" + r.email + "' is not an e-mail address");
    if (r.email.empty() && r.phone.empty() && !r.user_id)
        return errors::invalid("body", "organisation_contact.unreachable",
                               "a contact needs an e-mail address, a phone number for the SMS gateway or a user");
    if (r.user_id) {
        std::vector<std::string> paths;
        tx.session() << "SELECT o.path FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1",
            bind(static_cast<Poco::Int64>(*r.user_id)), into(paths), now;
        if (paths.empty() || !jurisdiction::covers(actor, paths.front()))
            return jurisdiction::body_id_refused("user_id", "user", *r.user_id);
    }
    return true;
}

domain::Result<OrgContact> append(store::Transaction& tx, const Actor& actor, std::int64_t org_id,
                                  const OrgContactRequest& r, std::optional<std::int64_t> replaces, bool removed) {
    NInt user = r.user_id ? NInt(*r.user_id) : NInt();
    NInt replaced = replaces ? NInt(*replaces) : NInt();
    const int removal = removed ? 1 : 0;
    Poco::Int64 id = 0;
    tx.session() << "INSERT INTO organisation_contacts (org_id, role, name, user_id, email, phone, replaces_id, removed, "
                    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        bind(static_cast<Poco::Int64>(org_id)), bind(r.role), bind(r.name), bind(user), bind(r.email), bind(r.phone),
        bind(replaced), bind(removal), bind(actor.name), bind(tx.now_utc()), into(id), now;
    auto made = get(tx, id);
    if (!made) return errors::internal("organisation_contact.lost", "contact " + std::to_string(id) + " was not stored");
    return *made;
}

// The contact named in the path, current, in the caller's subtree.
domain::Result<OrgContact> current_of(store::Transaction& tx, const Actor& actor, std::int64_t contact_id) {
    auto old = get(tx, contact_id);
    auto missing = errors::not_found("organisation_contact.not_found", "There is no contact " + std::to_string(contact_id) + ".");
    if (!old || old->removed) return missing;
    auto held = jurisdiction::holds_organisation(tx, actor, old->org_id);
    if (!held) return held.error();
    if (!*held) return missing;
    if (!old->current)
        return errors::conflict("organisation_contact.replaced",
                                "contact " + std::to_string(contact_id) + " was already changed or removed; use its current row");
    return *old;
}

}  // namespace

std::string to_json(const OrgContact& c) {
    Poco::JSON::Object j;
    j.set("id", c.id);
    j.set("org_id", c.org_id);
    j.set("role", c.role);
    j.set("name", c.name);
    if (c.user_id) j.set("user_id", *c.user_id);
    j.set("email", c.email);
    j.set("phone", c.phone);
    if (c.replaces_id) j.set("replaces_id", *c.replaces_id);
    j.set("removed", c.removed);
    j.set("current", c.current);
    j.set("created_by", c.created_by);
    j.set("created_at", c.created_at);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

std::vector<OrgContact> current_org_contacts(store::Transaction& tx, std::int64_t org_id, const std::string& role) {
    std::vector<OrgContact> out;
    for (auto& c : select(tx, "WHERE c.org_id = " + std::to_string(org_id) + " ORDER BY c.id"))
        if (c.current && c.role == role) out.push_back(std::move(c));
    return out;
}

domain::Result<std::vector<OrgContact>> list_org_contacts(store::Database& db, const Actor& actor, std::int64_t org_id,
                                                          bool with_history) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::vector<OrgContact>> {
        auto held = jurisdiction::holds_organisation(tx, actor, org_id);
        if (!held) return held.error();
        if (!*held) return errors::not_found("organisation.not_found", "There is no organisation " + std::to_string(org_id) + ".");
        std::vector<OrgContact> out;
        for (auto& c : select(tx, "WHERE c.org_id = " + std::to_string(org_id) + " ORDER BY c.id"))
            if (with_history || c.current) out.push_back(std::move(c));
        return out;
    });
}

domain::Result<OrgContact> add_org_contact(store::Database& db, const Actor& actor, std::int64_t org_id,
                                           const OrgContactRequest& request) {
    return db.write([&](store::Transaction& tx) -> domain::Result<OrgContact> {
        auto held = jurisdiction::holds_organisation(tx, actor, org_id);
        if (!held) return held.error();
        if (!*held) return errors::not_found("organisation.not_found", "There is no organisation " + std::to_string(org_id) + ".");
        if (auto ok = valid(tx, actor, request); !ok) return ok.error();
        auto made = append(tx, actor, org_id, request, std::nullopt, false);
        if (!made) return made;
        tx.record({actor.name, "organisation_contact.add", "organisation_contact", std::to_string(made->id), "",
                   to_json(*made), ""});
        return made;
    });
}

domain::Result<OrgContact> change_org_contact(store::Database& db, const Actor& actor, std::int64_t contact_id,
                                              const OrgContactRequest& request) {
    return db.write([&](store::Transaction& tx) -> domain::Result<OrgContact> {
        auto old = current_of(tx, actor, contact_id);
        if (!old) return old;
        if (auto ok = valid(tx, actor, request); !ok) return ok.error();
        auto made = append(tx, actor, old->org_id, request, old->id, false);
        if (!made) return made;
        tx.record({actor.name, "organisation_contact.change", "organisation_contact", std::to_string(old->id),
                   to_json(*old), to_json(*made), ""});
        return made;
    });
}

domain::Result<OrgContact> remove_org_contact(store::Database& db, const Actor& actor, std::int64_t contact_id) {
    return db.write([&](store::Transaction& tx) -> domain::Result<OrgContact> {
        auto old = current_of(tx, actor, contact_id);
        if (!old) return old;
        OrgContactRequest same{old->role, old->name, old->user_id, old->email, old->phone};
        auto made = append(tx, actor, old->org_id, same, old->id, true);
        if (!made) return made;
        tx.record({actor.name, "organisation_contact.remove", "organisation_contact", std::to_string(old->id),
                   to_json(*old), to_json(*made), ""});
        return made;
    });
}

}  // namespace lims::workflow::notifications
