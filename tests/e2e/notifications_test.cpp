// Notifications a person reads (issue 19 item 4) and notices pushed to the bureaus (issue 16
// item 4), through the API of a real service on SQLite and PostgreSQL:
// - a cold-chain alarm's in-app notification reaches the contact who is a user in
//   GET /api/v1/notifications; read and acknowledged with If-Match, audited; acknowledging
//   it acknowledges the alarm with the note; nobody else sees it;
// - a unit's contacts listed, changed and removed with their history, the three-contact
//   rule kept where a logger is placed;
// - a notice to a bureau pushed to its contacts by e-mail (a real SMTP conversation) and the
//   SMS gateway's webhook (a real HTTP peer) through the alarm delivery queue, with its
//   delivery state visible; a 24-hour notice not acknowledged by its due time escalated
//   once to the bureau's head (the clock is the test's); the notice in the bureau users'
//   notifications, acknowledged from there.
#include "delivery_peers.hpp"
#include "test_service.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/notifications/notice_push.hpp"

#include <gtest/gtest.h>

#include <Poco/Data/Session.h>
#include <Poco/JSON/Object.h>

#include <atomic>
#include <thread>

namespace lims::test {
namespace {

using domain::Role;
namespace cc = lims::workflow::coldchain;
namespace nf = lims::workflow::notifications;

constexpr std::int64_t kT0 = 1772409600;  // 2026-03-02T00:00:00Z

std::string etag(std::int64_t v) { return "\"" + std::to_string(v) + "\""; }

class NotificationsTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
        office = service->organisationId(TestService::kOfficeA1);
        bureau = service->organisationId(TestService::kBureauA);
        auto logger = service->database()->write([&](store::Transaction& tx) {
            return store::ReadingRepository(tx).create_logger("TL-NOTE", "sim", office, "test");
        });
        ASSERT_TRUE(logger) << logger.error().message;
        logger_id = logger->id;
    }

    std::int64_t scalar(const std::string& sql) {
        Poco::Data::Session s = service->rawSession();
        Poco::Int64 n = 0;
        s << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    }
    void exec(const std::string& sql) {
        Poco::Data::Session s = service->rawSession();
        s << sql, Poco::Data::Keywords::now;
    }

    std::int64_t create_unit() {
        Poco::JSON::Object::Ptr u = new Poco::JSON::Object;
        u->set("code", "A1-F9");
        u->set("name", "vaccine refrigerator");
        u->set("kind", "refrigerator");
        u->set("storage_class", "refrigerated");
        u->set("org_id", office);
        u->set("min_centi_celsius", 200);
        u->set("max_centi_celsius", 800);
        auto r = admin.post("/api/v1/coldchain/storage-units", u);
        EXPECT_EQ(r.status, 201) << r.describe();
        return r.json()->getValue<Poco::Int64>("id");
    }
    std::int64_t add_contact(const std::string& name, std::optional<std::int64_t> user = std::nullopt, int level = 0) {
        Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
        c->set("org_id", office);
        c->set("name", name);
        c->set("email", name + "@office.example");
        c->set("escalation_level", level);
        if (user) c->set("user_id", *user);
        auto r = admin.post("/api/v1/coldchain/contacts", c);
        EXPECT_EQ(r.status, 201) << r.describe();
        return r.json()->getValue<Poco::Int64>("id");
    }
    HttpReply place(std::int64_t unit) {
        Poco::JSON::Object::Ptr p = new Poco::JSON::Object;
        p->set("storage_unit_id", unit);
        p->set("from_utc", kT0);
        return admin.post("/api/v1/coldchain/loggers/" + std::to_string(logger_id) + "/placements", p);
    }
    // A 20-minute spike to 12 °C: one out-of-range alarm.
    void spike() {
        std::vector<cc::IncomingReading> readings;
        std::int64_t t = kT0 + 60;
        for (int i = 0; i < 30; ++i, t += 120) readings.push_back({"TL-NOTE", t, 500, std::nullopt});
        for (int i = 0; i < 10; ++i, t += 120) readings.push_back({"TL-NOTE", t, 1200, std::nullopt});
        for (int i = 0; i < 5; ++i, t += 120) readings.push_back({"TL-NOTE", t, 500, std::nullopt});
        auto ingested = cc::ingest_readings(*service->database(), readings, t);
        ASSERT_TRUE(ingested) << ingested.error().message;
        ASSERT_EQ(ingested->alarms_raised, 1u);
    }
    std::int64_t audited(const std::string& action) {
        return scalar("SELECT count(*) FROM audit_log WHERE action = '" + action + "'");
    }

