#include "lims/workflow/coldchain/alarms.hpp"

#include "lims/domain/calendar/beijing_time.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

namespace lims::workflow::coldchain {

namespace {

using domain::make_error;

Poco::Timespan timespan(std::chrono::milliseconds ms) { return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000); }

std::string alarm_subject(const store::AlarmRow& a, const std::string& place, int level) {
    std::string s = "[cold chain] " + a.kind;
    if (!a.side.empty()) s += " (" + a.side + ")";
    s += " at " + place;
    if (level > 0) s += " - escalation " + std::to_string(level);
    return s;
}

std::string celsius(std::int32_t centi) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f °C", centi / 100.0);
    return buf;
}

// The people alarmed read Beijing time, as on every document ("2026年3月2日 02:30").
std::string beijing(std::int64_t utc_seconds) {
    return domain::chinese_date_time(domain::Instant{std::chrono::seconds{utc_seconds}});
}

std::string alarm_body(const store::AlarmRow& a, const std::string& place) {
    std::string s = "Alarm " + std::to_string(a.id) + ": " + a.kind + " at " + place + ", logger " +
                    std::to_string(a.logger_id) + ", since " + beijing(a.since_utc) + ", raised at " +
                    beijing(a.raised_at_utc) + " (Beijing time).";
    if (a.centi_celsius) s += " Reading " + celsius(*a.centi_celsius) + ".";
    if (!a.detail.empty()) s += " " + a.detail;
    s += " Acknowledge it in the LIMS with a note saying what was done.";
    return s;
}

}  // namespace

SmtpChannel::SmtpChannel(std::string host, std::uint16_t port, std::string sender, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), sender_(std::move(sender)), timeout_(timeout) {}

domain::Result<void> SmtpChannel::deliver(const store::NotificationRow& n) {
    if (n.address.empty()) return make_error("coldchain.delivery.no_address", "notification has no e-mail address");
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress(host_, port_), timespan(timeout_));
        Poco::Net::SMTPClientSession session(socket);
        session.setTimeout(timespan(timeout_));
        session.login();
        Poco::Net::MailMessage message;
        message.setSender(sender_);
        message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, n.address));
        message.setSubject(Poco::Net::MailMessage::encodeWord(n.subject, "UTF-8"));
        message.setContentType("text/plain; charset=UTF-8");
        message.setContent(n.body, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
        session.sendMessage(message);
        session.close();
        return {};
    } catch (const Poco::Exception& e) {
        return make_error("coldchain.delivery.smtp", "SMTP " + host_ + ":" + std::to_string(port_) + ": " + e.displayText());
    }
}

WebhookChannel::WebhookChannel(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

domain::Result<void> WebhookChannel::deliver(const store::NotificationRow& n) {
    try {
        Poco::URI uri(url_);
        if (uri.getScheme() != "http" || uri.getHost().empty())
            return make_error("coldchain.delivery.webhook_url", "webhook URL '" + url_ + "' is not http://host[:port]/path");
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(timespan(timeout_));
        Poco::JSON::Object j;
        j.set("to", n.address);
        j.set("subject", n.subject);
        j.set("text", n.body);
        if (n.alarm_id != 0) j.set("alarm_id", n.alarm_id);
        if (n.notice_id) j.set("notice_id", *n.notice_id);
        j.set("notification_id", n.id);
        std::ostringstream body;
        j.stringify(body);
        const std::string text = body.str();
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(text.size()));
        session.sendRequest(request) << text;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::string ignored;
        Poco::StreamCopier::copyToString(in, ignored);
        const int status = static_cast<int>(response.getStatus());
        if (status < 200 || status > 299)
            return make_error("coldchain.delivery.webhook_status",
                              "webhook answered " + std::to_string(status) + " " + response.getReason());
        return {};
    } catch (const Poco::Exception& e) {
        return make_error("coldchain.delivery.webhook", "webhook " + url_ + ": " + e.displayText());
    }
}

