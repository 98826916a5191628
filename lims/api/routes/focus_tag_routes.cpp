// Focus varieties (重点品种) as tags: the reference list (GET /api/v1/focus-tags) and a
// catalogue product's tags (GET and PUT /api/v1/products/{id}/focus-tags; PUT sets the
// whole set, by the catalogue's owner). A plan's quotas name their tags in the plan's body
// (sampling_plan_routes.cpp). The use cases are lims/workflow/sampling/focus_tags.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/sampling/focus_tags.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace lims::api {

namespace {

namespace wf = lims::workflow::sampling;
using domain::Role;

Poco::JSON::Object::Ptr tags_json(std::int64_t product_id, const std::vector<std::string>& tags) {
    auto o = newObject();
    o->set("product_id", product_id);
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& t : tags) a->add(t);
    o->set("focus_tags", a);
    return o;
}

std::optional<std::int64_t> product_id(const Request& r) {
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at("id"), id) || id <= 0) return std::nullopt;
    return id;
}

}  // namespace

void add_focus_tag_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    router.add({"GET", "/api/v1/focus-tags", "listFocusTags",
                "The focus varieties (重点品种) plans, products, tasks and figures are tagged with", AuthRequirement::User,
                std::nullopt,
                [db](const Request&) {
                    auto tags = wf::list_focus_tags(*db);
                    if (!tags) return Response::error(tags.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& t : *tags) {
                        auto o = newObject();
                        o->set("code", t.code);
                        o->set("name", t.name);
                        o->set("name_en", t.name_en);
                        items->add(o);
                    }
                    auto body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});
    router.add({"GET", "/api/v1/products/{id}/focus-tags", "getProductFocusTags", "A catalogue product's focus tags",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = product_id(r);
                    if (!id) return Response::problem(problems::badRequest("product id: \"" + r.params.at("id").substr(0, 40) + "\" is not an id"));
                    auto tags = wf::product_focus_tags(*db, *id);
                    if (!tags) return Response::error(tags.error());
                    return Response::json(200, tags_json(*id, *tags));
                },
                200, kPeopleRoles});
    router.add({"PUT", "/api/v1/products/{id}/focus-tags", "setProductFocusTags",
                "Set a catalogue product's focus tags to exactly these (the catalogue's owner; audited)",
                AuthRequirement::User,
                ObjectSchema{{field::array("focus_tags", field::string("").length(1, 64)).count(0, 20)}},
                [db](const Request& r) {
                    auto id = product_id(r);
                    if (!id) return Response::problem(problems::badRequest("product id: \"" + r.params.at("id").substr(0, 40) + "\" is not an id"));
                    std::vector<std::string> tags;
                    auto a = r.json->getArray("focus_tags");
                    for (std::size_t i = 0; i < a->size(); ++i) tags.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
                    auto set = wf::set_product_focus_tags(*db, actor_of(r), *id, tags);
                    if (!set) return Response::error(set.error());
                    return Response::json(200, tags_json(*id, *set));
                },
                200, {Role::administrator}});
}

}  // namespace lims::api
