// Re-inspection (复验 / 复检) over HTTP: a sample's application and what was registered
// (/api/v1/samples/{number}/reinspection: the statutory rule of the window with its
// citation, the re-inspection laboratory and, for cosmetics and devices, the random draw
// from the directory), and the directory of re-inspection laboratories (复检机构名录) kept
// by administrators (/api/v1/reinspection-laboratories). A thin table over
// lims/workflow/review/reinspection*.hpp; the draw's seed comes from getrandom here, never
// from the request.
#include "lims/api/routes/review_common.hpp"

#include "lims/api/person_names.hpp"
#include "lims/api/schemas/catalogue.hpp"
#include "lims/api/secure_random.hpp"
#include "lims/workflow/review/notice_steps.hpp"
#include "lims/workflow/review/reinspection_handover.hpp"
#include "lims/workflow/review/reinspection_refusal.hpp"
#include "lims/workflow/review/reinspection_laboratories.hpp"

#include <array>
#include <cstring>

namespace lims::api {

namespace {

using namespace review_tables;
using namespace schemas;

// Who reads a sample's re-inspection: who reads its report.
constexpr domain::RoleSet kReinspectionReaders{planner, receiver, analyst, reviewer, signatory,
                                               enforcement_officer, bureau_viewer, administrator};

Json laboratory_json(const rv::LaboratoryRef& lab) {
    auto o = newObject();
    o->set("id", lab.id);
    o->set("code", lab.code);
    o->set("name", lab.name);
    return o;
}

FieldSchema laboratory_schema(std::string name) {
    return object(std::move(name), {field::integer("id"), field::string("code"), field::string("name")});
}

// The retained portion's hand-over, as a link of the chain of custody.
Json handover_json(const store::CustodyEvent& e) {
    auto o = newObject();
    o->set("action", e.action);
    o->set("actor", e.actor);
    o->set("holder_organisation_id", e.holder_org_id);
    o->set("holder_organisation_code", e.holder_org_code);
    o->set("note", e.note);
    o->set("at", e.at_utc);
    return o;
}

Json reinspection_json(const rv::Reinspection& re, bool with_tests) {
    auto o = newObject();
    o->set("id", re.id);
    o->set("deadline_at", re.deadline_at);
    if (re.deadline_provisional) o->set("deadline_provisional", true);
    o->set("category", re.category);
    o->set("rule_id", re.rule_id.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(re.rule_id));
    o->set("rule", re.rule.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(re.rule));
    o->set("citation", re.citation.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(re.citation));
    o->set("laboratory", re.laboratory.id ? Poco::Dynamic::Var(laboratory_json(re.laboratory)) : Poco::Dynamic::Var());
    o->set("laboratory_basis", re.laboratory_basis.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(re.laboratory_basis));
    o->set("laboratory_reference",
           re.laboratory_reference.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(re.laboratory_reference));
    if (re.draw) {
        auto d = newObject();
        d->set("excluded", laboratory_json(re.draw->excluded));
        Poco::JSON::Array::Ptr candidates = new Poco::JSON::Array;
        for (const auto& c : re.draw->candidates) candidates->add(laboratory_json(c));
        d->set("candidates", candidates);
        d->set("seed", rv::seed_hex(re.draw->seed));
        d->set("chosen_index", static_cast<Poco::Int64>(re.draw->chosen_index));
        d->set("rule", "chosen_index = seed mod count(candidates); candidates in ascending id, the original "
                       "laboratory left out");
        o->set("draw", d);
    } else {
        o->set("draw", Poco::Dynamic::Var());
    }
    auto or_null = [](const std::string& v) { return v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v); };
    o->set("state", re.state);
    o->set("sample_state", re.sample_state);
    o->set("applicant_kind", re.applicant_kind);
    o->set("applicant_name", re.applicant_name);
    o->set("applied_at", re.applied_at);
    o->set("window_from", re.window_from);
    o->set("window_service_number", or_null(re.window_service_number));
    o->set("original_report_number", re.original_report_number);
    o->set("handover", re.handover ? Poco::Dynamic::Var(handover_json(*re.handover)) : Poco::Dynamic::Var());
    o->set("result_report_number", or_null(re.result_report_number));
    o->set("result_report_state", or_null(re.result_report_state));
    o->set("result_conclusion", or_null(re.result_conclusion));
    o->set("sample_version", re.sample_version);
    o->set("refused_at", or_null(re.refused_at));
    o->set("refused_by", or_null(re.refused_by));
    o->set("refusal_reason", or_null(re.refusal_reason));
    if (with_tests) {
        Poco::JSON::Array::Ptr tests = new Poco::JSON::Array;
        for (const auto& t : re.tests) tests->add(test_json(t));
        o->set("tests", tests);
    }
    return o;
}

// Who refused an application, who handed the portion over: named beside the logins
// (person_names.hpp).
const std::vector<std::string> kReinspectionPeople{"refused_by", "actor"};

FieldSchema directory_entry_schema() {
    return object({field::integer("id"), laboratory_schema("laboratory"), field::string("category"),
                   field::string("action").oneOf({"listed", "delisted"}), field::string("basis"),
                   field::string("recorded_by"), dateTime("recorded_at")});
}

Json directory_entry_json(const rv::DirectoryEntry& e) {
    auto o = newObject();
    o->set("id", e.id);
    o->set("laboratory", laboratory_json(e.laboratory));
    o->set("category", e.category);
    o->set("action", e.action);
    o->set("basis", e.basis);
    o->set("recorded_by", e.recorded_by);
    o->set("recorded_at", e.recorded_at);
    return o;
}

Outcome<std::uint64_t> draw_seed() {
    std::array<unsigned char, sizeof(std::uint64_t)> bytes{};
    if (auto problem = fillSecureRandom(bytes); !problem.empty())
        return problems::serviceUnavailable("no random seed for the laboratory draw: " + problem);
    std::uint64_t seed = 0;
    std::memcpy(&seed, bytes.data(), bytes.size());
    return seed;
}

rv::DirectoryChange change_of(const Request& r) {
    return {text(r.json, "organisation_code"), text(r.json, "category"), text(r.json, "basis")};
}

ObjectSchema directory_change_body() {
    return ObjectSchema{{field::string("organisation_code").length(1, 50),
                         field::string("category").oneOf({"drug", "cosmetic", "device"}),
                         field::string("basis").length(1, 500).describedAs("The directory notice (公告) or decision")}};
}

}  // namespace

