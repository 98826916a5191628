// The list of sampling plans a person may see (GET /api/v1/sampling-plans), newest first:
// a bureau's plans and those of its subtree for its planners and viewers; for a
// supervision office, the plans with a quota line for it, counted over its own lines only
// (as plan_progress shows it). Each with its quota lines' total and the samples registered
// against them. One read transaction; the jurisdiction is checked here.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/plan_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

struct PlanSummary {
    store::SamplingPlan plan;  // quotas left empty
    std::int64_t quota_lines = 0;
    std::int64_t quantity = 0;    // batches asked for, over the lines the caller sees
    std::int64_t registered = 0;  // samples registered against them (not voided, not rejected)
};

struct PlanListRequest {
    std::optional<int> year;
    std::optional<std::string> state;  // draft, published, closed
    std::int64_t before_id = 0;        // 0: from the newest
    int limit = 50;
};

struct PlanPage {
    std::vector<PlanSummary> items;
    std::optional<std::int64_t> next_before_id;
};

// Errors: invalid naming "state" for an unknown state; the store's.
domain::Result<PlanPage> list_plans(store::Database& db, const Actor& actor, const PlanListRequest& request);

}  // namespace lims::workflow::sampling
