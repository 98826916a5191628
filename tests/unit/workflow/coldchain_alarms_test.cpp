// Cold-chain alarms reaching people: in-app notifications to every designated contact,
// e-mail through a real SMTP conversation with a local sink, the SMS gateway's webhook
// against a local HTTP server, retries of failed deliveries, acknowledgement with a note,
// and escalation when nobody acknowledges in time.
#include "coldchain_fixture.hpp"
#include "../../support/delivery_peers.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace lims::workflow::coldchain::testing {
namespace {

using lims::test::SmtpSink;
using lims::test::WebhookSink;

class FlakyChannel final : public NotificationChannel {
public:
    explicit FlakyChannel(int failures) : failures_(failures) {}
    domain::Result<void> deliver(const store::NotificationRow& n) override {
        ++calls;
        if (failures_ > 0) {
            --failures_;
            return domain::make_error("test.down", "gateway down");
        }
        delivered.push_back(n.address);
        return {};
    }
    int calls = 0;
    std::vector<std::string> delivered;

private:
    int failures_;
};

class ColdChainAlarmsTest : public ColdChainTest {
protected:
    // A 20-minute spike: one out-of-range alarm, raised at kT0 + 1h + 5 min.
    std::int64_t raise_one_alarm() {
        Profile p("TL-1", kT0 + kMin, 5 * kMin);
        p.hold(500, kHour).hold(1200, 20 * kMin);
        auto r = ingest(p.readings(), p.now());
        EXPECT_EQ(r.alarms_raised, 1u);
        return count("SELECT id FROM coldchain_alarms");
    }
    std::int64_t raised_at = 0;
};

TEST_F(ColdChainAlarmsTest, AnAlarmNotifiesEveryDesignatedContactOnEveryChannel) {
    const auto alarm = raise_one_alarm();
    auto ns = must(db->read([&](store::Transaction& tx) { return store::AlarmRepository(tx).notifications_of(alarm); }));
    std::map<std::string, int> by_channel;
    for (const auto& n : ns) ++by_channel[n.channel + ":" + n.state];
    EXPECT_EQ(by_channel, (std::map<std::string, int>{{"in_app:sent", 3}, {"email:pending", 3}, {"webhook:pending", 3}}));
    // People read Beijing time (issue 16): the spike began after 01:00 UTC, 09:00 in Beijing.
    ASSERT_FALSE(ns.empty());
    EXPECT_NE(ns[0].body.find("since 2026年3月2日 09:"), std::string::npos) << ns[0].body;
    EXPECT_NE(ns[0].body.find("(Beijing time)"), std::string::npos) << ns[0].body;
    EXPECT_EQ(ns[0].body.find("UTC seconds"), std::string::npos) << ns[0].body;
}

TEST_F(ColdChainAlarmsTest, EmailGoesThroughAnSmtpConversation) {
    raise_one_alarm();
    SmtpSink sink;
    SmtpChannel email("127.0.0.1", sink.port(), "lims@lab.example", std::chrono::seconds(5));
    auto report = must(deliver_notifications(*db, {&email, nullptr}, kT0 + 2 * kHour));
    EXPECT_EQ(report.sent, 3u);
    EXPECT_EQ(sink.messages(), 3);
    const std::string t = sink.transcript();
    EXPECT_NE(t.find("MAIL FROM: <lims@lab.example>"), std::string::npos) << t;
    EXPECT_NE(t.find("RCPT TO: <c00@cdc.example>"), std::string::npos) << t;
    EXPECT_NE(t.find("out_of_range"), std::string::npos) << t;
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE channel = 'email' AND state = 'sent'"), 3);
    // Webhook rows wait: no webhook channel was given.
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE channel = 'webhook' AND state = 'pending'"), 3);
}

TEST_F(ColdChainAlarmsTest, UnreachableSmtpServerIsRetriedLater) {
    raise_one_alarm();
    std::uint16_t closed_port = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        closed_port = probe.address().port();
    }
    SmtpChannel email("127.0.0.1", closed_port, "lims@lab.example", std::chrono::seconds(2));
    auto report = must(deliver_notifications(*db, {&email, nullptr}, kT0 + 2 * kHour));
    EXPECT_EQ(report.retried, 3u);
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE channel = 'email' AND state = 'pending' AND attempts = 1 "
                    "AND last_error LIKE 'SMTP%' AND next_attempt_utc = " +
                    std::to_string(kT0 + 2 * kHour + kDeliveryRetryDelays[0])),
              3);
}

