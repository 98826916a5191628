// Sampling plans with their quotas, and the tasks a published plan gives each office.
#include "lims/api/routes/sampling_common.hpp"

namespace lims::api::sampling_tables {

void add_sampling_plan_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    // ---- plans and tasks -------------------------------------------------------------
    router.add(with_roles({"POST", "/api/v1/sampling-plans", "createSamplingPlan",
                "Create a sampling plan with quotas per sampling organisation and month, focus tags and phases (planners)", AuthRequirement::User, plan_schema(),
                [db](const Request& r) {
                    wf::PlanRequest p;
                    p.code = text(r.json, "code");
                    p.title = text(r.json, "title");
                    p.year = r.json->getValue<int>("year");
                    p.starts_on = text(r.json, "starts_on");
                    p.ends_on = text(r.json, "ends_on");
                    auto quotas = r.json->getArray("quotas");
                    for (std::size_t i = 0; i < quotas->size(); ++i) {
                        auto q = quotas->getObject(static_cast<unsigned>(i));
                        wf::QuotaRequest line{q->getValue<Poco::Int64>("office_id"), text(q, "category"),
                                              text(q, "focus"), q->getValue<Poco::Int64>("quantity"), text(q, "due_on")};
                        if (auto months = q->getArray("months"))
                            for (std::size_t m = 0; m < months->size(); ++m) {
                                auto month = months->getObject(static_cast<unsigned>(m));
                                line.months.push_back({text(month, "month"), month->getValue<Poco::Int64>("quantity")});
                            }
                        if (auto tags = q->getArray("focus_tags"))
                            for (std::size_t t = 0; t < tags->size(); ++t)
                                line.focus_tags.push_back(tags->getElement<std::string>(static_cast<unsigned>(t)));
                        p.quotas.push_back(std::move(line));
                    }
                    if (auto phases = r.json->getArray("phases"))
                        for (std::size_t i = 0; i < phases->size(); ++i) {
                            auto ph = phases->getObject(static_cast<unsigned>(i));
                            p.phases.push_back({text(ph, "name"), text(ph, "starts_on"), text(ph, "ends_on"),
                                                optional_text(ph, "summary_due_on")});
                        }
                    auto plan = wf::create_plan(*db, actor_of(r), p);
                    if (!plan) return Response::error(plan.error());
                    return with_etag(Response::json(201, plan_json(*plan, nullptr)), plan->version)
                        .withHeader("Location", "/api/v1/sampling-plans/" + plan->code);
                },
                201}, row(wf::plan_machine(), domain::kNotCreated, "create")));

    router.add(with_roles({"GET", "/api/v1/sampling-plans/{code}", "getSamplingPlan",
                "A plan with registered-vs-quota progress per quota and month", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto progress = wf::plan_progress(*db, actor_of(r), r.params.at("code"));
                    if (!progress) return Response::error(progress.error());
                    return with_etag(Response::json(200, plan_json(progress->plan, &progress->quotas)),
                                     progress->plan.version);
                }}, kPlanReaders));

    router.add(with_roles({"POST", "/api/v1/sampling-plans/{code}/publish", "publishSamplingPlan",
                "Publish a plan (If-Match) and generate one task per quota, assigned to its office (planners)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto tasks = wf::publish_plan(*db, actor_of(r), r.params.at("code"), version->version);
                    if (!tasks) return transition_problem(tasks.error(), *version);
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& t : *tasks) items->add(task_json(t));
                    auto o = newObject();
                    o->set("tasks", items);
                    return Response::json(200, o);
                }}, row(wf::plan_machine(), "draft", "publish")));

    router.add(with_roles({"GET", "/api/v1/tasks", "listTasks", "Tasks of the caller's organisation subtree (keyset pages)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto tasks = wf::list_tasks(*db, actor_of(r), page->after_id, static_cast<int>(page->limit));
                    if (!tasks) return Response::error(tasks.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& t : tasks->items) items->add(task_json(t));
                    return Response::json(200, idPageJson(items, tasks->next_after_id));
                }}, kPlanReaders));

    router.add(with_roles({"GET", "/api/v1/tasks/{number}", "getTask", "A task", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto task = wf::get_task(*db, actor_of(r), r.params.at("number"));
                    if (!task) return Response::error(task.error());
                    return with_etag(Response::json(200, task_json(*task)), task->version);
                }}, kPlanReaders));

    router.add(with_roles({"POST", "/api/v1/tasks/{number}/start", "startTask",
                "Start an assigned task of the caller's office (samplers, If-Match)", AuthRequirement::User,
                std::nullopt, [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto task = wf::start_task(*db, actor_of(r), r.params.at("number"), version->version);
                    if (!task) return transition_problem(task.error(), *version);
                    return with_etag(Response::json(200, task_json(*task)), task->version);
                }}, row(domain::machines::task(), "assigned", "start")));

}

}  // namespace lims::api::sampling_tables
