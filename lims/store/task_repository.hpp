// Sampling tasks (抽检任务): one per plan quota, assigned to an office, started by its
// samplers, and the thing a sample is registered against. Called by the sampling
// workflow inside its one transaction; the caller writes the audit entries.
#pragma once

#include "lims/store/transaction.hpp"

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct SamplingTask {
    std::int64_t id = 0;
    std::string number;  // "<plan code>-T0001"
    std::int64_t plan_id = 0;
    std::optional<std::int64_t> quota_id;
    std::int64_t office_org_id = 0;
    std::string office_path;  // filled when read, for jurisdiction checks
    std::string state;
    std::string due_on;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
    // Focus varieties (重点品种) given by its quota (task_focus_tags), codes in order; filled when read.
    std::vector<std::string> focus_tags;
};

struct TaskQuery {
    std::optional<std::int64_t> plan_id;
    std::optional<std::string> within_path;  // an organisation's path: its subtree's tasks
    std::int64_t after_id = 0;
    int limit = 50;
};

class TaskRepository {
public:
    explicit TaskRepository(Transaction& tx) : tx_(tx) {}

    // Allocates the task number from the plan's counter.
    StoreResult<SamplingTask> create(const std::string& plan_code, const SamplingTask& task);
    StoreResult<SamplingTask> get_by_number(const std::string& number);
    StoreResult<SamplingTask> get(std::int64_t id);
    StoreResult<SamplingTask> move_state(const SamplingTask& current, std::int64_t expected_version,
                                         const std::string& to_state);
    // limit + 1 rows at most: the caller tells from the extra one whether a page follows.
    std::vector<SamplingTask> list(const TaskQuery& query);
    // The task's focus-variety tag codes, in code order.
    std::vector<std::string> focus_tags_of(std::int64_t task_id);

private:
    StoreResult<SamplingTask> load(const std::string& where, const Poco::Dynamic::Var& key);
    Transaction& tx_;
};

std::string to_json(const SamplingTask& task);

}  // namespace lims::store
