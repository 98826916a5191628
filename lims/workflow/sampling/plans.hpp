// Sampling plans with quotas per sampling organisation (a supervision office, an
// enforcement detachment or an inspection centre: seed 001, Ankang 2023, item 34) and
// month, focus tags and phases with their summary dates; the tasks generated from them (one
// per quota, assigned to the quota's organisation, carrying its focus tags), the start of a
// task by its organisation's sampler, and progress (registered vs quota) per quota and month. Each function is one transaction with
// its audit entries; called by the API's sampling routes and the tests.
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/plan_repository.hpp"
#include "lims/store/task_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

struct QuotaRequest {
    std::int64_t office_org_id = 0;
    std::string category;  // drug, vaccine, biological, tcm_decoction_piece, cosmetic, device
    std::string focus;     // e.g. "antibiotics in rural pharmacies"
    std::int64_t quantity = 0;
    std::string due_on;    // YYYY-MM-DD, within the plan's period
    // Batches per month ("2026-03"), each month within the plan's period, adding up to
    // quantity; empty: the quota is not broken down by month.
    std::vector<store::QuotaMonth> months;
    std::vector<std::string> focus_tags;  // codes of the focus_tags reference list
};

struct PhaseRequest {
    std::string name;
    std::string starts_on;
    std::string ends_on;
    std::optional<std::string> summary_due_on;
};

struct PlanRequest {
    std::string code;
    std::string title;
    int year = 0;
    std::string starts_on;
    std::string ends_on;
    std::vector<QuotaRequest> quotas;
    std::vector<PhaseRequest> phases;  // in order, not overlapping, within the plan
};

struct PlanProgress {
    store::SamplingPlan plan;
    std::vector<store::QuotaProgress> quotas;
};

// A planner's plan in draft, for their own organisation; each quota's organisation must be
// a sampling organisation (supervision office, enforcement unit or inspection centre) in
// the planner's subtree. Fields are named on error ("quotas[1].months[0].month").
domain::Result<store::SamplingPlan> create_plan(store::Database& db, const Actor& actor, const PlanRequest& request);

// Publishes the plan (If-Match version) and generates one task per quota, assigned to
// the quota's office (task: plan, then assign). Returns the tasks.
domain::Result<std::vector<store::SamplingTask>> publish_plan(store::Database& db, const Actor& actor,
                                                              const std::string& plan_code,
                                                              std::int64_t expected_version);

// Plan with registered-vs-quota per office; visible to the plan's organisation subtree
// (the planner's bureau) and to each office for its own quota lines only.
domain::Result<PlanProgress> plan_progress(store::Database& db, const Actor& actor, const std::string& plan_code);

// The office's sampler starts an assigned task (If-Match version).
domain::Result<store::SamplingTask> start_task(store::Database& db, const Actor& actor, const std::string& task_number,
                                               std::int64_t expected_version);

domain::Result<store::SamplingTask> get_task(store::Database& db, const Actor& actor, const std::string& task_number);

struct TaskPage {
    std::vector<store::SamplingTask> items;
    std::optional<std::int64_t> next_after_id;
};
domain::Result<TaskPage> list_tasks(store::Database& db, const Actor& actor, std::int64_t after_id, int limit);

}  // namespace lims::workflow::sampling
