#include "lims/workflow/notifications/inbox.hpp"

#include "lims/store/alarm_repository.hpp"
#include "lims/store/notice_repository.hpp"
#include "lims/workflow/review/notices.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::notifications {

namespace {

namespace errors = domain::errors;

// One row per item the person may read, whatever table it lives in: (source, item_id,
// created_at, subject, message, kind, sample_number, alarm_id, notice_id, due_at,
// serious_risk, settled_at). Integers are written into the text (they are the caller's
// own ids); nothing the client sent is.
std::string union_of(std::int64_t user_id, std::int64_t org_id) {
    const std::string user = std::to_string(user_id);
    const std::string org = std::to_string(org_id);
    return "SELECT 'alarm' AS source, n.id AS item_id, n.created_at AS created_at, n.subject AS subject, "
           "n.body AS message, a.kind AS kind, '' AS sample_number, n.alarm_id AS alarm_id, "
           "CAST(NULL AS BIGINT) AS notice_id, '' AS due_at, 0 AS serious_risk, a.acknowledged_at AS settled_at "
           "FROM alarm_notifications n JOIN coldchain_alarms a ON a.id = n.alarm_id "
           "WHERE n.channel = 'in_app' AND n.user_id = " + user +
           " UNION ALL "
           "SELECT 'notice', t.id, t.created_at, t.number, '', t.recipient, COALESCE(s.number, ''), "
           "CAST(NULL AS BIGINT), t.id, COALESCE(t.due_at, ''), t.serious_risk, t.acknowledged_at "
           "FROM notices t LEFT JOIN samples s ON s.id = t.sample_id WHERE t.to_org_id = " + org +
           " UNION ALL "
           "SELECT 'office', o.id, o.created_at, o.kind, o.message, o.kind, COALESCE(s.number, ''), "
           "CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), '', 0, CAST(NULL AS TEXT) "
           "FROM office_notifications o LEFT JOIN samples s ON s.id = o.sample_id WHERE o.to_org_id = " + org;
}

std::string marks_of(std::int64_t user_id, const char* mark, const char* column) {
    return std::string("(SELECT m.") + column + " FROM notification_marks m WHERE m.user_id = " +
           std::to_string(user_id) + " AND m.source = u.source AND m.item_id = u.item_id AND m.mark = '" + mark + "')";
}

std::string select_items(std::int64_t user_id, std::int64_t org_id) {
    const std::string user = std::to_string(user_id);
    return "SELECT u.source, u.item_id, u.created_at, u.subject, u.message, u.kind, u.sample_number, u.alarm_id, "
           "u.notice_id, u.due_at, u.serious_risk, u.settled_at, " +
           marks_of(user_id, "read", "created_at") + ", " + marks_of(user_id, "acknowledged", "created_at") + ", " +
           marks_of(user_id, "acknowledged", "note") +
           ", (SELECT count(*) FROM notification_marks m WHERE m.user_id = " + user +
           " AND m.source = u.source AND m.item_id = u.item_id) FROM (" + union_of(user_id, org_id) + ") u ";
}

std::string unmarked(std::int64_t user_id) {
    return "NOT EXISTS (SELECT 1 FROM notification_marks m WHERE m.user_id = " + std::to_string(user_id) +
           " AND m.source = u.source AND m.item_id = u.item_id)";
}

std::string notice_message(const InboxItem& item) {
    std::string s = "Nonconformity notice " + item.subject;
    if (!item.sample_number.empty()) s += " about sample " + item.sample_number;
    s += " (to the " + item.kind + ")";
    if (!item.due_at.empty()) s += "; to be acknowledged by " + item.due_at;
    if (item.serious_risk) s += " (serious risk to health: 24 hours)";
    s += ".";
    return s;
}

std::vector<InboxItem> items_of(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<InboxItem> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        auto str = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::string() : rs.value(c).convert<std::string>(); };
        auto ostr = [&](std::size_t c) {
            return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::string>(rs.value(c).convert<std::string>());
        };
        auto oi64 = [&](std::size_t c) {
            return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::int64_t>(rs.value(c).convert<Poco::Int64>());
        };
        InboxItem item;
        item.source = str(0);
        item.id = rs.value(1).convert<Poco::Int64>();
        item.created_at = str(2);
        item.subject = str(3);
        item.message = str(4);
        item.kind = str(5);
        item.sample_number = str(6);
        item.alarm_id = oi64(7);
        item.notice_id = oi64(8);
        item.due_at = str(9);
        item.serious_risk = !rs.value(10).isEmpty() && rs.value(10).convert<Poco::Int64>() != 0;
        item.settled_at = ostr(11);
        item.read_at = ostr(12);
        item.acknowledged_at = ostr(13);
        item.acknowledgement_note = str(14);
        item.version = 1 + rs.value(15).convert<Poco::Int64>();
        if (item.source == "notice") {
            item.message = notice_message(item);
            item.subject = "Nonconformity notice " + item.subject;
        }
        out.push_back(std::move(item));
    }
    return out;
}

