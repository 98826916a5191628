// Cold-chain alarms (out of range, excursion, offline, sensor fault), their deliveries to
// the site's designated contacts (in-app, e-mail, webhook; retried) and their
// acknowledgement and escalation. lims/workflow/coldchain writes them; the API lists and
// acknowledges them.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct AlarmRow {
    std::int64_t id = 0;
    std::int64_t logger_id = 0;
    std::int64_t placement_id = 0;
    std::int64_t org_id = 0;  // the site whose contacts are alarmed
    std::optional<std::int64_t> storage_unit_id;
    std::optional<std::int64_t> shipment_id;
    std::optional<std::int64_t> excursion_id;
    std::string kind;  // out_of_range, excursion, offline, sensor_fault
    std::string side;  // above, below, or empty
    std::int64_t raised_at_utc = 0;
    std::int64_t since_utc = 0;
    std::optional<std::int32_t> centi_celsius;
    std::string detail;
    std::optional<std::int64_t> cleared_at_utc;
    std::optional<std::int64_t> acknowledged_by;
    std::string acknowledged_at;
    std::string acknowledgement_note;
    int escalation_level = 0;
    std::optional<std::int64_t> escalate_at_utc;
    std::int64_t version = 1;
};

struct NotificationRow {
    std::int64_t id = 0;
    std::int64_t alarm_id = 0;  // 0: the row is about a notice
    // A nonconformity notice pushed to a recipient organisation's contact (migration 6):
    // the same queue, channels and retries as an alarm's notifications.
    std::optional<std::int64_t> notice_id;
    std::optional<std::int64_t> org_contact_id;
    std::optional<std::int64_t> contact_id;
    std::optional<std::int64_t> user_id;
    std::string channel;  // in_app, email, webhook
    std::string address;
    int escalation_level = 0;
    std::string subject;
    std::string body;
    std::string state;  // pending, sent, failed
    int attempts = 0;
    std::int64_t next_attempt_utc = 0;
    std::string last_error;
    std::optional<std::int64_t> sent_at_utc;
};

struct AlarmFilter {
    std::vector<std::int64_t> org_ids;  // non-empty: only these sites
    std::optional<std::int64_t> logger_id;
    bool open_only = false;  // not cleared or not acknowledged
    std::size_t limit = 100;
    std::int64_t after_id = 0;
};

class AlarmRepository {
public:
    explicit AlarmRepository(Transaction& tx) : tx_(tx) {}

    StoreResult<AlarmRow> raise(const AlarmRow& alarm, const std::string& actor);
    // Clears the logger's uncleared alarms of `kind`; returns how many.
    StoreResult<std::size_t> clear(std::int64_t logger_id, const std::string& kind, std::int64_t at_utc,
                                   const std::string& actor);
    // Errors: not_found, conflict (version differs, or already acknowledged), invalid_argument (empty note).
    StoreResult<AlarmRow> acknowledge(std::int64_t alarm_id, std::int64_t user_id, const std::string& note,
                                      std::optional<std::int64_t> expected_version, const std::string& actor);
    // Unacknowledged alarms whose escalation time has come.
    StoreResult<std::vector<AlarmRow>> due_for_escalation(std::int64_t now_utc);
    // Moves the alarm from `from_level` to `level`; false (nothing written) when it is no
    // longer at `from_level`: another node escalated it first (PostgreSQL re-reads the row
    // after waiting for that node's commit).
    StoreResult<bool> escalate(std::int64_t alarm_id, int from_level, int level, std::optional<std::int64_t> next_at_utc,
                               const std::string& actor);
    StoreResult<AlarmRow> get(std::int64_t id);
    StoreResult<std::vector<AlarmRow>> list(const AlarmFilter& filter);

    StoreResult<std::int64_t> add_notification(const NotificationRow& n);
    StoreResult<std::vector<NotificationRow>> notifications_of(std::int64_t alarm_id);
    StoreResult<std::vector<NotificationRow>> notifications_of_notice(std::int64_t notice_id);
    StoreResult<std::vector<NotificationRow>> due_notifications(std::int64_t now_utc, std::size_t limit);
    // Takes a due, pending notification for delivery: its next attempt moves to
    // `lease_until_utc`, so no other node sees it due meanwhile (a node that dies after the
    // claim leaves it to be tried again then). False when it is no longer due and pending:
    // another node took it or delivered it.
    StoreResult<bool> claim_notification(std::int64_t id, std::int64_t now_utc, std::int64_t lease_until_utc);
    StoreResult<Done> notification_sent(std::int64_t id, std::int64_t at_utc);
    // A failed attempt: retried at next_attempt_utc, or given up (state failed) when empty.
    StoreResult<Done> notification_failed(std::int64_t id, const std::string& error,
                                          std::optional<std::int64_t> next_attempt_utc);

private:
    StoreResult<std::vector<AlarmRow>> select(const std::string& where_and_order);
    Transaction& tx_;
};

std::string to_json(const AlarmRow& alarm);

}  // namespace lims::store
