// Sampling plans (抽检计划) and their quotas per sampling organisation (a supervision office,
// an enforcement detachment or an inspection centre) and month, with their focus tags and
// the plan's phases, and progress (samples registered against the quota's tasks, by month). Called by the sampling workflow's plan use cases inside
// their one transaction; the caller writes the audit entries.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

// A quota's batches in one month ("2026-03").
struct QuotaMonth {
    std::string month;
    std::int64_t quantity = 0;
};

struct PlanQuota {
    std::int64_t id = 0;
    std::int64_t plan_id = 0;
    std::int64_t office_org_id = 0;
    std::string office_code;  // filled when read
    std::string category;
    std::string focus;
    std::int64_t quantity = 0;
    std::string due_on;  // YYYY-MM-DD
    std::string office_name;  // filled when read
    std::string office_kind;  // filled when read: supervision_office, enforcement_unit, inspection_centre
    std::vector<QuotaMonth> months;       // empty: not broken down by month
    std::vector<std::string> focus_tags;  // focus_tags codes, sorted
};

// A phase of the plan (阶段) with the date its summary is due.
struct PlanPhaseRow {
    std::string name;
    std::string starts_on;
    std::string ends_on;
    std::optional<std::string> summary_due_on;
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
    std::vector<PlanPhaseRow> phases;  // in order
};

// Registered samples (not voided, not rejected) against a quota's tasks.
struct QuotaProgress {
    PlanQuota quota;
    std::int64_t registered = 0;
    // The same by the Beijing month of sampling ("2026-03" -> count).
    std::map<std::string, std::int64_t> registered_by_month;
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

    // Inserts the plan (state as given), its quotas with their months and tags, and its
    // phases. Errors: conflict (code taken).
    StoreResult<SamplingPlan> create(const SamplingPlan& plan);
    StoreResult<SamplingPlan> get_by_code(const std::string& code);
    // Optimistic on expected_version; conflict names the plan.
    StoreResult<SamplingPlan> move_state(const SamplingPlan& current, std::int64_t expected_version,
                                         const std::string& to_state);
    std::vector<QuotaProgress> progress(std::int64_t plan_id);
    std::vector<SamplingPlan> list(const PlanListQuery& query);
    // The phases of a plan (for the per-phase figures), by the plan's code; empty when the
    // plan has none. Errors: not_found.
    StoreResult<std::vector<PlanPhaseRow>> phases_of(const std::string& plan_code);
    // Gives a task made for a quota the quota's focus tags (publication).
    void copy_quota_tags_to_task(std::int64_t quota_id, std::int64_t task_id);

private:
    Transaction& tx_;
};

std::string to_json(const SamplingPlan& plan);

}  // namespace lims::store