TEST_F(ColdChainAlarmsTest, WebhookPostsJsonToTheSmsGateway) {
    raise_one_alarm();
    WebhookSink gateway(202);
    WebhookChannel sms("http://127.0.0.1:" + std::to_string(gateway.port()) + "/sms", std::chrono::seconds(5));
    auto report = must(deliver_notifications(*db, {nullptr, &sms}, kT0 + 2 * kHour));
    EXPECT_EQ(report.sent, 3u);
    auto bodies = gateway.bodies();
    ASSERT_EQ(bodies.size(), 3u);
    EXPECT_NE(bodies[0].find("\"to\":\"+8613800000000\""), std::string::npos) << bodies[0];
    EXPECT_NE(bodies[0].find("\"alarm_id\":1"), std::string::npos) << bodies[0];
}

TEST_F(ColdChainAlarmsTest, WebhookErrorStatusIsAFailedDelivery) {
    raise_one_alarm();
    WebhookSink gateway(500);
    WebhookChannel sms("http://127.0.0.1:" + std::to_string(gateway.port()) + "/sms", std::chrono::seconds(5));
    auto report = must(deliver_notifications(*db, {nullptr, &sms}, kT0 + 2 * kHour));
    EXPECT_EQ(report.retried, 3u);
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE last_error LIKE 'webhook answered 500%'"), 3);
    WebhookChannel bad("ftp://example/x");
    auto refused = bad.deliver({});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "coldchain.delivery.webhook_url");
}

TEST_F(ColdChainAlarmsTest, FailedDeliveriesAreRetriedOnScheduleThenGivenUp) {
    raise_one_alarm();
    FlakyChannel sms(3);  // the first three attempts fail
    std::int64_t now = kT0 + 2 * kHour;
    auto first = must(deliver_notifications(*db, {nullptr, &sms}, now));
    EXPECT_EQ(first.retried, 3u);
    EXPECT_EQ(must(deliver_notifications(*db, {nullptr, &sms}, now + 1)).sent, 0u);  // not due yet
    auto second = must(deliver_notifications(*db, {nullptr, &sms}, now + kDeliveryRetryDelays[0]));
    EXPECT_EQ(second.sent, 3u);
    EXPECT_EQ(sms.delivered.size(), 3u);

    FlakyChannel dead(1000);
    std::size_t given_up = 0;
    for (int i = 0; i < 20 && given_up < 3; ++i) {
        now += 2 * kHour;
        given_up += must(deliver_notifications(*db, {&dead, nullptr}, now)).given_up;
    }
    EXPECT_EQ(given_up, 3u);
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE channel = 'email' AND state = 'failed' AND attempts = " +
                    std::to_string(kDeliveryRetryDelays.size() + 1)),
              3);
}

TEST_F(ColdChainAlarmsTest, AcknowledgementNeedsANoteAndHappensOnce) {
    const auto alarm = raise_one_alarm();
    std::int64_t user = 0;
    must(db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        Poco::Int64 id = 0;
        const std::string at = tx.now_utc();
        tx.session() << "INSERT INTO users (org_id, username, display_name, password_hash, created_at, updated_at) VALUES "
                        "($1, 'nurse.wang', 'Wang', 'x', $2, $2) RETURNING id",
            Poco::Data::Keywords::bind(office), Poco::Data::Keywords::bind(at), Poco::Data::Keywords::into(id),
            Poco::Data::Keywords::now;
        user = id;
        return store::Done{};
    }));
    auto empty = acknowledge_alarm(*db, alarm, user, "  ", std::nullopt, "nurse.wang");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, "store.invalid_argument");
    auto stale = acknowledge_alarm(*db, alarm, user, "door closed", 99, "nurse.wang");
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, "store.conflict");
    auto ack = must(acknowledge_alarm(*db, alarm, user, "door was left open; closed, vaccines checked", std::nullopt,
                                      "nurse.wang"));
    EXPECT_EQ(ack.acknowledged_by, user);
    EXPECT_EQ(ack.acknowledgement_note, "door was left open; closed, vaccines checked");
    EXPECT_FALSE(ack.escalate_at_utc);
    auto twice = acknowledge_alarm(*db, alarm, user, "again", std::nullopt, "nurse.wang");
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, "store.conflict");
    auto missing = acknowledge_alarm(*db, 999, user, "x", std::nullopt, "nurse.wang");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "store.not_found");
    // Acknowledged alarms never escalate.
    EXPECT_EQ(must(escalate_alarms(*db, kT0 + 10 * kHour, options)), 0u);
}

