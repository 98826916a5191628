// Re-inspection (复验): the sampled unit or the labelled manufacturer applies within the
// window after receiving the report (drugs 7 days, 药品管理法 第一百零二条; cosmetics and
// devices 7 working days, 化妆品监督管理条例 第五十一条 / 医疗器械监督管理条例 第七十五条);
// the retained portion is tested through the same chain (round 2 tests) and its report
// supersedes the first (report.hpp). Called by the re-inspection route.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

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
};

struct Reinspection {
    std::int64_t id = 0;
    std::int64_t sample_id = 0;
    std::int64_t original_report_id = 0;
    std::string deadline_at;
    bool deadline_provisional = false;  // counted through a provisional calendar year
    std::vector<store::TestRecord> tests;  // round 2, on the retained portion
};

// Errors: review.sample_not_found, review.reinspection_no_report (no issued report to
// re-inspect), review.reinspection_late (names the deadline and the application time),
// review.reinspection_applicant (an applicant who is neither the sampled unit nor the
// manufacturer, or no name), review.reinspection_repeated (once only),
// review.reinspection_no_retained_portion, review.reinspection_received_at (before the
// report was issued), transition.*.
domain::Result<Reinspection> apply_reinspection(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                const ReinspectionApplication& application, const Actor& actor);

}  // namespace lims::workflow::review
