// The statutory clocks the code counts, by name. Each names a rule of the statutory rule
// catalogue (statutory_rules.hpp: length, unit, start event and citation are configuration,
// loaded from fixtures/statutory-rules.txt or lims.statutory.rules) and reads it from the
// active catalogue whenever it is used as a DeadlineRule, so nothing here is a constant
// period. The citations are in the catalogue file, not here.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_rules.hpp"

#include <string_view>

namespace lims::domain::statutory {

// A rule of the active catalogue by id; converts to its DeadlineRule at each use.
struct RuleRef {
    std::string_view id;

    const StatutoryRule& rule() const { return statutory::rule(id); }
    operator DeadlineRule() const { return rule().deadline; }  // NOLINT: read where a rule is wanted
};

// Testing: report within 25 working days of receipt of a drug sample.
inline constexpr RuleRef kDrugReport{"report.drug"};
// Nonconformity: the report to the bureaus within 2 working days, 24 hours where the risk
// to health is serious.
inline constexpr RuleRef kNonconformityNotice{"notice.nonconformity"};
inline constexpr RuleRef kNonconformityNoticeSeriousRisk{"notice.nonconformity_serious"};
// Service of the report on the sampled unit and the labelled manufacturer.
inline constexpr RuleRef kReportService{"service.report"};
// Re-inspection (复验 / 复检) windows from the proven date of service, by category.
inline constexpr RuleRef kDrugReinspectionApplication{"reinspection.drug"};
inline constexpr RuleRef kCosmeticReinspectionApplication{"reinspection.cosmetic"};
inline constexpr RuleRef kDeviceReinspectionApplication{"reinspection.device"};
// The labelled manufacturer's objection that the sample is not its product.
inline constexpr RuleRef kAuthenticityObjection{"objection.authenticity"};
// Case lead: verified and decided within 15 working days, one extension of 15; time for
// testing, inspection, quarantine or expert opinion pauses the clock.
inline constexpr RuleRef kCaseLeadDecision{"case_lead.decision"};
inline constexpr RuleRef kCaseLeadExtension{"case_lead.extension"};
// Filed case: decision within 90 days of filing, extension of 30; the same pauses apply.
inline constexpr RuleRef kFiledCaseDecision{"case.decision"};
inline constexpr RuleRef kFiledCaseExtension{"case.extension"};
// Seizure (查封、扣押): at most 30 days, one extension of at most 30 with the head's approval.
inline constexpr RuleRef kSeizureTerm{"seizure.term"};
inline constexpr RuleRef kSeizureExtension{"seizure.extension"};
// Transfer to the police: the head decides within 3 days, hand-over within 24 hours.
inline constexpr RuleRef kTransferDecision{"transfer.decision"};
inline constexpr RuleRef kTransferHandover{"transfer.handover"};

// Sampling: at least two samplers sign (药品管理法实施条例; a count, not a clock).
inline constexpr int kMinimumSamplers = 2;

}  // namespace lims::domain::statutory