TEST_F(ColdChainAlarmsTest, UnacknowledgedAlarmEscalatesLevelByLevel) {
    add_contacts(office, cdc, 1, 1);  // the site's level-1 person
    const auto alarm = raise_one_alarm();
    const std::int64_t due = count("SELECT escalate_at_utc FROM coldchain_alarms");
    EXPECT_EQ(must(escalate_alarms(*db, due - 1, options)), 0u);
    EXPECT_EQ(must(escalate_alarms(*db, due, options)), 1u);
    EXPECT_EQ(count("SELECT escalation_level FROM coldchain_alarms"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE escalation_level = 1 AND channel = 'in_app' AND alarm_id = " +
                    std::to_string(alarm)),
              1);
    EXPECT_EQ(must(escalate_alarms(*db, due + kAcknowledgementDeadline, options)), 1u);
    EXPECT_EQ(count("SELECT escalation_level FROM coldchain_alarms"), kMaxEscalationLevel);
    // Level 2 has no contacts of its own: the designated contacts hear it again.
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE escalation_level = 2 AND channel = 'in_app'"), 3);
    EXPECT_EQ(must(escalate_alarms(*db, due + 10 * kAcknowledgementDeadline, options)), 0u);  // the top level stays
}


// Two nodes deliver at the same moment (issue 17: a node whose job lock moved mid-run, or
// a second deliverer): each notification is sent by exactly one of them, because a row is
// claimed in the database before it is sent.
class SlowChannel final : public NotificationChannel {
public:
    domain::Result<void> deliver(const store::NotificationRow& n) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));  // both nodes have read the due rows by now
        std::lock_guard lock(mutex);
        ++sends[n.id];
        return {};
    }
    std::mutex mutex;
    std::map<std::int64_t, int> sends;
};

TEST_F(ColdChainAlarmsTest, TwoNodesDeliveringAtOnceSendEachNotificationOnce) {
    raise_one_alarm();
    auto second = store::Database::open("sqlite:" + db->display_name());
    ASSERT_TRUE(second) << second.error().message;
    SlowChannel sms;
    const std::int64_t now = kT0 + 2 * kHour;
    DeliveryReport a, b;
    std::thread other([&] { b = must(deliver_notifications(**second, {nullptr, &sms}, now)); });
    a = must(deliver_notifications(*db, {nullptr, &sms}, now));
    other.join();
    EXPECT_EQ(a.sent + b.sent, 3u);
    ASSERT_EQ(sms.sends.size(), 3u);
    for (const auto& [id, n] : sms.sends) EXPECT_EQ(n, 1) << "notification " << id;
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE channel = 'webhook' AND state = 'sent'"), 3);
    // A claimed row is no longer due for anyone, and a sent one is never claimed again.
    must(db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        store::AlarmRepository alarms(tx);
        const auto id = sms.sends.begin()->first;
        EXPECT_FALSE(must(alarms.claim_notification(id, now + 10 * kHour, now + 11 * kHour)));
        return store::Done{};
    }));
}

TEST_F(ColdChainAlarmsTest, AnAlarmAnotherNodeEscalatedIsNotEscalatedAgain) {
    const auto alarm = raise_one_alarm();
    const auto audit_before = count("SELECT count(*) FROM audit_log WHERE action = 'alarm.escalate'");
    must(db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        store::AlarmRepository alarms(tx);
        EXPECT_TRUE(must(alarms.escalate(alarm, 0, 1, std::nullopt, "test")));
        // The second node read level 0 too: its escalation changes nothing and records nothing.
        EXPECT_FALSE(must(alarms.escalate(alarm, 0, 1, std::nullopt, "test")));
        return store::Done{};
    }));
    EXPECT_EQ(count("SELECT escalation_level FROM coldchain_alarms"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'alarm.escalate'"), audit_before + 1);
}

}  // namespace
}  // namespace lims::workflow::coldchain::testing
