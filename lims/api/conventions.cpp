#include "lims/api/conventions.hpp"

#include "lims/api/body_schema.hpp"
#include "lims/api/json_text.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <sstream>

namespace lims::api {

std::string etagFor(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

Outcome<std::int64_t> requireIfMatch(const Request& request) {
    std::string value = Poco::trim(request.header("if-match"));
    if (value.empty()) {
        return problems::preconditionRequired(
            "This change needs an If-Match header with the record's version (its ETag), so that two people "
            "cannot overwrite each other.");
    }
    if (value.rfind("W/", 0) == 0) value = value.substr(2);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    Poco::Int64 version = 0;
    if (!Poco::NumberParser::tryParse64(value, version) || version < 1) {
        return problems::badRequest("If-Match must be a record version such as \"3\", not '" +
                                    request.header("if-match") + "'.");
    }
    return static_cast<std::int64_t>(version);
}

std::optional<Problem> checkVersion(std::int64_t current, std::int64_t given) {
    if (current == given) return std::nullopt;
    return problems::staleVersion(current, given);
}

std::string encodeCursor(const std::vector<std::string>& sortKey) {
    Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
    for (const auto& v : sortKey) values->add(v);
    std::ostringstream out;
    {
        Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        encoder.rdbuf()->setLineLength(0);
        encoder << toJsonText(values);
        encoder.close();
    }
    return out.str();
}

Outcome<std::vector<std::string>> decodeCursor(const std::string& cursor) {
    const Problem bad = problems::validation({{"cursor", "is not a cursor this API issued; start from the first page"}});
    // A cursor is a few sort-key values; anything much longer was not made by us.
    constexpr std::size_t kMaxCursorLength = 2048;
    if (cursor.empty() || cursor.size() > kMaxCursorLength) return bad;
    try {
        std::istringstream in(cursor);
        Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        std::string json((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
        Poco::JSON::Parser parser;
        auto parsed = parser.parse(json);
        if (parsed.type() != typeid(Poco::JSON::Array::Ptr)) return bad;
        auto array = parsed.extract<Poco::JSON::Array::Ptr>();
        std::vector<std::string> values;
        for (std::size_t i = 0; i < array->size(); ++i) {
            const auto v = array->get(static_cast<unsigned>(i));
            if (!v.isString()) return bad;
            values.push_back(v.extract<std::string>());
        }
        if (values.empty()) return bad;
        return values;
    } catch (const Poco::Exception&) {
        return bad;
    } catch (const std::exception&) {
        return bad;
    }
}

Outcome<PageRequest> readPage(const Request& request, std::size_t defaultLimit, std::size_t maxLimit) {
    PageRequest page;
    page.limit = defaultLimit;
    if (auto it = request.query.find("limit"); it != request.query.end()) {
        unsigned value = 0;
        if (!Poco::NumberParser::tryParseUnsigned(it->second, value) || value < 1 || value > maxLimit) {
            return problems::validation({{"limit", "must be a whole number from 1 to " + std::to_string(maxLimit)}});
        }
        page.limit = value;
    }
    if (auto it = request.query.find("cursor"); it != request.query.end()) {
        auto key = decodeCursor(it->second);
        if (!key) return key.problem();
        page.after = std::move(key).value();
    }
    return page;
}

Outcome<std::int64_t> cursorAfterId(const PageRequest& page) {
    if (!page.after) return std::int64_t{0};
    Poco::Int64 v = 0;
    if (page.after->size() != 1 || !Poco::NumberParser::tryParse64(page.after->front(), v) || v < 0)
        return problems::validation({{"cursor", "is not a cursor this API issued; start from the first page"}});
    return static_cast<std::int64_t>(v);
}

Outcome<IdPageRequest> readIdPage(const Request& request, std::size_t defaultLimit, std::size_t maxLimit) {
    auto page = readPage(request, defaultLimit, maxLimit);
    if (!page) return page.problem();
    auto after = cursorAfterId(*page);
    if (!after) return after.problem();
    return IdPageRequest{*after, page->limit};
}

Poco::JSON::Object::Ptr idPageJson(const Poco::JSON::Array::Ptr& items, const std::optional<std::int64_t>& nextAfterId) {
    std::optional<std::vector<std::string>> next;
    if (nextAfterId) next = std::vector<std::string>{std::to_string(*nextAfterId)};
    return pageJson(items, next);
}

Poco::JSON::Object::Ptr pageJson(const Poco::JSON::Array::Ptr& items,
                                 const std::optional<std::vector<std::string>>& nextSortKey) {
    auto o = newObject();
    o->set("items", items);
    if (nextSortKey) {
        o->set("next_cursor", encodeCursor(*nextSortKey));
    } else {
        o->set("next_cursor", Poco::Dynamic::Var());
    }
    return o;
}

bool withinJurisdiction(const std::string& userPath, const std::string& recordPath) {
    return workflow::jurisdiction::covers(userPath, recordPath);
}

workflow::Actor actor_of(const Request& request) {
    const Principal& p = *request.principal;
    return workflow::Actor{p.userId, p.username, roleSetOf(p), p.organisationId, p.organisationPath};
}

Problem notVisible(const std::string& what, const std::string& id) {
    return problems::notFound("There is no " + what + " " + id + ".");
}

}  // namespace lims::api
