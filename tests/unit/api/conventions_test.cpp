#include "lims/api/conventions.hpp"
#include "lims/api/idempotency.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/server.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>

using namespace lims::api;
using lims::api::testing::call;

namespace {
Request withHeader(const std::string& name, const std::string& value) {
    Request r;
    r.headers[name] = value;
    return r;
}
}  // namespace

TEST(IfMatch, ReadsTheVersionInItsUsualForms) {
    EXPECT_EQ(*requireIfMatch(withHeader("if-match", "\"7\"")), 7);
    EXPECT_EQ(*requireIfMatch(withHeader("if-match", "7")), 7);
    EXPECT_EQ(*requireIfMatch(withHeader("if-match", "W/\"12\"")), 12);
    EXPECT_EQ(requireIfMatch(Request{}).problem().status, 428);
    EXPECT_EQ(requireIfMatch(withHeader("if-match", "\"abc\"")).problem().status, 400);
    EXPECT_EQ(requireIfMatch(withHeader("if-match", "0")).problem().status, 400);
    EXPECT_EQ(etagFor(7), "\"7\"");
}

TEST(IfMatch, StaleVersionIsA409NamingBothVersions) {
    EXPECT_FALSE(checkVersion(3, 3));
    auto stale = checkVersion(4, 3);
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->status, 409);
    EXPECT_EQ(stale->type, problem_type::kStaleVersion);
    EXPECT_NE(stale->detail.find("version 3"), std::string::npos);
    EXPECT_NE(stale->detail.find("version 4"), std::string::npos);
}

TEST(Cursor, RoundTripsAndRefusesForgeries) {
    const std::vector<std::string> key{"2024-05-01T08:00:00.000Z", "SH2024-000123", "引号\"与斜杠/"};
    const std::string cursor = encodeCursor(key);
    EXPECT_EQ(cursor.find_first_of("+/="), std::string::npos);  // URL-safe
    EXPECT_EQ(*decodeCursor(cursor), key);
    for (const std::string& bad : std::vector<std::string>{"", "!!!!", "e30", "WzFd", std::string(3000, 'A')}) {  // e30 = {}, WzFd = [1]
        auto d = decodeCursor(bad);
        ASSERT_FALSE(d) << bad;
        EXPECT_EQ(d.problem().errors.at(0).field, "cursor");
    }
}

TEST(Cursor, ReadPageChecksLimitAndCursor) {
    Request r;
    auto page = readPage(r);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->limit, kDefaultPageSize);
    EXPECT_FALSE(page->after);
    r.query = {{"limit", "10"}, {"cursor", encodeCursor({"a", "b"})}};
    page = readPage(r);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->limit, 10u);
    EXPECT_EQ(*page->after, (std::vector<std::string>{"a", "b"}));
    for (const char* bad : {"0", "-1", "501", "ten", "1e3"}) {
        r.query = {{"limit", bad}};
        auto p = readPage(r);
        ASSERT_FALSE(p) << bad;
        EXPECT_EQ(p.problem().errors.at(0).field, "limit");
    }
}

TEST(Cursor, PageJsonHasNullNextCursorOnTheLastPage) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    items->add(1);
    EXPECT_EQ(toJsonText(pageJson(items, std::nullopt)), R"({"items":[1],"next_cursor":null})");
    EXPECT_NE(toJsonText(pageJson(items, std::vector<std::string>{"x"})).find("\"next_cursor\":\""), std::string::npos);
}

TEST(Cursor, ReadIdPageTakesOneIdAndItsCursorLeadsToTheNextPage) {
    Request r;
    auto first = readIdPage(r);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->after_id, 0);
    EXPECT_EQ(first->limit, kDefaultPageSize);
    // The cursor idPageJson writes is the one readIdPage reads back.
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    auto body = idPageJson(items, std::int64_t{41});
    r.query = {{"limit", "7"}, {"cursor", body->getValue<std::string>("next_cursor")}};
    auto next = readIdPage(r);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->after_id, 41);
    EXPECT_EQ(next->limit, 7u);
    EXPECT_TRUE(idPageJson(items, std::nullopt)->isNull("next_cursor"));
    // Crafted: two values, text, a negative id, a bad limit: 422 naming the parameter.
    for (const auto& bad : {encodeCursor({"1", "2"}), encodeCursor({"x"}), encodeCursor({"-3"}), std::string("!!")}) {
        r.query = {{"cursor", bad}};
        auto p = readIdPage(r);
        ASSERT_FALSE(p) << bad;
        EXPECT_EQ(p.problem().status, 422);
        EXPECT_EQ(p.problem().errors.at(0).field, "cursor");
    }
    r.query = {{"limit", "0"}};
    auto p = readIdPage(r);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.problem().errors.at(0).field, "limit");
}

TEST(Jurisdiction, SubtreeByWholeSegments) {
    EXPECT_TRUE(withinJurisdiction("/1/4/", "/1/4/"));
    EXPECT_TRUE(withinJurisdiction("/1/4/", "/1/4/9/"));
    EXPECT_TRUE(withinJurisdiction("/1/", "/1/40/7/"));
    EXPECT_FALSE(withinJurisdiction("/1/4/", "/1/40/"));
    EXPECT_FALSE(withinJurisdiction("/1/4/", "/1/"));  // a parent is outside
    EXPECT_FALSE(withinJurisdiction("/1/4/", "/2/4/"));
    EXPECT_FALSE(withinJurisdiction("", "/1/"));       // no organisation: nothing
    EXPECT_EQ(notVisible("sample", "SH1").toJson(), problems::notFound("There is no sample SH1.").toJson());
}

// ---- Idempotency-Key over HTTP --------------------------------------------------------