domain::Result<std::int64_t> person_of(const Actor& actor) {
    if (!actor.user_id)
        return errors::forbidden("notification.no_person", "notifications are read by a signed-in person, not by " + actor.name);
    return *actor.user_id;
}

domain::Result<InboxItem> find(store::Transaction& tx, const Actor& actor, const std::string& source, std::int64_t id) {
    auto user = person_of(actor);
    if (!user) return user.error();
    auto missing = [&] {
        return errors::not_found("notification.not_found", "You have no notification " + source + "/" + std::to_string(id) + ".");
    };
    if (!is_source(source)) return missing();
    Poco::Data::Statement st(tx.session());
    st << select_items(*user, actor.org_id.value_or(0)) + "WHERE u.source = '" + source +
              "' AND u.item_id = " + std::to_string(id);
    auto found = items_of(st);
    if (found.empty()) return missing();
    return found.front();
}

std::string audit_json(const InboxItem& item) {
    Poco::JSON::Object j;
    j.set("source", item.source);
    j.set("id", item.id);
    j.set("version", item.version);
    if (item.read_at) j.set("read_at", *item.read_at);
    if (item.acknowledged_at) {
        j.set("acknowledged_at", *item.acknowledged_at);
        j.set("acknowledgement_note", item.acknowledgement_note);
    }
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

domain::Result<InboxItem> append_mark(store::Transaction& tx, const Actor& actor, const InboxItem& before,
                                      const char* mark, const std::string& note, const char* action) {
    tx.session() << "INSERT INTO notification_marks (user_id, source, item_id, mark, note, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6)",
        bind(static_cast<Poco::Int64>(*actor.user_id)), bind(before.source), bind(static_cast<Poco::Int64>(before.id)),
        bind(std::string(mark)), bind(note), bind(tx.now_utc()), now;
    auto after = find(tx, actor, before.source, before.id);
    if (!after) return after.error();
    tx.record({actor.name, action, "notification", before.source + "/" + std::to_string(before.id), audit_json(before),
               audit_json(*after), ""});
    return after;
}

domain::Result<InboxItem> checked(store::Transaction& tx, const Actor& actor, const std::string& source, std::int64_t id,
                                  std::int64_t expected_version) {
    auto item = find(tx, actor, source, id);
    if (!item) return item.error();
    if (item->version != expected_version)
        return errors::stale("notification.stale", "notification " + source + "/" + std::to_string(id) + " is at version " +
                                                       std::to_string(item->version) + ", not " +
                                                       std::to_string(expected_version) + ": changed meanwhile");
    return item;
}

}  // namespace

bool is_source(const std::string& source) { return source == "alarm" || source == "notice" || source == "office"; }

