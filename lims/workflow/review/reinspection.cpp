#include "lims/workflow/review/reinspection.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/documents/service_of_documents.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/reinspection_handover.hpp"
#include "lims/workflow/review/reinspection_refusal.hpp"
#include "lims/workflow/review/sample_progress.hpp"
#include "lims/workflow/store_time.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

namespace {

constexpr const char* kOriginalLaboratory = "original_laboratory";
constexpr const char* kDesignated = "designated_by_higher_bureau";
constexpr const char* kDrawn = "drawn_from_directory";

// The laboratory that tested first: the one whose signatory issued the report re-inspected,
// else the one whose receipt accepted the sample.
std::optional<LaboratoryRef> original_laboratory(store::Transaction& tx, std::int64_t report_id) {
    const auto rows = documents::select_rows(
        tx,
        "SELECT o.id, o.code, o.name FROM organisations o WHERE o.id = COALESCE("
        "(SELECT u.org_id FROM reports r JOIN users u ON u.id = r.issued_by WHERE r.id = $1), "
        "(SELECT rc.lab_org_id FROM sample_receipts rc JOIN reports r ON r.sample_id = rc.sample_id "
        "WHERE r.id = $1 AND rc.decision = 'accept' ORDER BY rc.id DESC LIMIT 1))",
        static_cast<Poco::Int64>(report_id));
    if (rows.empty()) return std::nullopt;
    return LaboratoryRef{std::stoll(documents::text_or_empty(rows[0][0])), documents::text_or_empty(rows[0][1]),
                         documents::text_or_empty(rows[0][2])};
}

struct ChosenLaboratory {
    LaboratoryRef laboratory;
    std::string basis;
    std::string reference;
    std::optional<LaboratoryDraw> draw;
};

// Drugs: the original laboratory, or the one the higher bureau designated (药品管理法
// 第一百零二条). Cosmetics and devices: drawn at random from the directory, never the
// original (化妆品监督管理条例 第五十八条, 医疗器械监督管理条例 第七十五条).
domain::Result<ChosenLaboratory> choose_laboratory(store::Transaction& tx, const domain::Sample& sample,
                                                   std::int64_t report_id, std::string_view rule_category,
                                                   const ReinspectionApplication& app) {
    auto original = original_laboratory(tx, report_id);
    if (!original)
        return domain::errors::conflict("review.reinspection_no_original_laboratory",
                                        "the report on sample " + sample.number +
                                            " names no issuing laboratory: the original laboratory is unknown");
    if (rule_category == "drug") {
        if (!app.designated_laboratory_code) return ChosenLaboratory{*original, kOriginalLaboratory, "", std::nullopt};
        if (app.designation_reference.empty())
            return domain::errors::invalid("designation_reference", "review.reinspection_designation",
                                           "a laboratory designated by the higher bureau needs the designation's "
                                           "reference (its document number)");
        auto designated = laboratory_by_code(tx, *app.designated_laboratory_code, "designated_laboratory_code");
        if (!designated) return designated.error();
        return ChosenLaboratory{*designated, kDesignated, app.designation_reference, std::nullopt};
    }
    if (app.designated_laboratory_code)
        return domain::errors::invalid("designated_laboratory_code", "review.reinspection_designation",
                                       "the re-inspection laboratory of a " + std::string(rule_category) +
                                           " is drawn at random from the directory of re-inspection laboratories "
                                           "(复检机构名录), not designated");
    auto draw = draw_reinspection_laboratory(tx, std::string(rule_category), *original, app.draw_seed);
    if (!draw) return draw.error();
    auto chosen = draw->chosen();
    return ChosenLaboratory{std::move(chosen), kDrawn, "", std::move(*draw)};
}

}  // namespace


