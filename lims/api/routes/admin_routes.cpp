// Administration and reference data: organisations (the tree), users, regulated
// entities, products and the specification catalogue. Administrators write (within their
// own organisation's subtree); people of every role read what their work needs. Every
// change is one transaction with its audit entry (lims/workflow/admin, the repositories);
// updates carry If-Match with the record's version.
#include "lims/api/auth_routes.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/domain/identifiers/approval_number.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/domain/identifiers/region_code.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/workflow/admin/reference_data.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>
#include <Poco/NumberParser.h>

#include <algorithm>

namespace lims::api {

namespace {

namespace admin = workflow::admin;
using domain::Role;
using Poco::JSON::Array;
using Poco::JSON::Object;

Poco::Logger& logger() { return Poco::Logger::get("lims.api.admin"); }

const domain::RoleSet kAdministrators{Role::administrator};
// Names and sizes people type into these forms; generous, but bounded.
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxCode = 64;
constexpr std::size_t kMaxText = 500;
constexpr std::int64_t kMaxId = INT64_MAX;
// Results are rounded to at most this many decimal places (no standard asks for more).
constexpr std::int64_t kMaxPrecision = 10;

std::vector<std::string> names(const auto& values) { return {values.begin(), values.end()}; }

std::vector<std::string> organisationKinds() {
    std::vector<std::string> out;
    for (auto [kind, name] : domain::organisation_kind_names) out.emplace_back(name);
    return out;
}

std::vector<std::string> roleNames() {
    std::vector<std::string> out;
    for (Role r : domain::kAllRoles) out.emplace_back(domain::to_string(r));
    return out;
}

StringCheck regionCheck() {
    return [](std::string_view v) -> std::optional<std::string> {
        auto r = domain::RegionCode::parse(v);
        return r ? std::nullopt : std::optional<std::string>(r.error().message);
    };
}
StringCheck creditCodeCheck() {
    return [](std::string_view v) -> std::optional<std::string> {
        auto r = domain::CreditCode::parse(v);
        return r ? std::nullopt : std::optional<std::string>(r.error().message);
    };
}

std::optional<std::int64_t> idParam(const Request& r, const std::string& name = "id") {
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at(name), v) || v <= 0) return std::nullopt;
    return v;
}

std::string str(const Request& r, const std::string& name, const std::string& fallback = "") {
    return r.json->has(name) && !r.json->isNull(name) ? r.json->getValue<std::string>(name) : fallback;
}
std::optional<std::string> optStr(const Request& r, const std::string& name) {
    if (!r.json->has(name) || r.json->isNull(name)) return std::nullopt;
    return r.json->getValue<std::string>(name);
}
std::optional<std::int64_t> optInt(const Request& r, const std::string& name) {
    if (!r.json->has(name) || r.json->isNull(name)) return std::nullopt;
    return r.json->getValue<Poco::Int64>(name);
}

// A workflow or store error as the API's answer. `reread` gives the record's current
// version for a stale-version problem.
Response failure(const domain::Error& e, const std::string& what, const std::string& id, std::int64_t given = 0,
                 const std::function<std::optional<std::int64_t>()>& reread = {}) {
    const std::string& code = e.code;
    if (code == admin::kNotFound || code == store::error_code(store::StoreErrorKind::not_found)) {
        return Response::problem(notVisible(what, id));
    }
    if (code == admin::kStaleVersion) {
        const auto current = reread ? reread() : std::nullopt;
        return Response::problem(current ? problems::staleVersion(*current, given) : problems::conflict(e.message));
    }
    if (code == admin::kConflict || code == store::error_code(store::StoreErrorKind::conflict)) {
        return Response::problem(problems::conflict(e.message));
    }
    if (code.rfind(admin::kInvalidPrefix, 0) == 0) {
        return Response::problem(problems::validation({{code.substr(admin::kInvalidPrefix.size()), e.message}}));
    }
    if (code == store::error_code(store::StoreErrorKind::invalid_argument) || code.rfind("password.", 0) == 0 ||
        code.rfind("role.", 0) == 0) {
        return Response::problem(problems::validation({{"body", e.message}}));
    }
    logger().error("%s %s: %s: %s", what, id, code, e.message);
    return Response::problem(problems::serviceUnavailable("The database cannot be reached; try again shortly."));
}

