// /api/v1/organisations: the tree of bureaus, offices, laboratories and enforcement units.
// People read their own subtree; administrators add and change organisations inside it
// (lims/workflow/admin/accounts.hpp checks the subtree in its transaction).
#include "lims/api/routes/admin_common.hpp"
#include "lims/workflow/admin/accounts.hpp"

namespace lims::api::admin_routes {

namespace {

namespace admin = workflow::admin;

std::vector<std::string> organisationKinds() {
    std::vector<std::string> out;
    for (auto [kind, name] : domain::organisation_kind_names) out.emplace_back(name);
    return out;
}

ObjectSchema organisationCreateSchema() {
    return ObjectSchema{{field::string("code").length(1, kMaxCode).matching("[A-Za-z0-9][A-Za-z0-9_-]*",
                                                                            "letters, digits, '-' and '_'"),
                         field::string("name").length(1, kMaxName),
                         field::string("kind").oneOf(organisationKinds()),
                         field::string("region_code").checkedBy(regionCheck()).describedAs("GB/T 2260 division code"),
                         field::integer("parent_id").range(1, kMaxId)}};
}

ObjectSchema organisationUpdateSchema() {
    return ObjectSchema{{field::string("name").length(1, kMaxName), field::boolean("active")}};
}

Object::Ptr organisationJson(const domain::Organisation& o) {
    auto j = newObject();
    j->set("id", o.id);
    j->set("code", o.code);
    j->set("name", o.name);
    j->set("kind", std::string(domain::to_string(o.kind)));
    j->set("parent_id", o.parent_id ? Poco::Dynamic::Var(*o.parent_id) : Poco::Dynamic::Var());
    j->set("region_code", o.region_code);
    j->set("path", o.path);
    j->set("active", o.active);
    j->set("version", o.version);
    return j;
}

}  // namespace

void add_organisation_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    router.add({"GET", "/api/v1/organisations", "listOrganisations",
                "The caller's organisation and everything below it, parents before children", AuthRequirement::User,
                std::nullopt, [db](const Request& r) {
                    auto tree = admin::organisation_subtree(*db, actor_of(r));
                    if (!tree) return failure(tree.error(), "organisation", std::to_string(r.principal->organisationId));
                    Array::Ptr items = new Array;
                    for (const auto& o : *tree) items->add(organisationJson(o));
                    auto body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                }, 200, kPeopleRoles});

    router.add({"GET", "/api/v1/organisations/{id}", "getOrganisation", "An organisation of the caller's subtree",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("organisation", r.params.at("id")));
                    auto org = admin::organisation(*db, actor_of(r), *id);
                    if (!org) return failure(org.error(), "organisation", r.params.at("id"));
                    return withVersion(200, organisationJson(*org), org->version);
                }, 200, kPeopleRoles});

    router.add({"POST", "/api/v1/organisations", "createOrganisation",
                "Add an organisation below one of the administrator's subtree", AuthRequirement::User,
                organisationCreateSchema(), [db](const Request& r) {
                    store::NewOrganisation org{str(r, "code"), str(r, "name"),
                                               *domain::organisation_kind_from(str(r, "kind")),
                                               r.json->getValue<Poco::Int64>("parent_id"), str(r, "region_code")};
                    auto created = admin::create_organisation(*db, actor_of(r), org);
                    if (!created) return failure(created.error(), "organisation", org.code);
                    return withVersion(201, organisationJson(*created), created->version);
                }, 201, kAdministrators});

    router.add({"PUT", "/api/v1/organisations/{id}", "updateOrganisation",
                "Rename or (de)activate an organisation (If-Match)", AuthRequirement::User, organisationUpdateSchema(),
                [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("organisation", r.params.at("id")));
                    // Another jurisdiction's organisation is a 404 before If-Match is asked for.
                    auto org = admin::organisation(*db, actor_of(r), *id);
                    if (!org) return failure(org.error(), "organisation", r.params.at("id"));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto updated = admin::update_organisation(*db, actor_of(r), *id, *version, str(r, "name"),
                                                              r.json->getValue<bool>("active"));
                    if (!updated)
                        return failure(updated.error(), "organisation", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::organisation(*db, actor_of(r), *id);
                                           return now ? std::optional<std::int64_t>(now->version) : std::nullopt;
                                       });
                    return withVersion(200, organisationJson(*updated), updated->version);
                }, 200, kAdministrators});
}

}  // namespace lims::api::admin_routes
