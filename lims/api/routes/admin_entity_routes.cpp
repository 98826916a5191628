// /api/v1/regulated-entities: pharmacies, hospitals, manufacturers ... under the
// supervision of an organisation. Seen within or above the supervising organisation;
// written by administrators of its subtree (lims/workflow/admin/reference_data.hpp).
#include "lims/api/routes/admin_common.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/workflow/admin/reference_data.hpp"

namespace lims::api::admin_routes {

namespace {

namespace admin = workflow::admin;

StringCheck creditCodeCheck() {
    return [](std::string_view v) -> std::optional<std::string> {
        auto r = domain::CreditCode::parse(v);
        return r ? std::nullopt : std::optional<std::string>(r.error().message);
    };
}

ObjectSchema entitySchema() {
    return ObjectSchema{{field::string("name").length(1, kMaxName),
                         field::string("kind").oneOf(names(admin::kEntityKinds)),
                         field::string("credit_code").checkedBy(creditCodeCheck()).optional().orNull()
                             .describedAs("unified social credit code (GB 32100), 18 characters"),
                         field::integer("jurisdiction_org_id").range(1, kMaxId)
                             .describedAs("the supervising organisation"),
                         field::string("region_code").checkedBy(regionCheck()),
                         field::string("address").length(0, kMaxText).optional(),
                         field::string("licence_number").length(0, kMaxCode).optional()}};
}

Object::Ptr entityJson(const admin::EntityRecord& r) {
    const auto& e = r.entity;
    auto j = newObject();
    j->set("id", e.id);
    j->set("name", e.name);
    j->set("kind", e.kind);
    j->set("credit_code", e.credit_code ? Poco::Dynamic::Var(*e.credit_code) : Poco::Dynamic::Var());
    j->set("jurisdiction_org_id", e.jurisdiction_org_id);
    j->set("region_code", e.region_code);
    j->set("address", e.address);
    j->set("licence_number", e.licence_number);
    j->set("version", e.version);
    return j;
}

admin::EntityInput entityInput(const Request& r) {
    return {str(r, "name"), str(r, "kind"), optStr(r, "credit_code"), r.json->getValue<Poco::Int64>("jurisdiction_org_id"),
            str(r, "region_code"), str(r, "address"), str(r, "licence_number")};
}

}  // namespace

void add_entity_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    router.add({"GET", "/api/v1/regulated-entities", "listRegulatedEntities",
                "Regulated entities supervised within or above the caller's organisation (keyset pages)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = idPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto rows = admin::listEntities(*db, r.principal->organisationPath, page->first, page->second + 1);
                    if (!rows) return failure(rows.error(), "regulated entity", "list");
                    return pageOf(std::move(*rows), page->second, entityJson,
                                  [](const admin::EntityRecord& e) { return e.entity.id; });
                }, 200, kPeopleRoles});

    router.add({"GET", "/api/v1/regulated-entities/{id}", "getRegulatedEntity", "A regulated entity",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("regulated entity", r.params.at("id")));
                    auto found = admin::getEntity(*db, actor_of(r), *id);
                    if (!found) return failure(found.error(), "regulated entity", r.params.at("id"));
                    return withVersion(200, entityJson(*found), found->entity.version);
                }, 200, kPeopleRoles});

    router.add({"POST", "/api/v1/regulated-entities", "createRegulatedEntity",
                "Add a regulated entity under an organisation of the administrator's subtree", AuthRequirement::User,
                entitySchema(), [db](const Request& r) {
                    auto created = admin::createEntity(*db, actor_of(r), entityInput(r));
                    if (!created) return failure(created.error(), "regulated entity", str(r, "name"));
                    return withVersion(201, entityJson(*created), created->entity.version);
                }, 201, kAdministrators});

    router.add({"PUT", "/api/v1/regulated-entities/{id}", "updateRegulatedEntity",
                "Correct a regulated entity (If-Match)", AuthRequirement::User, entitySchema(),
                [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("regulated entity", r.params.at("id")));
                    // Only the supervising subtree changes an entity; others get the missing record's 404
                    // before If-Match is asked for.
                    auto found = admin::getEntity(*db, actor_of(r), *id);
                    if (!found) return failure(found.error(), "regulated entity", r.params.at("id"));
                    if (!withinJurisdiction(r.principal->organisationPath, found->jurisdictionPath))
                        return Response::problem(notVisible("regulated entity", r.params.at("id")));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto updated = admin::updateEntity(*db, actor_of(r), *id, *version, entityInput(r));
                    if (!updated)
                        return failure(updated.error(), "regulated entity", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::getEntity(*db, *id);
                                           return now ? std::optional<std::int64_t>(now->entity.version) : std::nullopt;
                                       });
                    return withVersion(200, entityJson(*updated), updated->entity.version);
                }, 200, kAdministrators});
}

}  // namespace lims::api::admin_routes