Response withVersion(int status, const Object::Ptr& body, std::int64_t version) {
    return Response::json(status, body).withHeader("ETag", etagFor(version));
}

// ---- JSON shapes ----------------------------------------------------------------------

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

Object::Ptr userRecordJson(const domain::User& u) {
    auto j = newObject();
    j->set("id", u.id);
    j->set("username", u.username);
    j->set("display_name", u.display_name);
    j->set("organisation_id", u.org_id);
    Array::Ptr roles = new Array;
    for (const auto& r : u.roles) roles->add(r);
    j->set("roles", roles);
    j->set("active", u.active);
    j->set("version", u.version);
    return j;
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

// ---- schemas --------------------------------------------------------------------------

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
ObjectSchema userCreateSchema() {
    return ObjectSchema{{field::string("username").length(1, kMaxCode).matching("[A-Za-z0-9][A-Za-z0-9._-]*",
                                                                                "letters, digits, '.', '-' and '_'"),
                         field::string("display_name").length(1, kMaxName),
                         field::integer("organisation_id").range(1, kMaxId),
                         field::array("roles", field::string("").oneOf(roleNames())).count(1, std::size(domain::kAllRoles)).unique(),
                         field::string("password").length(kMinPasswordLength, kMaxPasswordLength).withFormat("password")}};
}
ObjectSchema userUpdateSchema() {
    return ObjectSchema{{field::string("display_name").length(1, kMaxName),
                         field::array("roles", field::string("").oneOf(roleNames())).count(1, std::size(domain::kAllRoles)).unique(),
                         field::boolean("active").describedAs("false disables the account: no login, its tokens revoked")}};
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

admin::EntityInput entityInput(const Request& r) {
    return {str(r, "name"), str(r, "kind"), optStr(r, "credit_code"), r.json->getValue<Poco::Int64>("jurisdiction_org_id"),
            str(r, "region_code"), str(r, "address"), str(r, "licence_number")};
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

// An organisation by id, or nullopt when it does not exist or the store failed (logged).
std::optional<domain::Organisation> organisationById(store::Database& db, std::int64_t id) {
    auto found = db.read([&](store::Transaction& tx) { return store::OrganisationRepository(tx).get(id); });
    if (!found) return std::nullopt;
    return *found;
}

// Keyset pages over ids: the cursor holds the last id seen.
Outcome<std::pair<std::int64_t, std::size_t>> idPage(const Request& r) {
    auto page = readPage(r);
    if (!page) return page.problem();
    std::int64_t after = 0;
    if (page->after) {
        Poco::Int64 v = 0;
        if (page->after->size() != 1 || !Poco::NumberParser::tryParse64(page->after->front(), v) || v < 0) {
            return problems::validation({{"cursor", "is not a cursor this API issued; start from the first page"}});
        }
        after = v;
    }
    return std::make_pair(after, page->limit);
}

template <typename T, typename ToJson, typename IdOf>
Response pageOf(std::vector<T> rows, std::size_t limit, ToJson toJson, IdOf idOf) {
    std::optional<std::vector<std::string>> next;
    if (rows.size() > limit) {
        rows.resize(limit);
        next = std::vector<std::string>{std::to_string(idOf(rows.back()))};
    }
    Array::Ptr items = new Array;
    for (const auto& row : rows) items->add(toJson(row));
    return Response::json(200, pageJson(items, next));
}

// ---- route groups ----------------------------------------------------------------------

void addOrganisationRoutes(Router& router, std::shared_ptr<store::Database> db) {
    router.add({"GET", "/api/v1/organisations", "listOrganisations",
                "The caller's organisation and everything below it, parents before children", AuthRequirement::User,
                std::nullopt, [db](const Request& r) {
                    auto tree = db->read([&](store::Transaction& tx) {
                        return store::OrganisationRepository(tx).subtree(r.principal->organisationId);
                    });
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
                    auto org = id ? organisationById(*db, *id) : std::nullopt;
                    if (!org || !withinJurisdiction(r.principal->organisationPath, org->path)) {
                        return Response::problem(notVisible("organisation", r.params.at("id")));
                    }
                    return withVersion(200, organisationJson(*org), org->version);
                }, 200, kPeopleRoles});

    router.add({"POST", "/api/v1/organisations", "createOrganisation",
                "Add an organisation below one of the administrator's subtree", AuthRequirement::User,
                organisationCreateSchema(), [db](const Request& r) {
                    const auto parentId = r.json->getValue<Poco::Int64>("parent_id");
                    auto parent = organisationById(*db, parentId);
                    if (!parent || !withinJurisdiction(r.principal->organisationPath, parent->path)) {
                        return Response::problem(problems::validation(
                            {{"parent_id", "there is no organisation " + std::to_string(parentId) + " in your jurisdiction"}}));
                    }
                    store::NewOrganisation org{str(r, "code"), str(r, "name"),
                                               *domain::organisation_kind_from(str(r, "kind")), parentId,
                                               str(r, "region_code")};
                    auto created = db->write([&](store::Transaction& tx) {
                        return store::OrganisationRepository(tx).create(org, r.principal->username);
                    });
                    if (!created) return failure(created.error(), "organisation", org.code);
                    return withVersion(201, organisationJson(*created), created->version);
                }, 201, kAdministrators});

    router.add({"PUT", "/api/v1/organisations/{id}", "updateOrganisation",
                "Rename or (de)activate an organisation (If-Match)", AuthRequirement::User, organisationUpdateSchema(),
                [db](const Request& r) {
                    const auto id = idParam(r);
                    auto org = id ? organisationById(*db, *id) : std::nullopt;
                    if (!org || !withinJurisdiction(r.principal->organisationPath, org->path)) {
                        return Response::problem(notVisible("organisation", r.params.at("id")));
                    }
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    if (auto stale = checkVersion(org->version, *version)) return Response::problem(*stale);
                    auto updated = db->write([&](store::Transaction& tx) {
                        return store::OrganisationRepository(tx).update(*id, *version, str(r, "name"),
                                                                        r.json->getValue<bool>("active"),
                                                                        r.principal->username);
                    });
                    if (!updated) {
                        if (store::kind_of(updated.error()) == store::StoreErrorKind::conflict) {
                            auto now = organisationById(*db, *id);
                            return Response::problem(problems::staleVersion(now ? now->version : 0, *version));
                        }
                        return failure(updated.error(), "organisation", r.params.at("id"));
                    }
                    return withVersion(200, organisationJson(*updated), updated->version);
                }, 200, kAdministrators});
}

void addUserRoutes(Router& router, std::shared_ptr<store::Database> db, AuthService* auth) {
    router.add({"GET", "/api/v1/users", "listUsers", "Users of the administrator's subtree (keyset pages)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = idPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto users = db->read([&](store::Transaction& tx) {
                        return store::UserRepository(tx).list_in_subtree(r.principal->organisationPath, page->first,
                                                                         page->second + 1);
                    });
                    if (!users) return failure(users.error(), "user", "list");
                    return pageOf(std::move(*users), page->second, userRecordJson,
                                  [](const domain::User& u) { return u.id; });
                }, 200, kAdministrators});

    router.add({"GET", "/api/v1/users/{id}", "getUser", "A user of the administrator's subtree (ETag: its version)",
                AuthRequirement::User, std::nullopt, [db, auth](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("user", r.params.at("id")));
                    auto account = auth->user(*id);
                    if (!account) return Response::problem(account.problem());
                    if (!withinJurisdiction(r.principal->organisationPath, account->organisationPath)) {
                        return Response::problem(notVisible("user", r.params.at("id")));
                    }
                    auto record = db->read([&](store::Transaction& tx) { return store::UserRepository(tx).get(*id); });
                    if (!record) return failure(record.error(), "user", r.params.at("id"));
                    auto body = userJson(*account);
                    body->set("active", record->active);  // the account's own flag (its organisation's aside)
                    body->set("version", record->version);
                    return withVersion(200, body, record->version);
                }, 200, kAdministrators});

    // The target of a change to another account: in the administrator's subtree, else the
    // missing record's 404.
    auto visibleUser = [auth](const Request& r) -> Outcome<std::int64_t> {
        const auto id = idParam(r);
        if (!id) return notVisible("user", r.params.at("id"));
        auto account = auth->user(*id);
        if (!account) return account.problem();
        if (!withinJurisdiction(r.principal->organisationPath, account->organisationPath))
            return notVisible("user", r.params.at("id"));
        return *id;
    };

    router.add({"PUT", "/api/v1/users/{id}", "updateUser",
                "Change a user's display name and roles, or disable (active: false) or enable the account "
                "(If-Match); disabling revokes every token of theirs. Administrators cannot disable "
                "themselves or drop their own administrator role",
                AuthRequirement::User, userUpdateSchema(), [db, visibleUser](const Request& r) {
                    auto id = visibleUser(r);
                    if (!id) return Response::problem(id.problem());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    store::UserChange change{str(r, "display_name"), {}, r.json->getValue<bool>("active")};
                    auto roles = r.json->getArray("roles");
                    for (std::size_t i = 0; i < roles->size(); ++i)
                        change.roles.push_back(roles->getElement<std::string>(static_cast<unsigned>(i)));
                    if (*id == r.principal->userId) {
                        // Nobody locks themselves (or the last administrator) out by mistake.
                        std::vector<FieldError> errors;
                        if (!change.active) errors.push_back({"active", "you cannot disable your own account"});
                        if (std::find(change.roles.begin(), change.roles.end(), kAdministratorRole) == change.roles.end())
                            errors.push_back({"roles", "you cannot remove your own administrator role"});
                        if (!errors.empty()) return Response::problem(problems::validation(std::move(errors)));
                    }
                    auto updated = db->write([&](store::Transaction& tx) -> store::StoreResult<domain::User> {
                        store::UserRepository users(tx);
                        auto u = users.update(*id, *version, change, r.principal->username);
                        if (!u) return u;
                        if (!u->active) {
                            // A disabled account's tokens stop at once (they are refused
                            // anyway while it is disabled; revoked, they stay dead after).
                            if (auto revoked = users.revoke_user_tokens(*id, r.principal->username); !revoked)
                                return revoked.error();
                        }
                        return u;
                    });
                    if (!updated) {
                        if (store::kind_of(updated.error()) == store::StoreErrorKind::conflict) {
                            auto now = db->read([&](store::Transaction& tx) { return store::UserRepository(tx).get(*id); });
                            return Response::problem(problems::staleVersion(now ? now->version : 0, *version));
                        }
                        return failure(updated.error(), "user", r.params.at("id"));
                    }
                    return withVersion(200, userRecordJson(*updated), updated->version);
                }, 200, kAdministrators});

    router.add({"POST", "/api/v1/users/{id}/password", "resetUserPassword",
                "Set a new password for a user of the administrator's subtree; every token of theirs is "
                "revoked (their own password: POST /api/v1/me/password)",
                AuthRequirement::User,
                ObjectSchema{{field::string("new_password")
                                  .length(kMinPasswordLength, kMaxPasswordLength)
                                  .withFormat("password")}},
                [auth, visibleUser](const Request& r) {
                    auto id = visibleUser(r);
                    if (!id) return Response::problem(id.problem());
                    if (*id == r.principal->userId)
                        return Response::problem(problems::forbidden(
                            "Change your own password with POST /api/v1/me/password: it asks for the current one."));
                    auto reset = auth->resetPassword(*id, str(r, "new_password"), *r.principal);
                    if (!reset) return Response::problem(reset.problem());
                    auto body = newObject();
                    body->set("tokens_revoked", *reset);
                    return Response::json(200, body);
                }, 200, kAdministrators, KeyReplay::never});

    router.add({"POST", "/api/v1/users", "createUser",
                "Add a user with roles to an organisation of the administrator's subtree", AuthRequirement::User,
                userCreateSchema(), [db, auth](const Request& r) {
                    const auto orgId = r.json->getValue<Poco::Int64>("organisation_id");
                    auto org = organisationById(*db, orgId);
                    if (!org || !withinJurisdiction(r.principal->organisationPath, org->path)) {
                        return Response::problem(problems::validation(
                            {{"organisation_id", "there is no organisation " + std::to_string(orgId) + " in your jurisdiction"}}));
                    }
                    auto hash = auth->hashNewPassword(str(r, "password"));
                    if (!hash) return Response::problem(problems::validation({{"password", hash.error().message}}));
                    store::NewUser user{orgId, str(r, "username"), str(r, "display_name"), *hash, {}};
                    auto roles = r.json->getArray("roles");
                    for (std::size_t i = 0; i < roles->size(); ++i) user.roles.push_back(roles->getElement<std::string>(static_cast<unsigned>(i)));
                    auto created = db->write([&](store::Transaction& tx) {
                        return store::UserRepository(tx).create(user, r.principal->username);
                    });
                    if (!created) return failure(created.error(), "user", user.username);
                    return withVersion(201, userRecordJson(*created), created->version);
                }, 201, kAdministrators});
}

