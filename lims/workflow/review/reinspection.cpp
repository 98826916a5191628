#include "lims/workflow/review/reinspection.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/documents/service_of_documents.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/sample_progress.hpp"
#include "lims/workflow/store_time.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

namespace {

// Drugs, vaccines and biologicals fall under 药品管理法; cosmetics and devices under their
// own regulations: the periods the service of documents counts too (service_periods.hpp).
domain::DeadlineRule window_for(const std::string& category) {
    return documents::reinspection_period(documents::default_service_periods(), category).rule;
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
    if (earlier > 0)
        return domain::errors::conflict("review.reinspection_repeated",
                                  "sample " + sample->number + " has been re-inspected already; 复验 is done once");

    // Who may apply: the sampled unit, or the labelled manufacturer.
    std::string category = "drug";
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
    const auto rule = window_for(category);
    auto counted = domain::counted_deadline_for(calendar, rule, window_start);
    if (!counted) return counted.error();
    const domain::Instant deadline = counted->due;
    auto now_instant = parse_store_time(tx.now_utc());
    if (!now_instant) return now_instant.error();
    if (domain::is_overdue(deadline, *now_instant))
        return domain::errors::conflict("review.reinspection_late",
                                  "re-inspection of sample " + sample->number + " had to be applied for within " +
                                      domain::describe(rule) + " of receiving report " + report->number + " (" +
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
                    "deadline_provisional, window_service_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'in_testing', 1, $9, "
                    "$10, $11, $12) RETURNING id",
        bind(sample->id), bind(report->id), bind(kind), bind(applicant_entity), bind(app.applicant_name), bind(received),
        bind(at), bind(due), bind(at), bind(at), bind(provisional), bind(window_service), into(id), now;
    tx.record({actor.name, "reinspection.apply", "reinspection", std::to_string(id), "",
               "{\"sample\":\"" + sample->number + "\",\"report\":\"" + report->number + "\",\"applicant_kind\":\"" +
                   kind + "\",\"deadline_at\":\"" + due + "\"" +
                   (counted->provisional ? ",\"deadline_provisional\":true" : "") +
                   (*proven ? ",\"window_from_service\":\"" + (*proven)->number + "\"" : "") + "}",
               "applicant: " + app.applicant_name});

    // The retained portion is tested through the same chain: round 2 tests. The actor is
    // the receiver, who may create tests.
    auto tests = create_tests(tx, sample->id, actor, kReinspection);
    if (!tests) return tests.error();
    return Reinspection{id, sample->id, report->id, due, counted->provisional, std::move(*tests)};
}

}  // namespace lims::workflow::review
