// A person's notifications (issue 19 item 4): what the system told them, in one list, with
// their own read and acknowledged marks.
// - "alarm": their in-app notifications of cold-chain alarms (one per alarm, contact and
//   escalation level; lims/workflow/coldchain/alarms.hpp makes them);
// - "notice": nonconformity notices addressed to their organisation;
// - "office": messages to their office (a rejected sample and why; sampling/receipt.hpp).
// A mark is appended (notification_marks, migration 6), never changed: "read", then perhaps
// "acknowledged" with a note. Acknowledging an alarm's notification acknowledges the alarm
// (with the note) and a notice's acknowledges the notice (note as its reference) when
// nobody has yet; the person's mark is kept either way. An item's version is 1 + its marks,
// the ETag a change needs (If-Match). Every mark is audited ("notification.read",
// "notification.acknowledge").
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::notifications {

struct InboxItem {
    std::string source;  // alarm, notice, office
    std::int64_t id = 0;  // of the in-app notification, the notice, the office message
    std::string created_at;
    std::string subject;
    std::string message;
    std::string kind;  // the alarm's kind, the notice's recipient role, the office message's kind
    std::string sample_number;  // notice, office: the sample it is about ("" when none)
    std::optional<std::int64_t> alarm_id;
    std::optional<std::int64_t> notice_id;
    std::string due_at;          // notice: when it must be acknowledged
    bool serious_risk = false;   // notice: the 24-hour clock
    // The alarm or notice itself acknowledged (by anyone), when.
    std::optional<std::string> settled_at;
    std::optional<std::string> read_at;          // this person's marks
    std::optional<std::string> acknowledged_at;
    std::string acknowledgement_note;
    std::int64_t version = 1;
};

// Newest first; the key of the last item shown starts the next page.
struct InboxKey {
    std::string created_at;
    std::string source;
    std::int64_t id = 0;
};

struct InboxQuery {
    std::optional<InboxKey> after;
    int limit = 50;
    bool unread_only = false;  // neither read nor acknowledged by the caller
};

struct InboxPage {
    std::vector<InboxItem> items;
    std::optional<InboxKey> next;
    std::int64_t unread = 0;  // of all the caller's items, not only this page
};

bool is_source(const std::string& source);

// Errors: forbidden (the caller is not a signed-in person), invalid ("cursor": a key with
// an unknown source).
domain::Result<InboxPage> list_inbox(store::Database& db, const Actor& actor, const InboxQuery& query);

// Errors: not_found (no such item, or not the caller's).
domain::Result<InboxItem> get_inbox_item(store::Database& db, const Actor& actor, const std::string& source,
                                         std::int64_t id);

// Errors: not_found, stale (version differs), conflict (already read or acknowledged).
domain::Result<InboxItem> mark_read(store::Database& db, const Actor& actor, const std::string& source, std::int64_t id,
                                    std::int64_t expected_version);

// Errors: not_found, stale, conflict (already acknowledged), invalid ("note": an alarm
// nobody has acknowledged needs one), and the alarm's or notice's own refusals (roles).
domain::Result<InboxItem> acknowledge(store::Database& db, const Actor& actor, const std::string& source,
                                      std::int64_t id, std::int64_t expected_version, const std::string& note);

}  // namespace lims::workflow::notifications
