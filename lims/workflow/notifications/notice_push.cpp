#include "lims/workflow/notifications/notice_push.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/notifications/org_contacts.hpp"
#include "lims/workflow/store_time.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <chrono>

using namespace Poco::Data::Keywords;

namespace lims::workflow::notifications {

namespace {

namespace errors = domain::errors;

constexpr const char* kActor = "system:notices";

struct Due {
    std::int64_t id = 0;
    std::string number;
    std::int64_t to_org_id = 0;
    std::string recipient;
    std::string sample_number;
    std::string due_at;
    bool serious_risk = false;
};

std::vector<Due> due_notices(store::Transaction& tx, const std::string& where, std::size_t limit) {
    Poco::Data::Statement st(tx.session());
    st << "SELECT n.id, n.number, n.to_org_id, n.recipient, COALESCE(s.number, ''), COALESCE(n.due_at, ''), "
          "n.serious_risk FROM notices n LEFT JOIN samples s ON s.id = n.sample_id WHERE n.external = 0 AND "
          "n.to_org_id IS NOT NULL AND n.acknowledged_at IS NULL AND " +
              where + " ORDER BY n.id LIMIT " + std::to_string(limit);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<Due> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext())
        out.push_back({rs.value(0).convert<Poco::Int64>(), rs.value(1).convert<std::string>(),
                       rs.value(2).convert<Poco::Int64>(), rs.value(3).convert<std::string>(),
                       rs.value(4).convert<std::string>(), rs.value(5).convert<std::string>(),
                       rs.value(6).convert<Poco::Int64>() != 0});
    return out;
}

// The stored UTC text as the Beijing time a person reads.
std::string beijing(const std::string& stored) { return domain::chinese_date_time_of(stored) + " (Beijing time)"; }

std::string text_of(const Due& n, bool escalation) {
    std::string s = escalation ? "Not acknowledged in time: nonconformity notice " : "Nonconformity notice ";
    s += n.number;
    if (!n.sample_number.empty()) s += " about sample " + n.sample_number;
    s += " to your bureau (" + n.recipient + ").";
    if (!n.due_at.empty()) s += " It is to be acknowledged by " + beijing(n.due_at) + ".";
    if (n.serious_risk) s += " Serious risk to health: 24 hours.";
    s += " Acknowledge it in the LIMS.";
    return s;
}

// Claims the step for this notice (primary key: once across nodes) and queues an e-mail
// and a webhook row for each contact of `role` with that address. False: already done.
domain::Result<std::optional<std::size_t>> queue(store::Transaction& tx, const Due& n, const char* step,
                                                 const std::string& role, int level, std::int64_t now_utc) {
    auto contacts = current_org_contacts(tx, n.to_org_id, role);
    std::size_t rows = 0;
    for (const auto& c : contacts) rows += (c.email.empty() ? 0 : 1) + (c.phone.empty() ? 0 : 1);
    Poco::Data::Statement claim(tx.session());
    const auto count = static_cast<Poco::Int64>(rows);
    claim << "INSERT INTO notice_pushes (notice_id, step, recipients, created_at) VALUES ($1, $2, $3, $4) "
             "ON CONFLICT (notice_id, step) DO NOTHING",
        bind(static_cast<Poco::Int64>(n.id)), bind(std::string(step)), bind(count), bind(tx.now_utc());
    if (claim.execute() != 1) return std::optional<std::size_t>{};
    store::AlarmRepository queue(tx);
    const bool escalation = level > 0;
    store::NotificationRow row;
    row.notice_id = n.id;
    row.escalation_level = level;
    row.subject = std::string(escalation ? "[notice escalated] " : "[nonconformity notice] ") + n.number +
                  (n.serious_risk ? " (24 h)" : "");
    row.body = text_of(n, escalation);
    row.state = "pending";
    row.next_attempt_utc = now_utc;
    for (const auto& c : contacts) {
        row.org_contact_id = c.id;
        row.user_id = c.user_id;
        for (const auto& [channel, address] : {std::pair<const char*, std::string>{"email", c.email}, {"webhook", c.phone}}) {
            if (address.empty()) continue;
            row.channel = channel;
            row.address = address;
            if (auto id = queue.add_notification(row); !id) return id.error();
        }
    }
    tx.record({kActor, escalation ? "notice.escalate" : "notice.push", "notice", n.number, "",
               "{\"step\":\"" + std::string(step) + "\",\"role\":\"" + role + "\",\"deliveries\":" + std::to_string(rows) +
                   ",\"contacts\":" + std::to_string(contacts.size()) + "}",
               ""});
    return std::optional<std::size_t>{rows};
}

domain::Result<PushReport> run(store::Database& db, std::int64_t now_utc, std::size_t limit, bool escalation) {
    return db.write([&](store::Transaction& tx) -> domain::Result<PushReport> {
        const std::string step = escalation ? "escalation" : "push";
        std::string where = "NOT EXISTS (SELECT 1 FROM notice_pushes p WHERE p.notice_id = n.id AND p.step = '" + step + "')";
        if (escalation)
            where += " AND n.serious_risk = 1 AND n.due_at IS NOT NULL AND n.due_at <= '" +
                     store_time(domain::Instant{std::chrono::seconds{now_utc}}) + "'";
        PushReport report;
        for (const auto& n : due_notices(tx, where, limit)) {
            auto queued = queue(tx, n, step.c_str(), escalation ? "head" : "notices", escalation ? 1 : 0, now_utc);
            if (!queued) return queued.error();
            if (!*queued) continue;  // another node did it first
            ++report.notices;
            report.deliveries += **queued;
            if (**queued == 0) ++report.without_contacts;
        }
        return report;
    });
}

}  // namespace

