// /api/v1/notifications: what the system told the caller (their cold-chain alarm
// notifications, nonconformity notices to their organisation, their office's messages)
// with their own read and acknowledged marks; /api/v1/organisations/{id}/contacts and
// /api/v1/organisation-contacts: who at a bureau is told of its notices, and its head;
// /api/v1/notices/{id}/deliveries: a notice's e-mails and SMS and their state.
// Thin: the use cases are lims/workflow/notifications.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/notifications/inbox.hpp"
#include "lims/workflow/notifications/notice_push.hpp"
#include "lims/workflow/notifications/org_contacts.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <climits>

namespace lims::api {

namespace {

namespace nf = lims::workflow::notifications;
using Json = Poco::JSON::Object::Ptr;
using domain::Role;

Json parsed(const std::string& json) { return Poco::JSON::Parser().parse(json).extract<Json>(); }

std::optional<std::int64_t> positive(const std::string& text) {
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(text, v) || v <= 0) return std::nullopt;
    return v;
}

Json item_json(const nf::InboxItem& n) {
    auto j = newObject();
    j->set("source", n.source);
    j->set("id", n.id);
    j->set("kind", n.kind);
    j->set("subject", n.subject);
    j->set("message", n.message);
    j->set("sample_number", n.sample_number);
    j->set("created_at", n.created_at);
    if (n.alarm_id) j->set("alarm_id", *n.alarm_id);
    if (n.notice_id) j->set("notice_id", *n.notice_id);
    if (!n.due_at.empty()) j->set("due_at", n.due_at);
    if (n.source == "notice") j->set("serious_risk", n.serious_risk);
    j->set("settled_at", n.settled_at ? Poco::Dynamic::Var(*n.settled_at) : Poco::Dynamic::Var());
    j->set("read_at", n.read_at ? Poco::Dynamic::Var(*n.read_at) : Poco::Dynamic::Var());
    j->set("acknowledged_at", n.acknowledged_at ? Poco::Dynamic::Var(*n.acknowledged_at) : Poco::Dynamic::Var());
    if (n.acknowledged_at) j->set("acknowledgement_note", n.acknowledgement_note);
    j->set("version", n.version);
    return j;
}

Response item_response(const nf::InboxItem& n) {
    return Response::json(200, item_json(n)).withHeader("ETag", etagFor(n.version));
}

// {source}/{id} of the path; a 404 (the same as a missing item) when unreadable.
std::optional<std::pair<std::string, std::int64_t>> item_key(const Request& r) {
    auto id = positive(r.params.at("id"));
    const std::string source = r.params.at("source");
    if (!id || !nf::is_source(source)) return std::nullopt;
    return std::pair{source, *id};
}

Response no_item(const Request& r) {
    return Response::problem(notVisible("notification", r.params.at("source") + "/" + r.params.at("id")));
}

nf::OrgContactRequest org_contact_of(const Json& j) {
    nf::OrgContactRequest c;
    c.role = j->getValue<std::string>("role");
    c.name = j->getValue<std::string>("name");
    if (j->has("user_id") && !j->isNull("user_id")) c.user_id = j->getValue<Poco::Int64>("user_id");
    if (j->has("email") && !j->isNull("email")) c.email = j->getValue<std::string>("email");
    if (j->has("phone") && !j->isNull("phone")) c.phone = j->getValue<std::string>("phone");
    return c;
}

ObjectSchema org_contact_schema() {
    return {{field::string("role").oneOf({"notices", "head"}), field::string("name").length(1, 200),
             field::integer("user_id").range(1, INT64_MAX).optional(),
             field::string("email").length(3, 254).checkedBy(emailProblem).optional(),
             field::string("phone").length(3, 32).matching(R"(\+?[0-9][0-9 ()-]{2,31})",
                                                           "must be a telephone number: digits, spaces, - and ( ), an optional leading +").optional()}};
}

template <typename Rows>
Response items_of(const Rows& rows) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& row : rows) items->add(parsed(nf::to_json(row)));
    auto body = newObject();
    body->set("items", items);
    return Response::json(200, body);
}

}  // namespace

