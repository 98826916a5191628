// GET /api/v1/regions: the GB/T 2260 division names the service knows (provinces, prefectures,
// counties), the one list behind every region name: the figures grouped by region
// (domain/identifiers/region_names.hpp) and the screens, which compose "上海市浦东新区" from
// the entries of 31, 3101 and 310115 (lims/web/src/util/regions.ts). No database: the list is
// compiled in, so answers may be cached for a day.
#include "lims/api/route_modules.hpp"

#include "lims/api/json_text.hpp"
#include "lims/api/schemas/catalogue.hpp"
#include "lims/domain/identifiers/region_names.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace lims::api {

namespace {

// The answer's text, made once: the list is compiled in and the same for every caller.
const std::string& regions_text() {
    static const std::string text = [] {
        namespace detail = domain::detail;
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (std::size_t i = 0; i < detail::kRegionNameCount; ++i) {
            auto o = newObject();
            o->set("code", std::string(detail::kRegionNames[i].code));
            o->set("name", std::string(detail::kRegionNames[i].name));
            items->add(o);
        }
        auto body = newObject();
        body->set("source", std::string(domain::kRegionNamesSource));
        body->set("items", items);
        return toJsonText(body);
    }();
    return text;
}

Response list_regions() {
    return Response::text(200, kJsonContentType, regions_text()).withHeader("Cache-Control", "private, max-age=86400");
}

}  // namespace

void add_region_routes(Router& router, const RouteContext&) {
    using namespace schemas;
    router.add({"GET", "/api/v1/regions", "listRegions",
                "The administrative divisions by name (GB/T 2260 codes of provinces, prefectures and counties, as the "
                "National Bureau of Statistics lists them), for turning the region codes the system keeps into the "
                "names people read; compiled in, the same for every caller",
                AuthRequirement::User, std::nullopt, [](const Request&) { return list_regions(); }, 200, kPeopleRoles,
                KeyReplay::once, {},
                {ok(object({field::string("source"),
                            field::array("items", object({field::string("code").matching("[0-9]{2}([0-9]{2}){0,2}", "2, 4 or 6 digits"),
                                                          field::string("name")}))}),
                    "Every entry, sorted by code: 2 digits a province, 4 a prefecture, 6 a county. A prefecture "
                    "entry may be no place of its own (市辖区, 县, 省直辖县级行政区划): a name is composed without it.")}});
}

}  // namespace lims::api
