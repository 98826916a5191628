// /api/v1/coldchain/storage-units and /api/v1/coldchain/contacts: the refrigerators,
// freezers, cold rooms and transport boxes of the caller's sites, and the people their
// alarms reach. Administrators write, within their subtree.
#include "lims/api/routes/coldchain_common.hpp"
#include "lims/domain/model/product_category.hpp"

#include <climits>

namespace lims::api::coldchain_routes {

namespace {

using domain::Role;

ObjectSchema unit_schema() {
    return {{field::string("code").length(1, 64), field::string("name").length(1, 200),
             field::string("kind").oneOf({"refrigerator", "freezer", "cold_room", "cool_store", "ambient_store",
                                          "transport_box"}),
             field::string("storage_class").oneOf({"refrigerated", "frozen", "cool", "ambient"}),
             field::integer("org_id").range(1, INT64_MAX), field::integer("entity_id").range(1, INT64_MAX).optional(),
             field::integer("min_centi_celsius").range(-10000, 10000),
             field::integer("max_centi_celsius").range(-10000, 10000),
             field::string("product_class")
                 .oneOf({domain::kProductCategories.begin(), domain::kProductCategories.end()})
                 .describedAs("what it holds: the product class whose excursion rule applies to it")
                 .optional()}};
}

ObjectSchema contact_schema() {
    return {{field::integer("org_id").range(1, INT64_MAX), field::integer("entity_id").range(1, INT64_MAX).optional(),
             field::string("name").length(1, 200), field::integer("user_id").range(1, INT64_MAX).optional(),
             field::string("email").length(3, 254).checkedBy(emailProblem).optional(),
             field::string("phone").length(3, 32).matching(R"(\+?[0-9][0-9 ()-]{2,31})", "must be a telephone number: digits, spaces, - and ( ), an optional leading +").optional(),
             field::integer("escalation_level").range(0, cc::kMaxEscalationLevel).optional()}};
}

store::StorageUnitRow unit_of(const Json& j) {
    store::StorageUnitRow u;
    u.code = j->getValue<std::string>("code");
    u.name = j->getValue<std::string>("name");
    u.kind = j->getValue<std::string>("kind");
    u.storage_class = j->getValue<std::string>("storage_class");
    u.org_id = j->getValue<Poco::Int64>("org_id");
    u.entity_id = optional_int(j, "entity_id");
    u.min_centi_celsius = static_cast<std::int32_t>(j->getValue<Poco::Int64>("min_centi_celsius"));
    u.max_centi_celsius = static_cast<std::int32_t>(j->getValue<Poco::Int64>("max_centi_celsius"));
    u.product_class = optional_text(j, "product_class");
    return u;
}

store::ContactRow contact_of(const Json& j) {
    store::ContactRow c;
    c.org_id = j->getValue<Poco::Int64>("org_id");
    c.entity_id = optional_int(j, "entity_id");
    c.name = j->getValue<std::string>("name");
    c.user_id = optional_int(j, "user_id");
    c.email = optional_text(j, "email");
    c.phone = optional_text(j, "phone");
    c.escalation_level = static_cast<int>(optional_int(j, "escalation_level").value_or(0));
    return c;
}

}  // namespace

void add_storage_unit_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::RoleSet admin{Role::administrator};

    router.add({"POST", "/api/v1/coldchain/storage-units", "createStorageUnit",
                "Register a refrigerator, freezer, cold room or transport box with its storage class and range",
                AuthRequirement::User, unit_schema(),
                [db](const Request& r) {
                    auto created = cc::create_storage_unit(*db, actor_of(r), unit_of(r.json));
                    if (!created) return Response::error(created.error());
                    return Response::json(201, parse_object(store::to_json(*created)));
                },
                201, admin});

    router.add({"GET", "/api/v1/coldchain/storage-units", "listStorageUnits", "Storage units in the caller's jurisdiction",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto units = cc::storage_units(*db, actor_of(r));
                    if (!units) return Response::error(units.error());
                    return items_of(*units);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/coldchain/contacts", "addColdChainContact",
                "Designate a person to be alarmed for a site (at least three per site)", AuthRequirement::User,
                contact_schema(),
                [db](const Request& r) {
                    auto added = cc::designate_contact(*db, actor_of(r), contact_of(r.json));
                    if (!added) return Response::error(added.error());
                    Json j = newObject();
                    j->set("id", added->id);
                    j->set("name", added->name);
                    j->set("escalation_level", added->escalation_level);
                    return Response::json(201, j);
                },
                201, admin});
}

}  // namespace lims::api::coldchain_routes
