// Idempotency-Keys after a stop (issue 15 item 3): the claim, the handler's work and the
// kept answer used to be three transactions, so a service killed after the handler's
// commit left the key "in progress" for a day and a gateway re-sending its batch got 409
// and forwarded nothing. Now each of the handler's own transactions marks the claim, a
// claim left behind is taken over after the lease (run again when its work never
// committed or is idempotent by content, else answered "done, answer lost"), a request
// whose key was taken over cannot commit, and responses holding tokens are never kept.
#include "test_service.hpp"

#include "lims/api/idempotency.hpp"
#include "lims/app/store_idempotency.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"
#include "lims/store/utc_time.hpp"

#include <gtest/gtest.h>

namespace {

using lims::api::IdempotencyStore;
using lims::api::KeyReplay;
using lims::app::StoreIdempotencyStore;
using lims::test::TestService;

std::int64_t count(TestService& service, const std::string& query) {
    auto n = service.database()->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<std::int64_t> {
        return lims::store::sql(tx, query).rows.at(0).integer(0);
    });
    if (!n) throw std::runtime_error(n.error().message);
    return *n;
}

void exec(TestService& service, const std::string& statement) {
    auto ok = service.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        lims::store::sql(tx, statement);
        return lims::store::Done{};
    });
    if (!ok) throw std::runtime_error(ok.error().message);
}

std::string minutes_ago(int minutes) {
    return lims::store::format_utc(std::chrono::system_clock::now() - std::chrono::minutes(minutes));
}

// The claim a request killed mid-way leaves behind: no answer, claimed `age` minutes ago,
// its work committed (at `committed`) or not.
void leave_claim(TestService& service, std::int64_t user, const std::string& key, const std::string& method,
                 const std::string& path, const std::string& body, int age, bool committed) {
    lims::api::Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    const std::string hash = lims::api::requestFingerprint(r);
    const std::string at = minutes_ago(age);
    auto ok = service.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        lims::store::sql(tx,
                         "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at, claim_id, "
                         "work_committed_at) VALUES ($1, $2, $3, $4, 'killed-request', $5)",
                         {user, key, hash, at, committed ? std::optional<std::string>(at) : std::nullopt});
        return lims::store::Done{};
    });
    if (!ok) throw std::runtime_error(ok.error().message);
}

std::string entity_body(TestService& service, const std::string& name) {
    return R"({"name":")" + name + R"(","kind":"pharmacy","jurisdiction_org_id":)" +
           std::to_string(service.organisationId(TestService::kBureauA)) + R"(,"region_code":"310101"})";
}

const std::string kEntities = "/api/v1/regulated-entities";

TEST(IdempotencyRecovery, AClaimLeftByAKilledRequestWhoseWorkNeverCommittedIsTakenOverAfterTheLease) {
    TestService service;
    const std::string admin = service.login("administrator_a");
    const auto user = service.userId("administrator_a");
    const std::string body = entity_body(service, "Killed before commit pharmacy");
    leave_claim(service, user, "k-stale", "POST", kEntities, body, 5, false);
    auto retried = service.post(kEntities, admin, body, {{"Idempotency-Key", "k-stale"}});
    // Before: 409 "still being processed" for 24 hours.
    ASSERT_EQ(retried.status, 201) << retried.describe();
    EXPECT_EQ(count(service, "SELECT count(*) FROM regulated_entities WHERE name = 'Killed before commit pharmacy'"), 1);
    auto again = service.post(kEntities, admin, body, {{"Idempotency-Key", "k-stale"}});
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(again.body, retried.body);
    EXPECT_EQ(count(service, "SELECT count(*) FROM regulated_entities WHERE name = 'Killed before commit pharmacy'"), 1);
    EXPECT_EQ(count(service, "SELECT count(*) FROM idempotency_keys WHERE idem_key = 'k-stale' AND "
                             "work_committed_at IS NOT NULL AND response_status = 201"),
              1);
}

TEST(IdempotencyRecovery, AClaimStillWithinItsLeaseIsInProgress) {
    TestService service;
    const std::string admin = service.login("administrator_a");
    const std::string body = entity_body(service, "Running pharmacy");
    leave_claim(service, service.userId("administrator_a"), "k-running", "POST", kEntities, body, 0, false);
    auto busy = service.post(kEntities, admin, body, {{"Idempotency-Key", "k-running"}});
    EXPECT_EQ(busy.status, 409) << busy.describe();
    EXPECT_EQ(busy.header("retry-after"), "1");
    EXPECT_EQ(count(service, "SELECT count(*) FROM regulated_entities WHERE name = 'Running pharmacy'"), 0);
}

TEST(IdempotencyRecovery, WorkCommittedButAnswerLostIsSaidNotRunTwice) {
    TestService service;
    const std::string admin = service.login("administrator_a");
    const std::string body = entity_body(service, "Answer lost pharmacy");
    leave_claim(service, service.userId("administrator_a"), "k-lost", "POST", kEntities, body, 5, true);
    auto retried = service.post(kEntities, admin, body, {{"Idempotency-Key", "k-lost"}});
    EXPECT_EQ(retried.status, 409) << retried.describe();
    ASSERT_TRUE(retried.json());
    EXPECT_EQ(retried.json()->getValue<std::string>("type"), "urn:lims:problem:idempotency-outcome-lost");
    EXPECT_NE(retried.json()->getValue<std::string>("detail").find("carried out"), std::string::npos);
    EXPECT_EQ(count(service, "SELECT count(*) FROM regulated_entities WHERE name = 'Answer lost pharmacy'"), 0);
}

