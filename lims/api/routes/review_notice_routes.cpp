// Nonconformity notices and their acknowledgement, case leads and their steps, and
// re-inspection applications: /api/v1/notices..., /case-leads..., /samples/{number}/reinspection.
#include "lims/api/routes/review_common.hpp"
#include "lims/workflow/case_leads/case_lead_access.hpp"
#include "lims/workflow/review/notice_steps.hpp"

namespace lims::api::review_tables {

void add_notice_lead_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::WorkingCalendar* calendar = context.calendar;

    // ---- notices ------------------------------------------------------------------------
    // GET /api/v1/notices (the inbox, in pages): notice_list_routes.cpp.

    router.add({"POST", "/api/v1/notices/{id}/acknowledge", "acknowledgeNotice",
                "Acknowledge a notice to the caller's bureau (If-Match); external ones by an administrator with a reference",
                AuthRequirement::User, ObjectSchema{{field::string("reference").length(1, 500).optional()}},
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::notice, "id")) return std::move(*hidden);
                    auto id = id_param(r, "id");
                    if (!id) return Response::problem(id.problem());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto n = rv::acknowledge_notice(*db, {*id, *version, text(r.json, "reference")}, actor_of(r));
                    if (!n) return Response::error(n.error());
                    return with_etag(Response::json(200, notice_json(*n)), n->version);
                },
                200, {bureau_viewer, enforcement_officer, planner, administrator}});

    // ---- case leads ---------------------------------------------------------------------
    router.add({"GET", "/api/v1/case-leads", "listCaseLeads",
                "Case leads of the units in the caller's subtree (?state=, ?overdue=true), keyset pages", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    wf::case_leads::CaseLeadFilter filter;
                    if (auto it = r.query.find("state"); it != r.query.end()) filter.state = it->second;
                    if (auto it = r.query.find("overdue"); it != r.query.end() && it->second == "true")
                        filter.overdue_only = true;
                    auto leads = wf::case_leads::list_case_leads(*db, actor_of(r), filter, page->after_id, page->limit);
                    if (!leads) return Response::error(leads.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& l : leads->items) items->add(lead_json(l));
                    return Response::json(200, idPageJson(items, leads->next_after_id));
                },
                200, {enforcement_officer, administrator}});

    router.add({"GET", "/api/v1/case-leads/{number}", "getCaseLead", "A case lead with its findings and evidence",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto lead = wf::case_leads::find_case_lead(*db, actor_of(r), r.params.at("number"));
                    if (!lead) return Response::error(lead.error());
                    return with_etag(Response::json(200, lead_json(*lead)), lead->version);
                },
                200, {enforcement_officer, administrator}});

    router.add({"POST", "/api/v1/case-leads", "openCaseLead",
                "Open a case lead by hand (complaint, inspection) against a regulated entity", AuthRequirement::User,
                ObjectSchema{{field::integer("subject_entity_id").range(1, std::numeric_limits<std::int64_t>::max()),
                              field::string("summary").length(1, 2000).multiLineText(),
                              field::string("product_name").length(0, 200).optional(),
                              field::string("batch_number").length(0, 64).optional(),
                              field::string("complaint_reference").length(1, 200).optional()}},
                [db, calendar](const Request& r) {
                    wf::case_leads::NewCaseLead lead;
                    lead.source = store::CaseLeadSource::manual;
                    lead.subject_entity_id = r.json->getValue<Poco::Int64>("subject_entity_id");
                    lead.summary = text(r.json, "summary");
                    lead.product_name = text(r.json, "product_name");
                    lead.batch_number = text(r.json, "batch_number");
                    if (auto ref = text(r.json, "complaint_reference"); !ref.empty())
                        lead.evidence.push_back({"complaint", ref, "complaint or inspection record"});
                    auto opened = wf::case_leads::open_manual_case_lead(*db, *calendar, lead, actor_of(r));
                    if (!opened) return Response::error(opened.error());
                    return with_etag(Response::json(201, lead_json(*opened)), opened->version)
                        .withHeader("Location", "/api/v1/case-leads/" + opened->number);
                },
                201, {enforcement_officer}});

    router.add({"POST", "/api/v1/case-leads/{number}/steps", "stepCaseLead",
                "Take a step (accept, investigate, file, decline with reason, transfer with receiving body, close) "
                "with the head's approval where required (If-Match)",
                AuthRequirement::User,
                ObjectSchema{{field::string("action").oneOf({"accept", "investigate", "file", "decline", "transfer", "close"}),
                              field::string("reason").length(1, 2000).multiLineText().optional(),
                              field::string("receiving_body").length(1, 200).optional(),
                              field::string("approval").length(1, 500).optional()}},
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::case_lead, "number")) return std::move(*hidden);
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto lead = wf::case_leads::take_step(
                        *db, r.params.at("number"),
                        {0, *version, text(r.json, "action"), text(r.json, "reason"), text(r.json, "receiving_body"),
                         text(r.json, "approval")},
                        actor_of(r));
                    if (!lead) return Response::error(lead.error());
                    return with_etag(Response::json(200, lead_json(*lead)), lead->version);
                },
                200, {enforcement_officer}});

    router.add({"POST", "/api/v1/case-leads/{number}/extension", "extendCaseLead",
                "Extend the decision deadline once by 15 working days with the recorded approval (If-Match)",
                AuthRequirement::User, ObjectSchema{{field::string("approval").length(1, 500)}},
                [db, calendar](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::case_lead, "number")) return std::move(*hidden);
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto lead = wf::case_leads::extend_deadline(*db, *calendar, r.params.at("number"),
                                                                {0, *version, text(r.json, "approval")}, actor_of(r));
                    if (!lead) return Response::error(lead.error());
                    return with_etag(Response::json(200, lead_json(*lead)), lead->version);
                },
                200, {enforcement_officer}});

    // ---- re-inspection: routes/reinspection_routes.cpp ---------------------------------
}

}  // namespace lims::api::review_tables
