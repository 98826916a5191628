// Test reports (检验报告书) as stored: number, sample, round (first or 复验), state in the
// domain's report machine, conclusion, the approved content and its hashes. Written by
// the review workflow's draft, approve and issue use cases in their Transaction.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct ReportRecord {
    std::int64_t id = 0;
    std::string number;
    std::int64_t sample_id = 0;
    std::string state;
    int round = 1;
    std::optional<std::int64_t> supersedes_report_id;
    std::optional<std::string> conclusion;  // conforms, does_not_conform
    bool serious_risk = false;
    std::string content_json;                   // particulars, items and verdicts as judged
    std::optional<std::string> content_sha256;  // the printed document's hash (QR, /verify)
    std::optional<std::string> pdf_sha256;
    std::optional<std::int64_t> approved_by;
    std::optional<std::string> approved_at;
    std::optional<std::int64_t> issued_by;
    std::optional<std::string> issued_at;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
};

class ReportRepository {
public:
    explicit ReportRepository(Transaction& tx) : tx_(tx) {}

    // Numbers the report ("JB2026-000001", per year, Beijing time) and audits "report.draft".
    StoreResult<ReportRecord> create(const ReportRecord& report, const std::string& actor);
    StoreResult<ReportRecord> get(std::int64_t id);
    StoreResult<ReportRecord> get_by_number(const std::string& number);
    std::vector<ReportRecord> for_sample(std::int64_t sample_id);

    // Writes the mutable fields as the next version when the stored one is still
    // `report.version` (conflict otherwise); audited with `action` and `reason`.
    StoreResult<ReportRecord> update(const ReportRecord& report, const std::string& action, const std::string& reason,
                                     const std::string& actor);

private:
    Transaction& tx_;
};

std::string to_json(const ReportRecord& report);

}  // namespace lims::store