TEST(IdempotencyRecovery, AnIngestBatchWhoseAnswerWasLostRunsAgainAndTakesNothingTwice) {
    TestService service;
    const std::string token = service.serviceToken("ingest_service_a");
    const auto user = service.userId("ingest_service_a");
    const std::string body =
        R"({"readings":[{"logger":"LG-NOT-REGISTERED","at_utc":)" +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()) +
        R"(,"centi_celsius":512}]})";
    // The gateway's batch was committed, then the service was killed before the answer was kept.
    leave_claim(service, user, "gw-x-r-1-1", "POST", "/api/v1/ingest/readings", body, 5, true);
    auto resent = service.post("/api/v1/ingest/readings", token, body, {{"Idempotency-Key", "gw-x-r-1-1"}});
    // Before: 409 for a day, and the gateway forwarded nothing behind this batch.
    ASSERT_EQ(resent.status, 200) << resent.describe();
    EXPECT_EQ(resent.json()->getValue<int>("received"), 1);
}

TEST(IdempotencyRecovery, TheKilledRequestCannotCommitOnceItsKeyWasTakenOver) {
    TestService service;
    StoreIdempotencyStore keys(service.database(), std::chrono::hours(24), std::chrono::seconds(0));
    const auto first = keys.claim(42, "k-race", std::string(64, 'a'), KeyReplay::once);
    ASSERT_EQ(first.claim, IdempotencyStore::Claim::Fresh);
    // Lease 0: the first request is taken for stopped; its work never committed, so a retry takes over.
    exec(service, "UPDATE idempotency_keys SET created_at = '" + minutes_ago(1) + "' WHERE idem_key = 'k-race'");
    const auto second = keys.claim(42, "k-race", std::string(64, 'a'), KeyReplay::once);
    ASSERT_EQ(second.claim, IdempotencyStore::Claim::Fresh);
    EXPECT_NE(second.claim_id, first.claim_id);
    auto write_note = [&](const std::string& name) {
        return service.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
            lims::store::sql(tx, "UPDATE organisations SET name = $1 WHERE code = $2", {name, std::string(TestService::kBureauA)});
            return lims::store::Done{};
        });
    };
    {
        auto scope = keys.track(42, "k-race", first.claim_id);
        auto late = write_note("written by the killed request");
        EXPECT_FALSE(late.ok());  // its key is no longer its own: rolled back
    }
    EXPECT_EQ(count(service, "SELECT count(*) FROM organisations WHERE name = 'written by the killed request'"), 0);
    {
        auto scope = keys.track(42, "k-race", second.claim_id);
        auto ok = write_note("written by the retry");
        EXPECT_TRUE(ok.ok()) << ok.error().message;
    }
    // The late request's answer is not kept over the retry's; the retry's is.
    keys.complete(42, "k-race", first.claim_id, lims::api::Response::noContent());
    EXPECT_EQ(count(service, "SELECT count(*) FROM idempotency_keys WHERE idem_key = 'k-race' AND response_status IS NULL"), 1);
    keys.release(42, "k-race", first.claim_id);
    EXPECT_EQ(count(service, "SELECT count(*) FROM idempotency_keys WHERE idem_key = 'k-race'"), 1);
    keys.complete(42, "k-race", second.claim_id, lims::api::Response::noContent());
    EXPECT_EQ(keys.claim(42, "k-race", std::string(64, 'a'), KeyReplay::once).claim, IdempotencyStore::Claim::Replay);
}

TEST(IdempotencyRecovery, AnswersHoldingTokensAreNeverKept) {
    TestService service;
    const std::string login = R"({"username":"planner_a","password":")" + std::string(TestService::kPassword) + R"("})";
    const lims::test::Headers key{{"Idempotency-Key", "login-1"}};
    auto first = service.anonymous().post("/api/v1/auth/login", login, key);
    auto second = service.anonymous().post("/api/v1/auth/login", login, key);
    ASSERT_EQ(first.status, 200) << first.describe();
    ASSERT_EQ(second.status, 200) << second.describe();
    EXPECT_NE(first.json()->getValue<std::string>("token"), second.json()->getValue<std::string>("token"));
    EXPECT_EQ(second.header("idempotent-replayed"), "");

    const std::string admin = service.login(TestService::kRootAdministrator);
    const std::string issue = R"({"user_id":)" + std::to_string(service.userId("ingest_service_b")) + "}";
    const lims::test::Headers issueKey{{"Idempotency-Key", "issue-1"}};
    auto token1 = service.post("/api/v1/auth/service-tokens", admin, issue, issueKey);
    auto token2 = service.post("/api/v1/auth/service-tokens", admin, issue, issueKey);
    ASSERT_EQ(token1.status, 201) << token1.describe();
    ASSERT_EQ(token2.status, 201) << token2.describe();
    EXPECT_NE(token1.json()->getValue<std::string>("token"), token2.json()->getValue<std::string>("token"));
    EXPECT_EQ(count(service, "SELECT count(*) FROM idempotency_keys"), 0);
}

TEST(IdempotencyRecovery, ExpiredKeysArePurged) {
    TestService service;
    const std::string admin = service.login("administrator_a");
    auto created = service.post(kEntities, admin, entity_body(service, "Purge pharmacy"), {{"Idempotency-Key", "k-old"}});
    ASSERT_EQ(created.status, 201) << created.describe();
    exec(service, "UPDATE idempotency_keys SET created_at = '" +
                      lims::store::format_utc(std::chrono::system_clock::now() - std::chrono::hours(25)) +
                      "' WHERE idem_key = 'k-old'");
    StoreIdempotencyStore keys(service.database());
    auto purged = keys.purgeExpired();
    ASSERT_TRUE(purged.ok());
    EXPECT_EQ(*purged, 1);
    EXPECT_EQ(count(service, "SELECT count(*) FROM idempotency_keys"), 0);
}

}  // namespace
