#include "lims/store/alarm_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/Nullable.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using NInt = Poco::Nullable<Poco::Int64>;
using NStr = Poco::Nullable<std::string>;

NInt nullable(const std::optional<std::int64_t>& v) { return v ? NInt(*v) : NInt(); }

constexpr const char* kColumns =
    "id, logger_id, placement_id, org_id, storage_unit_id, shipment_id, excursion_id, kind, side, raised_at_utc, "
    "since_utc, centi_celsius, detail, cleared_at_utc, acknowledged_by, acknowledged_at, acknowledgement_note, "
    "escalation_level, escalate_at_utc, version";

std::string ids_list(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}

}  // namespace

std::string to_json(const AlarmRow& a) {
    Poco::JSON::Object j;
    j.set("id", a.id);
    j.set("logger_id", a.logger_id);
    j.set("org_id", a.org_id);
    if (a.storage_unit_id) j.set("storage_unit_id", *a.storage_unit_id);
    if (a.shipment_id) j.set("shipment_id", *a.shipment_id);
    if (a.excursion_id) j.set("excursion_id", *a.excursion_id);
    j.set("kind", a.kind);
    if (!a.side.empty()) j.set("side", a.side);
    j.set("raised_at_utc", a.raised_at_utc);
    j.set("since_utc", a.since_utc);
    if (a.centi_celsius) j.set("centi_celsius", *a.centi_celsius);
    j.set("detail", a.detail);
    if (a.cleared_at_utc) j.set("cleared_at_utc", *a.cleared_at_utc);
    if (a.acknowledged_by) {
        j.set("acknowledged_by", *a.acknowledged_by);
        j.set("acknowledged_at", a.acknowledged_at);
        j.set("acknowledgement_note", a.acknowledgement_note);
    }
    j.set("escalation_level", a.escalation_level);
    if (a.escalate_at_utc) j.set("escalate_at_utc", *a.escalate_at_utc);
    j.set("version", a.version);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

StoreResult<std::vector<AlarmRow>> AlarmRepository::select(const std::string& where_and_order) {
    Poco::Data::Statement st(tx_.session());
    st << std::string("SELECT ") + kColumns + " FROM coldchain_alarms " + where_and_order;
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<AlarmRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        auto i64 = [&](std::size_t c) { return rs.value(c).convert<Poco::Int64>(); };
        auto oi64 = [&](std::size_t c) {
            return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::int64_t>(i64(c));
        };
        auto str = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::string() : rs.value(c).convert<std::string>(); };
        AlarmRow a;
        a.id = i64(0);
        a.logger_id = i64(1);
        a.placement_id = i64(2);
        a.org_id = i64(3);
        a.storage_unit_id = oi64(4);
        a.shipment_id = oi64(5);
        a.excursion_id = oi64(6);
        a.kind = str(7);
        a.side = str(8);
        a.raised_at_utc = i64(9);
        a.since_utc = i64(10);
        if (auto v = oi64(11)) a.centi_celsius = static_cast<std::int32_t>(*v);
        a.detail = str(12);
        a.cleared_at_utc = oi64(13);
        a.acknowledged_by = oi64(14);
        a.acknowledged_at = str(15);
        a.acknowledgement_note = str(16);
        a.escalation_level = static_cast<int>(i64(17));
        a.escalate_at_utc = oi64(18);
        a.version = i64(19);
        out.push_back(std::move(a));
    }
    return out;
}

