// Bad input at every POST and PUT route of the assembled table: a few thousand generated
// bodies (malformed JSON, wrong types, missing and unknown fields, huge strings, SQL and
// HTML, odd Unicode, oversize) from a fixed seed. Each must get a 4xx
// application/problem+json answer; afterwards the server still answers and the audit
// chain verifies.
#include "route_recipes.hpp"
#include "test_service.hpp"

#include "lims/api/json_text.hpp"

#include <gtest/gtest.h>

#include "lims/api/conventions.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>

#include <random>
#include <sstream>

using lims::api::AuthRequirement;
using lims::api::FieldSchema;
using lims::api::JsonType;
using lims::api::Route;
using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

// Fixed, so a failure reproduces exactly.
constexpr std::uint32_t kSeed = 20261123;
// Bodies per route: with ~30 body routes this is a few thousand requests.
constexpr int kBodiesPerRoute = 120;
// Larger than ServerConfig::maxBodyBytes (1 MiB): refused with 413 before it is read.
constexpr std::size_t kOversizeBytes = 1024 * 1024 + 17;
constexpr std::size_t kHugeString = 200'000;

const char* const kMalformed[] = {
    "",
    "{",
    "}",
    "[]",
    "null",
    "42",
    "\"text\"",
    "{\"a\":}",
    "{\"a\":1,}",
    "{'a':1}",
    "{\"a\":NaN}",
    "{\"a\":Infinity}",
    "{\"a\":1 /* comment */}",
    "\xEF\xBB\xBF{}",
    "{\"a\":\"\\ud800\"}",
    "{\"a\":\"\xC0\xAF\"}",
    "{\"a\":\"\xFF\xFE\"}",
    "{\"a\":1}{\"b\":2}",
    "{\"a\":1,\"a\":2}",
    "{\"a\":\"unterminated}",
    "{\"a\":tru}",
    "{\"a\":01}",
    "{\"a\":1e999999}",
    "{\"a\":-}",
    "{\"\\u0000\":1}",
};

const char* const kHostileStrings[] = {
    "'; DROP TABLE samples; --",
    "\" OR 1=1 --",
    "1; DELETE FROM audit_log",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "${jndi:ldap://x/a}",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "\xE2\x80\xAE\xE2\x80\xAD reversed",           // RTL / LTR overrides
    "Z\xCC\x8D\xCC\x91\xCC\x88\xCD\x8A\xCC\x9A",   // combining marks
    "\xF0\x9F\x92\x8A\xF0\x9F\xA7\xAA",             // emoji
    "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",         // full-width digits
    "\\u0000 nul inside",
    "    ",
    "\t\r\n",
};

std::string quoted(const std::string& s) { return lims::api::toJsonText(Poco::Dynamic::Var(s)); }

// A JSON value of the wrong type for the field.
std::string wrongTypeFor(const FieldSchema& f, std::mt19937& rng) {
    std::vector<std::string> options{"null", "true", "[]", "{}", "12345", "-1.5", "\"text\"", "[1,2,3]", "{\"x\":1}"};
    std::vector<std::string> wrong;
    for (const auto& o : options) {
        const bool isString = o.front() == '"';
        const bool isNumber = o.front() == '-' || (o.front() >= '0' && o.front() <= '9');
        const bool isBool = o == "true";
        const bool isArray = o.front() == '[';
        const bool isObject = o.front() == '{';
        bool fits = false;
        switch (f.type) {
            case JsonType::String: fits = isString; break;
            case JsonType::Integer: fits = o == "12345"; break;
            case JsonType::Decimal: fits = isNumber; break;
            case JsonType::Boolean: fits = isBool; break;
            case JsonType::Array: fits = isArray; break;
            case JsonType::Object: fits = isObject; break;
        }
        if (o == "null" && f.nullable) fits = true;
        if (!fits) wrong.push_back(o);
    }
    return wrong[rng() % wrong.size()];
}

