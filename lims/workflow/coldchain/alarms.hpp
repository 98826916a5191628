// Cold-chain alarms reaching people: every alarm notifies the site's designated contacts
// (at least three, GSP annex) in-app always, and by e-mail and the SMS gateway's webhook
// through pluggable channels; failed deliveries are retried; a person acknowledges an
// alarm with a note; an alarm nobody acknowledges in time escalates to the next level of
// contacts. The ingest (raising), the API (acknowledging) and the service's timers
// (delivery, escalation) call these.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/alarm_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace lims::workflow::coldchain {

// GSP annex on automatic temperature monitoring: alarms by SMS to at least three
// designated people.
inline constexpr std::size_t kMinDesignatedContacts = 3;

// Retry schedule of a failed e-mail or webhook delivery (project default): sized to ride
// out a mail server restart or a gateway outage of about two hours, then given up and
// left visible as failed.
inline constexpr std::array<lims::coldchain::Seconds, 6> kDeliveryRetryDelays{60, 120, 300, 900, 1800, 3600};
// How long a notification claimed for delivery is hidden from other deliverers: longer than
// a channel's timeout; a node that dies mid-delivery leaves the row to be tried after it.
inline constexpr lims::coldchain::Seconds kDeliveryLease = 300;

// One way of reaching a person. deliver() blocks for at most the channel's timeout and
// returns an error naming what went wrong (the delivery is retried).
class NotificationChannel {
public:
    virtual ~NotificationChannel() = default;
    virtual domain::Result<void> deliver(const store::NotificationRow& notification) = 0;
};

// E-mail over SMTP (Poco::Net::SMTPClientSession): plain text, UTF-8.
class SmtpChannel final : public NotificationChannel {
public:
    SmtpChannel(std::string host, std::uint16_t port, std::string sender,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));
    domain::Result<void> deliver(const store::NotificationRow& notification) override;

private:
    std::string host_;
    std::uint16_t port_;
    std::string sender_;
    std::chrono::milliseconds timeout_;
};

// The SMS gateway's webhook: POST {"to","subject","text","alarm_id" or "notice_id",
// "notification_id"} as JSON; any 2xx is delivered. The URL is http://host:port/path.
class WebhookChannel final : public NotificationChannel {
public:
    explicit WebhookChannel(std::string url, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    domain::Result<void> deliver(const store::NotificationRow& notification) override;

private:
    std::string url_;
    std::chrono::milliseconds timeout_;
};

struct NotificationChannels {
    NotificationChannel* email = nullptr;    // none: e-mail rows wait
    NotificationChannel* webhook = nullptr;  // none: webhook rows wait
};

// Inside the raising transaction: one in-app notification per contact of `level` (that
// is the delivery), plus an e-mail and a webhook row for contacts with an address. When
// no contact has that level the site's level-0 contacts are notified again.
domain::Result<std::size_t> notify_contacts(store::Transaction& tx, const store::AlarmRow& alarm, int level,
                                            const std::string& place, std::int64_t now_utc);

struct DeliveryReport {
    std::size_t sent = 0;
    std::size_t retried = 0;  // failed this time, tried again later
    std::size_t given_up = 0;
};
// Sends due e-mail/webhook notifications (at most `limit`), outside any transaction while
// talking to the network, and records each outcome.
domain::Result<DeliveryReport> deliver_notifications(store::Database& db, const NotificationChannels& channels,
                                                     std::int64_t now_utc, std::size_t limit = 100);

// Alarms unacknowledged past their deadline go one level up (notifying that level's
// contacts) until kMaxEscalationLevel. Returns how many escalated.
domain::Result<std::size_t> escalate_alarms(store::Database& db, std::int64_t now_utc,
                                            const ColdChainOptions& options = {});

// Errors: store.not_found, store.conflict (already acknowledged, version differs),
// store.invalid_argument (empty note).
domain::Result<store::AlarmRow> acknowledge_alarm(store::Database& db, std::int64_t alarm_id, std::int64_t user_id,
                                                  const std::string& note, std::optional<std::int64_t> expected_version,
                                                  const std::string& actor);

}  // namespace lims::workflow::coldchain