void addEntityRoutes(Router& router, std::shared_ptr<store::Database> db) {
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
                    auto found = admin::getEntity(*db, *id);
                    if (!found) return failure(found.error(), "regulated entity", r.params.at("id"));
                    if (!admin::entityVisible(r.principal->organisationPath, found->jurisdictionPath)) {
                        return Response::problem(notVisible("regulated entity", r.params.at("id")));
                    }
                    return withVersion(200, entityJson(*found), found->entity.version);
                }, 200, kPeopleRoles});

    auto supervisingOrgVisible = [db](const Request& r) -> std::optional<Problem> {
        const auto orgId = r.json->getValue<Poco::Int64>("jurisdiction_org_id");
        auto org = organisationById(*db, orgId);
        if (!org || !withinJurisdiction(r.principal->organisationPath, org->path)) {
            return problems::validation(
                {{"jurisdiction_org_id", "there is no organisation " + std::to_string(orgId) + " in your jurisdiction"}});
        }
        return std::nullopt;
    };

    router.add({"POST", "/api/v1/regulated-entities", "createRegulatedEntity",
                "Add a regulated entity under an organisation of the administrator's subtree", AuthRequirement::User,
                entitySchema(), [db, supervisingOrgVisible](const Request& r) {
                    if (auto denied = supervisingOrgVisible(r)) return Response::problem(*denied);
                    auto created = admin::createEntity(*db, entityInput(r), r.principal->username);
                    if (!created) return failure(created.error(), "regulated entity", str(r, "name"));
                    return withVersion(201, entityJson(*created), created->entity.version);
                }, 201, kAdministrators});

    router.add({"PUT", "/api/v1/regulated-entities/{id}", "updateRegulatedEntity",
                "Correct a regulated entity (If-Match)", AuthRequirement::User, entitySchema(),
                [db, supervisingOrgVisible](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("regulated entity", r.params.at("id")));
                    auto found = admin::getEntity(*db, *id);
                    if (!found) return failure(found.error(), "regulated entity", r.params.at("id"));
                    if (!withinJurisdiction(r.principal->organisationPath, found->jurisdictionPath)) {
                        return Response::problem(notVisible("regulated entity", r.params.at("id")));
                    }
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    if (auto stale = checkVersion(found->entity.version, *version)) return Response::problem(*stale);
                    if (auto denied = supervisingOrgVisible(r)) return Response::problem(*denied);
                    auto updated = admin::updateEntity(*db, *id, *version, entityInput(r), r.principal->username);
                    if (!updated) {
                        return failure(updated.error(), "regulated entity", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::getEntity(*db, *id);
                                           return now ? std::optional<std::int64_t>(now->entity.version) : std::nullopt;
                                       });
                    }
                    return withVersion(200, entityJson(*updated), updated->entity.version);
                }, 200, kAdministrators});
}

