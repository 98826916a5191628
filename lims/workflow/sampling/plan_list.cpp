#include "lims/workflow/sampling/plan_list.hpp"

#include "lims/domain/error.hpp"
#include "lims/store/sample_repository.hpp"  // organisation_path
#include "lims/workflow/jurisdiction.hpp"

#include <algorithm>

namespace lims::workflow::sampling {

domain::Result<PlanPage> list_plans(store::Database& db, const Actor& actor, const PlanListRequest& request) {
    if (request.state && *request.state != "draft" && *request.state != "published" && *request.state != "closed")
        return domain::errors::invalid("state", "sampling.plan_state_unknown",
                                       "\"" + request.state->substr(0, 40) + "\" is not a plan state (draft, published, closed)");
    return db.read([&](store::Transaction& tx) -> domain::Result<PlanPage> {
        store::PlanRepository plans(tx);
        store::PlanListQuery q;
        q.within_path = actor.org_path;
        q.quota_office_id = actor.org_id;
        q.year = request.year;
        q.state = request.state;
        q.before_id = request.before_id;
        q.limit = std::clamp(request.limit, 1, 100);
        PlanPage page;
        auto found = plans.list(q);
        if (static_cast<int>(found.size()) > q.limit) {
            found.pop_back();
            page.next_before_id = found.back().id;
        }
        for (auto& plan : found) {
            PlanSummary s;
            auto path = store::organisation_path(tx, plan.org_id);
            // A plan from above (the office is only named in a quota): its own lines only.
            const bool whole = path && jurisdiction::covers(actor, *path);
            for (const auto& g : plans.progress(plan.id)) {
                if (!whole && g.quota.office_org_id != actor.org_id.value_or(0)) continue;
                ++s.quota_lines;
                s.quantity += g.quota.quantity;
                s.registered += g.registered;
            }
            s.plan = std::move(plan);
            page.items.push_back(std::move(s));
        }
        return page;
    });
}

}  // namespace lims::workflow::sampling
