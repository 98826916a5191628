// Case leads (案件线索) as stored: who they are about, what was found, links to the
// evidence, the responsible enforcement unit, the state and the decision clock. Written
// by the case-lead workflow (open, transitions, extension, withdrawal) in its Transaction.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

enum class CaseLeadSource { nonconforming_result, cold_chain_break, manual };
std::string to_string(CaseLeadSource source);
std::optional<CaseLeadSource> case_lead_source_from(const std::string& text);

// A failing item or an excursion figure, as the enforcement officer reads it.
struct CaseLeadFinding {
    std::string item;    // "含量测定", "heat excursion"
    std::string detail;  // "88.2%; 标准规定 95.0–105.0%"
};

// A link to a piece of evidence held in the system.
struct EvidenceLink {
    std::string kind;  // sample, custody, raw_message, report, excursion, readings, complaint, ...
    std::string ref;   // the record's business number or id
    std::string label;
};

struct CaseLeadRecord {
    std::int64_t id = 0;
    std::string number;
    CaseLeadSource source = CaseLeadSource::manual;
    std::optional<std::int64_t> sample_id;
    std::optional<std::int64_t> report_id;
    std::optional<std::int64_t> entity_id;  // the subject entity
    std::optional<std::int64_t> logger_id;
    std::optional<std::int64_t> manufacturer_entity_id;
    std::string manufacturer_name;
    std::optional<std::int64_t> product_id;
    std::string product_name;
    std::string batch_number;
    std::string summary;
    std::vector<CaseLeadFinding> findings;
    std::vector<EvidenceLink> evidence;
    std::int64_t assigned_org_id = 0;
    std::string state;
    std::string received_at;  // the clock starts here
    std::string deadline_at;  // decision due (first instant past due)
    // Counted through a provisional calendar year (statutory days only): recomputed when
    // the year's official calendar is loaded (workflow/case_leads/recompute_deadlines).
    bool deadline_provisional = false;
    bool extended = false;
    std::optional<std::string> extension_approval;
    std::optional<std::string> decision;  // filed, not_filed, transferred, withdrawn
    std::optional<std::string> decision_reason;
    std::optional<std::string> receiving_body;
    std::optional<std::string> approval;
    std::optional<std::string> reference;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
};

struct CaseLeadQuery {
    std::optional<std::int64_t> assigned_org_id;
    // Jurisdiction: leads assigned to an organisation of this subtree (an organisation path, "/1/4/").
    std::optional<std::string> within_org_path;
    std::optional<std::string> state;
    std::optional<std::int64_t> sample_id;
    std::optional<std::string> due_before;  // overdue scan: deadline_at <= this, still undecided
    std::int64_t after_id = 0;
    int limit = 50;
};

struct CaseLeadPage {
    std::vector<CaseLeadRecord> items;
    std::optional<std::int64_t> next_after_id;
};

class CaseLeadRepository {
public:
    static constexpr int max_page_size = 500;

    explicit CaseLeadRepository(Transaction& tx) : tx_(tx) {}

    // Numbers the lead ("XS2026-000001", per year) and audits "case_lead.open".
    StoreResult<CaseLeadRecord> create(const CaseLeadRecord& lead, const std::string& actor);
    StoreResult<CaseLeadRecord> get(std::int64_t id);
    StoreResult<CaseLeadRecord> get_by_number(const std::string& number);
    std::vector<CaseLeadRecord> for_sample(std::int64_t sample_id);

    // Writes the mutable fields of `lead` (state, deadline, decision fields) as the next
    // version when the stored one is still `lead.version`; conflict otherwise. Audited
    // with `action` and `reason`.
    StoreResult<CaseLeadRecord> update(const CaseLeadRecord& lead, const std::string& action,
                                       const std::string& reason, const std::string& actor);

    StoreResult<CaseLeadPage> list(const CaseLeadQuery& query);

    // The enforcement unit responsible for an entity: the organisation with jurisdiction
    // over it if that is an enforcement unit, else an active enforcement unit directly
    // under it, else the same search one level up. not_found names the entity.
    StoreResult<std::int64_t> responsible_enforcement_unit(std::int64_t entity_id);

private:
    Transaction& tx_;
};

std::string to_json(const CaseLeadRecord& lead);

}  // namespace lims::store
