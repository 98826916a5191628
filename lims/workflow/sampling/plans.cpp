#include "lims/workflow/sampling/plans.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include "lims/domain/calendar/report_period.hpp"
#include "lims/domain/model/product_category.hpp"
#include "lims/store/focus_tag_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/state_tables.hpp"

#include <algorithm>
#include <set>

namespace lims::workflow::sampling {

namespace {

using domain::Error;
template <typename T>
using Result = domain::Result<T>;

// Whether a store error is a version conflict, which the API answers 409.
Error versioned(const Error& e, const std::string& what, std::int64_t current, std::int64_t given) {
    if (store::kind_of(e) == store::StoreErrorKind::conflict) return stale_version(what, current, given);
    return e;
}

std::optional<Error> validate(const PlanRequest& r) {
    auto starts = parse_date(r.starts_on), ends = parse_date(r.ends_on);
    if (!starts) return invalid_field("starts_on", "\"" + r.starts_on + "\" is not a date YYYY-MM-DD");
    if (!ends) return invalid_field("ends_on", "\"" + r.ends_on + "\" is not a date YYYY-MM-DD");
    if (*ends < *starts) return invalid_field("ends_on", "the plan ends before it starts (" + r.starts_on + ")");
    if (static_cast<int>(std::chrono::year_month_day{*starts}.year()) != r.year)
        return invalid_field("year", "the plan starts in another year than " + std::to_string(r.year));
    if (r.quotas.empty()) return invalid_field("quotas", "a plan needs at least one quota");
    std::set<std::tuple<std::int64_t, std::string, std::string>> seen;
    for (std::size_t i = 0; i < r.quotas.size(); ++i) {
        const auto& q = r.quotas[i];
        const std::string at = "quotas[" + std::to_string(i) + "].";
        if (!domain::is_product_category(q.category)) return invalid_field(at + "category", "unknown category " + q.category);
        if (q.quantity < 1) return invalid_field(at + "quantity", "a quota is at least one sample");
        auto due = parse_date(q.due_on);
        if (!due) return invalid_field(at + "due_on", "\"" + q.due_on + "\" is not a date YYYY-MM-DD");
        if (*due < *starts || *due > *ends)
            return invalid_field(at + "due_on", "due " + q.due_on + " falls outside the plan's period " + r.starts_on +
                                                    " to " + r.ends_on);
        if (!seen.insert({q.office_org_id, q.category, q.focus}).second)
            return invalid_field(at + "office_id", "this office already has a quota for this category and focus");
        std::set<std::string> months;
        std::int64_t monthly = 0;
        for (std::size_t m = 0; m < q.months.size(); ++m) {
            const auto& line = q.months[m];
            const std::string mat = at + "months[" + std::to_string(m) + "].";
            auto first = parse_date(line.month + "-01");
            if (line.month.size() != 7 || !first)
                return invalid_field(mat + "month", "\"" + line.month + "\" is not a month YYYY-MM");
            if (domain::month_of(*first).last < *starts || *first > *ends)
                return invalid_field(mat + "month", line.month + " falls outside the plan's period " + r.starts_on +
                                                        " to " + r.ends_on);
            if (!months.insert(line.month).second) return invalid_field(mat + "month", line.month + " is given twice");
            if (line.quantity < 1) return invalid_field(mat + "quantity", "a month's quota is at least one sample");
            monthly += line.quantity;
        }
        if (!q.months.empty() && monthly != q.quantity)
            return invalid_field(at + "months", "the months add up to " + std::to_string(monthly) +
                                                    ", not the quota's " + std::to_string(q.quantity));
        std::set<std::string> tags;
        for (std::size_t t = 0; t < q.focus_tags.size(); ++t)
            if (!tags.insert(q.focus_tags[t]).second)
                return invalid_field(at + "focus_tags[" + std::to_string(t) + "]", q.focus_tags[t] + " is given twice");
    }
    std::vector<domain::PlanPhase> phases;
    for (std::size_t i = 0; i < r.phases.size(); ++i) {
        const auto& p = r.phases[i];
        const std::string at = "phases[" + std::to_string(i) + "].";
        auto first = parse_date(p.starts_on), last = parse_date(p.ends_on);
        if (!first) return invalid_field(at + "starts_on", "\"" + p.starts_on + "\" is not a date YYYY-MM-DD");
        if (!last) return invalid_field(at + "ends_on", "\"" + p.ends_on + "\" is not a date YYYY-MM-DD");
        std::optional<domain::Date> summary;
        if (p.summary_due_on) {
            auto d = parse_date(*p.summary_due_on);
            if (!d) return invalid_field(at + "summary_due_on", "\"" + *p.summary_due_on + "\" is not a date YYYY-MM-DD");
            summary = *d;
        }
        phases.push_back({p.name, *first, *last, summary});
    }
    if (auto ok = domain::check_phases(phases, *starts, *ends); !ok) {
        // check_phases names the phase ("phases[1]: ..."): answer it as that field.
        const auto& message = ok.error().message;
        return invalid_field(message.substr(0, message.find(':')), message.substr(message.find(':') + 2));
    }
    return std::nullopt;
}

// Sampling organisations (seed 001, Ankang 2023, item 34: 综合执法支队、检验检测中心、各县市区局).
bool is_sampling_organisation(domain::OrganisationKind kind) {
    return kind == domain::OrganisationKind::supervision_office || kind == domain::OrganisationKind::enforcement_unit ||
           kind == domain::OrganisationKind::inspection_centre;
}

bool plan_visible(const Actor& actor, store::Transaction& tx, const store::SamplingPlan& plan) {
    auto path = store::organisation_path(tx, plan.org_id);
    if (path && jurisdiction::covers(actor, *path)) return true;
    for (const auto& q : plan.quotas)
        if (q.office_org_id == actor.org_id.value_or(0)) return true;
    return false;
}

}  // namespace

Result<store::SamplingPlan> create_plan(store::Database& db, const Actor& actor, const PlanRequest& request) {
    if (auto bad = validate(request)) return *bad;
    return db.write([&](store::Transaction& tx) -> Result<store::SamplingPlan> {
        store::OrganisationRepository orgs(tx);
        std::optional<Error> office_error;
        for (std::size_t i = 0; i < request.quotas.size() && !office_error; ++i) {
            auto office = orgs.get(request.quotas[i].office_org_id);
            const std::string field = "quotas[" + std::to_string(i) + "].office_id";
            // An office outside the planner's subtree is answered like one that does not exist.
            if (!office || !jurisdiction::covers(actor, office->path))
                office_error = invalid_field(field, "no office " + std::to_string(request.quotas[i].office_org_id) +
                                                        " in your jurisdiction");
            else if (!is_sampling_organisation(office->kind))
                office_error = invalid_field(field, office->code + " is not a sampling organisation (a supervision "
                                                                   "office, an enforcement unit or an inspection centre)");
        }
        store::FocusTagRepository tags(tx);
        for (std::size_t i = 0; i < request.quotas.size() && !office_error; ++i)
            for (std::size_t t = 0; t < request.quotas[i].focus_tags.size() && !office_error; ++t)
                if (!tags.exists(request.quotas[i].focus_tags[t]))
                    office_error = invalid_field("quotas[" + std::to_string(i) + "].focus_tags[" + std::to_string(t) + "]",
                                                 "\"" + request.quotas[i].focus_tags[t] +
                                                     "\" is not in the focus-variety list (GET /api/v1/focus-tags)");
        auto to = take(plan_machine(), domain::kNotCreated, "create", actor, [&](std::string_view g) {
            return g == "offices_in_jurisdiction" && !office_error;
        });
        // apply() checks roles before guards: a sampler learns nothing about offices.
        if (!to) return to.error().code == "transition.guard_failed" && office_error ? *office_error : to.error();
        store::SamplingPlan plan;
        plan.code = request.code;
        plan.title = request.title;
        plan.org_id = actor.org_id.value_or(0);
        plan.year = request.year;
        plan.state = *to;
        plan.starts_on = request.starts_on;
        plan.ends_on = request.ends_on;
        for (const auto& q : request.quotas) {
            store::PlanQuota line{0, 0, q.office_org_id, "", q.category, q.focus, q.quantity, q.due_on};
            line.months = q.months;
            std::sort(line.months.begin(), line.months.end(),
                      [](const store::QuotaMonth& a, const store::QuotaMonth& b) { return a.month < b.month; });
            line.focus_tags = q.focus_tags;
            std::sort(line.focus_tags.begin(), line.focus_tags.end());
            plan.quotas.push_back(std::move(line));
        }
        for (const auto& p : request.phases) plan.phases.push_back({p.name, p.starts_on, p.ends_on, p.summary_due_on});
        auto created = store::PlanRepository(tx).create(plan);
        if (!created) {
            if (store::kind_of(created.error()) == store::StoreErrorKind::conflict)
                return invalid_field("code", created.error().message);
            return created.error();
        }
        tx.record({actor.name, "sampling_plan.create", "sampling_plan", created->code, "", store::to_json(*created), ""});
        return created;
    });
}

Result<std::vector<store::SamplingTask>> publish_plan(store::Database& db, const Actor& actor,
                                                      const std::string& plan_code, std::int64_t expected_version) {
    return db.write([&](store::Transaction& tx) -> Result<std::vector<store::SamplingTask>> {
        store::PlanRepository plans(tx);
        auto plan = plans.get_by_code(plan_code);
        if (!plan || !plan_visible(actor, tx, *plan)) return not_found("There is no plan " + plan_code + ".");
        auto to = take(plan_machine(), plan->state, "publish", actor,
                       [&](std::string_view g) { return g == "has_quotas" && !plan->quotas.empty(); });
        if (!to) return to.error();
        // Only the plan's own organisation publishes it (an office sees its quota only).
        auto plan_path = store::organisation_path(tx, plan->org_id);
        if (!plan_path || !jurisdiction::covers(actor, *plan_path)) return forbidden("Only the plan's bureau publishes plan " + plan_code + ".");
        if (plan->version != expected_version) return stale_version("plan " + plan_code, plan->version, expected_version);
        auto published = plans.move_state(*plan, expected_version, *to);
        if (!published) return versioned(published.error(), "plan " + plan_code, plan->version, expected_version);
        tx.record({actor.name, "sampling_plan.publish", "sampling_plan", plan_code, store::to_json(*plan),
                   store::to_json(*published), ""});

        store::TaskRepository tasks(tx);
        std::vector<store::SamplingTask> out;
        for (const auto& q : plan->quotas) {
            auto planned = take(domain::machines::task(), domain::kNotCreated, "plan", actor);
            if (!planned) return planned.error();
            store::SamplingTask t;
            t.plan_id = plan->id;
            t.quota_id = q.id;
            t.office_org_id = q.office_org_id;
            t.state = *planned;
            t.due_on = q.due_on;
            auto created = tasks.create(plan_code, t);
            if (!created) return created.error();
            plans.copy_quota_tags_to_task(q.id, created->id);
            created->focus_tags = tasks.focus_tags_of(created->id);
            tx.record({actor.name, "task.plan", "task", created->number, "", store::to_json(*created), ""});
            auto assigned_state = take(domain::machines::task(), created->state, "assign", actor,
                                       [&](std::string_view g) { return g == "office_in_plan"; });
            if (!assigned_state) return assigned_state.error();
            auto assigned = tasks.move_state(*created, created->version, *assigned_state);
            if (!assigned) return assigned.error();
            tx.record({actor.name, "task.assign", "task", assigned->number, store::to_json(*created),
                       store::to_json(*assigned), ""});
            out.push_back(*assigned);
        }
        return out;
    });
}

Result<PlanProgress> plan_progress(store::Database& db, const Actor& actor, const std::string& plan_code) {
    return db.read([&](store::Transaction& tx) -> Result<PlanProgress> {
        store::PlanRepository plans(tx);
        auto plan = plans.get_by_code(plan_code);
        if (!plan || !plan_visible(actor, tx, *plan)) return not_found("There is no plan " + plan_code + ".");
        PlanProgress out{*plan, plans.progress(plan->id)};
        auto plan_path = store::organisation_path(tx, plan->org_id);
        if (!plan_path || !jurisdiction::covers(actor, *plan_path)) {
            // An office sees its own quota lines only.
            std::erase_if(out.quotas, [&](const store::QuotaProgress& q) { return q.quota.office_org_id != actor.org_id.value_or(0); });
            std::erase_if(out.plan.quotas, [&](const store::PlanQuota& q) { return q.office_org_id != actor.org_id.value_or(0); });
        }
        return out;
    });
}

Result<store::SamplingTask> start_task(store::Database& db, const Actor& actor, const std::string& task_number,
                                       std::int64_t expected_version) {
    return db.write([&](store::Transaction& tx) -> Result<store::SamplingTask> {
        store::TaskRepository tasks(tx);
        auto task = tasks.get_by_number(task_number);
        if (!task || !jurisdiction::covers(actor, task->office_path)) return not_found("There is no task " + task_number + ".");
        auto to = take(domain::machines::task(), task->state, "start", actor, [&](std::string_view g) {
            return g == "actor_in_assigned_office" && actor.org_id.value_or(0) == task->office_org_id;
        });
        if (!to) return to.error();
        if (task->version != expected_version) return stale_version("task " + task_number, task->version, expected_version);
        auto started = tasks.move_state(*task, expected_version, *to);
        if (!started) return versioned(started.error(), "task " + task_number, task->version, expected_version);
        tx.record({actor.name, "task.start", "task", task_number, store::to_json(*task), store::to_json(*started), ""});
        return started;
    });
}

Result<store::SamplingTask> get_task(store::Database& db, const Actor& actor, const std::string& task_number) {
    return db.read([&](store::Transaction& tx) -> Result<store::SamplingTask> {
        auto task = store::TaskRepository(tx).get_by_number(task_number);
        if (!task || !jurisdiction::covers(actor, task->office_path)) return not_found("There is no task " + task_number + ".");
        return task;
    });
}

Result<TaskPage> list_tasks(store::Database& db, const Actor& actor, std::int64_t after_id, int limit) {
    return db.read([&](store::Transaction& tx) -> Result<TaskPage> {
        store::TaskQuery q;
        q.within_path = actor.org_path;
        q.after_id = after_id;
        q.limit = std::clamp(limit, 1, 500);
        TaskPage page;
        page.items = store::TaskRepository(tx).list(q);
        if (static_cast<int>(page.items.size()) > q.limit) {
            page.items.pop_back();
            page.next_after_id = page.items.back().id;
        }
        return page;
    });
}

}  // namespace lims::workflow::sampling