void addCatalogueRoutes(Router& router, std::shared_ptr<store::Database> db) {
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

    router.add({"POST", "/api/v1/products", "createProduct", "Add a product to the catalogue", AuthRequirement::User,
                productSchema(), [db](const Request& r) {
                    auto created = admin::createProduct(*db, productInput(r), r.principal->username);
                    if (!created) return failure(created.error(), "product", str(r, "name"));
                    return withVersion(201, productJson(*created), created->version);
                }, 201, kAdministrators});

    router.add({"PUT", "/api/v1/products/{id}", "updateProduct", "Correct a product (If-Match)", AuthRequirement::User,
                productSchema(), [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("product", r.params.at("id")));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto updated = admin::updateProduct(*db, *id, *version, productInput(r), r.principal->username);
                    if (!updated) {
                        return failure(updated.error(), "product", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::getProduct(*db, *id);
                                           return now ? std::optional<std::int64_t>(now->version) : std::nullopt;
                                       });
                    }
                    return withVersion(200, productJson(*updated), updated->version);
                }, 200, kAdministrators});

    router.add({"GET", "/api/v1/products/{id}/specification-lines", "listSpecificationLines",
                "The specification a product is judged against", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
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
                "Add a specification line (requirement in its written form) to a product", AuthRequirement::User,
                specSchema(), [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("product", r.params.at("id")));
                    auto created = admin::createSpecificationLine(*db, *id, specInput(r), r.principal->username);
                    if (!created) return failure(created.error(), "product", r.params.at("id"));
                    return withVersion(201, specJson(*created), created->version);
                }, 201, kAdministrators});

    router.add({"GET", "/api/v1/specification-lines/{id}", "getSpecificationLine", "A specification line",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("specification line", r.params.at("id")));
                    auto found = admin::getSpecificationLine(*db, *id);
                    if (!found) return failure(found.error(), "specification line", r.params.at("id"));
                    return withVersion(200, specJson(*found), found->version);
                }, 200, kPeopleRoles});

    router.add({"PUT", "/api/v1/specification-lines/{id}", "updateSpecificationLine",
                "Correct a specification line (If-Match)", AuthRequirement::User, specSchema(), [db](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("specification line", r.params.at("id")));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto updated = admin::updateSpecificationLine(*db, *id, *version, specInput(r), r.principal->username);
                    if (!updated) {
                        return failure(updated.error(), "specification line", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::getSpecificationLine(*db, *id);
                                           return now ? std::optional<std::int64_t>(now->version) : std::nullopt;
                                       });
                    }
                    return withVersion(200, specJson(*updated), updated->version);
                }, 200, kAdministrators});
}

}  // namespace

void add_admin_routes(Router& router, const RouteContext& context) {
    addOrganisationRoutes(router, context.database);
    addUserRoutes(router, context.database, context.auth);
    addEntityRoutes(router, context.database);
    addCatalogueRoutes(router, context.database);
}

}  // namespace lims::api