domain::Result<InboxPage> list_inbox(store::Database& db, const Actor& actor, const InboxQuery& query) {
    auto user = person_of(actor);
    if (!user) return user.error();
    if (query.after && !is_source(query.after->source))
        return errors::invalid("cursor", "notification.cursor", "the cursor names no kind of notification");
    const int limit = std::clamp(query.limit, 1, 500);
    return db.read([&](store::Transaction& tx) -> domain::Result<InboxPage> {
        const std::int64_t org = actor.org_id.value_or(0);
        std::string where = "WHERE 1 = 1";
        if (query.unread_only) where += " AND " + unmarked(*user);
        std::string after_at;
        if (query.after) {
            after_at = query.after->created_at;
            const std::string s = "'" + query.after->source + "'";
            const std::string i = std::to_string(query.after->id);
            where += " AND (u.created_at < $1 OR (u.created_at = $2 AND (u.source < " + s + " OR (u.source = " + s +
                     " AND u.item_id < " + i + "))))";
        }
        Poco::Data::Statement st(tx.session());
        st << select_items(*user, org) + where + " ORDER BY u.created_at DESC, u.source DESC, u.item_id DESC LIMIT " +
                  std::to_string(limit + 1);
        if (query.after) st, bind(after_at), bind(after_at);
        InboxPage page;
        page.items = items_of(st);
        if (static_cast<int>(page.items.size()) > limit) {
            page.items.pop_back();
            const auto& last = page.items.back();
            page.next = InboxKey{last.created_at, last.source, last.id};
        }
        Poco::Int64 unread = 0;
        tx.session() << "SELECT count(*) FROM (" + union_of(*user, org) + ") u WHERE " + unmarked(*user), into(unread), now;
        page.unread = unread;
        return page;
    });
}

domain::Result<InboxItem> get_inbox_item(store::Database& db, const Actor& actor, const std::string& source,
                                         std::int64_t id) {
    return db.read([&](store::Transaction& tx) { return find(tx, actor, source, id); });
}

domain::Result<InboxItem> mark_read(store::Database& db, const Actor& actor, const std::string& source, std::int64_t id,
                                    std::int64_t expected_version) {
    return db.write([&](store::Transaction& tx) -> domain::Result<InboxItem> {
        auto item = checked(tx, actor, source, id, expected_version);
        if (!item) return item.error();
        if (item->read_at || item->acknowledged_at)
            return errors::conflict("notification.already_read",
                                    "notification " + source + "/" + std::to_string(id) + " is already read");
        return append_mark(tx, actor, *item, "read", "", "notification.read");
    });
}

domain::Result<InboxItem> acknowledge(store::Database& db, const Actor& actor, const std::string& source,
                                      std::int64_t id, std::int64_t expected_version, const std::string& note) {
    return db.write([&](store::Transaction& tx) -> domain::Result<InboxItem> {
        auto item = checked(tx, actor, source, id, expected_version);
        if (!item) return item.error();
        if (item->acknowledged_at)
            return errors::conflict("notification.already_acknowledged",
                                    "notification " + source + "/" + std::to_string(id) + " is already acknowledged");
        if (item->source == "alarm" && item->alarm_id && !item->settled_at) {
            if (note.empty())
                return errors::invalid("note", "notification.note_required",
                                       "alarm " + std::to_string(*item->alarm_id) +
                                           " is not acknowledged yet: say in the note what was done");
            auto done = store::AlarmRepository(tx).acknowledge(*item->alarm_id, *actor.user_id, note, std::nullopt, actor.name);
            if (!done) return done.error();
        }
        if (item->source == "notice" && item->notice_id && !item->settled_at) {
            auto notice = store::NoticeRepository(tx).get(*item->notice_id);
            if (!notice) return notice.error();
            auto done = review::acknowledge_notice(tx, {*item->notice_id, notice->version, note}, actor);
            if (!done) return done.error();
        }
        return append_mark(tx, actor, *item, "acknowledged", note, "notification.acknowledge");
    });
}

}  // namespace lims::workflow::notifications
