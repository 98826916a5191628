// The review chain over HTTP: worklists, results (manual entry), two-person review with
// signatures, reports (draft, approve, issue), nonconformity notices and their
// acknowledgement, case leads and their steps, re-inspection. Handlers translate JSON to
// the use cases of lims/workflow/review and lims/workflow/case_leads, one transaction
// each, and their errors to problem responses that say why.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/password_hash.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"
#include "lims/workflow/case_leads/open_case_lead.hpp"
#include "lims/workflow/review/notices.hpp"
#include "lims/workflow/review/receipt_hook.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/reinspection.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/review/store_time.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <limits>
#include <optional>
#include <mutex>

namespace lims::api {

namespace {

namespace wf = lims::workflow;
namespace rv = lims::workflow::review;
using Json = Poco::JSON::Object::Ptr;
using enum domain::Role;

Response with_etag(Response r, std::int64_t version) { return std::move(r).withHeader("ETag", etagFor(version)); }

std::string text(const Json& o, const std::string& key, const std::string& fallback = "") {
    return o && o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : fallback;
}

Outcome<std::int64_t> id_param(const Request& r, const std::string& name) {
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at(name), id) || id <= 0)
        return problems::notFound(name + " " + r.params.at(name) + " does not exist");
    return static_cast<std::int64_t>(id);
}

Poco::Dynamic::Var parsed(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json);
}

Json test_json(const store::TestRecord& t) { return parsed(store::to_json(t)).extract<Json>(); }
Json report_json(const store::ReportRecord& r) {
    auto o = parsed(store::to_json(r)).extract<Json>();
    if (!r.content_json.empty()) o->set("content", parsed(r.content_json));
    return o;
}
Json notice_json(const store::NoticeRecord& n) { return parsed(store::to_json(n)).extract<Json>(); }
Json lead_json(const store::CaseLeadRecord& l) { return parsed(store::to_json(l)).extract<Json>(); }

FieldSchema password() { return field::string("password").withFormat("password").length(1, kMaxPasswordLength); }

rv::SigningIntent signing_of(const Request& r) { return {text(r.json, "password"), r.clientAddress}; }

// ?key=<id>: nullopt when absent; a value that is not an id is a 422 naming the parameter
// (a filter silently dropped would answer more than was asked for).
Outcome<std::optional<std::int64_t>> optional_id(const Request& r, const std::string& key) {
    auto it = r.query.find(key);
    if (it == r.query.end()) return std::optional<std::int64_t>{};
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(it->second, v) || v <= 0)
        return problems::validation({{key, "'" + it->second + "' is not an id"}});
    return std::optional<std::int64_t>{v};
}

domain::Result<std::int64_t> sample_id_of(store::Database& db, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
        auto s = store::SampleRepository(tx).get_by_number(number);
        if (!s) return domain::make_error("review.sample_not_found", "sample " + number + " does not exist");
        return s->id;
    });
}

domain::Result<std::int64_t> report_id_of(store::Database& db, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
        auto r = store::ReportRepository(tx).get_by_number(number);
        if (!r) return domain::make_error("review.report_not_found", "report " + number + " does not exist");
        return r->id;
    });
}

domain::Result<std::int64_t> lead_id_of(store::Database& db, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
        auto l = store::CaseLeadRepository(tx).get_by_number(number);
        if (!l) return domain::make_error("case_lead.not_found", "case lead " + number + " does not exist");
        return l->id;
    });
}

// The signer's password is checked here, before the signing transaction (Argon2 must not
// run while SQLite's only write lock is held) and through the login throttles; inside it,
// the use case only compares the stored hash with the one checked (a password changed in
// between fails the signature). No password (a reject): the use case asks for none.
Outcome<rv::PasswordCheck> checked_password(AuthService& auth, const Request& r) {
    const std::string typed = text(r.json, "password");
    if (typed.empty()) return rv::PasswordCheck([](std::string_view, const std::string&) { return false; });
    auto verified = auth.verifySigningPassword(*r.principal, typed, r.clientAddress);
    if (!verified) return verified.problem();
    return rv::PasswordCheck([hash = *verified, typed](std::string_view given, const std::string& stored) {
        return stored == hash && given == typed;
    });
}

// ---- jurisdiction ---------------------------------------------------------------------
// What a path parameter names, and the organisations it belongs to: tests, reports and
// samples belong to the office that took the sample and to each laboratory it was
// shipped to (the one that receives and tests it); a notice to the organisation it is
// sent to (an external one to the sample's office); a case lead to the unit it is
// assigned to. The list routes filter on the same owners over the caller's subtree.
enum class Record { test, sample, report, notice, case_lead };

const char* record_word(Record k) {
    switch (k) {
        case Record::test: return "test";
        case Record::sample: return "sample";
        case Record::report: return "report";
        case Record::notice: return "notice";
        case Record::case_lead: return "case lead";
    }
    return "record";
}

