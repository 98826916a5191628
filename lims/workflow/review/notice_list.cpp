#include "lims/workflow/review/notice_list.hpp"

#include "lims/domain/error.hpp"
#include "lims/store/utc_time.hpp"

#include <algorithm>

namespace lims::workflow::review {

domain::Result<NoticePage> list_notices(store::Database& db, const Actor& actor, const NoticeListRequest& request) {
    if (request.state && *request.state != "sent" && *request.state != "acknowledged")
        return domain::errors::invalid("state", "notice.state_unknown",
                                       "\"" + request.state->substr(0, 40) + "\" is not a notice state (sent, acknowledged)");
    const int limit = std::clamp(request.limit, 1, store::NoticeRepository::max_page_size - 1);
    return db.read([&](store::Transaction& tx) -> domain::Result<NoticePage> {
        store::NoticeRepository notices(tx);
        store::NoticeQuery q;
        // The caller's subtree, as for a single notice: a city bureau sees its districts' notices.
        // An actor without an organisation path sees nothing (the store's LIKE on "(none)").
        q.within_org_path = actor.org_path.empty() ? std::string("(none)") : actor.org_path;
        q.state = request.state;
        if (request.overdue) q.overdue_at = store::utc_now();
        NoticePage page;
        page.count = notices.count(q);
        q.after_id = request.after_id;
        q.limit = limit + 1;
        page.items = notices.list(q);
        if (static_cast<int>(page.items.size()) > limit) {
            page.items.pop_back();
            page.next_after_id = page.items.back().id;
        }
        return page;
    });
}

}  // namespace lims::workflow::review
