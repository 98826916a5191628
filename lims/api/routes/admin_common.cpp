#include "lims/api/routes/admin_common.hpp"

#include "lims/domain/identifiers/region_code.hpp"

#include <Poco/Logger.h>
#include <Poco/NumberParser.h>

namespace lims::api::admin_routes {

namespace {
Poco::Logger& logger() { return Poco::Logger::get("lims.api.admin"); }
}  // namespace

std::optional<std::int64_t> idParam(const Request& r, const std::string& name) {
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at(name), v) || v <= 0) return std::nullopt;
    return v;
}

std::string str(const Request& r, const std::string& name, const std::string& fallback) {
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

std::vector<std::string> strings(const Request& r, const std::string& name) {
    std::vector<std::string> out;
    auto values = r.json->getArray(name);
    for (std::size_t i = 0; values && i < values->size(); ++i)
        out.push_back(values->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
}

StringCheck regionCheck() {
    return [](std::string_view v) -> std::optional<std::string> {
        auto r = domain::RegionCode::parse(v);
        return r ? std::nullopt : std::optional<std::string>(r.error().message);
    };
}

Response failure(const domain::Error& e, const std::string& what, const std::string& id, std::int64_t given,
                 const std::function<std::optional<std::int64_t>()>& reread) {
    if (e.kind == domain::ErrorKind::stale && reread) {
        if (const auto current = reread()) return Response::problem(problems::staleVersion(*current, given));
    }
    if (e.kind == domain::ErrorKind::not_found) return Response::problem(notVisible(what, id));
    if (e.kind == domain::ErrorKind::internal || e.kind == domain::ErrorKind::unspecified)
        logger().error("%s %s: %s: %s", what, id, e.code, e.message);
    return Response::error(e);
}

Response withVersion(int status, const Object::Ptr& body, std::int64_t version) {
    return Response::json(status, body).withHeader("ETag", etagFor(version));
}

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

}  // namespace lims::api::admin_routes
