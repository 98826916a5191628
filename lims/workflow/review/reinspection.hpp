// Re-inspection (复验 / 复检): the sampled unit or the labelled manufacturer applies within the
// window of the statutory rule for the sample's category (statutory_rules.hpp: drugs,
// cosmetics and devices 7 working days as shipped, counted from the proven date of service)
// and the re-inspection laboratory is chosen by the rules: for drugs the original
// laboratory or one designated by the higher bureau (药品管理法 第一百零二条); for cosmetics
// and devices one drawn at random from the directory, never the original
// (化妆品监督管理条例 第五十八条, 医疗器械监督管理条例 第七十五条; reinspection_laboratories.hpp).
// The retained portion is tested through the same chain (round 2 tests) and its report
// supersedes the first (report.hpp). Called by the re-inspection routes.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/review/reinspection_laboratories.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::review {

enum class Applicant { sampled_unit, manufacturer };

struct ReinspectionApplication {
    std::int64_t sample_id = 0;
    Applicant applicant = Applicant::sampled_unit;
    std::optional<std::int64_t> applicant_entity_id;  // when given, must be the sampled unit / the manufacturer
    std::string applicant_name;
    // When the applicant says it received the report. The window counts from the proven
    // date of service on the applicant when one is recorded (送达, documents/
    // service_of_documents.hpp: reinspections.window_service_id names it), else from here.
    domain::Instant report_received_at{};
    // Drugs only: a laboratory designated by the higher bureau instead of the original one
    // (its organisation code), with the designation's reference (document number).
    std::optional<std::string> designated_laboratory_code;
    std::string designation_reference;
    // Cosmetics and devices: the seed of the laboratory draw, from the caller's CSPRNG (the
    // route's getrandom), never from the applicant.
    std::uint64_t draw_seed = 0;
};

struct Reinspection {
    std::int64_t id = 0;
    std::int64_t sample_id = 0;
    std::int64_t original_report_id = 0;
    std::string deadline_at;
    bool deadline_provisional = false;  // counted through a provisional calendar year
    std::vector<store::TestRecord> tests;  // round 2, on the retained portion
    std::string category;                  // the sample's product category
    std::string rule_id;                   // the statutory rule of the window
    std::string rule;                      // "7 个工作日"
    std::string citation;                  // the rule's citation as applied
    LaboratoryRef laboratory;              // who re-inspects
    // original_laboratory, designated_by_higher_bureau or drawn_from_directory
    std::string laboratory_basis;
    std::string laboratory_reference;      // the designation's reference, when designated
    std::optional<LaboratoryDraw> draw;    // cosmetics and devices
    // Where it stands, for the re-inspection screen: the application, the report
    // re-inspected, the retained portion's hand-over and the round-2 result.
    std::string state;                     // in_testing, completed, refused (不予受理, reinspection_refusal.hpp)
    std::int64_t sample_version = 0;       // the sample's version: If-Match of the refusal
    std::string refused_at;                // when refused: when, by whom, why
    std::string refused_by;
    std::string refusal_reason;
    std::string sample_state;              // reinspection_requested, in_reinspection, reinspected
    std::string applicant_kind;            // sampled_unit, manufacturer
    std::string applicant_name;
    std::string applied_at;
    std::string window_from;               // the start of the window (the service day, or the stated receipt)
    std::string window_service_number;     // the 送达回证 the window runs from; empty: the stated receipt
    std::string original_report_number;
    std::optional<store::CustodyEvent> handover;  // the retained portion handed over (reinspection_handover.hpp)
    std::string result_report_number;      // the round-2 report, once drafted
    std::string result_report_state;
    std::string result_conclusion;         // conforms, does_not_conform, once set
};

// Errors: review.sample_not_found, review.reinspection_no_report (no issued report to
// re-inspect), review.reinspection_late (names the deadline and the application time),
// review.reinspection_applicant (an applicant who is neither the sampled unit nor the
// manufacturer, or no name), review.reinspection_repeated (once only),
// review.reinspection_no_retained_portion, review.reinspection_received_at (before the
// report was issued), review.reinspection_category (the sample has no category),
// review.reinspection_no_original_laboratory (the report names no issuing laboratory),
// review.reinspection_designation (a designation for a cosmetic or device, or one
// without its reference), review.reinspection_lab_not_found /
// _kind (the designated laboratory), review.reinspection_no_laboratory (nothing to draw
// from), transition.*.
domain::Result<Reinspection> apply_reinspection(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                const ReinspectionApplication& application, const Actor& actor);

// A sample's re-inspection as registered, with its rule, laboratory and draw (no tests).
// Errors: review.sample_not_found, review.reinspection_not_found.
domain::Result<Reinspection> find_reinspection(store::Transaction& tx, std::int64_t sample_id);

}  // namespace lims::workflow::review