domain::Result<PushReport> push_notices(store::Database& db, std::int64_t now_utc, std::size_t limit) {
    return run(db, now_utc, limit, false);
}

domain::Result<PushReport> escalate_notices(store::Database& db, std::int64_t now_utc, std::size_t limit) {
    return run(db, now_utc, limit, true);
}

domain::Result<NoticeDeliveries> notice_deliveries(store::Database& db, const Actor& actor, std::int64_t notice_id) {
    return db.read([&](store::Transaction& tx) -> domain::Result<NoticeDeliveries> {
        auto missing = errors::not_found("notice.not_found", "There is no notice " + std::to_string(notice_id) + ".");
        std::vector<std::string> paths;
        std::vector<std::string> numbers;
        tx.session() << "SELECT o.path, n.number FROM notices n JOIN organisations o ON o.id = COALESCE(n.to_org_id, "
                        "(SELECT s.org_id FROM samples s WHERE s.id = n.sample_id)) WHERE n.id = $1",
            bind(static_cast<Poco::Int64>(notice_id)), into(paths), into(numbers), now;
        if (paths.empty() || !jurisdiction::covers(actor, paths.front())) return missing;
        NoticeDeliveries out;
        out.notice_id = notice_id;
        out.number = numbers.front();
        Poco::Data::Statement st(tx.session());
        st << "SELECT step, recipients, created_at FROM notice_pushes WHERE notice_id = " + std::to_string(notice_id);
        st.execute();
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            const auto step = rs.value(0).convert<std::string>();
            const auto count = static_cast<std::int64_t>(rs.value(1).convert<Poco::Int64>());
            const auto at = rs.value(2).convert<std::string>();
            if (step == "push") {
                out.pushed_at = at;
                out.pushed_to = count;
            } else {
                out.escalated_at = at;
                out.escalated_to = count;
            }
        }
        auto rows = store::AlarmRepository(tx).notifications_of_notice(notice_id);
        if (!rows) return rows.error();
        out.deliveries = std::move(*rows);
        return out;
    });
}

}  // namespace lims::workflow::notifications