// One bad body for `route`; every body has at least one defect the schema must catch
// (or is not valid JSON at all), so no generated body can legitimately succeed.
std::string badBody(const Route& route, std::mt19937& rng) {
    const auto& fields = route.body->fields;
    auto pickField = [&]() -> const FieldSchema* { return fields.empty() ? nullptr : &fields[rng() % fields.size()]; };
    switch (rng() % 7) {
        case 0:  // malformed
            return kMalformed[rng() % std::size(kMalformed)];
        case 1: {  // one field of the wrong type, nothing else
            const FieldSchema* f = pickField();
            if (!f) return "{\"unexpected\":1}";
            return "{" + quoted(f->name) + ":" + wrongTypeFor(*f, rng) + ",\"__unknown\":0}";
        }
        case 2: {  // unknown fields only
            return "{\"__unknown_" + std::to_string(rng() % 1000) + "\":" + quoted(kHostileStrings[rng() % std::size(kHostileStrings)]) + "}";
        }
        case 3: {  // every string field hostile, plus an unknown field
            std::string body = "{";
            for (const auto& f : fields) {
                if (f.type != JsonType::String) continue;
                body += quoted(f.name) + ":" + quoted(kHostileStrings[rng() % std::size(kHostileStrings)]) + ",";
            }
            return body + "\"__unknown\":true}";
        }
        case 4: {  // a huge string in one field, plus a missing-or-unknown defect
            const FieldSchema* f = pickField();
            const std::string huge(kHugeString, static_cast<char>('a' + rng() % 26));
            return "{" + quoted(f ? f->name : "x") + ":" + quoted(huge) + ",\"__unknown\":1}";
        }
        case 5: {  // deep nesting
            const int depth = 40 + static_cast<int>(rng() % 200);
            return std::string(depth, '[') + std::string(depth, ']');
        }
        default: {  // random bytes
            std::string junk(1 + rng() % 64, '\0');
            for (auto& c : junk) c = static_cast<char>(rng() % 256);
            return junk;
        }
    }
}

class RobustnessTest : public ::testing::Test {
protected:
    TestService service;
};