domain::Result<std::size_t> notify_contacts(store::Transaction& tx, const store::AlarmRow& alarm, int level,
                                            const std::string& place, std::int64_t now_utc) {
    store::StorageUnitRepository units(tx);
    std::optional<std::int64_t> entity;
    if (alarm.storage_unit_id) {
        auto unit = units.get(*alarm.storage_unit_id);
        if (!unit) return unit.error();
        entity = unit->entity_id;
    }
    auto all = units.contacts(alarm.org_id, entity);
    if (!all) return all.error();
    std::vector<store::ContactRow> chosen;
    for (const auto& c : *all)
        if (c.escalation_level == level) chosen.push_back(c);
    if (chosen.empty())
        for (const auto& c : *all)
            if (c.escalation_level == 0) chosen.push_back(c);

    store::AlarmRepository alarms(tx);
    const std::string subject = alarm_subject(alarm, place, level);
    const std::string body = alarm_body(alarm, place);
    std::size_t made = 0;
    for (const auto& c : chosen) {
        store::NotificationRow n;
        n.alarm_id = alarm.id;
        n.contact_id = c.id;
        n.user_id = c.user_id;
        n.escalation_level = level;
        n.subject = subject;
        n.body = body;
        // In-app: stored is delivered (the person's list and the dashboard read it).
        n.channel = "in_app";
        n.state = "sent";
        n.next_attempt_utc = now_utc;
        n.sent_at_utc = now_utc;
        if (auto id = alarms.add_notification(n); !id) return id.error();
        ++made;
        n.state = "pending";
        n.sent_at_utc.reset();
        if (!c.email.empty()) {
            n.channel = "email";
            n.address = c.email;
            if (auto id = alarms.add_notification(n); !id) return id.error();
            ++made;
        }
        if (!c.phone.empty()) {
            n.channel = "webhook";
            n.address = c.phone;
            if (auto id = alarms.add_notification(n); !id) return id.error();
            ++made;
        }
    }
    return made;
}

domain::Result<DeliveryReport> deliver_notifications(store::Database& db, const NotificationChannels& channels,
                                                     std::int64_t now_utc, std::size_t limit) {
    auto due = db.read([&](store::Transaction& tx) { return store::AlarmRepository(tx).due_notifications(now_utc, limit); });
    if (!due) return due.error();
    DeliveryReport report;
    for (const auto& n : *due) {
        NotificationChannel* channel = n.channel == "email" ? channels.email : n.channel == "webhook" ? channels.webhook : nullptr;
        if (!channel) continue;  // that channel is not configured here: the row waits
        // Several nodes (or a node whose job lock moved mid-run): only the one that claims
        // the row sends it.
        auto claimed = db.write([&](store::Transaction& tx) {
            return store::AlarmRepository(tx).claim_notification(n.id, now_utc, now_utc + kDeliveryLease);
        });
        if (!claimed) return claimed.error();
        if (!*claimed) continue;
        auto sent = channel->deliver(n);
        auto recorded = db.write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            store::AlarmRepository alarms(tx);
            if (sent) {
                ++report.sent;
                return alarms.notification_sent(n.id, now_utc);
            }
            const auto attempt = static_cast<std::size_t>(n.attempts);
            if (attempt < kDeliveryRetryDelays.size()) {
                ++report.retried;
                return alarms.notification_failed(n.id, sent.error().message, now_utc + kDeliveryRetryDelays[attempt]);
            }
            ++report.given_up;
            return alarms.notification_failed(n.id, sent.error().message, std::nullopt);
        });
        if (!recorded) return recorded.error();
    }
    return report;
}

namespace {

std::string place_of(store::Transaction& tx, const store::AlarmRow& a) {
    if (a.storage_unit_id) {
        auto unit = store::StorageUnitRepository(tx).get(*a.storage_unit_id);
        if (unit) return "storage unit " + unit->code + " (" + unit->name + ")";
    }
    if (a.shipment_id) return "shipment " + std::to_string(*a.shipment_id);
    return "logger " + std::to_string(a.logger_id);
}

}  // namespace



domain::Result<std::size_t> escalate_alarms(store::Database& db, std::int64_t now_utc, const ColdChainOptions& options) {
    return db.write([&](store::Transaction& tx) -> domain::Result<std::size_t> {
        store::AlarmRepository alarms(tx);
        auto due = alarms.due_for_escalation(now_utc);
        if (!due) return due.error();
        std::size_t escalated = 0;
        for (const auto& a : *due) {
            const int level = a.escalation_level + 1;
            std::optional<std::int64_t> next;
            if (level < kMaxEscalationLevel) next = now_utc + options.acknowledgement_deadline;
            auto moved = alarms.escalate(a.id, a.escalation_level, level, next, options.actor);
            if (!moved) return moved.error();
            if (!*moved) continue;  // another node escalated it first, and notified
            ++escalated;
            if (auto n = notify_contacts(tx, a, level, place_of(tx, a), now_utc); !n) return n.error();
        }
        return escalated;
    });
}

domain::Result<store::AlarmRow> acknowledge_alarm(store::Database& db, std::int64_t alarm_id, std::int64_t user_id,
                                                  const std::string& note, std::optional<std::int64_t> expected_version,
                                                  const std::string& actor) {
    return db.write([&](store::Transaction& tx) {
        return store::AlarmRepository(tx).acknowledge(alarm_id, user_id, note, expected_version, actor);
    });
}

}  // namespace lims::workflow::coldchain