void add_reinspection_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::WorkingCalendar* calendar = context.calendar;

    router.add({"POST", "/api/v1/samples/{number}/reinspection", "applyReinspection",
                "Register a re-inspection (复验/复检) application of the sampled unit or the labelled manufacturer within "
                "the statutory rule of the sample's category (refused with the deadline when late); the laboratory is "
                "the original one or one designated by the higher bureau for drugs, drawn at random from the directory "
                "for cosmetics and devices, never the original",
                AuthRequirement::User,
                ObjectSchema{{field::string("applicant").oneOf({"sampled_unit", "manufacturer"}),
                              field::integer("applicant_entity_id").range(1, std::numeric_limits<std::int64_t>::max()).optional(),
                              field::string("applicant_name").length(1, 200),
                              field::string("report_received_at").withFormat("date-time"),
                              field::string("designated_laboratory_code").length(1, 50).optional().describedAs(
                                  "Drugs: the laboratory the higher bureau designated, by organisation code"),
                              field::string("designation_reference").length(1, 200).optional().describedAs(
                                  "The designation's reference (document number); required with the laboratory")}},
                [db, calendar](const Request& r) {
                    // Looked at before the body's time is judged; the use case checks again.
                    if (auto hidden = hidden_from_caller(*db, r, Record::sample, "number")) return std::move(*hidden);
                    auto received = wf::parse_store_time(text(r.json, "report_received_at"));
                    if (!received) return Response::error(received.error());
                    auto seed = draw_seed();
                    if (!seed) return Response::problem(seed.problem());
                    rv::ReinspectionApplication app;
                    app.applicant = text(r.json, "applicant") == "manufacturer" ? rv::Applicant::manufacturer
                                                                                : rv::Applicant::sampled_unit;
                    if (r.json->has("applicant_entity_id"))
                        app.applicant_entity_id = r.json->getValue<Poco::Int64>("applicant_entity_id");
                    app.applicant_name = text(r.json, "applicant_name");
                    app.report_received_at = *received;
                    if (r.json->has("designated_laboratory_code"))
                        app.designated_laboratory_code = text(r.json, "designated_laboratory_code");
                    app.designation_reference = text(r.json, "designation_reference");
                    app.draw_seed = *seed;
                    auto re = rv::apply_reinspection(*db, *calendar, r.params.at("number"), app, actor_of(r));
                    if (!re) return Response::error(re.error());
                    return Response::json(201, with_person_names(*db, reinspection_json(*re, true), kReinspectionPeople));
                },
                201, {receiver}});

    router.add({"GET", "/api/v1/samples/{number}/reinspection", "getReinspection",
                "A sample's re-inspection as registered: the deadline, the statutory rule with its citation, the "
                "re-inspection laboratory and on what basis, and the random draw (candidates, seed, index) when drawn",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto re = rv::find_reinspection(*db, r.params.at("number"), actor_of(r));
                    if (!re) return Response::error(re.error());
                    return Response::json(200, with_person_names(*db, reinspection_json(*re, false), kReinspectionPeople))
                        .withHeader("ETag", etagFor(re->sample_version));
                },
                200, kReinspectionReaders});

    router.add({"POST", "/api/v1/samples/{number}/reinspection/handover", "handOverRetainedPortion",
                "Hand the retained portion (留样, 复验备份) over to the re-inspection laboratory: the seals read are "
                "checked against the sampling record and must be intact; recorded once as a link of the chain of "
                "custody (the re-inspection laboratory the holder after), audited",
                AuthRequirement::User,
                ObjectSchema{{field::array("seal_numbers", field::string("seal_number").length(1, 50)).describedAs(
                                  "Every seal number read on the retained portion's package"),
                              field::boolean("seals_intact").describedAs("The seals were looked at and are unbroken"),
                              field::string("received_by").length(1, 200).describedAs(
                                  "Who took the portion at the re-inspection laboratory"),
                              field::string("note").length(0, 1000).multiLineText().optional()}},
                [db](const Request& r) {
                    rv::RetainedPortionHandover h;
                    if (auto seals = r.json->getArray("seal_numbers"))
                        for (std::size_t i = 0; i < seals->size(); ++i) h.seal_numbers.push_back(seals->getElement<std::string>(static_cast<unsigned>(i)));
                    h.seals_intact = r.json->getValue<bool>("seals_intact");
                    h.received_by = text(r.json, "received_by");
                    h.note = text(r.json, "note");
                    auto done = rv::hand_over_retained_portion(*db, r.params.at("number"), h, actor_of(r));
                    if (!done) return Response::error(done.error());
                    return Response::json(201, with_person_names(*db, handover_json(*done), kReinspectionPeople));
                },
                201, {receiver}});

    router.add({"POST", "/api/v1/samples/{number}/reinspection/refusal", "refuseReinspection",
                "Do not accept (不予受理) a recorded re-inspection application, with the reason: recorded once "
                "(who, when, why) beside the application, audited; the sample is reported again, round 2's tests "
                "without a result are cancelled, the retained portion stays for its other uses and is not handed "
                "over. Refused once the retained portion went to the laboratory or round 2 has a result. If-Match: "
                "the sample_version of GET .../reinspection",
                AuthRequirement::User,
                ObjectSchema{{field::string("reason").length(1, 1000).multiLineText().describedAs(
                    "Why the application is not accepted")}},
                [db](const Request& r) {
                    if (auto hidden = hidden_from_caller(*db, r, Record::sample, "number")) return std::move(*hidden);
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto re = rv::refuse_reinspection(*db, r.params.at("number"), *version, text(r.json, "reason"),
                                                      actor_of(r));
                    if (!re) return Response::error(re.error());
                    return Response::json(201, with_person_names(*db, reinspection_json(*re, false), kReinspectionPeople))
                        .withHeader("ETag", etagFor(re->sample_version));
                },
                201, {receiver}});

    router.add({"GET", "/api/v1/reinspection-laboratories", "listReinspectionLaboratories",
                "The directory of re-inspection laboratories (复检机构名录) as it stands, per category",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    for (const auto& [name, value] : r.query)
                        if (name != "category")
                            return Response::problem(problems::badRequest("query parameter " + name + ": unknown (known: category)"));
                    std::optional<std::string> category;
                    if (auto it = r.query.find("category"); it != r.query.end()) category = it->second;
                    auto listed = rv::reinspection_directory(*db, category);
                    if (!listed) return Response::error(listed.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& l : *listed) {
                        auto o = newObject();
                        o->set("laboratory", laboratory_json(l.laboratory));
                        o->set("category", l.category);
                        o->set("basis", l.basis);
                        o->set("listed_by", l.listed_by);
                        o->set("listed_at", l.listed_at);
                        items->add(o);
                    }
                    auto body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles, KeyReplay::once,
                {query::string("category", "Only this category: drug, cosmetic or device.").oneOf({"drug", "cosmetic", "device"})},
                {ok(object({field::array("items", object({laboratory_schema("laboratory"), field::string("category"),
                                                          field::string("basis"), field::string("listed_by"),
                                                          dateTime("listed_at")}))}))}});

    router.add({"POST", "/api/v1/reinspection-laboratories", "listReinspectionLaboratory",
                "Add an inspection centre to the directory of re-inspection laboratories for a category, with the "
                "notice it rests on (audited)",
                AuthRequirement::User, directory_change_body(),
                [db](const Request& r) {
                    auto entry = rv::list_reinspection_laboratory(*db, change_of(r), actor_of(r));
                    if (!entry) return Response::error(entry.error());
                    return Response::json(201, directory_entry_json(*entry));
                },
                201, {administrator}, KeyReplay::once, {}, {created(directory_entry_schema())}});

    router.add({"POST", "/api/v1/reinspection-laboratories/delisting", "delistReinspectionLaboratory",
                "Take a laboratory out of the directory for a category, with the notice it rests on (audited; the "
                "history is kept)",
                AuthRequirement::User, directory_change_body(),
                [db](const Request& r) {
                    auto entry = rv::delist_reinspection_laboratory(*db, change_of(r), actor_of(r));
                    if (!entry) return Response::error(entry.error());
                    return Response::json(201, directory_entry_json(*entry));
                },
                201, {administrator}, KeyReplay::once, {}, {created(directory_entry_schema())}});
}

}  // namespace lims::api