StoreResult<AlarmRow> AlarmRepository::raise(const AlarmRow& a, const std::string& actor) {
    NInt unit = nullable(a.storage_unit_id);
    NInt shipment = nullable(a.shipment_id);
    NInt excursion = nullable(a.excursion_id);
    NStr side = a.side.empty() ? NStr() : NStr(a.side);
    Poco::Nullable<int> centi = a.centi_celsius ? Poco::Nullable<int>(*a.centi_celsius) : Poco::Nullable<int>();
    NInt escalate = nullable(a.escalate_at_utc);
    const std::string at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO coldchain_alarms (logger_id, placement_id, org_id, storage_unit_id, shipment_id, "
                     "excursion_id, kind, side, raised_at_utc, since_utc, centi_celsius, detail, escalate_at_utc, "
                     "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        bind(a.logger_id), bind(a.placement_id), bind(a.org_id), bind(unit), bind(shipment), bind(excursion),
        bind(a.kind), bind(side), bind(a.raised_at_utc), bind(a.since_utc), bind(centi), bind(a.detail),
        bind(escalate), bind(at), into(id), now;
    auto created = get(id);
    if (created) tx_.record({actor, "alarm.raise", "coldchain_alarm", std::to_string(id), "", to_json(*created), ""});
    return created;
}

StoreResult<std::size_t> AlarmRepository::clear(std::int64_t logger_id, const std::string& kind, std::int64_t at_utc,
                                                const std::string& actor) {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT id FROM coldchain_alarms WHERE logger_id = $1 AND kind = $2 AND cleared_at_utc IS NULL",
        bind(logger_id), bind(kind), into(ids), now;
    for (Poco::Int64 id : ids) {
        tx_.session() << "UPDATE coldchain_alarms SET cleared_at_utc = $1, version = version + 1 WHERE id = $2",
            bind(at_utc), bind(id), now;
        tx_.record({actor, "alarm.clear", "coldchain_alarm", std::to_string(id), "",
                    "{\"cleared_at_utc\":" + std::to_string(at_utc) + "}", ""});
    }
    return ids.size();
}

StoreResult<AlarmRow> AlarmRepository::acknowledge(std::int64_t alarm_id, std::int64_t user_id, const std::string& note,
                                                   std::optional<std::int64_t> expected_version,
                                                   const std::string& actor) {
    if (note.find_first_not_of(" \t\r\n") == std::string::npos)
        return store_error(StoreErrorKind::invalid_argument, "an acknowledgement needs a note saying what was done");
    auto before = get(alarm_id);
    if (!before) return before.error();
    if (before->acknowledged_by)
        return store_error(StoreErrorKind::conflict, "alarm " + std::to_string(alarm_id) + " is already acknowledged");
    if (expected_version && *expected_version != before->version)
        return store_error(StoreErrorKind::conflict, "alarm " + std::to_string(alarm_id) + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(*expected_version));
    const std::string at = tx_.now_utc();
    Poco::Int64 version = before->version;
    Poco::Data::Statement st(tx_.session());
    st << "UPDATE coldchain_alarms SET acknowledged_by = $1, acknowledged_at = $2, acknowledgement_note = $3, "
          "escalate_at_utc = NULL, version = version + 1 WHERE id = $4 AND version = $5 AND acknowledged_by IS NULL",
        bind(user_id), bind(at), bind(note), bind(alarm_id), bind(version);
    if (st.execute() == 0)
        return store_error(StoreErrorKind::conflict, "alarm " + std::to_string(alarm_id) + " changed meanwhile");
    auto after = get(alarm_id);
    if (after)
        tx_.record({actor, "alarm.acknowledge", "coldchain_alarm", std::to_string(alarm_id), to_json(*before),
                    to_json(*after), note});
    return after;
}

StoreResult<std::vector<AlarmRow>> AlarmRepository::due_for_escalation(std::int64_t now_utc) {
    return select("WHERE acknowledged_by IS NULL AND escalate_at_utc IS NOT NULL AND escalate_at_utc <= " +
                  std::to_string(now_utc) + " ORDER BY id");
}

StoreResult<bool> AlarmRepository::escalate(std::int64_t alarm_id, int from_level, int level,
                                            std::optional<std::int64_t> next_at_utc, const std::string& actor) {
    NInt next = nullable(next_at_utc);
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE coldchain_alarms SET escalation_level = $1, escalate_at_utc = $2, version = version + 1 "
              "WHERE id = $3 AND escalation_level = $4",
        bind(level), bind(next), bind(alarm_id), bind(from_level);
    if (update.execute() == 0) return false;
    tx_.record({actor, "alarm.escalate", "coldchain_alarm", std::to_string(alarm_id), "",
                "{\"escalation_level\":" + std::to_string(level) + "}", ""});
    return true;
}

StoreResult<AlarmRow> AlarmRepository::get(std::int64_t id) {
    auto rows = select("WHERE id = " + std::to_string(id));
    if (!rows) return rows.error();
    if (rows->empty()) return store_error(StoreErrorKind::not_found, "alarm " + std::to_string(id) + " does not exist");
    return rows->front();
}

StoreResult<std::vector<AlarmRow>> AlarmRepository::list(const AlarmFilter& f) {
    std::string where = "WHERE id > " + std::to_string(f.after_id);
    if (!f.org_ids.empty()) where += " AND org_id IN (" + ids_list(f.org_ids) + ")";
    if (f.logger_id) where += " AND logger_id = " + std::to_string(*f.logger_id);
    if (f.open_only) where += " AND (cleared_at_utc IS NULL OR acknowledged_by IS NULL)";
    return select(where + " ORDER BY id LIMIT " + std::to_string(f.limit));
}

StoreResult<std::int64_t> AlarmRepository::add_notification(const NotificationRow& n) {
    NInt alarm = n.alarm_id != 0 ? NInt(n.alarm_id) : NInt();
    NInt contact = nullable(n.contact_id);
    NInt user = nullable(n.user_id);
    NInt sent = nullable(n.sent_at_utc);
    NInt notice = nullable(n.notice_id);
    NInt org_contact = nullable(n.org_contact_id);
    int level = n.escalation_level;
    const std::string at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO alarm_notifications (alarm_id, contact_id, user_id, channel, address, "
                     "escalation_level, subject, body, state, next_attempt_utc, sent_at_utc, created_at, notice_id, "
                     "org_contact_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        bind(alarm), bind(contact), bind(user), bind(n.channel), bind(n.address), bind(level), bind(n.subject),
        bind(n.body), bind(n.state), bind(n.next_attempt_utc), bind(sent), bind(at), bind(notice), bind(org_contact),
        into(id), now;
    return static_cast<std::int64_t>(id);
}

namespace {

std::vector<NotificationRow> notifications(Transaction& tx, const std::string& where) {
    Poco::Data::Statement st(tx.session());
    st << "SELECT id, alarm_id, contact_id, user_id, channel, address, escalation_level, subject, body, state, "
          "attempts, next_attempt_utc, last_error, sent_at_utc, notice_id, org_contact_id FROM alarm_notifications " +
              where;
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<NotificationRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        auto i64 = [&](std::size_t c) { return rs.value(c).convert<Poco::Int64>(); };
        auto oi64 = [&](std::size_t c) {
            return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::int64_t>(i64(c));
        };
        auto str = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::string() : rs.value(c).convert<std::string>(); };
        NotificationRow n;
        n.id = i64(0);
        n.alarm_id = rs.value(1).isEmpty() ? 0 : i64(1);
        n.contact_id = oi64(2);
        n.user_id = oi64(3);
        n.channel = str(4);
        n.address = str(5);
        n.escalation_level = static_cast<int>(i64(6));
        n.subject = str(7);
        n.body = str(8);
        n.state = str(9);
        n.attempts = static_cast<int>(i64(10));
        n.next_attempt_utc = i64(11);
        n.last_error = str(12);
        n.sent_at_utc = oi64(13);
        n.notice_id = oi64(14);
        n.org_contact_id = oi64(15);
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace

StoreResult<std::vector<NotificationRow>> AlarmRepository::notifications_of(std::int64_t alarm_id) {
    return notifications(tx_, "WHERE alarm_id = " + std::to_string(alarm_id) + " ORDER BY id");
}

StoreResult<std::vector<NotificationRow>> AlarmRepository::notifications_of_notice(std::int64_t notice_id) {
    return notifications(tx_, "WHERE notice_id = " + std::to_string(notice_id) + " ORDER BY id");
}

StoreResult<std::vector<NotificationRow>> AlarmRepository::due_notifications(std::int64_t now_utc, std::size_t limit) {
    return notifications(tx_, "WHERE state = 'pending' AND next_attempt_utc <= " + std::to_string(now_utc) +
                                  " ORDER BY next_attempt_utc, id LIMIT " + std::to_string(limit));
}

StoreResult<bool> AlarmRepository::claim_notification(std::int64_t id, std::int64_t now_utc,
                                                      std::int64_t lease_until_utc) {
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE alarm_notifications SET next_attempt_utc = $1 "
              "WHERE id = $2 AND state = 'pending' AND next_attempt_utc <= $3",
        bind(lease_until_utc), bind(id), bind(now_utc);
    return update.execute() == 1;
}

StoreResult<Done> AlarmRepository::notification_sent(std::int64_t id, std::int64_t at_utc) {
    tx_.session() << "UPDATE alarm_notifications SET state = 'sent', attempts = attempts + 1, sent_at_utc = $1, "
                     "last_error = '' WHERE id = $2",
        bind(at_utc), bind(id), now;
    return Done{};
}

StoreResult<Done> AlarmRepository::notification_failed(std::int64_t id, const std::string& error,
                                                       std::optional<std::int64_t> next_attempt_utc) {
    if (next_attempt_utc) {
        Poco::Int64 next = *next_attempt_utc;
        tx_.session() << "UPDATE alarm_notifications SET attempts = attempts + 1, last_error = $1, next_attempt_utc = $2 "
                         "WHERE id = $3",
            bind(error), bind(next), bind(id), now;
    } else {
        tx_.session() << "UPDATE alarm_notifications SET state = 'failed', attempts = attempts + 1, last_error = $1 "
                         "WHERE id = $2",
            bind(error), bind(id), now;
    }
    return Done{};
}

}  // namespace lims::store
