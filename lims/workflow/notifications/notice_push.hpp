// Nonconformity notices pushed to the bureaus (issue 16 item 4): every notice to an
// organisation in the system is queued, once, for that organisation's "notices" contacts
// by e-mail and by the SMS gateway's webhook — rows of the cold chain's retrying delivery
// queue (alarm_notifications with notice_id; lims/workflow/coldchain/alarms.hpp
// deliver_notifications sends them, claims each, retries, gives up visibly). A notice
// with a serious risk to health (the 24-hour clock) that nobody has acknowledged by its
// due time is escalated, once, to the organisation's "head" contacts. The service's
// cold-chain alarm job runs both before delivering. Both are audited ("notice.push",
// "notice.escalate") and recorded in notice_pushes, whose primary key makes each happen
// once across nodes.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/alarm_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::notifications {

struct PushReport {
    std::size_t notices = 0;     // notices pushed (or escalated) now
    std::size_t deliveries = 0;  // e-mail and webhook rows queued
    std::size_t without_contacts = 0;  // notices whose organisation has no contact of that role
};

// Queues the unacknowledged notices not yet pushed (at most `limit`).
domain::Result<PushReport> push_notices(store::Database& db, std::int64_t now_utc, std::size_t limit = 100);
// Escalates the serious-risk notices unacknowledged at `now_utc` past their due time.
domain::Result<PushReport> escalate_notices(store::Database& db, std::int64_t now_utc, std::size_t limit = 100);

struct NoticeDeliveries {
    std::int64_t notice_id = 0;
    std::string number;
    std::optional<std::string> pushed_at;
    std::int64_t pushed_to = 0;  // deliveries queued by the push
    std::optional<std::string> escalated_at;
    std::int64_t escalated_to = 0;
    std::vector<store::NotificationRow> deliveries;  // oldest first
};

// The delivery state of a notice the caller may see (its recipient organisation, or for a
// notice delivered outside the system the office that took the sample, lies in the
// caller's subtree). Errors: not_found.
domain::Result<NoticeDeliveries> notice_deliveries(store::Database& db, const Actor& actor, std::int64_t notice_id);

}  // namespace lims::workflow::notifications