std::string owner_paths_sql(Record k) {
    // The sample's office and every laboratory a shipment of it went to.
    auto of_sample = [](const std::string& target) {
        return "WITH target(id) AS (" + target +
               ") SELECT o.path FROM organisations o WHERE o.id IN (SELECT s.org_id FROM samples s JOIN target t ON "
               "s.id = t.id UNION SELECT h.to_org_id FROM shipment_items i JOIN shipments h ON h.id = i.shipment_id "
               "JOIN target t ON i.sample_id = t.id)";
    };
    switch (k) {
        case Record::test: return of_sample("SELECT sample_id FROM tests WHERE id = $1");
        case Record::sample: return of_sample("SELECT id FROM samples WHERE number = $1");
        case Record::report: return of_sample("SELECT sample_id FROM reports WHERE number = $1");
        case Record::notice:
            // An external notice (to another province) has no recipient here: it belongs to
            // the office that took the sample, whose administrators deliver it.
            return "SELECT o.path FROM notices n JOIN organisations o ON o.id = COALESCE(n.to_org_id, (SELECT s.org_id "
                   "FROM samples s WHERE s.id = n.sample_id)) WHERE n.id = $1";
        case Record::case_lead:
            return "SELECT o.path FROM case_leads l JOIN organisations o ON o.id = l.assigned_org_id WHERE l.number = $1";
    }
    return {};
}

// The 404 (conventions.hpp notVisible, the same as for a missing record) unless the
// record named by `param` lies in the caller's organisation subtree. Checked before the
// If-Match precondition and the use case, so another jurisdiction's record is never
// admitted to exist, not even as a 403, 409 or 428.
std::optional<Response> hidden_from_caller(store::Database& db, const Request& r, Record kind, const std::string& param) {
    const std::string key = r.params.at(param);
    const bool numeric_key = kind == Record::test || kind == Record::notice;
    Poco::Int64 id = 0;
    if (numeric_key && (!Poco::NumberParser::tryParse64(key, id) || id <= 0))
        return Response::problem(notVisible(record_word(kind), key));
    auto paths = db.read([&](store::Transaction& tx) -> store::StoreResult<std::vector<std::string>> {
        std::vector<std::string> out;
        if (numeric_key)
            tx.session() << owner_paths_sql(kind), Poco::Data::Keywords::bind(id), Poco::Data::Keywords::into(out),
                Poco::Data::Keywords::now;
        else
            tx.session() << owner_paths_sql(kind), Poco::Data::Keywords::bind(key), Poco::Data::Keywords::into(out),
                Poco::Data::Keywords::now;
        return out;
    });
    if (!paths) return Response::error(paths.error());
    for (const auto& path : *paths)
        if (withinJurisdiction(r.principal->organisationPath, path)) return std::nullopt;
    return Response::problem(notVisible(record_word(kind), key));
}

}  // namespace