domain::Result<Reinspection> apply_reinspection(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                const ReinspectionApplication& app, const Actor& actor) {
    auto sample = store::SampleRepository(tx).get_by_id(app.sample_id);
    if (!sample)
        return domain::errors::not_found("review.sample_not_found", "sample " + std::to_string(app.sample_id) + " does not exist");
    if (app.applicant_name.empty())
        return domain::errors::invalid("applicant", "review.reinspection_applicant", "the applicant's name is required");

    std::optional<store::ReportRecord> report;
    for (const auto& r : store::ReportRepository(tx).for_sample(sample->id))
        if (r.round == kFirstExamination && r.state == "issued") report = r;
    if (!report || !report->issued_at)
        return domain::errors::conflict("review.reinspection_no_report",
                                  "sample " + sample->number + " has no issued report to re-inspect");
    int earlier = 0;
    tx.session() << "SELECT count(*) FROM reinspections WHERE sample_id = $1", bind(sample->id), into(earlier), now;
    if (earlier > 0) {
        if (auto before = find_reinspection(tx, sample->id); before && before->state == "refused")
            return domain::errors::conflict("review.reinspection_repeated",
                                            "the re-inspection application for sample " + sample->number +
                                                " was not accepted (不予受理) on " + before->refused_at + " by " +
                                                before->refused_by + " (" + before->refusal_reason +
                                                "); 复验 is applied for once");
        return domain::errors::conflict("review.reinspection_repeated",
                                  "sample " + sample->number + " has been re-inspected already; 复验 is done once");
    }

    // Who may apply: the sampled unit, or the labelled manufacturer.
    // The category is the sample's: its catalogue product's, or what was read on the label
    // for a sample registered from its label. Never a default: the rule differs by category.
    std::string category;
    std::optional<std::int64_t> manufacturer;
    if (sample->product_id) {
        std::vector<std::string> cat;
        std::vector<Poco::Nullable<Poco::Int64>> maker;
        tx.session() << "SELECT category, manufacturer_entity_id FROM products WHERE id = $1", bind(*sample->product_id),
            into(cat), into(maker), now;
        if (!cat.empty()) {
            category = cat.front();
            if (!maker.front().isNull()) manufacturer = maker.front().value();
        }
    }
    if (category.empty()) {
        std::vector<std::string> label;
        tx.session() << "SELECT category FROM sample_labels WHERE sample_id = $1", bind(sample->id), into(label), now;
        if (!label.empty()) category = label.front();
    }
    if (category.empty())
        return domain::errors::conflict("review.reinspection_category",
                                        "sample " + sample->number +
                                            " has neither a catalogue product nor a label category: the re-inspection "
                                            "rule (drugs, cosmetics or devices) cannot be chosen");
    auto window = documents::reinspection_period(documents::default_service_periods(), category);
    if (!window) return window.error();
    if (app.applicant_entity_id) {
        const auto expected = app.applicant == Applicant::sampled_unit ? sample->entity_id : manufacturer;
        if (!expected || *expected != *app.applicant_entity_id)
            return domain::errors::invalid("applicant", "review.reinspection_applicant",
                                      "entity " + std::to_string(*app.applicant_entity_id) + " is not the " +
                                          (app.applicant == Applicant::sampled_unit ? "sampled unit" : "labelled manufacturer") +
                                          " of sample " + sample->number);
    }

    // The window runs from the proven date of service on the applicant (送达 with its
    // evidence, documents/service_of_documents.hpp); without one, from the receipt the
    // applicant states.
    auto proven = documents::first_proven_service(tx, report->id,
                                                  app.applicant == Applicant::sampled_unit ? documents::Recipient::sampled_unit
                                                                                           : documents::Recipient::manufacturer);
    if (!proven) return proven.error();
    const domain::Instant window_start =
        *proven ? documents::start_of_service_day((*proven)->served_on) : app.report_received_at;
    const std::string received_how =
        *proven ? "served on " + domain::format_date((*proven)->served_on) + ", 送达回证 " + (*proven)->number
                : store_time(app.report_received_at);
    auto issued = parse_store_time(*report->issued_at);
    if (!issued) return issued.error();
    if (!*proven && app.report_received_at < *issued)
        return domain::errors::invalid("report_received_at", "review.reinspection_received_at",
                                  "the report cannot have been received (" + store_time(app.report_received_at) +
                                      ") before it was issued (" + *report->issued_at + ")");
    const auto rule = (*window)->rule;
    auto counted = domain::counted_deadline_for(calendar, rule, window_start);
    if (!counted) return counted.error();
    const domain::Instant deadline = counted->due;
    auto now_instant = parse_store_time(tx.now_utc());
    if (!now_instant) return now_instant.error();
    if (domain::is_overdue(deadline, *now_instant))
        return domain::errors::conflict("review.reinspection_late",
                                  "re-inspection of sample " + sample->number + " had to be applied for within " +
                                      domain::describe(rule) + " (" + (*window)->citation + ") of receiving report " +
                                      report->number + " (" +
                                      received_how + "), that is before " + store_time(deadline) +
                                      (counted->provisional ? " (counted on a provisional calendar year: statutory "
                                                              "holidays only, the State Council's notice is not loaded)"
                                                            : "") +
                                      "; applied " + tx.now_utc());

    int retained = 0;
    tx.session() << "SELECT count(*) FROM sample_portions WHERE sample_id = $1 AND kind = 'retained'", bind(sample->id),
        into(retained), now;
    if (retained == 0)
        return domain::errors::conflict("review.reinspection_no_retained_portion",
                                  "sample " + sample->number + " has no retained portion (留样) to re-inspect");

    auto chosen = choose_laboratory(tx, *sample, report->id, domain::statutory::rule_category_of(category), app);
    if (!chosen) return chosen.error();

    // The receiver registers the application; the window and "once" were checked above.
    auto requested = domain::apply(domain::machines::sample(), sample->state,
                                   {.action = "apply_reinspection", .actor_roles = actor.roles,
                                    .supplied = {domain::Recorded::applicant},
                                    .guard_holds = [](std::string_view g) {
                                        return g == "within_reinspection_window" || g == "not_reinspected_before";
                                    }});
    if (!requested) return requested.error();
    store::SampleRepository samples(tx);
    const auto before = store::to_json(*sample);
    auto moved = samples.move_state(*sample, sample->version, std::string(*requested));
    if (!moved) return moved.error();
    tx.record({actor.name, "sample.apply_reinspection", "sample", moved->number, before, store::to_json(*moved),
               "applicant: " + app.applicant_name});
    auto started = advance_sample(tx, sample->id, "start_reinspection", actor,
                                  [](std::string_view g) { return g == "retained_portion_intact"; });
    if (!started) return started.error();

    const std::string kind = app.applicant == Applicant::sampled_unit ? "sampled_unit" : "manufacturer";
    const std::string at = tx.now_utc(), received = store_time(window_start), due = store_time(deadline);
    Poco::Nullable<Poco::Int64> provisional;  // NULL unless counted through a provisional year
    if (counted->provisional) provisional = 1;
    Poco::Nullable<Poco::Int64> applicant_entity;
    if (app.applicant_entity_id) applicant_entity = *app.applicant_entity_id;
    Poco::Nullable<Poco::Int64> window_service;  // NULL: counted from the stated receipt
    if (*proven) window_service = (*proven)->service_id;
    Poco::Int64 id = 0;
    tx.session() << "INSERT INTO reinspections (sample_id, original_report_id, applicant_kind, applicant_entity_id, "
                    "applicant_name, report_received_at, applied_at, deadline_at, state, version, created_at, updated_at, "
                    "deadline_provisional, window_service_id, laboratory_org_id, laboratory_basis, laboratory_reference, "
                    "rule_id, rule_citation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'in_testing', 1, $9, "
                    "$10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
        bind(sample->id), bind(report->id), bind(kind), bind(applicant_entity), bind(app.applicant_name), bind(received),
        bind(at), bind(due), bind(at), bind(at), bind(provisional), bind(window_service),
        bind(static_cast<Poco::Int64>(chosen->laboratory.id)), bind(chosen->basis), bind(chosen->reference),
        bind((*window)->key), bind((*window)->citation), into(id), now;
    tx.record({actor.name, "reinspection.apply", "reinspection", std::to_string(id), "",
               "{\"sample\":\"" + sample->number + "\",\"report\":\"" + report->number + "\",\"applicant_kind\":\"" +
                   kind + "\",\"deadline_at\":\"" + due + "\"" +
                   (counted->provisional ? ",\"deadline_provisional\":true" : "") +
                   (*proven ? ",\"window_from_service\":\"" + (*proven)->number + "\"" : "") +
                   ",\"rule\":\"" + (*window)->key + "\",\"laboratory\":\"" + chosen->laboratory.code +
                   "\",\"laboratory_basis\":\"" + chosen->basis + "\"}",
               "applicant: " + app.applicant_name});
    if (chosen->draw) record_draw(tx, id, *chosen->draw, actor);

    // The retained portion is tested through the same chain: round 2 tests. The actor is
    // the receiver, who may create tests.
    auto tests = create_tests(tx, sample->id, actor, kReinspection);
    if (!tests) return tests.error();
    // Read back as the screen and GET read it: the rule, the laboratory, where it stands.
    auto registered = find_reinspection(tx, sample->id);
    if (!registered) return registered.error();
    registered->tests = std::move(*tests);
    return registered;
}

