// Cases filed from case leads (立案) and what follows: /api/v1/cases... A table of routes:
// schema, JSON in, one use case (lims/workflow/cases/cases.hpp), JSON out. The use cases own
// the transaction, the jurisdiction (another unit's case is the missing case's 404, checked
// here before the If-Match precondition too) and the errors.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/cases/cases.hpp"
#include "lims/workflow/store_time.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <limits>

namespace lims::api {

namespace {

namespace cs = lims::workflow::cases;
using Json = Poco::JSON::Object::Ptr;
using domain::Role;

const domain::RoleSet kReaders{Role::enforcement_officer, Role::administrator};
const domain::RoleSet kOfficers{Role::enforcement_officer};

std::string text(const Json& o, const std::string& key) {
    return o && o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : std::string();
}

std::optional<std::string> optional_text(const Json& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return std::nullopt;
    return o->getValue<std::string>(key);
}

// An optional date-time of the body (its format checked by the schema), typed.
Outcome<std::optional<domain::Instant>> instant(const Json& o, const std::string& key) {
    auto t = optional_text(o, key);
    if (!t) return std::optional<domain::Instant>{};
    auto parsed = workflow::parse_store_time(*t);
    if (!parsed) return problems::validation({{key, "\"" + t->substr(0, 40) + "\" is not a UTC date-time"}});
    return std::optional<domain::Instant>{*parsed};
}

Json case_json(const store::CaseRecord& c) {
    Poco::JSON::Parser parser;
    return parser.parse(store::to_json(c)).extract<Json>();
}

Response answer(const domain::Result<store::CaseRecord>& c, int status = 200) {
    if (!c) return Response::error(c.error());
    return Response::json(status, case_json(*c)).withHeader("ETag", etagFor(c->version));
}

// A change to the case named in the path: the caller must see it (404 otherwise, before
// anything else), then hold its current version (If-Match).
template <typename Change>
Response change(store::Database& db, const Request& r, Change&& run) {
    const std::string number = r.params.at("number");
    if (auto seen = cs::find_case(db, actor_of(r), number); !seen) return Response::error(seen.error());
    auto version = requireIfMatch(r);
    if (!version) return Response::problem(version.problem());
    return answer(run(number, *version));
}

Outcome<std::int64_t> measure_id(const Request& r) {
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at("id"), id) || id <= 0)
        return problems::notFound("measure " + r.params.at("id") + " does not exist");
    return static_cast<std::int64_t>(id);
}

FieldSchema at_field(const std::string& name, const std::string& meaning) {
    return field::string(name).withFormat("date-time").optional().describedAs(meaning + "; absent: now");
}

// A clock stopped while evidence or seized goods are out (the case's decision clock, a
// seizure's term): why, a note, and when they went out.
ObjectSchema pause_body(const std::string& went_out) {
    return ObjectSchema{{field::string("reason").oneOf({"testing", "inspection", "quarantine", "expert_opinion"}),
                         field::string("note").length(0, 1000).multiLineText().optional(),
                         at_field("at", went_out)}};
}

// An extension granted once: the reason and the head who approved it.
ObjectSchema extension_body() {
    return ObjectSchema{{field::string("reason").length(1, 1000).multiLineText(), field::string("approver").length(1, 200)}};
}

FieldSchema yuan_field(const std::string& name) {
    return field::string(name).matching("[0-9]{1,12}(\\.[0-9]{1,2})?", "an amount of yuan, e.g. 50000 or 1250.50");
}

}  // namespace

