// Worklists, tests, manual results, the two-person review with signatures, and reports
// (draft, approve, issue): /api/v1/worklists/tests, /tests/{id}..., /samples/{number}/report,
// /reports/{number}....
#include "lims/api/routes/review_common.hpp"
#include "lims/workflow/review/tests_and_reports.hpp"

namespace lims::api::review_tables {

void add_test_report_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::WorkingCalendar* calendar = context.calendar;
    AuthService* auth = context.auth;

    // ---- worklists and tests ------------------------------------------------------------
    router.add({"GET", "/api/v1/worklists/tests", "listTestWorklist",
                "Open tests of the caller's jurisdiction by instrument (?instrument_id=), analyst (?assigned_to=) or test (?test_code=), keyset pages",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    rv::TestWorklistFilter filter;
                    auto instrument = optional_id(r, "instrument_id");
                    if (!instrument) return Response::problem(instrument.problem());
                    auto assigned = optional_id(r, "assigned_to");
                    if (!assigned) return Response::problem(assigned.problem());
                    filter.instrument_id = *instrument;
                    filter.assigned_to = *assigned;
                    if (auto it = r.query.find("test_code"); it != r.query.end()) filter.test_code = it->second;
                    auto tests = rv::list_test_worklist(*db, actor_of(r), filter, page->after_id, page->limit);
                    if (!tests) return Response::error(tests.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& t : tests->items) items->add(test_json(t));
                    return Response::json(200, idPageJson(items, tests->next_after_id));
                },
                200, {analyst, reviewer, signatory}});

    router.add({"GET", "/api/v1/tests/{id}", "getTest", "A test with its state and version", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto t = rv::find_test(*db, actor_of(r), r.params.at("id"));
                    if (!t) return Response::error(t.error());
                    return with_etag(Response::json(200, test_json(*t)), t->version);
                },
                200, {analyst, reviewer, signatory}});

    router.add({"POST", "/api/v1/tests/{id}/results", "enterResult",
                "Enter a result by hand (If-Match): the same validation and audit as instrument ingest",
                AuthRequirement::User,
                ObjectSchema{{field::string("value").length(1, 200), field::string("unit").length(0, 32).optional()}},
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::test, "id")) return std::move(*hidden);
                    auto id = id_param(r, "id");
                    if (!id) return Response::problem(id.problem());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto recorded = rv::enter_result(*db,
                                                     {*id, text(r.json, "value"), text(r.json, "unit"),
                                                      rv::ResultSource::manual, std::nullopt, "", *version},
                                                     actor_of(r));
                    if (!recorded) return Response::error(recorded.error());
                    auto o = newObject();
                    o->set("result_id", recorded->result_id);
                    o->set("test_id", recorded->test_id);
                    o->set("test_state", recorded->test_state);
                    return with_etag(Response::json(201, o), recorded->test_version);
                },
                201, {analyst}});

    router.add({"POST", "/api/v1/tests/{id}/review", "reviewResult",
                "Accept (signing as performed, password), reject or order a retest (reason) of the current result (If-Match)",
                AuthRequirement::User,
                ObjectSchema{{field::string("decision").oneOf({"accept", "reject", "order_retest"}),
                              field::string("reason").length(1, 500).multiLineText().optional(), password().optional()}},
                [db, auth](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::test, "id")) return std::move(*hidden);
                    auto id = id_param(r, "id");
                    if (!id) return Response::problem(id.problem());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    const auto d = text(r.json, "decision");
                    const auto decision = d == "accept"   ? rv::ReviewDecision::accept
                                          : d == "reject" ? rv::ReviewDecision::reject
                                                          : rv::ReviewDecision::order_retest;
                    // Only an acceptance signs; a password sent with a reject is not checked.
                    auto check = decision == rv::ReviewDecision::accept
                                     ? checked_password(*auth, r)
                                     : Outcome<rv::PasswordCheck>(rv::PasswordCheck{});
                    if (!check) return Response::problem(check.problem());
                    auto t = rv::review_result(*db, {*id, *version, decision, text(r.json, "reason"), signing_of(r)},
                                               actor_of(r), *check);
                    if (!t) return Response::error(t.error());
                    return with_etag(Response::json(200, test_json(*t)), t->version);
                },
                200, {analyst, reviewer}});

    router.add({"POST", "/api/v1/tests/{id}/verify", "verifyResult",
                "Verify (复核) the accepted result as a second person, signing with the password (If-Match)",
                AuthRequirement::User, ObjectSchema{{password()}},
                [db, auth](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::test, "id")) return std::move(*hidden);
                    auto id = id_param(r, "id");
                    if (!id) return Response::problem(id.problem());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto check = checked_password(*auth, r);
                    if (!check) return Response::problem(check.problem());
                    auto t = rv::verify_result(*db, {*id, *version, signing_of(r)}, actor_of(r), *check);
                    if (!t) return Response::error(t.error());
                    return with_etag(Response::json(200, test_json(*t)), t->version);
                },
                200, {reviewer}});

    // ---- reports ------------------------------------------------------------------------
    router.add({"POST", "/api/v1/samples/{number}/reports", "draftReport",
                "Draft the report of the sample's latest round from its judged final results", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto report = rv::draft_report(*db, r.params.at("number"), actor_of(r));
                    if (!report) return Response::error(report.error());
                    return with_etag(Response::json(201, report_json(*report)), report->version)
                        .withHeader("Location", "/api/v1/reports/" + report->number);
                },
                201, {analyst, reviewer, signatory}});

    router.add({"GET", "/api/v1/reports/{number}", "getReport", "A report with its judged content", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto report = rv::find_report(*db, actor_of(r), r.params.at("number"));
                    if (!report) return Response::error(report.error());
                    return with_etag(Response::json(200, report_json(*report)), report->version);
                },
                200, {analyst, reviewer, signatory, bureau_viewer, enforcement_officer, planner}});

    router.add({"POST", "/api/v1/reports/{number}/approve", "approveReport",
                "Approve the report as authorised signatory, signing with the password (If-Match)",
                AuthRequirement::User, ObjectSchema{{password()}},
                [db, auth](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::report, "number")) return std::move(*hidden);
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto check = checked_password(*auth, r);
                    if (!check) return Response::problem(check.problem());
                    auto report = rv::approve_report(*db, r.params.at("number"), {0, *version, signing_of(r)},
                                                     actor_of(r), *check);
                    if (!report) return Response::error(report.error());
                    return with_etag(Response::json(200, report_json(*report)), report->version);
                },
                200, {signatory}});

    router.add({"POST", "/api/v1/reports/{number}/issue", "issueReport",
                "Issue the approved report (If-Match); a nonconforming one sends the notices and opens the case lead",
                AuthRequirement::User, ObjectSchema{{field::boolean("serious_risk").optional()}},
                [db, calendar](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::report, "number")) return std::move(*hidden);
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    const bool serious = r.json && r.json->has("serious_risk") && r.json->getValue<bool>("serious_risk");
                    auto issued = rv::issue_report(*db, *calendar, r.params.at("number"), {0, *version, serious}, actor_of(r));
                    if (!issued) return Response::error(issued.error());
                    auto o = report_json(issued->report);
                    Poco::JSON::Array::Ptr notices = new Poco::JSON::Array;
                    for (const auto& n : issued->notices) notices->add(notice_json(n));
                    o->set("notices", notices);
                    if (issued->case_lead) o->set("case_lead", lead_json(*issued->case_lead));
                    if (issued->case_lead_problem) {
                        // Issued all the same; the lead is opened by itself once the cause is fixed.
                        Poco::JSON::Object::Ptr why = new Poco::JSON::Object;
                        why->set("code", issued->case_lead_problem->code);
                        why->set("message", issued->case_lead_problem->message);
                        o->set("case_lead_problem", why);
                    }
                    return with_etag(Response::json(200, o), issued->report.version);
                },
                200, {signatory}});
}

}  // namespace lims::api::review_tables