namespace {
class OneUser : public Authenticator {
public:
    Authentication authenticate(const std::string& token) override {
        Principal p;
        p.userId = token == "a" ? 1 : 2;
        return {p, ""};
    }
};

class IdempotencyTest : public ::testing::Test {
protected:
    IdempotencyTest() : replay(store), metrics({"register"}), dispatcher(router, metrics, &auth, &replay) {}
    void SetUp() override {
        ServerConfig c;
        c.port = 0;
        server = std::make_unique<Server>(c, dispatcher);
        server->start();
    }
    std::atomic<int> registrations{0};
    Router router = [this] {
        Router r;
        r.add({"POST", "/samples", "register", "Register", AuthRequirement::User,
               ObjectSchema{{field::string("batch")}}, [this](const Request& req) {
                   if (req.json->getValue<std::string>("batch") == "fail") throw std::runtime_error("db down");
                   auto o = newObject();
                   o->set("number", "SH-" + std::to_string(++registrations));
                   return Response::json(201, o);
               }, 201});
        return r;
    }();
    OneUser auth;
    MemoryIdempotencyStore store;
    IdempotentReplay replay;
    Metrics metrics;
    Dispatcher dispatcher;
    std::unique_ptr<Server> server;
};

std::map<std::string, std::string> as(const std::string& user, const std::string& key) {
    return {{"Authorization", "Bearer " + user}, {"Idempotency-Key", key}};
}
}  // namespace

TEST_F(IdempotencyTest, RetryReturnsTheFirstResponseWithoutDoingItTwice) {
    auto first = call(server->port(), "POST", "/samples", R"({"batch":"B1"})", as("a", "k-1"));
    auto retry = call(server->port(), "POST", "/samples", R"({"batch":"B1"})", as("a", "k-1"));
    EXPECT_EQ(first.status, 201);
    EXPECT_EQ(retry.status, 201);
    EXPECT_EQ(first.body, retry.body);
    EXPECT_EQ(retry.headers["idempotent-replayed"], "true");
    EXPECT_EQ(registrations, 1);
    // Without a key, or with another key, it runs again.
    EXPECT_EQ(call(server->port(), "POST", "/samples", R"({"batch":"B1"})", {{"Authorization", "Bearer a"}}).status, 201);
    EXPECT_EQ(call(server->port(), "POST", "/samples", R"({"batch":"B1"})", as("a", "k-2")).status, 201);
    EXPECT_EQ(registrations, 3);
}

TEST_F(IdempotencyTest, SameKeyDifferentBodyIs422) {
    EXPECT_EQ(call(server->port(), "POST", "/samples", R"({"batch":"B1"})", as("a", "k")).status, 201);
    auto reused = call(server->port(), "POST", "/samples", R"({"batch":"B2"})", as("a", "k"));
    EXPECT_EQ(reused.status, 422);
    EXPECT_EQ(reused.json()->getValue<std::string>("type"), problem_type::kIdempotencyKeyReused);
    EXPECT_EQ(registrations, 1);
}

TEST_F(IdempotencyTest, KeysArePerUser) {
    EXPECT_EQ(call(server->port(), "POST", "/samples", R"({"batch":"B1"})", as("a", "k")).status, 201);
    EXPECT_EQ(call(server->port(), "POST", "/samples", R"({"batch":"B1"})", as("b", "k")).status, 201);
    EXPECT_EQ(registrations, 2);
}

TEST_F(IdempotencyTest, FailureIsNotRememberedSoTheRetryRuns) {
    EXPECT_EQ(call(server->port(), "POST", "/samples", R"({"batch":"fail"})", as("a", "k")).status, 500);
    EXPECT_EQ(call(server->port(), "POST", "/samples", R"({"batch":"fail"})", as("a", "k")).status, 500);
    EXPECT_EQ(registrations, 0);
}

TEST_F(IdempotencyTest, MalformedKeyIsNamed) {
    auto r = call(server->port(), "POST", "/samples", R"({"batch":"B1"})", as("a", std::string(300, 'k')));
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.json()->getArray("errors")->getObject(0)->getValue<std::string>("field"), "Idempotency-Key");
    EXPECT_EQ(registrations, 0);
}

TEST(MemoryIdempotencyStore, InProgressKeyIsAConflict) {
    MemoryIdempotencyStore store;
    auto first = store.claim(1, "k", "h", KeyReplay::once);
    EXPECT_EQ(first.claim, IdempotencyStore::Claim::Fresh);
    EXPECT_EQ(store.claim(1, "k", "h", KeyReplay::once).claim, IdempotencyStore::Claim::InProgress);
    store.complete(1, "k", "not-the-claim", Response::json(201, newObject()));  // another claim's answer is not kept
    EXPECT_EQ(store.claim(1, "k", "h", KeyReplay::once).claim, IdempotencyStore::Claim::InProgress);
    store.complete(1, "k", first.claim_id, Response::noContent());
    auto again = store.claim(1, "k", "h", KeyReplay::once);
    EXPECT_EQ(again.claim, IdempotencyStore::Claim::Replay);
    EXPECT_EQ(again.response->status, 204);
}

TEST(MemoryIdempotencyStore, StaysBounded) {
    MemoryIdempotencyStore store(std::chrono::hours(24), 10);
    for (int i = 0; i < 50; ++i) {
        auto claimed = store.claim(1, "k" + std::to_string(i), "h", KeyReplay::once);
        store.complete(1, "k" + std::to_string(i), claimed.claim_id, Response::noContent());
    }
    // The newest key is still known; the store did not grow past its bound.
    EXPECT_EQ(store.claim(1, "k49", "h", KeyReplay::once).claim, IdempotencyStore::Claim::Replay);
}
