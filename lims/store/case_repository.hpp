// Cases (案件) as stored: filed (立案) from a case lead decided for filing, held by the lead's
// enforcement unit; the decision clock's facts (pauses, the one extension) with the deadline
// they give; risk-control measures; transfers to the police; the outcome. Written by the
// case workflow (lims/workflow/cases) in its Transaction; every change is a new version
// (revisions + audit trail), nothing is edited in place.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

// A time the decision clock stood (检测、检验、检疫、鉴定).
struct CasePause {
    std::string reason;  // testing, inspection, quarantine, expert_opinion
    std::string note;    // what was sent where ("样品送省药检院检验")
    std::string started_at;
    std::optional<std::string> ended_at;  // empty while it stands
    std::string started_by;
    std::optional<std::string> ended_by;
};

// A risk-control measure (风险控制措施): suspension of sale or use, recall, seizure.
struct CaseMeasure {
    std::int64_t id = 0;  // 1, 2, ... within the case
    std::string kind;     // suspend_sale, suspend_use, recall, seizure
    std::string started_at;
    std::string scope;            // what and how much ("批号 240301 共 120 盒")
    std::string document_number;  // the notice or decision (查封扣押决定书 number)
    // Seizure only: when the decision on the seized goods is due (30 days, once + 30).
    std::optional<std::string> decision_due_at;
    bool decision_due_provisional = false;
    std::optional<std::string> extended_at;
    std::optional<std::string> extension_reason;
    std::optional<std::string> extension_approver;
    std::optional<std::string> ended_at;
    std::optional<std::string> end_result;  // lifted, confiscated, destroyed, completed
    std::optional<std::string> end_note;
    std::string recorded_by;
    // Seizure only: while the seized goods are out for testing, inspection, quarantine or
    // technical appraisal the term does not run (行政强制法 第二十五条).
    std::vector<CasePause> pauses;
};

// A transfer to the police (移送公安): proposed, decided by the head, handed over.
struct CaseTransfer {
    std::string proposed_at;
    std::string grounds;  // the suspected offence and why
    std::string proposed_by;
    std::string decision_due_at;  // 3 days from the proposal
    bool decision_due_provisional = false;
    std::optional<std::string> decided_at;
    std::optional<std::string> decision;  // approved, refused
    std::optional<std::string> approver;
    std::optional<std::string> decision_note;
    std::optional<std::string> handover_due_at;  // 24 hours from approval
    std::optional<std::string> handed_over_at;
    std::optional<std::string> police_body;
    std::optional<std::string> handover_reference;  // the 移送书 number, the receipt
};

// A penalty on a responsible person (处罚到人).
struct PersonPenalty {
    std::string name;
    std::string position;  // 法定代表人, 主要负责人, 直接负责的主管人员 ...
    std::string penalty;   // "罚款", "十年内禁止从事药品生产经营活动"
    std::optional<std::string> amount;  // yuan, decimal text
};

// How the case ended.
struct CaseOutcome {
    std::string kind;  // penalty, no_penalty, withdrawn (撤案)
    std::string decided_at;
    std::string decision_number;  // 行政处罚决定书 number, when there is one
    std::optional<std::string> amount;  // penalty: yuan, decimal text
    std::string legal_basis;            // penalty (required), no_penalty (optional)
    std::string reason;                 // no_penalty, withdrawn (required)
    std::vector<PersonPenalty> persons;
    std::string approval;  // the head's recorded approval of the decision
    std::string recorded_by;
};

struct CaseRecord {
    std::int64_t id = 0;
    std::string number;  // AJ2026-000001
    std::int64_t lead_id = 0;
    std::string lead_number;  // read with the case
    std::int64_t assigned_org_id = 0;
    std::string state;  // filed, transfer_proposed, transfer_approved, transferred, decided
    std::string filed_at;
    std::string filing_approval;
    std::optional<std::string> deadline_at;  // empty while a pause stands
    bool deadline_provisional = false;
    std::optional<std::string> extended_at;
    std::optional<std::string> extension_reason;
    std::optional<std::string> extension_approver;
    std::vector<CasePause> pauses;
    std::vector<CaseMeasure> measures;
    std::vector<CaseTransfer> transfers;  // the last is the current one
    std::optional<CaseOutcome> outcome;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
};

struct CaseQuery {
    std::optional<std::string> within_org_path;  // "/1/4/": cases held by this subtree
    std::optional<std::string> state;
    std::optional<std::int64_t> lead_id;
    bool open_only = false;  // not decided
    std::int64_t after_id = 0;
    int limit = 50;
};

struct CasePage {
    std::vector<CaseRecord> items;
    std::optional<std::int64_t> next_after_id;
};

class CaseRepository {
public:
    static constexpr int max_page_size = 500;

    explicit CaseRepository(Transaction& tx) : tx_(tx) {}

    // Numbers the case ("AJ2026-000001", per `year` of filing, the local year the workflow
    // reads), records version 1 and audits "case.file". conflict when the lead already has
    // its case.
    StoreResult<CaseRecord> create(const CaseRecord& c, int year, const std::string& actor);
    StoreResult<CaseRecord> get(std::int64_t id);
    StoreResult<CaseRecord> get_by_number(const std::string& number);
    // Writes `c` as the next version when the stored one is still `c.version`; conflict
    // otherwise. Audited with `action` and `reason`.
    StoreResult<CaseRecord> update(const CaseRecord& c, const std::string& action, const std::string& reason,
                                   const std::string& actor);
    StoreResult<CasePage> list(const CaseQuery& query);

private:
    Transaction& tx_;
};

std::string to_json(const CaseRecord& c);

}  // namespace lims::store
