// /api/v1/products and /api/v1/specification-lines: the product catalogue and the
// specification lines products are judged against. Everyone reads them; only the
// catalogue's owner (an administrator of the root or a province-level organisation)
// writes them, and a change of a line is a new version: tests keep the version they are
// judged against (lims/workflow/admin/reference_data.hpp, migration 4).
#include "lims/api/routes/admin_common.hpp"
#include "lims/workflow/admin/reference_data.hpp"

#include <Poco/NumberParser.h>

namespace lims::api::admin_routes {

namespace {

namespace admin = workflow::admin;

// Results are rounded to at most this many decimal places (no standard asks for more).
constexpr std::int64_t kMaxPrecision = 10;

ObjectSchema productSchema() {
    return ObjectSchema{{field::string("name").length(1, kMaxName),
                         field::string("category").oneOf(names(admin::kProductCategories)),
                         field::string("dosage_form").length(0, kMaxCode).optional(),
                         field::string("specification").length(0, kMaxName).optional(),
                         field::string("approval_number").length(0, kMaxCode).optional()
                             .describedAs("国药准字 + H/Z/S/J + 8 digits; required for drugs, vaccines, biologicals"),
                         field::integer("manufacturer_entity_id").range(1, kMaxId).optional().orNull(),
                         field::string("manufacturer_name").length(0, kMaxName).optional(),
                         field::string("storage_class").oneOf(names(admin::kStorageClasses))}};
}

ObjectSchema specSchema() {
    return ObjectSchema{{field::string("test_code").length(1, kMaxCode),
                         field::string("item").length(1, kMaxName),
                         field::string("requirement").length(1, kMaxName).multiLineText()
                             .describedAs("as written: \"95.0–105.0\", \"≤ 0.5\", \"≥ 80\", \"符合规定\""),
                         field::string("unit").length(0, kMaxCode).optional(),
                         field::integer("precision").range(0, kMaxPrecision).optional().orNull(),
                         field::string("basis").length(1, kMaxName).describedAs("the standard, e.g. ChP 2025 Vol. II")}};
}

Object::Ptr productJson(const domain::Product& p) {
    auto j = newObject();
    j->set("id", p.id);
    j->set("name", p.name);
    j->set("category", p.category);
    j->set("dosage_form", p.dosage_form);
    j->set("specification", p.specification);
    j->set("approval_number", p.approval_number);
    j->set("manufacturer_entity_id",
           p.manufacturer_entity_id ? Poco::Dynamic::Var(*p.manufacturer_entity_id) : Poco::Dynamic::Var());
    j->set("manufacturer_name", p.manufacturer_name);
    j->set("storage_class", p.storage_class);
    j->set("version", p.version);
    return j;
}

Object::Ptr specJson(const domain::SpecificationLine& s) {
    auto j = newObject();
    j->set("id", s.id);
    j->set("product_id", s.product_id ? Poco::Dynamic::Var(*s.product_id) : Poco::Dynamic::Var());
    j->set("test_code", s.test_code);
    j->set("item", s.test_name);
    j->set("requirement", admin::requirementText(s));
    j->set("limit_kind", s.limit_kind);
    j->set("lower_limit", s.lower_limit ? Poco::Dynamic::Var(*s.lower_limit) : Poco::Dynamic::Var());
    j->set("upper_limit", s.upper_limit ? Poco::Dynamic::Var(*s.upper_limit) : Poco::Dynamic::Var());
    j->set("unit", s.unit);
    j->set("precision", s.decimal_places);
    j->set("basis", s.standard_ref);
    j->set("version", s.version);
    return j;
}

admin::ProductInput productInput(const Request& r) {
    return {str(r, "name"), str(r, "category"), str(r, "dosage_form"), str(r, "specification"),
            str(r, "approval_number"), optInt(r, "manufacturer_entity_id"), str(r, "manufacturer_name"),
            str(r, "storage_class")};
}

admin::SpecificationInput specInput(const Request& r) {
    auto precision = optInt(r, "precision");
    return {str(r, "test_code"), str(r, "item"), str(r, "requirement"), str(r, "unit"),
            precision ? std::optional<int>(static_cast<int>(*precision)) : std::nullopt, str(r, "basis")};
}

}  // namespace

void add_product_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    router.add({"GET", "/api/v1/products", "listProducts", "The product catalogue (keyset pages)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = idPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto rows = admin::listProducts(*db, page->first, page->second + 1);
                    if (!rows) return failure(rows.error(), "product", "list");
                    return pageOf(std::move(*rows), page->second, productJson,
                                  [](const domain::Product& p) { return p.id; });
                }, 200, kPeopleRoles});

    router.add({"GET", "/api/v1/products/{id}", "getProduct", "A product of the catalogue", AuthRequirement::User,
                std::nullopt, [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("product", r.params.at("id")));
                    auto found = admin::getProduct(*db, *id);
                    if (!found) return failure(found.error(), "product", r.params.at("id"));
                    return withVersion(200, productJson(*found), found->version);
                }, 200, kPeopleRoles});

    router.add({"POST", "/api/v1/products", "createProduct",
                "Add a product to the catalogue (the catalogue's owner: an administrator of the province)",
                AuthRequirement::User, productSchema(), [db](const Request& r) {
                    auto created = admin::createProduct(*db, actor_of(r), productInput(r));
                    if (!created) return failure(created.error(), "product", str(r, "name"));
                    return withVersion(201, productJson(*created), created->version);
                }, 201, kAdministrators});

    router.add({"PUT", "/api/v1/products/{id}", "updateProduct", "Correct a product (If-Match; the catalogue's owner)",
                AuthRequirement::User, productSchema(), [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("product", r.params.at("id")));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto updated = admin::updateProduct(*db, actor_of(r), *id, *version, productInput(r));
                    if (!updated)
                        return failure(updated.error(), "product", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::getProduct(*db, *id);
                                           return now ? std::optional<std::int64_t>(now->version) : std::nullopt;
                                       });
                    return withVersion(200, productJson(*updated), updated->version);
                }, 200, kAdministrators});

    router.add({"GET", "/api/v1/products/{id}/specification-lines", "listSpecificationLines",
                "The specification a product is judged against (each line's current version)", AuthRequirement::User,
                std::nullopt, [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("product", r.params.at("id")));
                    auto lines = admin::listSpecificationLines(*db, *id);
                    if (!lines) return failure(lines.error(), "product", r.params.at("id"));
                    Array::Ptr items = new Array;
                    for (const auto& l : *lines) items->add(specJson(l));
                    auto body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                }, 200, kPeopleRoles});

    router.add({"POST", "/api/v1/products/{id}/specification-lines", "createSpecificationLine",
                "Add a specification line (requirement in its written form) to a product (the catalogue's owner)",
                AuthRequirement::User, specSchema(), [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("product", r.params.at("id")));
                    auto created = admin::createSpecificationLine(*db, actor_of(r), *id, specInput(r));
                    if (!created) return failure(created.error(), "product", r.params.at("id"));
                    return withVersion(201, specJson(*created), created->version);
                }, 201, kAdministrators});

    router.add({"GET", "/api/v1/specification-lines/{id}", "getSpecificationLine",
                "A specification line: its current version, or ?version=N of its history (the version a test keeps: "
                "the test's spec_line_version)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("specification line", r.params.at("id")));
                    std::optional<std::int64_t> version;
                    if (auto it = r.query.find("version"); it != r.query.end()) {
                        Poco::Int64 v = 0;
                        if (!Poco::NumberParser::tryParse64(it->second, v) || v < 1)
                            return Response::problem(problems::validation({{"version", "must be a version number, 1 or more"}}));
                        version = v;
                    }
                    auto found = admin::getSpecificationLine(*db, *id, version);
                    if (!found) return failure(found.error(), "specification line", r.params.at("id"));
                    return withVersion(200, specJson(*found), found->version);
                }, 200, kPeopleRoles});

    router.add({"PUT", "/api/v1/specification-lines/{id}", "updateSpecificationLine",
                "A new version of a specification line (If-Match; the catalogue's owner): tests created before keep "
                "the version they are judged against",
                AuthRequirement::User, specSchema(), [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("specification line", r.params.at("id")));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto updated = admin::updateSpecificationLine(*db, actor_of(r), *id, *version, specInput(r));
                    if (!updated)
                        return failure(updated.error(), "specification line", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::getSpecificationLine(*db, *id);
                                           return now ? std::optional<std::int64_t>(now->version) : std::nullopt;
                                       });
                    return withVersion(200, specJson(*updated), updated->version);
                }, 200, kAdministrators});
}

}  // namespace lims::api::admin_routes