    std::unique_ptr<TestService> service;
    HttpClient admin{0};
    std::int64_t office = 0;
    std::int64_t bureau = 0;
    std::int64_t logger_id = 0;
};

TEST_P(NotificationsTest, AnAlarmReachesTheContactWhoIsAUserAndIsReadAndAcknowledgedThere) {
    const auto sampler_name = TestService::username(Role::sampler, Jurisdiction::A);
    const auto sampler_id = service->userId(sampler_name);
    auto sampler = service->as(sampler_name);
    EXPECT_EQ(sampler.get("/api/v1/notifications").json()->getArray("items")->size(), 0u);

    const auto unit = create_unit();
    add_contact("duty0", sampler_id);
    add_contact("duty1");
    add_contact("duty2");
    ASSERT_EQ(place(unit).status, 201);
    spike();

    auto list = sampler.get("/api/v1/notifications");
    ASSERT_EQ(list.status, 200) << list.describe();
    auto items = list.json()->getArray("items");
    ASSERT_EQ(items->size(), 1u) << list.body;
    auto item = items->getObject(0);
    EXPECT_EQ(item->getValue<std::string>("source"), "alarm");
    EXPECT_EQ(item->getValue<std::string>("kind"), "out_of_range");
    EXPECT_NE(item->getValue<std::string>("subject").find("A1-F9"), std::string::npos) << list.body;
    EXPECT_TRUE(item->isNull("read_at"));
    EXPECT_EQ(list.json()->getValue<int>("unread"), 1);
    const auto id = item->getValue<Poco::Int64>("id");
    const auto alarm_id = item->getValue<Poco::Int64>("alarm_id");
    const std::string path = "/api/v1/notifications/alarm/" + std::to_string(id);

    // Nobody else's list has it, and nobody else can read or mark it.
    auto other_sampler = service->as(TestService::username(Role::sampler, Jurisdiction::B));
    EXPECT_EQ(other_sampler.get(path).status, 404);
    EXPECT_EQ(admin.get(path).status, 404);  // the administrator is no contact
    EXPECT_EQ(admin.get("/api/v1/notifications").json()->getArray("items")->size(), 0u);
    EXPECT_EQ(admin.post(path + "/read", std::string("{}"), {{"If-Match", etag(1)}}).status, 404);
    EXPECT_EQ(sampler.get("/api/v1/notifications/bogus/1").status, 404);

    auto one = sampler.get(path);
    ASSERT_EQ(one.status, 200) << one.describe();
    EXPECT_EQ(one.header("etag"), etag(1));

    // Read: If-Match required, then once.
    EXPECT_EQ(sampler.post(path + "/read", std::string("{}")).status, 428);
    auto read = sampler.post(path + "/read", std::string("{}"), {{"If-Match", etag(1)}});
    ASSERT_EQ(read.status, 200) << read.describe();
    EXPECT_FALSE(read.json()->isNull("read_at"));
    EXPECT_EQ(read.header("etag"), etag(2));
    EXPECT_EQ(sampler.post(path + "/read", std::string("{}"), {{"If-Match", etag(1)}}).status, 409);  // stale
    EXPECT_EQ(sampler.post(path + "/read", std::string("{}"), {{"If-Match", etag(2)}}).status, 409);  // already read
    auto unread = sampler.get("/api/v1/notifications?unread=true");
    ASSERT_EQ(unread.status, 200) << unread.describe();
    EXPECT_EQ(unread.json()->getArray("items")->size(), 0u);
    EXPECT_EQ(unread.json()->getValue<int>("unread"), 0);
    EXPECT_EQ(sampler.get("/api/v1/notifications?unread=maybe").status, 422);

    // Acknowledged: the alarm nobody acknowledged needs the note, and is acknowledged with it.
    const std::string ack = path + "/acknowledgement";
    auto no_note = sampler.post(ack, std::string(R"({"note":""})"), {{"If-Match", etag(2)}});
    EXPECT_EQ(no_note.status, 422) << no_note.describe();
    EXPECT_NE(no_note.body.find("note"), std::string::npos);
    auto done = sampler.post(ack, std::string(R"({"note":"moved the vials to the spare fridge"})"), {{"If-Match", etag(2)}});
    ASSERT_EQ(done.status, 200) << done.describe();
    EXPECT_FALSE(done.json()->isNull("acknowledged_at"));
    EXPECT_FALSE(done.json()->isNull("settled_at"));
    EXPECT_EQ(done.json()->getValue<std::string>("acknowledgement_note"), "moved the vials to the spare fridge");
    EXPECT_EQ(sampler.post(ack, std::string(R"({"note":"again"})"), {{"If-Match", etag(3)}}).status, 409);
    auto alarms = admin.get("/api/v1/coldchain/alarms");
    auto alarm = alarms.json()->getArray("items")->getObject(0);
    EXPECT_EQ(alarm->getValue<Poco::Int64>("id"), alarm_id);
    EXPECT_EQ(alarm->getValue<std::string>("acknowledgement_note"), "moved the vials to the spare fridge");
    EXPECT_EQ(alarm->getValue<Poco::Int64>("acknowledged_by"), sampler_id);

    EXPECT_EQ(audited("notification.read"), 1);
    EXPECT_EQ(audited("notification.acknowledge"), 1);
    EXPECT_EQ(scalar("SELECT count(*) FROM notification_marks"), 2);
    // The marks are facts: the database refuses to change them.
    EXPECT_THROW(exec("UPDATE notification_marks SET note = 'x'"), Poco::Exception);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(NotificationsTest, UnitContactsAreListedChangedAndRemovedKeepingThreeWhereALoggerIsPlaced) {
    const auto unit = create_unit();
    const auto c0 = add_contact("duty0");
    const auto c1 = add_contact("duty1");
    add_contact("duty2");
    const auto upper = add_contact("manager", std::nullopt, 1);
    ASSERT_EQ(place(unit).status, 201);
    const std::string contacts = "/api/v1/coldchain/storage-units/" + std::to_string(unit) + "/contacts";

    auto listed = admin.get(contacts);
    ASSERT_EQ(listed.status, 200) << listed.describe();
    EXPECT_EQ(listed.json()->getArray("items")->size(), 4u);

    // Three first-level contacts where a logger is placed: none of them may go.
    auto refused = admin.del("/api/v1/coldchain/contacts/" + std::to_string(c0));
    EXPECT_EQ(refused.status, 409) << refused.describe();
    EXPECT_NE(refused.body.find("at least 3"), std::string::npos) << refused.body;
    Poco::JSON::Object::Ptr up = new Poco::JSON::Object;
    up->set("name", "duty1");
    up->set("email", "duty1@office.example");
    up->set("escalation_level", 1);
    EXPECT_EQ(admin.put("/api/v1/coldchain/contacts/" + std::to_string(c1), up).status, 409);
    EXPECT_EQ(admin.get(contacts).json()->getArray("items")->size(), 4u);
    // The level above may go.
    auto removed = admin.del("/api/v1/coldchain/contacts/" + std::to_string(upper));
    ASSERT_EQ(removed.status, 200) << removed.describe();
    EXPECT_FALSE(removed.json()->getValue<bool>("active"));
    EXPECT_EQ(admin.del("/api/v1/coldchain/contacts/" + std::to_string(upper)).status, 409);

    // A change appends the replacing contact; the old one stays, ended.
    Poco::JSON::Object::Ptr change = new Poco::JSON::Object;
    change->set("name", "duty0 (night)");
    change->set("email", "night@office.example");
    change->set("phone", "+86 10 5555 0000");
    auto changed = admin.put("/api/v1/coldchain/contacts/" + std::to_string(c0), change);
    ASSERT_EQ(changed.status, 200) << changed.describe();
    const auto c0b = changed.json()->getValue<Poco::Int64>("id");
    EXPECT_NE(c0b, c0);
    EXPECT_EQ(changed.json()->getValue<Poco::Int64>("replaces_id"), c0);
    EXPECT_EQ(admin.put("/api/v1/coldchain/contacts/" + std::to_string(c0), change).status, 409);
    auto now_listed = admin.get(contacts).json()->getArray("items");
    ASSERT_EQ(now_listed->size(), 3u);
    bool found = false;
    for (std::size_t i = 0; i < now_listed->size(); ++i)
        found = found || now_listed->getObject(static_cast<unsigned>(i))->getValue<std::string>("name") == "duty0 (night)";
    EXPECT_TRUE(found);
    auto history = admin.get(contacts + "?history=true").json()->getArray("items");
    EXPECT_EQ(history->size(), 5u);
    // A bad body names its field; a user outside the jurisdiction is refused as user_id.
    change->set("email", "not-an-address");
    auto bad = admin.put("/api/v1/coldchain/contacts/" + std::to_string(c0b), change);
    EXPECT_EQ(bad.status, 422) << bad.describe();
    change->set("email", "night@office.example");
    change->set("user_id", service->userId(TestService::username(Role::sampler, Jurisdiction::B)));
    auto foreign = admin.put("/api/v1/coldchain/contacts/" + std::to_string(c0b), change);
    EXPECT_EQ(foreign.status, 422) << foreign.describe();
    EXPECT_NE(foreign.body.find("user_id"), std::string::npos);

    // Another jurisdiction sees and touches none of it; a non-administrator changes nothing.
    auto other = service->as(TestService::username(Role::administrator, Jurisdiction::B));
    EXPECT_EQ(other.get(contacts).status, 404);
    EXPECT_EQ(other.del("/api/v1/coldchain/contacts/" + std::to_string(c0b)).status, 404);
    auto sampler = service->as(TestService::username(Role::sampler, Jurisdiction::A));
    EXPECT_EQ(sampler.del("/api/v1/coldchain/contacts/" + std::to_string(c0b)).status, 403);

    // The alarms now reach the current contacts only.
    spike();
    EXPECT_EQ(scalar("SELECT count(DISTINCT contact_id) FROM alarm_notifications WHERE channel = 'in_app'"), 3);
    EXPECT_EQ(scalar("SELECT count(*) FROM alarm_notifications WHERE contact_id = " + std::to_string(c0)), 0);
    EXPECT_EQ(scalar("SELECT count(*) FROM alarm_notifications WHERE contact_id = " + std::to_string(c0b) +
                     " AND channel = 'webhook'"),
              1);
    EXPECT_EQ(audited("coldchain.contact.change"), 1);
    EXPECT_EQ(audited("coldchain.contact.remove"), 1);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(NotificationsTest, ANoticeIsPushedToTheBureausContactsAndEscalatedToItsHeadWhenLate) {
    // A 24-hour notice to BUREAU-A (issued by a report elsewhere; here the row as issuance
    // writes it), due at kT0 + 1 day.
    const std::string stamp = "'2026-03-02T00:00:00.000Z'";
    exec("INSERT INTO notices (number, recipient, to_org_id, serious_risk, state, due_at, version, created_at, updated_at) "
         "VALUES ('TZ-N-1', 'sampled_unit_bureau', " + std::to_string(bureau) +
         ", 1, 'sent', '2026-03-03T00:00:00.000Z', 1, " + stamp + ", " + stamp + ")");
    exec("INSERT INTO notices (number, recipient, to_org_id, serious_risk, state, due_at, version, created_at, updated_at) "
         "VALUES ('TZ-N-2', 'organising_bureau', " + std::to_string(bureau) +
         ", 1, 'sent', '2026-03-03T00:00:00.000Z', 1, " + stamp + ", " + stamp + ")");
    const auto notice = scalar("SELECT id FROM notices WHERE number = 'TZ-N-1'");
    const auto second = scalar("SELECT id FROM notices WHERE number = 'TZ-N-2'");

    // The bureau's contacts: two told of notices (one also by SMS), a head.
    const std::string org_contacts = "/api/v1/organisations/" + std::to_string(bureau) + "/contacts";
    auto contact = [&](const std::string& role, const std::string& name, const std::string& email, const std::string& phone) {
        Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
        c->set("role", role);
        c->set("name", name);
        if (!email.empty()) c->set("email", email);
        if (!phone.empty()) c->set("phone", phone);
        return admin.post(org_contacts, c);
    };
    auto first = contact("notices", "Li Wei", "liwei@bureau-a.example", "+86 10 1111 0000");
    ASSERT_EQ(first.status, 201) << first.describe();
    ASSERT_EQ(contact("notices", "Wang Fang", "wangfang@bureau-a.example", "").status, 201);
    ASSERT_EQ(contact("head", "Zhao Min", "head@bureau-a.example", "+86 10 2222 0000").status, 201);
    EXPECT_EQ(contact("chief", "x", "x@y.example", "").status, 422);
    EXPECT_EQ(contact("notices", "nobody", "", "").status, 422);  // no way to reach them
    auto other_admin = service->as(TestService::username(Role::administrator, Jurisdiction::B));
    EXPECT_EQ(other_admin.get(org_contacts).status, 404);
    EXPECT_EQ(contact("notices", "x", "x@y.example", "").status, 201);  // added, then removed
    const auto extra = admin.get(org_contacts).json()->getArray("items")->getObject(3)->getValue<Poco::Int64>("id");
    ASSERT_EQ(admin.del("/api/v1/organisation-contacts/" + std::to_string(extra)).status, 200);
    EXPECT_EQ(admin.del("/api/v1/organisation-contacts/" + std::to_string(extra)).status, 409);
    EXPECT_EQ(admin.get(org_contacts).json()->getArray("items")->size(), 3u);
    EXPECT_EQ(admin.get(org_contacts + "?history=true").json()->getArray("items")->size(), 5u);

    // Pushed once: an e-mail per contact with an address, an SMS per contact with a phone.
    auto pushed = nf::push_notices(*service->database(), kT0 + 60);
    ASSERT_TRUE(pushed) << pushed.error().message;
    EXPECT_EQ(pushed->notices, 2u);
    EXPECT_EQ(pushed->deliveries, 6u);
    auto again = nf::push_notices(*service->database(), kT0 + 120);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->notices, 0u);
    const std::string deliveries = "/api/v1/notices/" + std::to_string(notice) + "/deliveries";
    auto state = admin.get(deliveries);
    ASSERT_EQ(state.status, 200) << state.describe();
    EXPECT_EQ(state.json()->getValue<int>("pushed_to"), 3);
    ASSERT_EQ(state.json()->getArray("items")->size(), 3u);
    EXPECT_EQ(state.json()->getArray("items")->getObject(0)->getValue<std::string>("state"), "pending");
    EXPECT_EQ(other_admin.get(deliveries).status, 404);

    // Delivered through the alarm queue to a real SMTP server and SMS gateway.
    SmtpSink mail;
    WebhookSink gateway(202);
    cc::SmtpChannel email("127.0.0.1", mail.port(), "lims@lab.example", std::chrono::seconds(5));
    cc::WebhookChannel sms("http://127.0.0.1:" + std::to_string(gateway.port()) + "/sms", std::chrono::seconds(5));
    auto sent = cc::deliver_notifications(*service->database(), {&email, &sms}, kT0 + 180);
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_EQ(sent->sent, 6u);
    EXPECT_EQ(mail.messages(), 4);
    EXPECT_NE(mail.transcript().find("RCPT TO: <liwei@bureau-a.example>"), std::string::npos) << mail.transcript();
    EXPECT_NE(mail.transcript().find("TZ-N-1"), std::string::npos);
    ASSERT_EQ(gateway.bodies().size(), 2u);
    EXPECT_NE(gateway.bodies()[0].find("\"notice_id\""), std::string::npos) << gateway.bodies()[0];
    EXPECT_NE(gateway.bodies()[0].find("+86 10 1111 0000"), std::string::npos);
    state = admin.get(deliveries);
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(state.json()->getArray("items")->getObject(static_cast<unsigned>(i))->getValue<std::string>("state"), "sent");

    // The bureau's people find the notices among their notifications; one is acknowledged from there.
    auto viewer = service->as(TestService::username(Role::bureau_viewer, Jurisdiction::A));
    auto inbox = viewer.get("/api/v1/notifications");
    ASSERT_EQ(inbox.status, 200) << inbox.describe();
    ASSERT_EQ(inbox.json()->getArray("items")->size(), 2u) << inbox.body;
    EXPECT_EQ(inbox.json()->getArray("items")->getObject(0)->getValue<std::string>("source"), "notice");
    const std::string second_path = "/api/v1/notifications/notice/" + std::to_string(second);
    auto acked = viewer.post(second_path + "/acknowledgement", std::string(R"({"note":"received by the duty office"})"),
                             {{"If-Match", etag(1)}});
    ASSERT_EQ(acked.status, 200) << acked.describe();
    EXPECT_EQ(scalar("SELECT count(*) FROM notices WHERE id = " + std::to_string(second) + " AND state = 'acknowledged'"), 1);
    // Pages: one item a page, the cursor leads to the other.
    auto page1 = viewer.get("/api/v1/notifications?limit=1");
    ASSERT_EQ(page1.json()->getArray("items")->size(), 1u);
    ASSERT_FALSE(page1.json()->isNull("next_cursor"));
    auto page2 = viewer.get("/api/v1/notifications?limit=1&cursor=" + page1.json()->getValue<std::string>("next_cursor"));
    ASSERT_EQ(page2.status, 200) << page2.describe();
    ASSERT_EQ(page2.json()->getArray("items")->size(), 1u);
    EXPECT_NE(page1.json()->getArray("items")->getObject(0)->getValue<Poco::Int64>("id"),
              page2.json()->getArray("items")->getObject(0)->getValue<Poco::Int64>("id"));

    // Not acknowledged by its due time: the unacknowledged one escalates to the head, once;
    // the acknowledged one does not.
    const std::int64_t due = kT0 + 86400;
    auto early = nf::escalate_notices(*service->database(), due - 1);
    ASSERT_TRUE(early);
    EXPECT_EQ(early->notices, 0u);
    auto late = nf::escalate_notices(*service->database(), due + 1);
    ASSERT_TRUE(late) << late.error().message;
    EXPECT_EQ(late->notices, 1u);
    EXPECT_EQ(late->deliveries, 2u);
    auto twice = nf::escalate_notices(*service->database(), due + 600);
    ASSERT_TRUE(twice);
    EXPECT_EQ(twice->notices, 0u);
    sent = cc::deliver_notifications(*service->database(), {&email, &sms}, due + 2);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->sent, 2u);
    EXPECT_NE(mail.transcript().find("RCPT TO: <head@bureau-a.example>"), std::string::npos);
    state = admin.get(deliveries);
    EXPECT_FALSE(state.json()->isNull("escalated_at"));
    EXPECT_EQ(state.json()->getValue<int>("escalated_to"), 2);
    EXPECT_EQ(scalar("SELECT count(*) FROM alarm_notifications WHERE notice_id = " + std::to_string(second) +
                     " AND escalation_level = 1"),
              0);
    EXPECT_EQ(audited("notice.push"), 2);
    EXPECT_EQ(audited("notice.escalate"), 1);
    EXPECT_EQ(audited("organisation_contact.remove"), 1);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(NotificationsTest, TwoPushersAtOnceQueueANoticeOnceAndAFailedSmsStaysVisible) {
    const std::string stamp = "'2026-03-02T00:00:00.000Z'";
    exec("INSERT INTO notices (number, recipient, to_org_id, state, due_at, version, created_at, updated_at) VALUES "
         "('TZ-N-9', 'organising_bureau', " + std::to_string(bureau) + ", 'sent', '2026-03-04T16:00:00.000Z', 1, " +
         stamp + ", " + stamp + ")");
    const auto notice = scalar("SELECT id FROM notices WHERE number = 'TZ-N-9'");
    Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
    c->set("role", "notices");
    c->set("name", "Duty phone");
    c->set("phone", "+86 10 3333 0000");
    ASSERT_EQ(admin.post("/api/v1/organisations/" + std::to_string(bureau) + "/contacts", c).status, 201);

    // Two service nodes' jobs at the same moment (two threads on the database's pool).
    std::atomic<std::size_t> notices{0}, rows{0};
    auto push = [&] {
        auto r = nf::push_notices(*service->database(), kT0);
        ASSERT_TRUE(r) << r.error().message;
        notices += r->notices;
        rows += r->deliveries;
    };
    std::thread a(push), b(push);
    a.join();
    b.join();
    EXPECT_EQ(notices.load(), 1u);
    EXPECT_EQ(rows.load(), 1u);
    EXPECT_EQ(scalar("SELECT count(*) FROM alarm_notifications WHERE notice_id = " + std::to_string(notice)), 1);

    // The SMS gateway refuses: the message is kept, retried later, its error shown.
    WebhookSink gateway(500);
    cc::WebhookChannel sms("http://127.0.0.1:" + std::to_string(gateway.port()) + "/sms", std::chrono::seconds(5));
    auto sent = cc::deliver_notifications(*service->database(), {nullptr, &sms}, kT0 + 10);
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_EQ(sent->retried, 1u);
    auto state = admin.get("/api/v1/notices/" + std::to_string(notice) + "/deliveries");
    ASSERT_EQ(state.status, 200) << state.describe();
    auto row = state.json()->getArray("items")->getObject(0);
    EXPECT_EQ(row->getValue<std::string>("channel"), "webhook");
    EXPECT_EQ(row->getValue<std::string>("state"), "pending");
    EXPECT_EQ(row->getValue<int>("attempts"), 1);
    EXPECT_NE(row->getValue<std::string>("last_error").find("500"), std::string::npos) << state.body;
    // An organisation without contacts: the push is recorded with nobody to reach (visible).
    exec("INSERT INTO notices (number, recipient, to_org_id, state, due_at, version, created_at, updated_at) VALUES "
         "('TZ-N-10', 'organising_bureau', " + std::to_string(office) + ", 'sent', '2026-03-04T16:00:00.000Z', 1, " +
         stamp + ", " + stamp + ")");
    auto lonely = nf::push_notices(*service->database(), kT0 + 20);
    ASSERT_TRUE(lonely);
    EXPECT_EQ(lonely->notices, 1u);
    EXPECT_EQ(lonely->without_contacts, 1u);
    auto none = admin.get("/api/v1/notices/" + std::to_string(scalar("SELECT id FROM notices WHERE number = 'TZ-N-10'")) +
                          "/deliveries");
    ASSERT_EQ(none.status, 200) << none.describe();
    EXPECT_FALSE(none.json()->isNull("pushed_at"));
    EXPECT_EQ(none.json()->getValue<int>("pushed_to"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationsTest, kBothBackends, backendName);

}  // namespace
}  // namespace lims::test