void add_notification_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::RoleSet admin{Role::administrator};

    // ---- the caller's notifications -----------------------------------------------------
    router.add({"GET", "/api/v1/notifications", "listNotifications",
                "The caller's notifications, newest first: their cold-chain alarm notifications, nonconformity "
                "notices to their organisation and their office's messages, each with the caller's read and "
                "acknowledged marks (?unread=true for those neither read nor acknowledged; ?limit, ?cursor); "
                "`unread` counts all of them",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto page = readPage(r);
                    if (!page) return Response::problem(page.problem());
                    nf::InboxQuery q;
                    q.limit = static_cast<int>(page->limit);
                    if (page->after) {
                        const auto& key = *page->after;
                        Poco::Int64 id = 0;
                        if (key.size() != 3 || !nf::is_source(key[1]) || !Poco::NumberParser::tryParse64(key[2], id))
                            return Response::problem(problems::validation({{"cursor", "is not a cursor of this listing"}}));
                        q.after = nf::InboxKey{key[0], key[1], id};
                    }
                    if (auto it = r.query.find("unread"); it != r.query.end()) {
                        if (it->second != "true" && it->second != "false")
                            return Response::problem(problems::validation({{"unread", "must be true or false"}}));
                        q.unread_only = it->second == "true";
                    }
                    auto found = nf::list_inbox(*db, actor_of(r), q);
                    if (!found) return Response::error(found.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& n : found->items) items->add(item_json(n));
                    std::optional<std::vector<std::string>> next;
                    if (found->next)
                        next = std::vector<std::string>{found->next->created_at, found->next->source,
                                                        std::to_string(found->next->id)};
                    auto body = pageJson(items, next);
                    body->set("unread", found->unread);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/notifications/{source}/{id}", "getNotification",
                "One of the caller's notifications (source: alarm, notice, office) with its ETag",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto key = item_key(r);
                    if (!key) return no_item(r);
                    auto item = nf::get_inbox_item(*db, actor_of(r), key->first, key->second);
                    if (!item) return Response::error(item.error());
                    return item_response(*item);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/notifications/{source}/{id}/read", "markNotificationRead",
                "Mark one of the caller's notifications read (If-Match: its version)", AuthRequirement::User,
                ObjectSchema{{}},
                [db](const Request& r) {
                    auto key = item_key(r);
                    if (!key) return no_item(r);
                    if (auto item = nf::get_inbox_item(*db, actor_of(r), key->first, key->second); !item)
                        return Response::error(item.error());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto done = nf::mark_read(*db, actor_of(r), key->first, key->second, *version);
                    if (!done) return Response::error(done.error());
                    return item_response(*done);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/notifications/{source}/{id}/acknowledgement", "acknowledgeNotification",
                "Acknowledge one of the caller's notifications (If-Match: its version); an alarm or a notice nobody "
                "has acknowledged yet is acknowledged with it (an alarm needs the note saying what was done; a "
                "notice takes it as its reference)",
                AuthRequirement::User,
                ObjectSchema{{field::string("note").length(0, 2000).multiLineText().optional()}},
                [db](const Request& r) {
                    auto key = item_key(r);
                    if (!key) return no_item(r);
                    if (auto item = nf::get_inbox_item(*db, actor_of(r), key->first, key->second); !item)
                        return Response::error(item.error());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    const std::string note =
                        r.json->has("note") && !r.json->isNull("note") ? r.json->getValue<std::string>("note") : "";
                    auto done = nf::acknowledge(*db, actor_of(r), key->first, key->second, *version, note);
                    if (!done) return Response::error(done.error());
                    return item_response(*done);
                },
                200, kPeopleRoles});

    // ---- a bureau's notice contacts -----------------------------------------------------
    router.add({"GET", "/api/v1/organisations/{id}/contacts", "listOrganisationContacts",
                "Who at an organisation of the caller's subtree is told of its nonconformity notices (role notices) "
                "and its head (role head); ?history=true adds changed and removed ones",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = positive(r.params.at("id"));
                    if (!id) return Response::problem(notVisible("organisation", r.params.at("id")));
                    const bool history = r.query.count("history") && r.query.at("history") == "true";
                    auto rows = nf::list_org_contacts(*db, actor_of(r), *id, history);
                    if (!rows) return Response::error(rows.error());
                    return items_of(*rows);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/organisations/{id}/contacts", "addOrganisationContact",
                "Add who is told of an organisation's notices (role notices) or its head (role head): e-mail, phone "
                "for the SMS gateway, user",
                AuthRequirement::User, org_contact_schema(),
                [db](const Request& r) {
                    auto id = positive(r.params.at("id"));
                    if (!id) return Response::problem(notVisible("organisation", r.params.at("id")));
                    auto made = nf::add_org_contact(*db, actor_of(r), *id, org_contact_of(r.json));
                    if (!made) return Response::error(made.error());
                    return Response::json(201, parsed(nf::to_json(*made)));
                },
                201, admin});

    router.add({"PUT", "/api/v1/organisation-contacts/{id}", "changeOrganisationContact",
                "Change a current contact: a new row replaces it (the old stays in the history)", AuthRequirement::User,
                org_contact_schema(),
                [db](const Request& r) {
                    auto id = positive(r.params.at("id"));
                    if (!id) return Response::problem(notVisible("contact", r.params.at("id")));
                    auto made = nf::change_org_contact(*db, actor_of(r), *id, org_contact_of(r.json));
                    if (!made) return Response::error(made.error());
                    return Response::json(200, parsed(nf::to_json(*made)));
                },
                200, admin});

    router.add({"DELETE", "/api/v1/organisation-contacts/{id}", "removeOrganisationContact",
                "Remove a current contact (a removal row is appended; the history keeps it)", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto id = positive(r.params.at("id"));
                    if (!id) return Response::problem(notVisible("contact", r.params.at("id")));
                    auto made = nf::remove_org_contact(*db, actor_of(r), *id);
                    if (!made) return Response::error(made.error());
                    return Response::json(200, parsed(nf::to_json(*made)));
                },
                200, admin});

    // ---- a notice's deliveries ------------------------------------------------------------
    router.add({"GET", "/api/v1/notices/{id}/deliveries", "listNoticeDeliveries",
                "A nonconformity notice's push to its bureau's contacts and its escalation to the head: each "
                "e-mail and SMS with its state (pending, sent, failed), attempts and last error",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = positive(r.params.at("id"));
                    if (!id) return Response::problem(notVisible("notice", r.params.at("id")));
                    auto found = nf::notice_deliveries(*db, actor_of(r), *id);
                    if (!found) return Response::error(found.error());
                    auto body = newObject();
                    body->set("notice_id", found->notice_id);
                    body->set("number", found->number);
                    body->set("pushed_at", found->pushed_at ? Poco::Dynamic::Var(*found->pushed_at) : Poco::Dynamic::Var());
                    body->set("pushed_to", found->pushed_to);
                    body->set("escalated_at",
                              found->escalated_at ? Poco::Dynamic::Var(*found->escalated_at) : Poco::Dynamic::Var());
                    body->set("escalated_to", found->escalated_to);
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& d : found->deliveries) {
                        auto j = newObject();
                        j->set("id", d.id);
                        j->set("channel", d.channel);
                        j->set("address", d.address);
                        if (d.org_contact_id) j->set("contact_id", *d.org_contact_id);
                        j->set("escalation_level", d.escalation_level);
                        j->set("subject", d.subject);
                        j->set("state", d.state);
                        j->set("attempts", d.attempts);
                        j->set("last_error", d.last_error);
                        j->set("sent_at_utc", d.sent_at_utc ? Poco::Dynamic::Var(*d.sent_at_utc) : Poco::Dynamic::Var());
                        items->add(j);
                    }
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});
}

}  // namespace lims::api
