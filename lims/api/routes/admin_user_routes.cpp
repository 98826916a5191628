// /api/v1/users: the accounts of the administrator's subtree: list, read, add, change or
// disable (tokens revoked), and a password reset. Accounts are changed through
// lims/workflow/admin/accounts.hpp; passwords through the auth service.
#include "lims/api/auth_routes.hpp"
#include "lims/api/routes/admin_common.hpp"
#include "lims/workflow/admin/accounts.hpp"

namespace lims::api::admin_routes {

namespace {

namespace admin = workflow::admin;

std::vector<std::string> roleNames() {
    std::vector<std::string> out;
    for (domain::Role r : domain::kAllRoles) out.emplace_back(domain::to_string(r));
    return out;
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

}  // namespace

void add_user_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    auto* auth = context.auth;

    router.add({"GET", "/api/v1/users", "listUsers", "Users of the administrator's subtree (keyset pages)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = idPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto users = admin::users_in_subtree(*db, actor_of(r), page->first, page->second + 1);
                    if (!users) return failure(users.error(), "user", "list");
                    return pageOf(std::move(*users), page->second, userRecordJson,
                                  [](const domain::User& u) { return u.id; });
                }, 200, kAdministrators});

    router.add({"GET", "/api/v1/users/{id}", "getUser", "A user of the administrator's subtree (ETag: its version)",
                AuthRequirement::User, std::nullopt, [db, auth](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("user", r.params.at("id")));
                    auto record = admin::user_record(*db, actor_of(r), *id);
                    if (!record) return failure(record.error(), "user", r.params.at("id"));
                    auto account = auth->user(*id);
                    if (!account) return Response::problem(account.problem());
                    auto body = userJson(*account);
                    body->set("active", record->active);  // the account's own flag (its organisation's aside)
                    body->set("version", record->version);
                    return withVersion(200, body, record->version);
                }, 200, kAdministrators});

    router.add({"PUT", "/api/v1/users/{id}", "updateUser",
                "Change a user's display name and roles, or disable (active: false) or enable the account "
                "(If-Match); disabling revokes every token of theirs. Administrators cannot disable "
                "themselves or drop their own administrator role",
                AuthRequirement::User, userUpdateSchema(), [db, auth](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("user", r.params.at("id")));
                    // Another jurisdiction's account is a 404 before If-Match is asked for.
                    if (auto seen = admin::user_record(*db, actor_of(r), *id); !seen)
                        return failure(seen.error(), "user", r.params.at("id"));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    store::UserChange change{str(r, "display_name"), strings(r, "roles"), r.json->getValue<bool>("active")};
                    auto updated = admin::update_user(*db, actor_of(r), *id, *version, change);
                    if (!updated)
                        return failure(updated.error(), "user", r.params.at("id"), *version,
                                       [&]() -> std::optional<std::int64_t> {
                                           auto now = admin::user_record(*db, actor_of(r), *id);
                                           return now ? std::optional<std::int64_t>(now->version) : std::nullopt;
                                       });
                    auth->forgetUser(*id);  // disabled or with other roles: at once on this node
                    return withVersion(200, userRecordJson(*updated), updated->version);
                }, 200, kAdministrators});

    router.add({"POST", "/api/v1/users/{id}/password", "resetUserPassword",
                "Set a new password for a user of the administrator's subtree; every token of theirs is "
                "revoked (their own password: POST /api/v1/me/password)",
                AuthRequirement::User,
                ObjectSchema{{field::string("new_password")
                                  .length(kMinPasswordLength, kMaxPasswordLength)
                                  .withFormat("password")}},
                [db, auth](const Request& r) {
                    const auto id = idParam(r);
                    if (!id) return Response::problem(notVisible("user", r.params.at("id")));
                    if (auto seen = admin::user_record(*db, actor_of(r), *id); !seen)
                        return failure(seen.error(), "user", r.params.at("id"));
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
                    // The organisation first: a refused request costs no password hash.
                    const auto orgId = r.json->getValue<Poco::Int64>("organisation_id");
                    if (auto org = admin::organisation(*db, actor_of(r), orgId); !org) {
                        if (org.error().kind != domain::ErrorKind::not_found) return failure(org.error(), "user", "new");
                        return Response::problem(problems::validation(
                            {{"organisation_id", "there is no organisation " + std::to_string(orgId) + " in your jurisdiction"}}));
                    }
                    auto hash = auth->hashNewPassword(str(r, "password"));
                    if (!hash) return Response::problem(problems::validation({{"password", hash.error().message}}));
                    store::NewUser user{orgId, str(r, "username"),
                                        str(r, "display_name"), *hash, strings(r, "roles")};
                    auto created = admin::create_user(*db, actor_of(r), user);
                    if (!created) return failure(created.error(), "user", user.username);
                    return withVersion(201, userRecordJson(*created), created->version);
                }, 201, kAdministrators});
}

}  // namespace lims::api::admin_routes
