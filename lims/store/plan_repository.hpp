// Sampling plans (抽检计划) and their quotas per office, with progress (samples registered
// against the quota's tasks). Called by the sampling workflow's plan use cases inside
// their one transaction; the caller writes the audit entries.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct PlanQuota {
    std::int64_t id = 0;
    std::int64_t plan_id = 0;
    std::int64_t office_org_id = 0;
    std::string office_code;  // filled when read
    std::string category;
    std::string focus;
    std::int64_t quantity = 0;
    std::string due_on;  // YYYY-MM-DD
};

struct SamplingPlan {
    std::int64_t id = 0;
    std::string code;
    std::string title;
    std::int64_t org_id = 0;
    int year = 0;
    std::string state;
    std::string starts_on;
    std::string ends_on;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
    std::vector<PlanQuota> quotas;
};

// Registered samples (not voided, not rejected) against a quota's tasks.
struct QuotaProgress {
    PlanQuota quota;
    std::int64_t registered = 0;
};

// Plans for a list (GET /api/v1/sampling-plans), newest first: those of organisations
// under `within_path` ("/1/4/", whole segments) and those with a quota line for
// `quota_office_id`; keyset pages by id (before_id 0: from the newest). Quotas not loaded.
struct PlanListQuery {
    std::string within_path;
    std::optional<std::int64_t> quota_office_id;
    std::optional<int> year;
    std::optional<std::string> state;
    std::int64_t before_id = 0;
    int limit = 50;  // one more is read, so the caller knows whether a next page exists
};

class PlanRepository {
public:
    explicit PlanRepository(Transaction& tx) : tx_(tx) {}

    // Inserts the plan (state as given) and its quotas. Errors: conflict (code taken).
    StoreResult<SamplingPlan> create(const SamplingPlan& plan);
    StoreResult<SamplingPlan> get_by_code(const std::string& code);
    // Optimistic on expected_version; conflict names the plan.
    StoreResult<SamplingPlan> move_state(const SamplingPlan& current, std::int64_t expected_version,
                                         const std::string& to_state);
    std::vector<QuotaProgress> progress(std::int64_t plan_id);
    std::vector<SamplingPlan> list(const PlanListQuery& query);

private:
    Transaction& tx_;
};

std::string to_json(const SamplingPlan& plan);

}  // namespace lims::store
