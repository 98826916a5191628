// The notice inbox (GET /api/v1/notices) in server pages: the nonconformity notices sent to
// organisations of the caller's subtree (and the external ones about samples taken in it,
// which its administrators deliver), oldest first so the nearest deadlines come first,
// ?state= and ?overdue= filters, and the count of all that match. One read transaction; the
// jurisdiction is the caller's subtree, checked here.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/notice_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::review {

struct NoticeListRequest {
    std::optional<std::string> state;       // sent, acknowledged
    bool overdue = false;                   // only the unacknowledged ones past their deadline now
    std::int64_t after_id = 0;              // 0: from the first
    int limit = 50;                         // 1-500
};

struct NoticePage {
    std::vector<store::NoticeRecord> items;
    std::int64_t count = 0;  // all notices matching the filters, over every page
    std::optional<std::int64_t> next_after_id;
};

// Errors: invalid naming "state" for an unknown state; the store's.
domain::Result<NoticePage> list_notices(store::Database& db, const Actor& actor, const NoticeListRequest& request);

}  // namespace lims::workflow::review