void add_review_routes(Router& router, const RouteContext& context) {
    rv::install_receipt_hook();  // idempotent: added unless already there
    auto db = context.database;
    const domain::WorkingCalendar* calendar = context.calendar;
    AuthService* auth = context.auth;

    // ---- worklists and tests ------------------------------------------------------------
    router.add({"GET", "/api/v1/worklists/tests", "listTestWorklist",
                "Open tests of the caller's jurisdiction by instrument (?instrument_id=), analyst (?assigned_to=) or test (?test_code=), keyset pages",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto page = readPage(r);
                    if (!page) return Response::problem(page.problem());
                    store::WorklistQuery q;
                    auto instrument = optional_id(r, "instrument_id");
                    if (!instrument) return Response::problem(instrument.problem());
                    auto assigned = optional_id(r, "assigned_to");
                    if (!assigned) return Response::problem(assigned.problem());
                    q.instrument_id = *instrument;
                    q.assigned_to = *assigned;
                    if (auto it = r.query.find("test_code"); it != r.query.end()) q.test_code = it->second;
                    q.within_org_path = r.principal->organisationPath;
                    q.limit = static_cast<int>(page->limit);
                    auto after = cursorAfterId(*page);
                    if (!after) return Response::problem(after.problem());
                    if (*after > 0) q.after_id = *after;
                    auto tests = db->read([&](store::Transaction& tx) { return store::TestRepository(tx).worklist(q); });
                    if (!tests) return Response::error(tests.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& t : tests->items) items->add(test_json(t));
                    std::optional<std::vector<std::string>> next;
                    if (tests->next_after_id) next = std::vector<std::string>{std::to_string(*tests->next_after_id)};
                    return Response::json(200, pageJson(items, next));
                },
                200, {analyst, reviewer, signatory}});

    router.add({"GET", "/api/v1/tests/{id}", "getTest", "A test with its state and version", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::test, "id")) return std::move(*hidden);
                    auto id = id_param(r, "id");
                    if (!id) return Response::problem(id.problem());
                    auto t = db->read([&](store::Transaction& tx) { return store::TestRepository(tx).get(*id); });
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
                    auto recorded = db->write([&](store::Transaction& tx) {
                        return rv::record_result(tx, {*id, text(r.json, "value"), text(r.json, "unit"),
                                                      rv::ResultSource::manual, std::nullopt, "", *version},
                                                 actor_of(r));
                    });
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
                    auto t = db->write([&](store::Transaction& tx) {
                        return rv::review_result(tx, {*id, *version, decision, text(r.json, "reason"), signing_of(r)},
                                                 actor_of(r), *check);
                    });
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
                    auto t = db->write([&](store::Transaction& tx) {
                        return rv::verify_result(tx, {*id, *version, signing_of(r)}, actor_of(r), *check);
                    });
                    if (!t) return Response::error(t.error());
                    return with_etag(Response::json(200, test_json(*t)), t->version);
                },
                200, {reviewer}});

    // ---- reports ------------------------------------------------------------------------
    router.add({"POST", "/api/v1/samples/{number}/reports", "draftReport",
                "Draft the report of the sample's latest round from its judged final results", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::sample, "number")) return std::move(*hidden);
                    auto sample = sample_id_of(*db, r.params.at("number"));
                    if (!sample) return Response::error(sample.error());
                    auto report = db->write([&](store::Transaction& tx) { return rv::draft_report(tx, *sample, actor_of(r)); });
                    if (!report) return Response::error(report.error());
                    return with_etag(Response::json(201, report_json(*report)), report->version)
                        .withHeader("Location", "/api/v1/reports/" + report->number);
                },
                201, {analyst, reviewer, signatory}});

    router.add({"GET", "/api/v1/reports/{number}", "getReport", "A report with its judged content", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::report, "number")) return std::move(*hidden);
                    auto report = db->read([&](store::Transaction& tx) {
                        return store::ReportRepository(tx).get_by_number(r.params.at("number"));
                    });
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
                    auto id = report_id_of(*db, r.params.at("number"));
                    if (!id) return Response::error(id.error());
                    auto check = checked_password(*auth, r);
                    if (!check) return Response::problem(check.problem());
                    auto report = db->write([&](store::Transaction& tx) {
                        return rv::approve_report(tx, {*id, *version, signing_of(r)}, actor_of(r), *check);
                    });
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
                    auto id = report_id_of(*db, r.params.at("number"));
                    if (!id) return Response::error(id.error());
                    const bool serious = r.json && r.json->has("serious_risk") && r.json->getValue<bool>("serious_risk");
                    auto issued = db->write([&](store::Transaction& tx) {
                        return rv::issue_report(tx, *calendar, {*id, *version, serious}, actor_of(r));
                    });
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

    // ---- notices ------------------------------------------------------------------------
    router.add({"GET", "/api/v1/notices", "listNotices",
                "Notices to organisations of the caller's subtree (?overdue=true: unacknowledged past their deadline)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    store::NoticeQuery q;
                    // The caller's subtree, as for a single notice: a city bureau sees its districts' notices.
                    q.within_org_path = r.principal->organisationPath;
                    if (auto it = r.query.find("overdue"); it != r.query.end() && it->second == "true")
                        q.overdue_at = store::utc_now();
                    q.limit = 500;
                    auto listed = db->read([&](store::Transaction& tx) -> domain::Result<std::pair<std::vector<store::NoticeRecord>, std::int64_t>> {
                        store::NoticeRepository n(tx);
                        return std::pair{n.list(q), n.count(q)};
                    });
                    if (!listed) return Response::error(listed.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& n : listed->first) items->add(notice_json(n));
                    auto o = newObject();
                    o->set("items", items);
                    o->set("count", listed->second);
                    return Response::json(200, o);
                },
                200, {bureau_viewer, enforcement_officer, planner, administrator, signatory}});

    router.add({"POST", "/api/v1/notices/{id}/acknowledge", "acknowledgeNotice",
                "Acknowledge a notice to the caller's bureau (If-Match); external ones by an administrator with a reference",
                AuthRequirement::User, ObjectSchema{{field::string("reference").length(1, 500).optional()}},
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::notice, "id")) return std::move(*hidden);
                    auto id = id_param(r, "id");
                    if (!id) return Response::problem(id.problem());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto n = db->write([&](store::Transaction& tx) {
                        return rv::acknowledge_notice(tx, {*id, *version, text(r.json, "reference")}, actor_of(r));
                    });
                    if (!n) return Response::error(n.error());
                    return with_etag(Response::json(200, notice_json(*n)), n->version);
                },
                200, {bureau_viewer, enforcement_officer, planner, administrator}});

    // ---- case leads ---------------------------------------------------------------------
    router.add({"GET", "/api/v1/case-leads", "listCaseLeads",
                "Case leads of the units in the caller's subtree (?state=, ?overdue=true), keyset pages", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto page = readPage(r);
                    if (!page) return Response::problem(page.problem());
                    store::CaseLeadQuery q;
                    // The caller's subtree, as for a single lead: a bureau sees its enforcement units' leads.
                    q.within_org_path = r.principal->organisationPath;
                    if (auto it = r.query.find("state"); it != r.query.end()) q.state = it->second;
                    if (auto it = r.query.find("overdue"); it != r.query.end() && it->second == "true")
                        q.due_before = store::utc_now();
                    q.limit = static_cast<int>(page->limit);
                    auto after = cursorAfterId(*page);
                    if (!after) return Response::problem(after.problem());
                    if (*after > 0) q.after_id = *after;
                    auto leads = db->read([&](store::Transaction& tx) { return store::CaseLeadRepository(tx).list(q); });
                    if (!leads) return Response::error(leads.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& l : leads->items) items->add(lead_json(l));
                    std::optional<std::vector<std::string>> next;
                    if (leads->next_after_id) next = std::vector<std::string>{std::to_string(*leads->next_after_id)};
                    return Response::json(200, pageJson(items, next));
                },
                200, {enforcement_officer, administrator}});

    router.add({"GET", "/api/v1/case-leads/{number}", "getCaseLead", "A case lead with its findings and evidence",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::case_lead, "number")) return std::move(*hidden);
                    auto lead = db->read([&](store::Transaction& tx) {
                        return store::CaseLeadRepository(tx).get_by_number(r.params.at("number"));
                    });
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
                    auto id = lead_id_of(*db, r.params.at("number"));
                    if (!id) return Response::error(id.error());
                    auto lead = db->write([&](store::Transaction& tx) {
                        return wf::case_leads::take_step(
                            tx, {*id, *version, text(r.json, "action"), text(r.json, "reason"),
                                 text(r.json, "receiving_body"), text(r.json, "approval")},
                            actor_of(r));
                    });
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
                    auto id = lead_id_of(*db, r.params.at("number"));
                    if (!id) return Response::error(id.error());
                    auto lead = db->write([&](store::Transaction& tx) {
                        return wf::case_leads::extend_deadline(tx, *calendar, {*id, *version, text(r.json, "approval")},
                                                               actor_of(r));
                    });
                    if (!lead) return Response::error(lead.error());
                    return with_etag(Response::json(200, lead_json(*lead)), lead->version);
                },
                200, {enforcement_officer}});

    // ---- re-inspection ------------------------------------------------------------------
    router.add({"POST", "/api/v1/samples/{number}/reinspection", "applyReinspection",
                "Register a re-inspection (复验) application of the sampled unit or the labelled manufacturer; "
                "refused with the deadline when late",
                AuthRequirement::User,
                ObjectSchema{{field::string("applicant").oneOf({"sampled_unit", "manufacturer"}),
                              field::integer("applicant_entity_id").range(1, std::numeric_limits<std::int64_t>::max()).optional(),
                              field::string("applicant_name").length(1, 200),
                              field::string("report_received_at").withFormat("date-time")}},
                [db, calendar](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::sample, "number")) return std::move(*hidden);
                    auto sample = sample_id_of(*db, r.params.at("number"));
                    if (!sample) return Response::error(sample.error());
                    auto received = wf::parse_store_time(text(r.json, "report_received_at"));
                    if (!received) return Response::error(received.error());
                    rv::ReinspectionApplication app;
                    app.sample_id = *sample;
                    app.applicant = text(r.json, "applicant") == "manufacturer" ? rv::Applicant::manufacturer
                                                                                : rv::Applicant::sampled_unit;
                    if (r.json->has("applicant_entity_id"))
                        app.applicant_entity_id = r.json->getValue<Poco::Int64>("applicant_entity_id");
                    app.applicant_name = text(r.json, "applicant_name");
                    app.report_received_at = *received;
                    auto re = db->write([&](store::Transaction& tx) {
                        return rv::apply_reinspection(tx, *calendar, app, actor_of(r));
                    });
                    if (!re) return Response::error(re.error());
                    auto o = newObject();
                    o->set("id", re->id);
                    o->set("deadline_at", re->deadline_at);
                    if (re->deadline_provisional) o->set("deadline_provisional", true);
                    Poco::JSON::Array::Ptr tests = new Poco::JSON::Array;
                    for (const auto& t : re->tests) tests->add(test_json(t));
                    o->set("tests", tests);
                    return Response::json(201, o);
                },
                201, {receiver}});
}

}  // namespace lims::api
