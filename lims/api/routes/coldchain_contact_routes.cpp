// /api/v1/coldchain/storage-units/{id}/contacts and /api/v1/coldchain/contacts/{id}: the
// people a unit's alarms reach, listed (with their history on ?history=true), changed (a new
// contact replaces the old, which stays in the history) and removed, by administrators of
// the site's jurisdiction; the GSP annex's three contacts are kept where a logger is placed.
// Thin: the use cases are lims/workflow/coldchain/contacts.hpp.
#include "lims/api/routes/coldchain_common.hpp"
#include "lims/workflow/coldchain/contacts.hpp"

#include <climits>

namespace lims::api::coldchain_routes {

void add_contact_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::RoleSet admin{domain::Role::administrator};
    auto contact_json = [](const cc::UnitContact& c) { return parse_object(cc::to_json(c)); };

    router.add({"GET", "/api/v1/coldchain/storage-units/{id}/contacts", "listStorageUnitContacts",
                "The designated contacts a storage unit's alarms reach (its site's and its regulated entity's), by "
                "escalation level; ?history=true adds changed and removed ones",
                AuthRequirement::User, std::nullopt,
                [db, contact_json](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return Response::problem(problems::notFound("no such storage unit"));
                    const bool history = r.query.count("history") && r.query.at("history") == "true";
                    auto rows = cc::unit_contacts(*db, actor_of(r), *id, history);
                    if (!rows) return Response::error(rows.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& c : *rows) items->add(contact_json(c));
                    Json body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"PUT", "/api/v1/coldchain/contacts/{id}", "changeColdChainContact",
                "Change a designated contact: a new contact replaces it (the old one is ended, kept in the history); "
                "refused when a site with a placed logger would keep fewer than three first-level contacts",
                AuthRequirement::User,
                ObjectSchema{{field::string("name").length(1, 200), field::integer("user_id").range(1, INT64_MAX).optional(),
                              field::string("email").length(3, 254).checkedBy(emailProblem).optional(),
                              field::string("phone").length(3, 32).matching(R"(\+?[0-9][0-9 ()-]{2,31})", "must be a telephone number: digits, spaces, - and ( ), an optional leading +").optional(),
                              field::integer("escalation_level").range(0, cc::kMaxEscalationLevel).optional()}},
                [db, contact_json](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return Response::problem(problems::notFound("no such contact"));
                    cc::ContactChange change;
                    change.name = r.json->getValue<std::string>("name");
                    change.user_id = optional_int(r.json, "user_id");
                    change.email = optional_text(r.json, "email");
                    change.phone = optional_text(r.json, "phone");
                    change.escalation_level = static_cast<int>(optional_int(r.json, "escalation_level").value_or(0));
                    auto made = cc::change_contact(*db, actor_of(r), *id, change);
                    if (!made) return Response::error(made.error());
                    return Response::json(200, contact_json(*made));
                },
                200, admin});

    router.add({"DELETE", "/api/v1/coldchain/contacts/{id}", "removeColdChainContact",
                "Remove a designated contact (ended, kept in the history); refused when a site with a placed logger "
                "would keep fewer than three first-level contacts",
                AuthRequirement::User, std::nullopt,
                [db, contact_json](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return Response::problem(problems::notFound("no such contact"));
                    auto ended = cc::remove_contact(*db, actor_of(r), *id);
                    if (!ended) return Response::error(ended.error());
                    return Response::json(200, contact_json(*ended));
                },
                200, admin});
}

}  // namespace lims::api::coldchain_routes
