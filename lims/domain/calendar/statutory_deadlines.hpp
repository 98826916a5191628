// The deadline rules the system ships with (DOMAIN.md, "Workflow and statutory clocks").
// Every one is a default for configuration: provinces and product categories differ and
// texts change, so workflow reads the configured rule and falls back to these.
#pragma once

#include "lims/domain/calendar/deadline.hpp"

namespace lims::domain::statutory {

// Testing: the report is issued within 25 working days of receipt of a drug sample
// (药品质量抽查检验管理办法); extended only with a recorded approval.
inline constexpr DeadlineRule kDrugReport{25, DeadlineUnit::working_days};

// Nonconformity: the report goes to the bureaus concerned within 2 working days, within
// 24 hours where the risk to health is serious (药品质量抽查检验管理办法).
inline constexpr DeadlineRule kNonconformityNotice{2, DeadlineUnit::working_days};
inline constexpr DeadlineRule kNonconformityNoticeSeriousRisk{24, DeadlineUnit::hours};

// Re-inspection (复验): drugs within 7 days of receiving the result (药品管理法 第一百零二条;
// 药品管理法实施条例 第五十四条); cosmetics and devices within 7 working days
// (化妆品监督管理条例 第五十一条; 医疗器械监督管理条例 第七十五条).
inline constexpr DeadlineRule kDrugReinspectionApplication{7, DeadlineUnit::calendar_days};
inline constexpr DeadlineRule kCosmeticDeviceReinspectionApplication{7, DeadlineUnit::working_days};

// Case lead: verified and decided within 15 working days of discovery or receipt, one
// extension of 15 working days with the head's recorded approval; time for testing,
// inspection, quarantine or expert opinion does not count (市场监督管理行政处罚程序规定
// 第十八条至第二十条).
inline constexpr DeadlineRule kCaseLeadDecision{15, DeadlineUnit::working_days};
inline constexpr DeadlineRule kCaseLeadExtension{15, DeadlineUnit::working_days};

// Filed case: decided within 90 days of filing, extension of 30 with approval; the same
// pauses apply (市场监督管理行政处罚程序规定).
inline constexpr DeadlineRule kFiledCaseDecision{90, DeadlineUnit::calendar_days};
inline constexpr DeadlineRule kFiledCaseExtension{30, DeadlineUnit::calendar_days};

// Transfer to the police: the head decides within 3 days; handed over within 24 hours of
// approval (行政执法机关移送涉嫌犯罪案件的规定 第五条).
inline constexpr DeadlineRule kTransferDecision{3, DeadlineUnit::calendar_days};
inline constexpr DeadlineRule kTransferHandover{24, DeadlineUnit::hours};

// Sampling: at least two samplers sign (药品管理法实施条例 第五十二条).
inline constexpr int kMinimumSamplers = 2;

}  // namespace lims::domain::statutory