void add_case_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::WorkingCalendar* calendar = context.calendar;

    router.add({"GET", "/api/v1/cases", "listCases",
                "Cases held by the enforcement units of the caller's subtree (?state=, ?lead_number=), keyset pages",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    for (const auto& [name, value] : r.query)
                        if (name != "state" && name != "lead_number" && name != "limit" && name != "cursor")
                            return Response::problem(problems::badRequest(
                                "query parameter " + name + ": unknown (known: state, lead_number, limit, cursor)"));
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    cs::CaseFilter filter;
                    if (auto it = r.query.find("state"); it != r.query.end()) filter.state = it->second;
                    if (auto it = r.query.find("lead_number"); it != r.query.end()) filter.lead_number = it->second;
                    auto cases = cs::list_cases(*db, actor_of(r), filter, page->after_id, page->limit);
                    if (!cases) return Response::error(cases.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& c : cases->items) items->add(case_json(c));
                    return Response::json(200, idPageJson(items, cases->next_after_id));
                },
                200, kReaders});

    router.add({"GET", "/api/v1/cases/{number}", "getCase",
                "A case with its decision clock, pauses, risk-control measures, transfers to the police and outcome",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) { return answer(cs::find_case(*db, actor_of(r), r.params.at("number"))); },
                200, kReaders});

    router.add({"POST", "/api/v1/cases", "fileCase",
                "File a case (立案) from a case lead under investigation or decided for filing, with the head's approval; "
                "If-Match carries the lead's version. Starts the 90-day decision clock",
                AuthRequirement::User,
                ObjectSchema{{field::string("lead_number").length(1, 64),
                              field::string("approval").length(1, 500),
                              at_field("filed_at", "When the filing was approved")}},
                [db, calendar](const Request& r) {
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto filed_at = instant(r.json, "filed_at");
                    if (!filed_at) return Response::problem(filed_at.problem());
                    auto filed = cs::file_case(*db, *calendar,
                                               {text(r.json, "lead_number"), *version, text(r.json, "approval"), *filed_at},
                                               actor_of(r));
                    if (!filed) return Response::error(filed.error());
                    return answer(filed, 201).withHeader("Location", "/api/v1/cases/" + filed->number);
                },
                201, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/pause", "pauseCaseClock",
                "Stop the decision clock while the evidence is out for testing, inspection, quarantine or expert opinion "
                "(If-Match)",
                AuthRequirement::User,
                pause_body("When the evidence went out"),
                [db, calendar](const Request& r) {
                    auto at = instant(r.json, "at");
                    if (!at) return Response::problem(at.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::pause_clock(*db, *calendar, n, v, {text(r.json, "reason"), text(r.json, "note"), *at},
                                               actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/resume", "resumeCaseClock",
                "Start the decision clock again when the result is back; the deadline moves by the days it stood (If-Match)",
                AuthRequirement::User, ObjectSchema{{at_field("at", "When the result came back")}},
                [db, calendar](const Request& r) {
                    auto at = instant(r.json, "at");
                    if (!at) return Response::problem(at.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::resume_clock(*db, *calendar, n, v, *at, actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/extension", "extendCase",
                "Extend the decision deadline once by 30 days with the reason and the head who approved it (If-Match)",
                AuthRequirement::User,
                extension_body(),
                [db, calendar](const Request& r) {
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::extend_clock(*db, *calendar, n, v, {text(r.json, "reason"), text(r.json, "approver")},
                                                actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/measures", "addCaseMeasure",
                "Record a risk-control measure: suspension of sale or use, recall, or seizure (查封扣押, with its decision's "
                "number; starts the 30-day term) (If-Match)",
                AuthRequirement::User,
                ObjectSchema{{field::string("kind").oneOf({"suspend_sale", "suspend_use", "recall", "seizure"}),
                              field::string("scope").length(0, 1000).multiLineText().optional(),
                              field::string("document_number").length(1, 100).optional(),
                              at_field("started_at", "When the measure took effect")}},
                [db, calendar](const Request& r) {
                    auto at = instant(r.json, "started_at");
                    if (!at) return Response::problem(at.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::add_measure(*db, *calendar, n, v,
                                               {text(r.json, "kind"), text(r.json, "scope"), text(r.json, "document_number"), *at},
                                               actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/measures/{id}/extension", "extendCaseMeasure",
                "Extend a seizure's term once by 30 days with the reason and the head who approved it (If-Match)",
                AuthRequirement::User,
                extension_body(),
                [db, calendar](const Request& r) {
                    auto id = measure_id(r);
                    if (!id) return Response::problem(id.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::extend_measure(*db, *calendar, n, v, *id,
                                                  {text(r.json, "reason"), text(r.json, "approver")}, actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/measures/{id}/pause", "pauseCaseMeasure",
                "Stop a seizure's term while the seized goods are out for testing, inspection, quarantine or technical "
                "appraisal (expert_opinion), which 行政强制法 第二十五条 leaves out of the term (If-Match)",
                AuthRequirement::User,
                pause_body("When the goods went out"),
                [db, calendar](const Request& r) {
                    auto id = measure_id(r);
                    if (!id) return Response::problem(id.problem());
                    auto at = instant(r.json, "at");
                    if (!at) return Response::problem(at.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::pause_measure(*db, *calendar, n, v, *id,
                                                 {text(r.json, "reason"), text(r.json, "note"), *at}, actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/measures/{id}/resume", "resumeCaseMeasure",
                "Start a seizure's term again when the goods are back; its end moves by the days it stood (If-Match)",
                AuthRequirement::User, ObjectSchema{{at_field("at", "When the result came back")}},
                [db, calendar](const Request& r) {
                    auto id = measure_id(r);
                    if (!id) return Response::problem(id.problem());
                    auto at = instant(r.json, "at");
                    if (!at) return Response::problem(at.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::resume_measure(*db, *calendar, n, v, *id, *at, actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/measures/{id}/end", "endCaseMeasure",
                "End a measure: lifted or completed; a seizure lifted, confiscated or destroyed (If-Match)",
                AuthRequirement::User,
                ObjectSchema{{field::string("result").oneOf({"lifted", "completed", "confiscated", "destroyed"}),
                              field::string("note").length(0, 1000).multiLineText().optional(),
                              at_field("at", "When the measure ended")}},
                [db](const Request& r) {
                    auto id = measure_id(r);
                    if (!id) return Response::problem(id.problem());
                    auto at = instant(r.json, "at");
                    if (!at) return Response::problem(at.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::end_measure(*db, n, v, *id, {text(r.json, "result"), text(r.json, "note"), *at},
                                               actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/transfer", "proposeCaseTransfer",
                "Propose the transfer of the case to the police (移送公安) with its grounds; the head's decision is due "
                "within 3 days (If-Match)",
                AuthRequirement::User, ObjectSchema{{field::string("grounds").length(1, 2000).multiLineText()}},
                [db, calendar](const Request& r) {
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::propose_transfer(*db, *calendar, n, v, text(r.json, "grounds"), actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/transfer/decision", "decideCaseTransfer",
                "The head's decision on the proposed transfer: approved (hand-over due within 24 hours) or refused with "
                "a note (If-Match)",
                AuthRequirement::User,
                ObjectSchema{{field::string("decision").oneOf({"approve", "refuse"}), field::string("approver").length(1, 200),
                              field::string("note").length(1, 1000).multiLineText().optional()}},
                [db, calendar](const Request& r) {
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::decide_transfer(
                            *db, *calendar, n, v,
                            {text(r.json, "decision") == "approve", text(r.json, "approver"), text(r.json, "note")},
                            actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/transfer/handover", "handOverCase",
                "Record the hand-over of an approved transfer to the police body, with the 移送书 number (If-Match)",
                AuthRequirement::User,
                ObjectSchema{{field::string("police_body").length(1, 200), field::string("reference").length(1, 200),
                              at_field("at", "When the police received the case")}},
                [db](const Request& r) {
                    auto at = instant(r.json, "at");
                    if (!at) return Response::problem(at.problem());
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::hand_over(*db, n, v, {text(r.json, "police_body"), text(r.json, "reference"), *at},
                                             actor_of(r));
                    });
                },
                200, kOfficers});

    router.add({"POST", "/api/v1/cases/{number}/outcome", "recordCaseOutcome",
                "Record how the case ended (penalty with amount and legal basis, penalties on persons, no penalty with "
                "its reason, 撤案 with its reason) with the head's approval; the laboratory and the organising bureau "
                "are told (If-Match)",
                AuthRequirement::User,
                ObjectSchema{{field::string("kind").oneOf({"penalty", "no_penalty", "withdrawn"}),
                              field::string("approval").length(1, 500),
                              field::string("decision_number").length(1, 100).optional(),
                              yuan_field("amount").optional(),
                              field::string("legal_basis").length(1, 500).optional(),
                              field::string("reason").length(1, 2000).multiLineText().optional(),
                              field::array("persons", field::object("", ObjectSchema{{field::string("name").length(1, 100),
                                                                                      field::string("position").length(0, 100).optional(),
                                                                                      field::string("penalty").length(1, 200),
                                                                                      yuan_field("amount").optional()}}))
                                  .count(0, 20)
                                  .optional(),
                              at_field("at", "When the decision was made")}},
                [db](const Request& r) {
                    auto at = instant(r.json, "at");
                    if (!at) return Response::problem(at.problem());
                    cs::OutcomeRequest o;
                    o.kind = text(r.json, "kind");
                    o.approval = text(r.json, "approval");
                    o.decision_number = text(r.json, "decision_number");
                    o.amount = optional_text(r.json, "amount");
                    o.legal_basis = text(r.json, "legal_basis");
                    o.reason = text(r.json, "reason");
                    o.at = *at;
                    if (r.json->has("persons")) {
                        auto persons = r.json->getArray("persons");
                        for (std::size_t i = 0; persons && i < persons->size(); ++i) {
                            auto p = persons->getObject(static_cast<unsigned>(i));
                            o.persons.push_back({text(p, "name"), text(p, "position"), text(p, "penalty"),
                                                 optional_text(p, "amount")});
                        }
                    }
                    return change(*db, r, [&](const std::string& n, std::int64_t v) {
                        return cs::record_outcome(*db, n, v, o, actor_of(r));
                    });
                },
                200, kOfficers});
}

}  // namespace lims::api