TEST_F(RobustnessTest, EveryBodyRouteAnswersBadBodiesWith4xxProblems) {
    std::mt19937 rng(kSeed);
    const std::string ingest = service.serviceToken(TestService::username(Role::ingest_service, Jurisdiction::A));
    const auto& recipes = lims::test::routeRecipes();
    int sent = 0;
    for (const auto& r : service.router().routes()) {
        if (!r.body || (r.method != "POST" && r.method != "PUT")) continue;
        std::string token;
        if (r.auth == AuthRequirement::Ingest) {
            token = ingest;
        } else if (r.auth != AuthRequirement::Public) {
            Role caller = Role::administrator;
            for (Role role : lims::domain::kAllRoles) {
                if (role != Role::ingest_service && (r.roles.empty() || r.roles.contains(role))) {
                    caller = role;
                    break;
                }
            }
            token = service.login(TestService::username(caller, Jurisdiction::A));
        }
        std::map<std::string, std::string> params;
        if (auto recipe = recipes.find(r.pattern); recipe != recipes.end()) {
            params = recipe->second.make(service, Jurisdiction::A).params;
        }
        const std::string path = lims::test::fillPattern(r.pattern, params);
        const auto client = service.withToken(token);
        for (int i = 0; i < kBodiesPerRoute; ++i) {
            const std::string body = badBody(r, rng);
            auto reply = client.request(r.method, path, body, {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
            ++sent;
            EXPECT_GE(reply.status, 400) << r.method << " " << path << " body #" << i << ": " << body.substr(0, 200)
                                         << " -> " << reply.describe();
            EXPECT_LT(reply.status, 500) << r.method << " " << path << " body #" << i << ": " << body.substr(0, 200)
                                         << " -> " << reply.describe();
            EXPECT_NE(reply.contentType.find("application/problem+json"), std::string::npos)
                << r.method << " " << path << " -> " << reply.describe();
        }
        // Oversize: refused before it is read.
        try {
            auto big = client.request(r.method, path, std::string(kOversizeBytes, ' '), {{"Content-Type", "application/json"}});
            EXPECT_EQ(big.status, 413) << r.method << " " << path << ": " << big.describe();
        } catch (const Poco::IOException&) {
            // The server answered 413 and closed the connection while the client was still
            // writing the rest of the body: the body was refused either way.
        }
        ++sent;
    }
    EXPECT_GT(sent, 1000);
    auto health = service.anonymous().get("/healthz");
    EXPECT_EQ(health.status, 200) << health.describe();
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(RobustnessTest, WrongMediaTypeAndMissingBodyAre4xx) {
    const std::string admin = service.login(TestService::kRootAdministrator);
    auto xml = service.withToken(admin).request("POST", "/api/v1/products", "<product/>", {{"Content-Type", "application/xml"}});
    EXPECT_EQ(xml.status, 415) << xml.describe();
    auto empty = service.withToken(admin).request("POST", "/api/v1/products", "", {{"Content-Type", "application/json"}});
    EXPECT_EQ(empty.status, 400) << empty.describe();
    EXPECT_TRUE(service.auditChainIntact());
}

// ---- crafted cursors, ids and query parameters -----------------------------------------

// base64url of any text: a cursor in the API's form that the API did not issue.
std::string craftedCursor(const std::string& json) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder << json;
    encoder.close();
    return out.str();
}

// Cursors that decode to a JSON array of strings (so they pass decodeCursor) but do not
// hold an id, and cursors that do not decode at all.
std::vector<std::string> craftedCursors() {
    return {lims::api::encodeCursor({"abc"}),
            lims::api::encodeCursor({"-5"}),
            lims::api::encodeCursor({"99999999999999999999"}),
            lims::api::encodeCursor({"1e3"}),
            lims::api::encodeCursor({"1", "2"}),
            lims::api::encodeCursor({""}),
            lims::api::encodeCursor({"1; DROP TABLE tests"}),
            craftedCursor("[]"),
            craftedCursor("[1]"),
            craftedCursor("{\"a\":1}"),
            craftedCursor("[null]"),
            "!!!not-base64!!!",
            "%00",
            std::string(3000, 'A')};
}

// Path ids no record has and no parser should choke on.
const char* const kCraftedIds[] = {"abc", "-1", "0", "99999999999999999999", "1e3", "0x10", "1.5", "%27%20OR%201%3D1",
                                   "%00", "%E2%80%AE", "NaN", "9223372036854775808"};

// Query parameters the routes read, with values that are not what they expect.
const std::pair<const char*, const char*> kCraftedQuery[] = {
    {"limit", "-1"},           {"limit", "abc"},          {"limit", "99999999999999999999"},
    {"limit", "0"},            {"instrument_id", "abc"},  {"instrument_id", "99999999999999999999"},
    {"assigned_to", "1e9"},    {"from", "2026-13-45"},    {"to", "yesterday"},
    {"period", "2026-Q9"},     {"state", "%27%20OR%201%3D1"}, {"format", "xml"},
    {"office", "-3"},          {"overdue", "maybe"},      {"open", "%00"},
    {"h", "zz"},               {"kind", "%E2%80%AE"},     {"group_by", "password"},
    {"instrument", "%00"},     {"specimen", ",,,"},       {"category", "%FF"},
    {"from_utc", "abc"},       {"to_utc", "99999999999999999999"}, {"points", "-5"},
};

std::string tokenFor(TestService& service, const Route& r) {
    if (r.auth == AuthRequirement::Ingest)
        return service.serviceToken(TestService::username(Role::ingest_service, Jurisdiction::A));
    if (r.auth == AuthRequirement::Public) return "";
    for (Role role : lims::domain::kAllRoles)
        if (role != Role::ingest_service && (r.roles.empty() || r.roles.contains(role)))
            return service.login(TestService::username(role, Jurisdiction::A));
    return service.login(TestService::kRootAdministrator);
}

TEST_F(RobustnessTest, CraftedCursorsIdsAndQueryParametersAre4xxNever500) {
    const auto& recipes = lims::test::routeRecipes();
    int sent = 0;
    for (const auto& r : service.router().routes()) {
        const std::string token = tokenFor(service, r);
        const auto client = service.withToken(token);
        const std::string body = r.body ? "{}" : "";
        const lims::test::Headers headers{{"Content-Type", "application/json"}, {"If-Match", "\"1\""}};
        const auto params = lims::test::patternParameters(r.pattern);
        // Every path parameter, one at a time, crafted; the others name a real record.
        std::map<std::string, std::string> real;
        if (auto recipe = recipes.find(r.pattern); recipe != recipes.end())
            real = recipe->second.make(service, Jurisdiction::A).params;
        for (const auto& name : params) {
            for (const char* id : kCraftedIds) {
                auto filled = real;
                filled[name] = id;
                const std::string path = lims::test::fillPattern(r.pattern, filled);
                auto reply = client.request(r.method, path, body, headers);
                ++sent;
                EXPECT_GE(reply.status, 400) << r.method << " " << path << " -> " << reply.describe();
                EXPECT_LT(reply.status, 500) << r.method << " " << path << " -> " << reply.describe();
            }
        }
        if (r.method != "GET") continue;
        const std::string path = lims::test::fillPattern(r.pattern, real);
        const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
        // A listing that pages (its answer has next_cursor) refuses every crafted cursor.
        auto plain = client.get(path);
        const auto page = plain.json();
        const bool pages = plain.status == 200 && page && page->has("next_cursor");
        for (const auto& cursor : craftedCursors()) {
            auto reply = client.get(path + sep + "cursor=" + cursor);
            ++sent;
            EXPECT_LT(reply.status, 500) << "GET " << path << " cursor " << cursor.substr(0, 60) << " -> " << reply.describe();
            if (pages)
                EXPECT_EQ(reply.status / 100, 4) << "GET " << path << " cursor " << cursor.substr(0, 60) << " -> "
                                                 << reply.describe();
        }
        for (const auto& [name, value] : kCraftedQuery) {
            auto reply = client.get(path + sep + name + "=" + value);
            ++sent;
            EXPECT_LT(reply.status, 500) << "GET " << path << sep << name << "=" << value << " -> " << reply.describe();
        }
    }
    EXPECT_GT(sent, 500);
    auto health = service.anonymous().get("/healthz");
    EXPECT_EQ(health.status, 200) << health.describe();
    EXPECT_TRUE(service.auditChainIntact());
}

}  // namespace