domain::Result<Reinspection> find_reinspection(store::Transaction& tx, std::int64_t sample_id) {
    const auto rows = documents::select_rows(
        tx,
        "SELECT ri.id, ri.original_report_id, ri.deadline_at, ri.deadline_provisional, "
        "COALESCE(p.category, sl.category), ri.rule_id, ri.rule_citation, o.id, o.code, o.name, ri.laboratory_basis, "
        "ri.laboratory_reference FROM reinspections ri JOIN samples s ON s.id = ri.sample_id "
        "LEFT JOIN products p ON p.id = s.product_id LEFT JOIN sample_labels sl ON sl.sample_id = s.id "
        "LEFT JOIN organisations o ON o.id = ri.laboratory_org_id WHERE ri.sample_id = $1",
        static_cast<Poco::Int64>(sample_id));
    if (rows.empty())
        return domain::errors::not_found("review.reinspection_not_found",
                                         "sample " + std::to_string(sample_id) + " has no re-inspection");
    const auto& r = rows[0];
    using documents::text_or_empty;
    Reinspection re;
    re.id = std::stoll(text_or_empty(r[0]));
    re.sample_id = sample_id;
    re.original_report_id = std::stoll(text_or_empty(r[1]));
    re.deadline_at = text_or_empty(r[2]);
    re.deadline_provisional = r[3].has_value() && text_or_empty(r[3]) != "0";
    re.category = text_or_empty(r[4]);
    re.rule_id = text_or_empty(r[5]);
    re.citation = text_or_empty(r[6]);
    // Applications from before migration 9 kept no rule: the active one for the category.
    if (!re.rule_id.empty()) {
        if (const auto* rule = domain::statutory::active_rules().find(re.rule_id))
            re.rule = documents::describe_in_chinese(rule->deadline);
    }
    if (r[7]) re.laboratory = {std::stoll(*r[7]), text_or_empty(r[8]), text_or_empty(r[9])};
    re.laboratory_basis = text_or_empty(r[10]);
    re.laboratory_reference = text_or_empty(r[11]);
    re.draw = draw_of(tx, re.id);
    const auto status = documents::select_rows(
        tx,
        "SELECT ri.state, s.state, ri.applicant_kind, ri.applicant_name, ri.applied_at, ri.report_received_at, "
        "sv.number, orig.number, rr.number, rr.state, rr.conclusion, s.version FROM reinspections ri "
        "JOIN samples s ON s.id = ri.sample_id JOIN reports orig ON orig.id = ri.original_report_id "
        "LEFT JOIN document_services sv ON sv.id = ri.window_service_id "
        "LEFT JOIN reports rr ON rr.id = COALESCE(ri.result_report_id, (SELECT max(r2.id) FROM reports r2 "
        "WHERE r2.sample_id = ri.sample_id AND r2.round = 2)) WHERE ri.id = $1",
        static_cast<Poco::Int64>(re.id));
    if (!status.empty()) {
        const auto& st = status[0];
        re.state = text_or_empty(st[0]);
        re.sample_state = text_or_empty(st[1]);
        re.applicant_kind = text_or_empty(st[2]);
        re.applicant_name = text_or_empty(st[3]);
        re.applied_at = text_or_empty(st[4]);
        re.window_from = text_or_empty(st[5]);
        re.window_service_number = text_or_empty(st[6]);
        re.original_report_number = text_or_empty(st[7]);
        re.result_report_number = text_or_empty(st[8]);
        re.result_report_state = text_or_empty(st[9]);
        re.result_conclusion = text_or_empty(st[10]);
        re.sample_version = std::stoll(text_or_empty(st[11]));
    }
    re.handover = retained_portion_handover(tx, sample_id);
    if (auto refusal = reinspection_refusal(tx, re.id)) {
        re.state = "refused";
        re.refused_at = refusal->refused_at;
        re.refused_by = refusal->refused_by;
        re.refusal_reason = refusal->reason;
    }
    return re;
}

}  // namespace lims::workflow::review
