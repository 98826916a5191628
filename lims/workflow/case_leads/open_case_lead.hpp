// Opening a case lead (案件线索) for the enforcement unit with jurisdiction over the
// subject entity, with the decision clock started (15 working days, 市场监督管理行政处罚
// 程序规定 arts. 18–20). Called inside the caller's Transaction by report issuance
// (nonconforming result), by the cold-chain excursion workflow and by the manual route.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::case_leads {

struct NewCaseLead {
    store::CaseLeadSource source = store::CaseLeadSource::manual;
    std::int64_t subject_entity_id = 0;  // required: whose conduct the lead is about; picks the unit
    std::optional<std::int64_t> manufacturer_entity_id;
    std::string manufacturer_name;  // as labelled
    std::optional<std::int64_t> product_id;
    std::string product_name;
    std::string batch_number;
    std::optional<std::int64_t> sample_id;
    std::optional<std::int64_t> report_id;
    std::optional<std::int64_t> logger_id;
    std::string summary;
    // Failing items ({"含量测定", "88.2%; 标准规定 95.0–105.0%"}) or excursion figures
    // ({"heat excursion", "max 12.4 °C, 11 h above 8 °C"}).
    std::vector<store::CaseLeadFinding> findings;
    // Links to the evidence: {"sample", "2026-310115-...", ...}, {"raw_message", "42"}, ...
    std::vector<store::EvidenceLink> evidence;
    // When the lead was discovered or received; the clock starts here. Empty: now.
    std::optional<domain::Instant> received_at;
};

// Errors: case_lead.subject_required, case_lead.subject_unknown,
// case_lead.no_enforcement_unit (no enforcement unit at or above the subject's
// jurisdiction), case_lead.finding (a finding without its item), case_lead.evidence (a
// link without kind or reference), transition.* (roles), calendar.year_not_loaded.
domain::Result<store::CaseLeadRecord> open_case_lead(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                     const NewCaseLead& lead, const Actor& actor);

// A lead opened by hand (POST /api/v1/case-leads) by an enforcement officer, in its own
// transaction: the subject must be an entity the officer's unit answers for (the
// enforcement unit open_case_lead assigns lies in the officer's subtree). Another unit's
// entity, one without an enforcement unit and one that does not exist are refused alike as
// the field subject_entity_id (subject_entity_id.not_in_jurisdiction); nothing is written.
domain::Result<store::CaseLeadRecord> open_manual_case_lead(store::Database& db, const domain::WorkingCalendar& calendar,
                                                            const NewCaseLead& lead, const Actor& actor);

}  // namespace lims::workflow::case_leads
